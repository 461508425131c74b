import { relative } from 'node:path';
import type { Dataset } from '../../dataset/build.ts';
import { combinedFrame } from '../../dataset/build.ts';
import type { Distribution } from '../../evaluation/folds.ts';
import type { LabeledFrame } from '../../labels/label-frame.ts';
import { loadArtifact } from '../../models/artifact/artifact.ts';
import { toDist, type DemoModel, type DemoReport, type DemoTrading, type Dist } from '../../report/demo.ts';
import type { SimulationSummary } from '../../synth/index.ts';
import type { FeaturesResult } from '../commands/features.ts';
import { topFeatures } from '../commands/models.ts';
import type { ReplayResult } from '../commands/replay.ts';
import type { TrainResult } from '../commands/train.ts';
import { DEMO_EVAL_LABEL, DEMO_LABEL, DEMO_VENUE, MODEL_PARAMS, type SplitCheck } from './stages.ts';

const EMPTY: Dist = { mean: NaN, median: NaN, min: NaN, max: NaN, n: 0 };
const d = (x: Distribution | undefined): Dist => (x ? { mean: x.mean, median: x.median, min: x.min, max: x.max, n: x.n } : EMPTY);
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/** Share of the most frequent class among a fold's test rows (confusion[true][predicted]). */
function majorityShare(confusion: unknown): number {
  if (!Array.isArray(confusion)) return NaN;
  let n = 0;
  let best = 0;
  for (const row of confusion as number[][]) {
    const s = row.reduce((a, b) => a + b, 0);
    n += s;
    best = Math.max(best, s);
  }
  return n > 0 ? best / n : NaN;
}

export function collectModel(r: TrainResult, out: string): DemoModel {
  const ev = r.evaluation;
  // IC per fold: the out-of-sample score against the evaluation label, weighted over instruments by test rows.
  const icOf = (fold: number, key: 'ic' | 'rankIc'): number => {
    let s = 0;
    let w = 0;
    for (const inst of ev?.instruments ?? []) {
      const f = inst.folds.find((x) => x.fold === fold);
      if (f && Number.isFinite(f[key])) {
        s += f[key] * f.testRows;
        w += f.testRows;
      }
    }
    return w > 0 ? s / w : NaN;
  };
  const folds = r.folds.map((f) => ({
    fold: f.fold,
    trainRows: f.trainRows,
    testRows: f.testRows,
    testStart: f.testStart,
    testEnd: f.testEnd,
    auc: num(f.metrics.rocAuc),
    logLoss: num(f.metrics.logLoss),
    accuracy: num(f.metrics.accuracy),
    majority: majorityShare(f.metrics.confusion),
    ic: icOf(f.fold, 'ic'),
    rankIc: icOf(f.fold, 'rankIc'),
  }));
  const col = (k: keyof (typeof folds)[number]) => toDist(folds.map((f) => f[k] as number));
  const trading: DemoTrading[] = [];
  for (const inst of ev?.instruments ?? []) {
    for (const [scenario, t] of Object.entries(inst.summary.trades)) {
      const h = t.honest;
      trading.push({
        venue: inst.venue,
        symbol: inst.symbol,
        scenario,
        trades: d(h.trades),
        tradesPerDay: d(h.tradesPerDay),
        grossBpsPerTrade: d(h.grossBpsPerTrade),
        bpsPerTrade: d(h.bpsPerTrade),
        totalBps: d(h.totalBps),
        winRate: d(h.winRate),
        costBps: (h['costBps.spread']?.median ?? NaN) + (h['costBps.fees']?.median ?? NaN) + (h['costBps.slippage']?.median ?? 0),
        oracleBpsPerTrade: d(t.oracle.bpsPerTrade),
      });
    }
  }
  // Loading the artifact checks every file's sha256: the demo reports only artifacts that load.
  const art = loadArtifact(r.artifact);
  return {
    kind: r.model,
    name: r.manifest.name,
    version: r.manifest.version,
    artifact: relative(out, r.artifact),
    gitSha: r.manifest.gitSha ?? null,
    label: r.label,
    task: r.task,
    classes: r.classes,
    features: r.features,
    folds,
    summary: { auc: col('auc'), logLoss: col('logLoss'), accuracy: col('accuracy'), majority: col('majority'), ic: col('ic'), rankIc: col('rankIc') },
    trading,
    topFeatures: topFeatures(art, 10).map((x) => ({ name: x.feature, value: x.value })),
    finalRows: r.final.rows,
  };
}

export interface Collected {
  out: string;
  config: { seed: number | string; hours: number; symbols: string[]; folds: number };
  sim: SimulationSummary;
  replay: ReplayResult;
  features: FeaturesResult;
  labeled: LabeledFrame[];
  dataset: Dataset;
  datasetDir: string;
  splits: SplitCheck[];
  models: TrainResult[];
  stages: { name: string; seconds: number }[];
  startedAt: string;
  seconds: number;
  lobkitVersion: string | null;
}

export function buildReport(c: Collected): DemoReport {
  const rel = (p: string) => relative(c.out, p);
  const m = c.dataset.manifest;
  const frame = combinedFrame(c.dataset);
  const y = frame.col(DEMO_LABEL);
  const classes: Record<string, number> = {};
  let labelled = 0;
  for (const v of y) {
    if (!Number.isFinite(v)) continue;
    classes[String(v)] = (classes[String(v)] ?? 0) + 1;
    labelled++;
  }
  const top = m.leakCheck?.strongest[0];
  const ev = c.models[0]?.evaluation;
  const violations = c.splits.flatMap((s) => s.violations.map((v) => `${s.kind}: ${v}`));
  const integrityFailures = c.replay.totals.failures;
  return {
    format: 'lobkit-demo-report',
    version: 1,
    ok: integrityFailures === 0 && c.replay.totals.badLines === 0 && violations.length === 0 && c.models.length > 0,
    config: {
      venue: DEMO_VENUE,
      seed: c.config.seed,
      hours: c.config.hours,
      start: c.sim.start,
      symbols: c.config.symbols,
      folds: c.config.folds,
      split: 'walk-forward',
      label: DEMO_LABEL,
      evalLabel: DEMO_EVAL_LABEL,
      holdSeconds: (ev?.instruments[0]?.horizon ?? NaN) / 1e9,
      fees: ev?.fees ?? { makerBps: NaN, takerBps: NaN, source: 'none' },
      params: MODEL_PARAMS,
    },
    data: {
      files: c.sim.symbols.flatMap((s) => s.files.map((f) => ({ path: rel(f.path), bytes: f.bytes }))),
      bookEvents: c.sim.events,
      trades: c.sim.trades,
      frames: c.sim.frames,
      badLines: c.replay.totals.badLines,
      fileErrors: c.replay.totals.fileErrors,
      integrityFailures,
      instruments: c.replay.instruments.map((i) => ({
        venue: i.venue,
        symbol: i.symbol,
        messages: i.messages,
        bookUpdates: i.bookUpdates,
        trades: i.trades,
        seconds: i.seconds,
        gaps: i.gaps,
        resyncs: i.resyncs,
        crossed: i.crossed,
        locked: i.locked,
        disordered: i.disordered,
        checksumFailed: i.checksum.failed,
        bboCompared: i.bbo.compared,
        bboMismatched: i.bbo.mismatched,
        spreadBpsP50: i.spreadBps.p50,
        failures: i.failures,
      })),
    },
    features: { specHash: c.features.spec_hash, count: c.features.features, rows: c.features.totals.rows, warmRows: c.features.totals.warmRows, files: c.features.totals.files },
    labels: { specHash: m.labelSpecHash, labels: m.columns.labels, target: DEMO_LABEL, classes, rows: labelled },
    dataset: {
      dir: rel(c.datasetDir),
      manifest: rel(`${c.datasetDir}/manifest.json`),
      inputRows: m.rows.input,
      rows: m.rows.kept,
      excluded: { warmup: m.rows.warmup, invalid: m.rows.invalid, unlabeled: m.rows.unlabeled },
      features: m.columns.features.length,
      leakCheck: m.leakCheck ? { pairs: m.leakCheck.pairs, strongest: top ? { feature: top.feature, label: top.label, pearson: top.pearson, spearman: top.spearman } : null } : null,
    },
    split: { kind: 'walk-forward', mode: 'expanding', folds: c.config.folds, embargoNs: 0, verified: violations.length === 0, violations },
    models: c.models.map((r) => collectModel(r, c.out)),
    run: { out: c.out, startedAt: c.startedAt, seconds: c.seconds, stages: c.stages, lobkitVersion: c.lobkitVersion, node: process.versions.node },
  };
}
