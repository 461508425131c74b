/**
 * The few metrics model training needs for early stopping and progress (the full metric suite
 * with cross-checks lives in evaluation/). Scores are raw model outputs as documented per function.
 */

/** Weighted mean binary log loss of probabilities p for labels y ∈ {0, 1}. */
export function logLoss(p: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  let s = 0;
  let t = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]));
    s -= wi * (y[i] === 1 ? Math.log(q) : Math.log(1 - q));
    t += wi;
  }
  return s / t;
}

/** Weighted mean multiclass log loss; probs row-major n × K, y class indices. */
export function multiLogLoss(probs: ArrayLike<number>, K: number, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  let s = 0;
  let t = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    s -= wi * Math.log(Math.max(1e-15, probs[i * K + y[i]]));
    t += wi;
  }
  return s / t;
}

/** Weighted mean squared error. */
export function mse(pred: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  let s = 0;
  let t = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    s += wi * (pred[i] - y[i]) ** 2;
    t += wi;
  }
  return s / t;
}

/**
 * ROC AUC of scores for labels y ∈ {0, 1} (Mann–Whitney, ties counted half), optionally weighted.
 * NaN when one class is absent.
 */
export function auc(score: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  const n = y.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const s = Float64Array.from({ length: n }, (_, i) => score[i]);
  idx.sort((a, b) => s[a] - s[b]);
  let pos = 0;
  let neg = 0;
  let area = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    let tp = 0;
    let tn = 0;
    while (j < n && s[idx[j]] === s[idx[i]]) {
      const r = idx[j];
      const wi = w ? w[r] : 1;
      if (y[r] === 1) tp += wi;
      else tn += wi;
      j++;
    }
    // Negatives below this group pair with its positives; ties count half.
    area += tp * (neg + tn / 2);
    pos += tp;
    neg += tn;
    i = j;
  }
  return pos > 0 && neg > 0 ? area / (pos * neg) : NaN;
}
