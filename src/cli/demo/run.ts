import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoJson, demoMarkdown, type DemoReport } from '../../report/demo.ts';
import type { TrainResult } from '../commands/train.ts';
import { buildReport } from './collect.ts';
import { prepareOut, type DemoOptions } from './options.ts';
import { assertSplits, checkTrainFolds, datasetStage, demoPaths, featuresStage, labelsStage, MODEL_KINDS, replayStage, simulateStage, splitStage, trainStage } from './stages.ts';

const STAGES = 9;

/** One line per stage on stderr: `demo [3/9] features: 145 features, 15,785 rows (11.9 s)`. */
class StageLog {
  private i = 0;
  readonly times: { name: string; seconds: number }[] = [];
  async run<T>(name: string, fn: () => Promise<T> | T, describe: (t: T) => string): Promise<T> {
    const k = ++this.i;
    const t0 = performance.now();
    if (process.stderr.isTTY) process.stderr.write(`demo [${k}/${STAGES}] ${name} …\n`);
    let r: T;
    try {
      r = await fn();
    } catch (e) {
      process.stderr.write(`demo [${k}/${STAGES}] ${name}: FAILED after ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      throw e;
    }
    const seconds = (performance.now() - t0) / 1000;
    this.times.push({ name, seconds: Number(seconds.toFixed(3)) });
    process.stderr.write(`demo [${k}/${STAGES}] ${name}: ${describe(r)} (${seconds.toFixed(1)} s)\n`);
    return r;
  }
}

const n = (x: number) => x.toLocaleString('en-US');

function lobkitVersion(): string | null {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/**
 * simulate → replay + integrity → features → labels → dataset (+ leak guard) → split check →
 * train logistic and GBDT (walk-forward, cost-aware evaluation of the out-of-sample predictions)
 * → report.json + report.md. Throws (a one-line InputError / UsageError) when a stage fails.
 */
export async function runDemo(o: DemoOptions): Promise<DemoReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  prepareOut(o.out);
  const p = demoPaths(o.out);
  const log = new StageLog();
  const sim = await log.run('simulate', () => simulateStage(o, p), (s) => `${n(s.events)} book events, ${n(s.trades)} trades, ${s.files.length} files (${(s.bytes / 1e6).toFixed(1)} MB)`);
  const replay = await log.run('replay', () => replayStage(o, sim.files), (r) => `${r.instruments.length} books, ${n(r.totals.messages)} messages, ${r.totals.failures} integrity failures`);
  const features = await log.run('features', () => featuresStage(o, p, sim.files), (f) => `${f.features} features, ${n(f.totals.rows)} rows`);
  const { labeled, files } = await log.run('labels', () => labelsStage(o, p), (l) => `${l.labeled[0].labels.length} labels on ${n(l.labeled.reduce((a, x) => a + x.frame.n, 0))} rows`);
  const dataset = await log.run('dataset', () => datasetStage(p, labeled, files), (d) => `${n(d.manifest.rows.kept)} rows, leak guard ${d.manifest.leakCheck ? `${n(d.manifest.leakCheck.pairs)} pairs clean` : 'off'}`);
  const splits = await log.run(
    'split check',
    () => {
      const s = splitStage(dataset, o.folds);
      assertSplits(s);
      return s;
    },
    (s) => `${o.folds} walk-forward folds × ${s.length} models verified, 0 violations`,
  );
  const models: TrainResult[] = [];
  for (const kind of MODEL_KINDS) {
    const r = await log.run(`train ${kind}`, () => trainStage(o, p, kind), (t) => {
      const auc = t.summary.rocAuc;
      return `AUC median ${auc ? auc.median.toFixed(3) : '-'} across ${t.folds.length} folds`;
    });
    checkTrainFolds(r, splits.find((s) => s.kind === kind)!);
    models.push(r);
  }
  const report = await log.run(
    'report',
    () => buildReport({ out: o.out, config: o, sim, replay, features, labeled, dataset, datasetDir: p.dataset, splits, models, stages: log.times, startedAt, seconds: 0, lobkitVersion: lobkitVersion() }),
    () => `${join(o.out, 'report.md')}, ${join(o.out, 'report.json')}`,
  );
  // Written last, so the files hold every stage's time (report.json is what --json prints).
  report.run.seconds = Number(((performance.now() - t0) / 1000).toFixed(3));
  writeFileSync(join(o.out, 'report.json'), demoJson(report));
  writeFileSync(join(o.out, 'report.md'), demoMarkdown(report));
  return report;
}
