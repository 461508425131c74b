import { UsageError } from '../core/errors.ts';
import type { Frame } from '../core/frame.ts';
import { purgedKFold, walkForward, type Fold } from '../dataset/splits.ts';
import { parseDuration } from '../labels/duration.ts';
import { LABEL_END } from '../labels/label-frame.ts';
import type { Costs } from './costs.ts';
import { summarizeFolds, type Distribution } from './folds.ts';
import { classIndex, classificationMetrics, ic, icDecay, type ClassificationMetrics, type IcPoint } from './metrics.ts';
import { defaultThresholds, oracleDirection, simulateTrades, thresholdSweep, type SimResult, type SweepRow } from './simulate.ts';

/** The horizon of a time-return label name (fwd_ret_10s → 10 s in ns), or undefined. */
export function labelHorizon(name: string): number | undefined {
  const m = /^fwd_(?:ret|dir|mfe|mae)_(\d+(?:\.\d+)?(?:ns|us|ms|s))$/.exec(name);
  return m ? parseDuration(m[1]) : undefined;
}

/** Time-return labels of a frame in horizon order (fwd_ret_1s, fwd_ret_5s, …): the IC-decay axis. */
export function returnLabels(frame: Frame): { name: string; horizon: number }[] {
  return frame.names
    .filter((n) => n.startsWith('fwd_ret_'))
    .map((name) => ({ name, horizon: labelHorizon(name) ?? NaN }))
    .filter((x) => Number.isFinite(x.horizon))
    .sort((a, b) => a.horizon - b.horizon);
}

export interface EvaluateOptions {
  /** Forward-return label the signal is judged against (its horizon is the holding time unless `horizon` is given). */
  label: string;
  horizon?: number;
  /** Out-of-sample fold per row (e.g. from training: NaN = not predicted). Without it, `split` cuts test blocks. */
  fold?: ArrayLike<number>;
  split?: { kind: 'walk-forward' | 'purged-kfold'; folds: number; embargo?: number; mode?: 'expanding' | 'rolling' };
  costs: Costs[];
  /** Thresholds for the sweep (default: 0 and percentiles of |signal|); the first is the simulation's threshold unless `threshold`. */
  thresholds?: number[];
  threshold?: number;
  /** Class probabilities (row-major n × K) and the class label they predict, for classification metrics. */
  proba?: { values: Float64Array; k: number; label: string; classes?: number[] };
}

export interface FoldEvaluation {
  fold: number;
  testRows: number;
  testStart: number;
  testEnd: number;
  ic: number;
  rankIc: number;
  icDecay: IcPoint[];
  classification?: ClassificationMetrics;
  /** Per cost scenario: the honest (non-overlapping) simulation and the overlapping trap beside it. */
  trades: Record<string, { honest: SimResult; overlapping: SimResult; oracle: SimResult }>;
  sweep: Record<string, SweepRow[]>;
}

export interface Evaluation {
  label: string;
  horizon: number;
  threshold: number;
  thresholds: number[];
  folds: FoldEvaluation[];
  /** Every numeric result as a distribution across folds (median, min, max, mean, per fold). */
  summary: {
    ic: Distribution;
    rankIc: Distribution;
    icDecay: { label: string; ic: Distribution; rankIc: Distribution }[];
    classification?: Record<string, Distribution>;
    trades: Record<string, { honest: Record<string, Distribution>; overlapping: Record<string, Distribution>; oracle: Record<string, Distribution> }>;
    sweep: Record<string, { threshold: number; tradesPerDay: Distribution; bpsPerTrade: Distribution; totalBps: Distribution; winRate: Distribution }[]>;
  };
}

function simSummary(r: SimResult): Record<string, unknown> {
  const { list: _list, costs: _c, overlapping: _o, ...rest } = r;
  return rest;
}

/** Test rows of each fold: from the fold column, or the split's test blocks. */
function testFolds(frame: Frame, opts: EvaluateOptions): { fold: number; rows: Int32Array; start: number; end: number }[] {
  const ts = frame.col('ts');
  if (opts.fold) {
    const byFold = new Map<number, number[]>();
    for (let i = 0; i < frame.n; i++) {
      const f = opts.fold[i];
      if (!Number.isFinite(f)) continue;
      let a = byFold.get(f);
      if (!a) byFold.set(f, (a = []));
      a.push(i);
    }
    if (byFold.size === 0) throw new UsageError('the fold column has no finite values: no out-of-sample rows to evaluate');
    return [...byFold.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([fold, rows]) => ({ fold, rows: Int32Array.from(rows), start: ts[rows[0]], end: ts[rows[rows.length - 1]] }));
  }
  const s = opts.split ?? { kind: 'walk-forward', folds: 5 };
  const end = frame.has(LABEL_END) ? frame.col(LABEL_END) : frame.col('ts');
  const folds: Fold[] = s.kind === 'purged-kfold' ? purgedKFold(ts, end, { folds: s.folds, embargo: s.embargo }) : walkForward(ts, end, { folds: s.folds, embargo: s.embargo, mode: s.mode });
  return folds.map((f) => ({ fold: f.fold, rows: f.test, start: f.testStart, end: f.testEnd }));
}

/**
 * Evaluates a signal (one value per row of one instrument's frame: a model's out-of-sample score or
 * a raw feature) fold by fold: IC and rank IC against the label, IC decay across every
 * fwd_ret_<h>, classification metrics when class probabilities are given, and for each cost
 * scenario the non-overlapping simulation, the overlapping one beside it, the oracle-direction
 * test and a threshold sweep — then every number as a distribution across folds.
 */
export function evaluateSignal(frame: Frame, signal: Float64Array, opts: EvaluateOptions): Evaluation {
  if (signal.length !== frame.n) throw new UsageError(`signal has ${signal.length} rows, data ${frame.n}`);
  if (!frame.has(opts.label)) throw new UsageError(`no label column "${opts.label}" (have: ${frame.names.filter((n) => n.startsWith('fwd_ret')).join(', ')})`);
  const horizon = opts.horizon ?? labelHorizon(opts.label);
  if (horizon === undefined) throw new UsageError(`cannot tell the holding time from label "${opts.label}": give the horizon`);
  if (opts.costs.length === 0) throw new UsageError('no cost scenarios given');
  const y = frame.col(opts.label);
  const decayLabels = returnLabels(frame).map((l) => ({ name: l.name, values: frame.col(l.name), horizon: l.horizon }));
  const folds = testFolds(frame, opts);
  const allRows = Int32Array.from(folds.flatMap((f) => Array.from(f.rows))).sort();
  const thresholds = opts.thresholds ?? defaultThresholds(signal, allRows);
  const threshold = opts.threshold ?? 0;
  let classes: number[] | undefined;
  if (opts.proba) {
    const p = opts.proba;
    if (!frame.has(p.label)) throw new UsageError(`no class label column "${p.label}"`);
    classes = p.classes;
    if (!classes) {
      const seen = new Set<number>();
      for (const v of frame.col(p.label)) if (Number.isFinite(v)) seen.add(v);
      classes = [...seen].sort((a, b) => a - b);
      if (classes.length !== p.k) throw new UsageError(`label "${p.label}" takes ${classes.length} values (${classes.join(', ')}) but there are ${p.k} probability columns: give the classes`);
    }
  }
  const out: FoldEvaluation[] = [];
  for (const f of folds) {
    const rows = f.rows;
    const sig = new Float64Array(rows.length);
    const yy = new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      sig[r] = signal[rows[r]];
      yy[r] = y[rows[r]];
    }
    const c = ic(sig, yy);
    const decay = icDecay(
      sig,
      decayLabels.map((l) => ({ name: l.name, horizon: l.horizon, values: Float64Array.from(rows, (i) => l.values[i]) })),
    );
    let classification: ClassificationMetrics | undefined;
    if (opts.proba && classes) {
      const k = opts.proba.k;
      const lab = frame.col(opts.proba.label);
      const yc = classIndex(Float64Array.from(rows, (i) => lab[i]), classes);
      const P = new Float64Array(rows.length * k);
      for (let r = 0; r < rows.length; r++) for (let j = 0; j < k; j++) P[r * k + j] = opts.proba.values[rows[r] * k + j];
      classification = classificationMetrics(yc, P, { k });
    }
    const trades: FoldEvaluation['trades'] = {};
    const sweep: FoldEvaluation['sweep'] = {};
    for (const cost of opts.costs) {
      const sim = { horizon, threshold, rows, keepTrades: false };
      trades[cost.name] = {
        honest: simulateTrades(signal, frame, cost, { ...sim, overlapping: false }),
        overlapping: simulateTrades(signal, frame, cost, { ...sim, overlapping: true }),
        oracle: oracleDirection(signal, frame, cost, sim),
      };
      delete trades[cost.name].oracle.list;
      sweep[cost.name] = thresholdSweep(signal, frame, cost, { horizon, rows, thresholds });
    }
    out.push({ fold: f.fold, testRows: rows.length, testStart: f.start, testEnd: f.end, ic: c.ic, rankIc: c.rankIc, icDecay: decay, classification, trades, sweep });
  }
  const dist = (xs: number[]) => summarizeFolds(xs.map((v) => ({ v }))).v;
  const summary: Evaluation['summary'] = {
    ic: dist(out.map((f) => f.ic)),
    rankIc: dist(out.map((f) => f.rankIc)),
    icDecay: decayLabels.map((l, k) => ({ label: l.name, ic: dist(out.map((f) => f.icDecay[k].ic)), rankIc: dist(out.map((f) => f.icDecay[k].rankIc)) })),
    trades: {},
    sweep: {},
  };
  if (opts.proba) {
    summary.classification = summarizeFolds(
      out.map((f) => {
        const { calibration: _c, confusion: _m, ...rest } = f.classification!;
        return rest;
      }),
    );
  }
  for (const cost of opts.costs) {
    summary.trades[cost.name] = {
      honest: summarizeFolds(out.map((f) => simSummary(f.trades[cost.name].honest))),
      overlapping: summarizeFolds(out.map((f) => simSummary(f.trades[cost.name].overlapping))),
      oracle: summarizeFolds(out.map((f) => simSummary(f.trades[cost.name].oracle))),
    };
    summary.sweep[cost.name] = thresholds.map((threshold, k) => ({
      threshold,
      tradesPerDay: dist(out.map((f) => f.sweep[cost.name][k].tradesPerDay)),
      bpsPerTrade: dist(out.map((f) => f.sweep[cost.name][k].bpsPerTrade)),
      totalBps: dist(out.map((f) => f.sweep[cost.name][k].totalBps)),
      winRate: dist(out.map((f) => f.sweep[cost.name][k].winRate)),
    }));
  }
  return { label: opts.label, horizon, threshold, thresholds, folds: out, summary };
}
