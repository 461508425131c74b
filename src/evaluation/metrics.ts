import { UsageError } from '../core/errors.ts';
import { pearson, ranks } from '../dataset/stats.ts';

/**
 * Classification and regression metrics, defined as scikit-learn defines them (the tests compare
 * against values sklearn computed): macro averages over the classes present in the true or
 * predicted labels, 0 where a precision/recall has no denominator, ROC AUC by the Mann-Whitney
 * statistic with tied scores counted half, PR AUC as average precision (step-wise, ties grouped),
 * calibration bins as `calibration_curve(strategy='uniform')` (bin i holds (i/B, (i+1)/B], the
 * first also 0).
 */

export interface ClassReport {
  class: number;
  precision: number;
  recall: number;
  f1: number;
  /** True rows of this class. */
  support: number;
  /** Rows predicted as this class. */
  predicted: number;
}

export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  meanPred: number;
  fracPos: number;
}

export interface Calibration {
  class: number;
  bins: CalibrationBin[];
  /** Expected calibration error: sum over bins of count/n × |fracPos − meanPred|. */
  ece: number;
}

export interface ClassificationMetrics {
  n: number;
  /** Rows skipped because the label or a probability was missing. */
  skipped: number;
  k: number;
  accuracy: number;
  balancedAccuracy: number;
  macroF1: number;
  perClass: ClassReport[];
  /** confusion[true][predicted]. */
  confusion: number[][];
  logLoss: number;
  /** Binary: AUC of class 1; multiclass: macro one-vs-rest. NaN when a class has no positives or no negatives. */
  rocAuc: number;
  rocAucPerClass: number[];
  /** Binary: average precision of class 1; multiclass: macro one-vs-rest. */
  prAuc: number;
  prAucPerClass: number[];
  /** Per class one-vs-rest (binary: class 1 only). */
  calibration: Calibration[];
}

/** Maps label values (e.g. -1 / 0 / +1) to class indices 0..K-1; other values (and NaN) become NaN. */
export function classIndex(y: ArrayLike<number>, classes: number[]): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const k = classes.indexOf(y[i]);
    out[i] = k < 0 ? NaN : k;
  }
  return out;
}

/** Row-major [1 - p, p] probabilities from P(class 1). */
export function binaryProba(p1: ArrayLike<number>): Float64Array {
  const out = new Float64Array(2 * p1.length);
  for (let i = 0; i < p1.length; i++) {
    out[2 * i] = 1 - p1[i];
    out[2 * i + 1] = p1[i];
  }
  return out;
}

/**
 * ROC AUC of scores for a binary target (1 = positive): the probability that a random positive
 * scores above a random negative, ties counting half. NaN without both classes.
 */
export function rocAuc(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = y.length;
  const s = Float64Array.from(score);
  const r = ranks(s);
  let pos = 0;
  let sumPos = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] === 1) {
      pos++;
      sumPos += r[i];
    }
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (sumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Average precision: sum over score thresholds (descending, ties grouped) of (R_t − R_{t−1}) × P_t. NaN without positives. */
export function averagePrecision(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
  let pos = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) pos++;
  if (pos === 0) return NaN;
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  let i = 0;
  while (i < n) {
    const s = score[idx[i]];
    while (i < n && score[idx[i]] === s) {
      if (y[idx[i]] === 1) tp++;
      else fp++;
      i++;
    }
    const recall = tp / pos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

/** Uniform calibration bins of P(positive) against the observed positive rate. */
export function calibrationBins(y: ArrayLike<number>, p: ArrayLike<number>, nBins = 10, cls = 1): Calibration {
  const count = new Float64Array(nBins);
  const sumP = new Float64Array(nBins);
  const sumY = new Float64Array(nBins);
  const step = 1 / nBins;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const v = p[i];
    // bin = number of inner edges (numpy linspace values k × step) strictly below v
    let b = 0;
    while (b < nBins - 1 && (b + 1) * step < v) b++;
    count[b]++;
    sumP[b] += v;
    sumY[b] += y[i] === 1 ? 1 : 0;
  }
  const bins: CalibrationBin[] = [];
  let ece = 0;
  for (let b = 0; b < nBins; b++) {
    if (count[b] === 0) continue;
    const meanPred = sumP[b] / count[b];
    const fracPos = sumY[b] / count[b];
    bins.push({ lo: b * step, hi: (b + 1) * step, count: count[b], meanPred, fracPos });
    ece += (count[b] / n) * Math.abs(fracPos - meanPred);
  }
  return { class: cls, bins, ece };
}

/**
 * Metrics of K-class probabilities `proba` (row-major n × K; the predicted class is the argmax,
 * first on ties) against true class indices `y` in 0..K-1. Rows with a NaN label or probability
 * are skipped and counted.
 */
export function classificationMetrics(y: ArrayLike<number>, proba: ArrayLike<number>, opts: { k?: number; bins?: number } = {}): ClassificationMetrics {
  const n0 = y.length;
  const k = opts.k ?? (n0 > 0 ? proba.length / n0 : 2);
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`classification metrics: ${proba.length} probabilities for ${n0} rows is not n × K with K >= 2`);
  if (proba.length !== n0 * k) throw new UsageError(`classification metrics: expected ${n0 * k} probabilities (${n0} rows × ${k} classes), got ${proba.length}`);
  const rows: number[] = [];
  for (let i = 0; i < n0; i++) {
    const c = y[i];
    if (!(Number.isInteger(c) && c >= 0 && c < k)) {
      if (c === c) throw new UsageError(`classification metrics: row ${i} has class ${c}, outside 0..${k - 1} (map labels with classIndex first)`);
      continue;
    }
    let ok = true;
    for (let j = 0; j < k; j++) if (!(proba[i * k + j] >= 0)) ok = false;
    if (ok) rows.push(i);
  }
  const n = rows.length;
  const yt = new Int32Array(n);
  const P = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    const i = rows[r];
    yt[r] = y[i];
    for (let j = 0; j < k; j++) P[r * k + j] = proba[i * k + j];
  }
  const pred = new Int32Array(n);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  let logLoss = 0;
  const eps = 1e-15;
  for (let r = 0; r < n; r++) {
    let best = 0;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const v = P[r * k + j];
      sum += Math.min(Math.max(v, eps), 1 - eps);
      if (v > P[r * k + best]) best = j;
    }
    pred[r] = best;
    confusion[yt[r]][best]++;
    if (best === yt[r]) correct++;
    logLoss -= Math.log(Math.min(Math.max(P[r * k + yt[r]], eps), 1 - eps) / sum);
  }
  const perClass: ClassReport[] = [];
  let recallSum = 0;
  let recallClasses = 0;
  let f1Sum = 0;
  let f1Classes = 0;
  for (let c = 0; c < k; c++) {
    const tp = confusion[c][c];
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += confusion[c][j];
      predicted += confusion[j][c];
    }
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ class: c, precision, recall, f1, support, predicted });
    if (support > 0) {
      recallSum += recall;
      recallClasses++;
    }
    if (support > 0 || predicted > 0) {
      f1Sum += f1;
      f1Classes++;
    }
  }
  const rocAucPerClass: number[] = [];
  const prAucPerClass: number[] = [];
  const calibration: Calibration[] = [];
  const col = new Float64Array(n);
  const bin = new Float64Array(n);
  for (let c = k === 2 ? 1 : 0; c < k; c++) {
    for (let r = 0; r < n; r++) {
      col[r] = P[r * k + c];
      bin[r] = yt[r] === c ? 1 : 0;
    }
    rocAucPerClass.push(rocAuc(bin, col));
    prAucPerClass.push(averagePrecision(bin, col));
    calibration.push(calibrationBins(bin, col, opts.bins ?? 10, c));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    n,
    skipped: n0 - n,
    k,
    accuracy: n ? correct / n : NaN,
    balancedAccuracy: recallClasses ? recallSum / recallClasses : NaN,
    macroF1: f1Classes ? f1Sum / f1Classes : NaN,
    perClass,
    confusion,
    logLoss: n ? logLoss / n : NaN,
    rocAuc: mean(rocAucPerClass),
    rocAucPerClass,
    prAuc: mean(prAucPerClass),
    prAucPerClass,
    calibration,
  };
}

export interface RegressionMetrics {
  n: number;
  skipped: number;
  rmse: number;
  mae: number;
  r2: number;
  /** Pearson correlation of prediction and target (the information coefficient). */
  ic: number;
  /** Spearman rank correlation. */
  rankIc: number;
  /** Share of rows where prediction and target have the same sign (rows where either is 0 excluded). */
  hitRate: number;
}

/** Finite pairs only. */
function pairs(a: ArrayLike<number>, b: ArrayLike<number>): [Float64Array, Float64Array] {
  if (a.length !== b.length) throw new UsageError(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]) && Number.isFinite(b[i])) m++;
  const x = new Float64Array(m);
  const y = new Float64Array(m);
  let w = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i])) {
      x[w] = a[i];
      y[w] = b[i];
      w++;
    }
  }
  return [x, y];
}

/** Information coefficient: Pearson and Spearman correlation of a signal with a forward return, on rows where both are finite. */
export function ic(signal: ArrayLike<number>, fwd: ArrayLike<number>): { n: number; ic: number; rankIc: number } {
  const [x, y] = pairs(signal, fwd);
  return { n: x.length, ic: x.length > 2 ? pearson(x, y) : NaN, rankIc: x.length > 2 ? pearson(ranks(x), ranks(y)) : NaN };
}

export function regressionMetrics(y: ArrayLike<number>, pred: ArrayLike<number>): RegressionMetrics {
  const [t, p] = pairs(y, pred);
  const n = t.length;
  let se = 0;
  let ae = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += t[i];
  mean /= n;
  let tot = 0;
  let hits = 0;
  let signed = 0;
  for (let i = 0; i < n; i++) {
    const e = t[i] - p[i];
    se += e * e;
    ae += Math.abs(e);
    tot += (t[i] - mean) * (t[i] - mean);
    if (t[i] !== 0 && p[i] !== 0) {
      signed++;
      if (Math.sign(t[i]) === Math.sign(p[i])) hits++;
    }
  }
  const c = ic(p, t);
  return { n, skipped: y.length - n, rmse: Math.sqrt(se / n), mae: ae / n, r2: tot > 0 ? 1 - se / tot : NaN, ic: c.ic, rankIc: c.rankIc, hitRate: signed ? hits / signed : NaN };
}

export interface IcPoint {
  label: string;
  /** Horizon in ns when the label is a time horizon, else NaN. */
  horizon: number;
  n: number;
  ic: number;
  rankIc: number;
}

/**
 * IC decay: the signal's IC and rank IC against forward returns at each horizon (labels in the
 * given order, e.g. fwd_ret_1s … fwd_ret_600s). A real signal's IC shrinks with the horizon.
 */
export function icDecay(signal: ArrayLike<number>, labels: { name: string; values: ArrayLike<number>; horizon?: number }[]): IcPoint[] {
  return labels.map((l) => ({ label: l.name, horizon: l.horizon ?? NaN, ...ic(signal, l.values) }));
}
