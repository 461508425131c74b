import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { Frame } from '../../core/frame.ts';
import { combinedFrame, readDataset } from '../../dataset/build.ts';
import { readParquet, writeParquet } from '../../dataset/parquet.ts';
import { binaryProba, classificationMetrics, regressionMetrics } from '../../evaluation/metrics.ts';
import { checkData, loadArtifact, resolveArtifact } from '../../models/artifact/artifact.ts';
import { directionOf } from '../../models/ensemble.ts';
import { table } from '../text.ts';

interface PredictFlags {
  model: string;
  dataset: string;
  modelsDir: string;
  out?: string;
  symbol?: string[];
  json?: boolean;
}

export interface PredictResult {
  model: string;
  artifact: string;
  data: string;
  rows: number;
  /** Rows with at least one missing feature value (predicted all the same: trees route NaN, linear models impute the mean). */
  rowsWithMissing: number;
  score: { p5: number; p50: number; p95: number; mean: number };
  out: string | null;
  /** Metrics against the model's label when the data has it (in-sample when this is the training data). */
  metrics: Record<string, unknown> | null;
  inSample: boolean;
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description("Predict with a model artifact on a dataset (or a features Parquet file built with the same feature spec); refuses data built with another spec")
    .requiredOption('--model <ref>', 'artifact folder, or name / name@version under --models-dir')
    .requiredOption('--dataset <path>', 'dataset folder (lobkit dataset) or a Parquet file of features')
    .option('--models-dir <dir>', 'where artifacts live', 'models')
    .option('--out <file.parquet>', 'write predictions: ts, inst, score and p_0..p_{K-1} (classification) or pred (regression)')
    .option('--symbol <symbols...>', 'only these instruments of the dataset')
    .option('--json', 'print the result as JSON')
    .action(async (flags: PredictFlags) => {
      const r = await predictCommand(flags);
      process.stdout.write(flags.json ? JSON.stringify(r, null, 2) + '\n' : formatPredict(r));
    });
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
}

export async function predictCommand(flags: PredictFlags): Promise<PredictResult> {
  const art = loadArtifact(resolveArtifact(flags.model, flags.modelsDir));
  const man = art.manifest;
  const path = resolve(flags.dataset);
  if (!existsSync(path)) throw new UsageError(`--dataset ${flags.dataset}: no such file or folder`);
  let frame: Frame;
  let specHash: string | null | undefined;
  if (statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'manifest.json'))) throw new UsageError(`${flags.dataset}: a folder without manifest.json (not a lobkit dataset)`);
    const ds = await readDataset(path, { symbols: flags.symbol });
    if (ds.frames.length === 0) throw new UsageError(`no instruments${flags.symbol ? ` matching ${flags.symbol.join(', ')}` : ''} in ${flags.dataset}`);
    frame = combinedFrame(ds);
    specHash = ds.manifest.featureSpecHash;
  } else {
    frame = await readParquet(path);
    specHash = frame.meta.spec_hash;
  }
  checkData(art, { specHash, columns: frame.names }, flags.dataset);
  const model = art.model;
  const x = frame.matrix([...model.features]);
  const n = frame.n;
  const out = model.predict(x, n);
  const K = model.nOutputs;
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) score[i] = directionOf(model, out, i * K);
  let missing = 0;
  const p = model.features.length;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++)
      if (x[i * p + j] !== x[i * p + j]) {
        missing++;
        break;
      }
  const sorted = Float64Array.from(score).sort();
  let mean = 0;
  for (const v of score) mean += v / n;

  let metrics: Record<string, unknown> | null = null;
  const label = art.label.column;
  if (frame.has(label)) {
    const y = frame.col(label);
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (Number.isFinite(y[i])) rows.push(i);
    if (rows.length > 0) {
      if (model.task === 'regression') metrics = { ...regressionMetrics(Float64Array.from(rows, (i) => y[i]), Float64Array.from(rows, (i) => out[i])) };
      else {
        const classes = [...model.classes];
        const keep = rows.filter((i) => classes.includes(y[i]));
        const yc = Float64Array.from(keep, (i) => classes.indexOf(y[i]));
        const P = model.task === 'binary' ? binaryProba(Float64Array.from(keep, (i) => out[i])) : Float64Array.from({ length: keep.length * K }, (_, k) => out[keep[Math.floor(k / K)] * K + (k % K)]);
        const { calibration: _c, ...cm } = classificationMetrics(yc, P, { k: classes.length });
        metrics = { ...cm, rowsWithUnseenClass: rows.length - keep.length };
      }
    }
  }
  const ds = art.dataset as { path?: string } | null;
  const inSample = ds?.path !== undefined && resolve(ds.path) === path;

  if (flags.out) {
    const names = ['ts', 'inst', 'score'];
    const cols = [frame.has('ts') ? frame.col('ts') : Float64Array.from({ length: n }, (_, i) => i), frame.has('inst') ? frame.col('inst') : new Float64Array(n), score];
    if (model.task === 'regression') {
      names.push('pred');
      cols.push(Float64Array.from(out));
    } else if (model.task === 'binary') {
      names.push('p_0', 'p_1');
      cols.push(Float64Array.from(out, (v) => 1 - v), Float64Array.from(out));
    } else
      for (let k = 0; k < K; k++) {
        names.push(`p_${k}`);
        cols.push(Float64Array.from({ length: n }, (_, i) => out[i * K + k]));
      }
    const meta: Record<string, string> = { model: `${man.name}@${man.version}`, classes: JSON.stringify(model.classes) };
    if (frame.meta.venue) meta.venue = frame.meta.venue;
    if (frame.meta.symbol) meta.symbol = frame.meta.symbol;
    await writeParquet(flags.out, new Frame(names, cols, n, meta));
  }
  return {
    model: `${man.name}@${man.version}`,
    artifact: art.dir,
    data: path,
    rows: n,
    rowsWithMissing: missing,
    score: { p5: quantile(sorted, 0.05), p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), mean },
    out: flags.out ? resolve(flags.out) : null,
    metrics,
    inSample,
  };
}

const f4 = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : String(v ?? ''));

export function formatPredict(r: PredictResult): string {
  let s = `${r.model}: ${r.rows} rows predicted (${r.rowsWithMissing} with missing features)\n`;
  s += `score (direction in [-1, 1], or the prediction): p5 ${f4(r.score.p5)}  p50 ${f4(r.score.p50)}  p95 ${f4(r.score.p95)}  mean ${f4(r.score.mean)}\n`;
  if (r.metrics) {
    const keys = ['rocAuc', 'logLoss', 'accuracy', 'balancedAccuracy', 'macroF1', 'ic', 'rankIc', 'rmse', 'r2', 'hitRate'].filter((k) => k in r.metrics!);
    s += `\nagainst the label${r.inSample ? ' (IN-SAMPLE: this is the training dataset; see the artifact\'s out-of-sample metrics)' : ''}:\n`;
    s += table(keys, [keys.map((k) => f4(r.metrics![k]))]);
  }
  if (r.out) s += `\npredictions: ${r.out}\n`;
  return s;
}
