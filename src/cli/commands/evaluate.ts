import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, UsageError } from '../../core/errors.ts';
import type { Frame } from '../../core/frame.ts';
import { readDataset } from '../../dataset/build.ts';
import { readParquet } from '../../dataset/parquet.ts';
import { evaluateSignal, labelHorizon, type Evaluation } from '../../evaluation/evaluate.ts';
import { feeScenarios, resolveFees } from '../../evaluation/costs.ts';
import type { Distribution } from '../../evaluation/folds.ts';
import { humanDuration, parseDuration } from '../../labels/duration.ts';
import { table } from '../text.ts';

interface EvaluateFlags {
  dataset: string;
  signal?: string;
  predictions?: string;
  score?: string;
  label?: string;
  horizon?: string;
  split: string;
  folds: string;
  /** Library callers only (lobkit train): passed to the split; test blocks do not depend on them. */
  embargo?: string;
  mode?: string;
  fees?: string;
  makerBps?: string;
  takerBps?: string;
  size: string;
  threshold: string;
  thresholds?: string;
  classLabel?: string;
  symbol?: string[];
  json?: boolean;
  out?: string;
}

export interface EvaluateResult {
  dataset: string;
  signal: string;
  fees: { makerBps: number; takerBps: number; source: string };
  size: number;
  instruments: ({ venue: string; symbol: string; rows: number } & Evaluation)[];
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('Honest, cost-aware evaluation of a signal on a dataset, fold by fold: IC and its decay, classification metrics, non-overlapping trades beside the overlapping trap, oracle direction, threshold sweep')
    .requiredOption('--dataset <dir>', 'dataset folder written by lobkit dataset')
    .option('--signal <column>', 'a dataset column to evaluate as the signal (e.g. a feature)')
    .option('--predictions <file>', 'Parquet of out-of-sample predictions: ts, optional fold and inst, and score or p_0..p_{K-1}')
    .option('--score <column>', 'prediction column to trade on (default: score, else p_up − p_down from class probabilities)')
    .option('--label <column>', 'forward-return label to judge against; its horizon is the holding time (default fwd_ret_10s, else the first fwd_ret_*)')
    .option('--horizon <duration>', 'holding time when the label name does not tell it')
    .option('--split <kind>', "test blocks when the predictions carry no fold: walk-forward (the folds' test blocks after the first training block) or purged-kfold (every block)", 'walk-forward')
    .option('--folds <n>', 'number of folds', '5')
    .option('--fees <venue>', "fee schedule of a venue (default: the dataset's venue)")
    .option('--maker-bps <bps>', 'maker fee, bps (overrides the schedule)')
    .option('--taker-bps <bps>', 'taker fee, bps (overrides the schedule)')
    .option('--size <qty>', 'order size in base units (walks the book when the dataset has depth columns); 0 = touch only', '0')
    .option('--threshold <x>', 'trade when |signal| > x', '0')
    .option('--thresholds <list>', 'comma-separated thresholds for the sweep (default: 0 and percentiles of |signal|)')
    .option('--class-label <column>', 'class label that p_0..p_{K-1} predict (default fwd_dir_<same horizon>)')
    .option('--symbol <symbols...>', 'only these instruments')
    .option('--out <file>', 'also write the full JSON result to this file')
    .option('--json', 'print the full JSON result on stdout')
    .action(async (flags: EvaluateFlags) => {
      const r = await evaluateCommand(flags);
      if (flags.out) writeFileSync(flags.out, JSON.stringify(r, null, 2) + '\n');
      process.stdout.write(flags.json ? JSON.stringify(r, null, 2) + '\n' : formatEvaluate(r));
    });
}

function num(v: string, name: string, min = -Infinity): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x < min) throw new UsageError(`${name} must be a number${min > -Infinity ? ` >= ${min}` : ''}, got ${v}`);
  return x;
}

interface Predictions {
  frame: Frame;
  file: string;
}

/** Aligns prediction rows to an instrument's dataset rows by ts (same order for equal times); missing rows are NaN. */
function align(pred: Predictions, ds: Frame, instIndex: number, cols: string[]): Float64Array[] {
  const p = pred.frame;
  const pts = p.col('ts');
  const inst = p.has('inst') ? p.col('inst') : undefined;
  const venueOk = (p.meta.venue === undefined || p.meta.venue === ds.meta.venue) && (p.meta.symbol === undefined || p.meta.symbol === ds.meta.symbol);
  const rows: number[] = [];
  if (venueOk) for (let i = 0; i < p.n; i++) if (inst === undefined || inst[i] === instIndex) rows.push(i);
  rows.sort((a, b) => pts[a] - pts[b] || a - b);
  const ts = ds.col('ts');
  const out = cols.map(() => new Float64Array(ds.n).fill(NaN));
  const src = cols.map((c) => p.col(c));
  let k = 0;
  let matched = 0;
  for (let i = 0; i < ds.n; i++) {
    while (k < rows.length && pts[rows[k]] < ts[i]) k++;
    if (k < rows.length && pts[rows[k]] === ts[i]) {
      for (let c = 0; c < cols.length; c++) out[c][i] = src[c][rows[k]];
      k++;
      matched++;
    }
  }
  if (matched === 0) throw new InputError(`no prediction row matches a row of ${ds.meta.venue}:${ds.meta.symbol} by ts (predictions for another dataset?)`, { file: pred.file });
  return out;
}

export async function evaluateCommand(flags: EvaluateFlags): Promise<EvaluateResult> {
  if (!flags.signal === !flags.predictions) throw new UsageError('give exactly one of --signal <column> and --predictions <file>');
  const ds = await readDataset(flags.dataset, { symbols: flags.symbol });
  if (ds.frames.length === 0) throw new UsageError(`no instruments${flags.symbol ? ` matching ${flags.symbol.join(', ')}` : ''} in ${flags.dataset}`);
  const labels = ds.manifest.columns.labels;
  const label = flags.label ?? (labels.includes('fwd_ret_10s') ? 'fwd_ret_10s' : labels.find((l) => l.startsWith('fwd_ret_') && labelHorizon(l) !== undefined));
  if (!label) throw new UsageError('the dataset has no time-return label (fwd_ret_<h>); give --label and --horizon');
  if (!labels.includes(label)) throw new UsageError(`--label ${label}: not a label of this dataset (have ${labels.filter((l) => l.startsWith('fwd_ret')).join(', ')})`);
  const horizon = flags.horizon ? parseDuration(flags.horizon, '--horizon') : undefined;
  const venue = flags.fees ?? ds.manifest.instruments[0]?.venue;
  const fees = resolveFees(venue, flags.makerBps !== undefined ? num(flags.makerBps, '--maker-bps') : undefined, flags.takerBps !== undefined ? num(flags.takerBps, '--taker-bps') : undefined);
  const size = num(flags.size, '--size', 0);
  const costs = feeScenarios(fees, size);
  const folds = num(flags.folds, '--folds', 1);
  if (flags.split !== 'walk-forward' && flags.split !== 'purged-kfold') throw new UsageError(`--split must be walk-forward or purged-kfold, got ${flags.split}`);
  const thresholds = flags.thresholds?.split(',').map((t) => num(t.trim(), '--thresholds', 0));
  const pred: Predictions | undefined = flags.predictions ? { frame: await readParquet(flags.predictions), file: flags.predictions } : undefined;
  if (pred && !pred.frame.has('ts')) throw new InputError('predictions need a "ts" column', { file: pred.file });
  if (pred && ds.frames.length > 1 && !pred.frame.has('inst') && pred.frame.meta.symbol === undefined) {
    throw new UsageError(`the dataset holds ${ds.frames.length} instruments and the predictions say neither which (no "inst" column, no venue/symbol metadata): add one, or pick an instrument with --symbol`);
  }
  const probCols = pred ? pred.frame.names.filter((n) => /^p_\d+$/.test(n)).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2))) : [];
  let scoreCol = flags.score;
  if (pred && !scoreCol) {
    if (pred.frame.has('score')) scoreCol = 'score';
    else if (probCols.length < 2) throw new InputError('predictions need a score column (--score) or class probabilities p_0..p_{K-1}', { file: pred.file });
  }
  if (pred && scoreCol && !pred.frame.has(scoreCol)) throw new InputError(`no column "${scoreCol}" in the predictions`, { file: pred.file });
  const h = labelHorizon(label);
  const classLabel = flags.classLabel ?? (h !== undefined ? label.replace(/^fwd_ret_/, 'fwd_dir_') : undefined);
  const instruments: EvaluateResult['instruments'] = [];
  for (const frame of ds.frames) {
    const instIndex = ds.manifest.instruments.findIndex((e) => e.venue === frame.meta.venue && e.symbol === frame.meta.symbol);
    let signal: Float64Array;
    let fold: Float64Array | undefined;
    let proba: Parameters<typeof evaluateSignal>[2]['proba'];
    if (!pred) {
      if (!frame.has(flags.signal!)) throw new UsageError(`--signal ${flags.signal}: no such column in the dataset (features: ${ds.manifest.columns.features.slice(0, 10).join(', ')}${ds.manifest.columns.features.length > 10 ? ', ...' : ''})`);
      if (flags.signal!.startsWith('fwd_')) throw new UsageError(`--signal ${flags.signal} is a label: evaluating the future against itself proves nothing`);
      signal = frame.col(flags.signal!);
    } else {
      const cols = [...(scoreCol ? [scoreCol] : []), ...probCols, ...(pred.frame.has('fold') ? ['fold'] : [])];
      const al = align(pred, frame, instIndex, cols);
      let c = 0;
      const score = scoreCol ? al[c++] : undefined;
      const ps = probCols.map(() => al[c++]);
      if (pred.frame.has('fold')) fold = al[c++];
      if (ps.length >= 2) {
        const k = ps.length;
        const values = new Float64Array(frame.n * k);
        for (let i = 0; i < frame.n; i++) for (let j = 0; j < k; j++) values[i * k + j] = ps[j][i];
        if (classLabel && frame.has(classLabel)) proba = { values, k, label: classLabel, classes: k === 3 ? [-1, 0, 1] : undefined };
        if (!score) signal = Float64Array.from({ length: frame.n }, (_, i) => ps[k - 1][i] - ps[0][i]);
      }
      signal = score ?? signal!;
    }
    const ev = evaluateSignal(frame, signal, {
      label,
      horizon,
      fold,
      split: { kind: flags.split, folds, embargo: flags.embargo ? parseDuration(flags.embargo, '--embargo') : 0, mode: flags.mode === 'rolling' ? 'rolling' : 'expanding' },
      costs,
      thresholds,
      threshold: num(flags.threshold, '--threshold', 0),
      proba,
    });
    instruments.push({ venue: frame.meta.venue, symbol: frame.meta.symbol, rows: frame.n, ...ev });
  }
  return { dataset: flags.dataset, signal: flags.signal ?? `${flags.predictions}${scoreCol ? `:${scoreCol}` : ':p_up-p_down'}`, fees: fees, size, instruments };
}

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const dist = (x: Distribution | undefined, d = 2) => (x === undefined || x.n === 0 ? '-' : `${f(x.median, d)} [${f(x.min, d)}, ${f(x.max, d)}]`);

export function formatEvaluate(r: EvaluateResult): string {
  let s = `signal ${r.signal}; fees ${r.fees.source}: maker ${r.fees.makerBps} bps, taker ${r.fees.takerBps} bps; size ${r.size || 'touch'}\n`;
  s += 'every figure: median [min, max] across folds\n';
  for (const inst of r.instruments) {
    const sm = inst.summary;
    s += `\n${inst.venue} ${inst.symbol}: ${inst.rows} rows, ${inst.folds.length} folds, label ${inst.label}, hold ${humanDuration(inst.horizon)}, threshold ${inst.threshold}\n`;
    s += `IC ${dist(sm.ic, 4)}   rank IC ${dist(sm.rankIc, 4)}\n\n`;
    s += table(
      ['IC decay', 'IC', 'rank IC'],
      sm.icDecay.map((d) => [d.label, dist(d.ic, 4), dist(d.rankIc, 4)]),
    );
    if (sm.classification) {
      const c = sm.classification;
      s += `\naccuracy ${dist(c.accuracy, 3)}  balanced ${dist(c.balancedAccuracy, 3)}  macro-F1 ${dist(c.macroF1, 3)}  log loss ${dist(c.logLoss, 3)}  ROC AUC ${dist(c.rocAuc, 3)}  PR AUC ${dist(c.prAuc, 3)}\n`;
    }
    const rows: string[][] = [];
    for (const [name, t] of Object.entries(sm.trades)) {
      for (const kind of ['honest', 'overlapping', 'oracle'] as const) {
        const x = t[kind];
        rows.push([
          kind === 'honest' ? name : '',
          kind === 'honest' ? 'non-overlapping' : kind === 'overlapping' ? 'overlapping (trap)' : 'oracle direction',
          dist(x.trades, 0),
          dist(x.tradesPerDay, 0),
          dist(x.bpsPerTrade),
          dist(x.winRate),
          dist(x.totalBps, 0),
          dist(x.sharpePerTrade),
          dist(x.maxConcurrent, 0),
        ]);
      }
    }
    s += '\n' + table(['fees', 'simulation', 'trades', 'per day', 'bps/trade', 'win rate', 'total bps', 'sharpe/trade', 'max open'], rows);
    const first = Object.keys(sm.sweep)[0];
    if (first) {
      s += `\nthreshold sweep (${first}, non-overlapping)\n`;
      s += table(
        ['threshold', 'trades/day', 'bps/trade', 'total bps', 'win rate'],
        sm.sweep[first].map((row) => [f(row.threshold, 4), dist(row.tradesPerDay, 0), dist(row.bpsPerTrade), dist(row.totalBps, 0), dist(row.winRate)]),
      );
    }
  }
  return s;
}
