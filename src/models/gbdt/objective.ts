/**
 * Boosting objectives: initial score, gradients/hessians of the loss at the current raw scores,
 * and the transform from raw scores to outputs. Scores, gradients and hessians are laid out
 * group-major: value of group k (class k for multiclass) for row i at k·n + i.
 */
export type ObjectiveName = 'binary' | 'multiclass' | 'regression';

export interface Objective {
  readonly name: ObjectiveName;
  /** Trees per boosting round (K for multiclass, else 1). */
  readonly groups: number;
  /** Initial raw score per group (boost from the average, as LightGBM). */
  initScore(y: Float64Array, w: Float64Array | undefined): Float64Array;
  gradients(score: Float64Array, y: Float64Array, w: Float64Array | undefined, n: number, g: Float64Array, h: Float64Array): void;
}

const EPS = 1e-15;

function weightedMean(y: ArrayLike<number>, w: ArrayLike<number> | null | undefined): number {
  let s = 0;
  let t = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    s += wi * y[i];
    t += wi;
  }
  return s / t;
}

export function sigmoid(m: number): number {
  return m >= 0 ? 1 / (1 + Math.exp(-m)) : Math.exp(m) / (1 + Math.exp(m));
}

/** y: 0/1 (the index of the class). */
export const binaryObjective: Objective = {
  name: 'binary',
  groups: 1,
  initScore(y, w) {
    const p = Math.min(1 - EPS, Math.max(EPS, weightedMean(y, w)));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(score, y, w, n, g, h) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(score[i]);
      const wi = w ? w[i] : 1;
      g[i] = (p - y[i]) * wi;
      h[i] = Math.max(p * (1 - p), EPS) * wi;
    }
  },
};

export const regressionObjective: Objective = {
  name: 'regression',
  groups: 1,
  initScore(y, w) {
    return Float64Array.of(weightedMean(y, w));
  },
  gradients(score, y, w, n, g, h) {
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      g[i] = (score[i] - y[i]) * wi;
      h[i] = wi;
    }
  },
};

/** Softmax cross-entropy; y holds class indices 0..K−1. Hessian K/(K−1)·p(1−p) as LightGBM. */
export function multiclassObjective(K: number): Objective {
  const factor = K / (K - 1);
  const prob = new Float64Array(K);
  return {
    name: 'multiclass',
    groups: K,
    initScore(y, w) {
      const c = new Float64Array(K);
      let t = 0;
      for (let i = 0; i < y.length; i++) {
        const wi = w ? w[i] : 1;
        c[y[i]] += wi;
        t += wi;
      }
      const out = new Float64Array(K);
      for (let k = 0; k < K; k++) out[k] = Math.log(Math.max(c[k] / t, EPS));
      return out;
    },
    gradients(score, y, w, n, g, h) {
      for (let i = 0; i < n; i++) {
        let max = -Infinity;
        for (let k = 0; k < K; k++) if (score[k * n + i] > max) max = score[k * n + i];
        let sum = 0;
        for (let k = 0; k < K; k++) {
          prob[k] = Math.exp(score[k * n + i] - max);
          sum += prob[k];
        }
        const wi = w ? w[i] : 1;
        const yi = y[i];
        for (let k = 0; k < K; k++) {
          const pk = prob[k] / sum;
          g[k * n + i] = (pk - (k === yi ? 1 : 0)) * wi;
          h[k * n + i] = Math.max(factor * pk * (1 - pk), EPS) * wi;
        }
      }
    },
  };
}

export function objectiveFor(name: ObjectiveName, classes: number): Objective {
  if (name === 'binary') return binaryObjective;
  if (name === 'regression') return regressionObjective;
  return multiclassObjective(classes);
}
