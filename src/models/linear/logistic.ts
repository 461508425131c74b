import { checkTrainSet, classesOf, classIndex, predictRows, type Model, type ModelJSON, type Task, type TrainSet } from '../model.ts';
import { lbfgs, type LbfgsResult } from './lbfgs.ts';
import { Standardizer, type StandardizerJSON } from './standardize.ts';

/**
 * Logistic regression on standardized features with an L2 penalty, fitted by L-BFGS on the full
 * batch: binary (one weight vector, sigmoid) when the label has two classes, multinomial (softmax
 * over K weight vectors) otherwise. The objective is the weighted mean log loss plus
 * (l2 / 2)·‖W‖² (intercepts are not penalized).
 */
export interface LogisticConfig {
  kind: 'logistic';
  /** L2 strength on the standardized weights (default 1e-4). */
  l2?: number;
  /** L-BFGS iterations at most (default 200). */
  maxIter?: number;
  /** Gradient tolerance, relative (default 1e-6). */
  tol?: number;
}

export interface LogisticInfo {
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: string;
  loss: number;
}

interface LogisticJSON extends ModelJSON {
  kind: 'logistic';
  features: string[];
  classes: number[];
  standardizer: StandardizerJSON;
  /** Rows of K' weight vectors (K' = 1 for binary), on standardized features. */
  weights: number[][];
  intercepts: number[];
}

export class LogisticModel implements Model {
  readonly kind = 'logistic' as const;
  readonly task: Task;
  readonly nOutputs: number;
  private readonly z: Float64Array;
  private readonly m: Float64Array;

  constructor(
    readonly features: readonly string[],
    readonly classes: readonly number[],
    readonly std: Standardizer,
    /** K' × p, row-major. */
    readonly w: Float64Array,
    readonly b: Float64Array,
  ) {
    if (classes.length < 2) throw new Error('logistic: needs at least two classes');
    this.task = classes.length === 2 ? 'binary' : 'multiclass';
    this.nOutputs = classes.length === 2 ? 1 : classes.length;
    if (w.length !== b.length * features.length) throw new Error('logistic: weights do not match features');
    this.z = new Float64Array(features.length);
    this.m = new Float64Array(b.length);
  }

  predictRow(x: ArrayLike<number>, offset: number, out: Float64Array, outOffset = 0): void {
    const p = this.features.length;
    const z = this.z;
    this.std.row(x, offset, z);
    const kk = this.b.length;
    let max = -Infinity;
    for (let k = 0; k < kk; k++) {
      let s = this.b[k];
      const base = k * p;
      for (let j = 0; j < p; j++) s += this.w[base + j] * z[j];
      this.m[k] = s;
      if (s > max) max = s;
    }
    if (kk === 1) {
      out[outOffset] = sigmoid(this.m[0]);
      return;
    }
    let sum = 0;
    for (let k = 0; k < kk; k++) sum += Math.exp(this.m[k] - max);
    for (let k = 0; k < kk; k++) out[outOffset + k] = Math.exp(this.m[k] - max) / sum;
  }

  predict(x: Float64Array, n: number): Float64Array {
    return predictRows(this, x, n);
  }

  toJSON(): LogisticJSON {
    const p = this.features.length;
    const weights: number[][] = [];
    for (let k = 0; k < this.b.length; k++) weights.push(Array.from(this.w.subarray(k * p, (k + 1) * p)));
    return { format: 'lobkit-model', kind: 'logistic', features: [...this.features], classes: [...this.classes], standardizer: this.std.toJSON(), weights, intercepts: Array.from(this.b) };
  }

  static fromJSON(j: ModelJSON): LogisticModel {
    const o = j as LogisticJSON;
    if (!Array.isArray(o.features) || !Array.isArray(o.classes) || !Array.isArray(o.weights) || !Array.isArray(o.intercepts)) throw new Error('logistic model: missing features, classes, weights or intercepts');
    const p = o.features.length;
    const w = new Float64Array(o.weights.length * p);
    o.weights.forEach((row, k) => {
      if (row.length !== p) throw new Error(`logistic model: weight row ${k} has ${row.length} values for ${p} features`);
      w.set(row, k * p);
    });
    return new LogisticModel(o.features, o.classes, Standardizer.fromJSON(o.standardizer), w, Float64Array.from(o.intercepts));
  }
}

export function sigmoid(m: number): number {
  return m >= 0 ? 1 / (1 + Math.exp(-m)) : Math.exp(m) / (1 + Math.exp(m));
}

/** log(1 + e^m), without overflow. */
function softplus(m: number): number {
  return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
}

export function trainLogistic(d: TrainSet, cfg: LogisticConfig = { kind: 'logistic' }, onIteration?: (iter: number, loss: number) => void): { model: LogisticModel; info: LogisticInfo } {
  checkTrainSet(d);
  const l2 = cfg.l2 ?? 1e-4;
  if (!(l2 >= 0)) throw new Error(`logistic: l2 must be ≥ 0, got ${l2}`);
  const { x, n } = d;
  const p = d.features.length;
  const classes = classesOf(d.y);
  if (classes.length < 2) throw new Error(`logistic: the label has a single class (${classes[0]}); nothing to learn`);
  const yi = classIndex(d.y, classes);
  const K = classes.length === 2 ? 1 : classes.length;
  const std = Standardizer.fit(x, n, p);
  const wt = d.weight;
  let wSum = 0;
  if (wt) for (let i = 0; i < n; i++) wSum += wt[i];
  else wSum = n;
  if (!(wSum > 0)) throw new Error('logistic: total sample weight is 0');
  const mean = std.mean;
  const inv = new Float64Array(p);
  for (let j = 0; j < p; j++) inv[j] = 1 / std.scale[j];
  const z = new Float64Array(p);
  const marg = new Float64Array(K);
  const nW = K * p;

  // θ = [W (K × p) | b (K)]; one pass over the rows computes loss and gradient together.
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const base = i * p;
      for (let j = 0; j < p; j++) {
        const v = x[base + j];
        z[j] = v === v ? (v - mean[j]) * inv[j] : 0;
      }
      const wi = wt ? wt[i] : 1;
      if (wi === 0) continue;
      if (K === 1) {
        let s = theta[nW];
        for (let j = 0; j < p; j++) s += theta[j] * z[j];
        const yv = yi[i];
        loss += wi * (softplus(s) - (yv === 1 ? s : 0));
        const r = wi * (sigmoid(s) - yv);
        for (let j = 0; j < p; j++) grad[j] += r * z[j];
        grad[nW] += r;
      } else {
        let max = -Infinity;
        for (let k = 0; k < K; k++) {
          let s = theta[nW + k];
          const wb = k * p;
          for (let j = 0; j < p; j++) s += theta[wb + j] * z[j];
          marg[k] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(marg[k] - max);
        const lse = max + Math.log(sum);
        const yv = yi[i];
        loss += wi * (lse - marg[yv]);
        for (let k = 0; k < K; k++) {
          const r = wi * (Math.exp(marg[k] - lse) - (k === yv ? 1 : 0));
          const wb = k * p;
          for (let j = 0; j < p; j++) grad[wb + j] += r * z[j];
          grad[nW + k] += r;
        }
      }
    }
    const invW = 1 / wSum;
    loss *= invW;
    for (let q = 0; q < grad.length; q++) grad[q] *= invW;
    let pen = 0;
    for (let q = 0; q < nW; q++) {
      pen += theta[q] * theta[q];
      grad[q] += l2 * theta[q];
    }
    return loss + 0.5 * l2 * pen;
  };

  // Start from the class priors (intercepts) so the first steps learn only the signal.
  const theta0 = new Float64Array(nW + K);
  const counts = new Float64Array(classes.length);
  for (let i = 0; i < n; i++) counts[yi[i]] += wt ? wt[i] : 1;
  if (K === 1) theta0[nW] = Math.log(Math.max(counts[1], 1e-12) / Math.max(counts[0], 1e-12));
  else for (let k = 0; k < K; k++) theta0[nW + k] = Math.log(Math.max(counts[k], 1e-12) / wSum);

  const res: LbfgsResult = lbfgs(objective, theta0, { maxIter: cfg.maxIter ?? 200, gradTol: cfg.tol ?? 1e-6, onIteration });
  const model = new LogisticModel(d.features, classes, std, res.w.slice(0, nW), res.w.slice(nW));
  return { model, info: { iterations: res.iterations, evaluations: res.evaluations, converged: res.converged, reason: res.reason, loss: res.f } };
}
