import { checkTrainSet, predictRows, type Model, type ModelJSON, type TrainSet } from '../model.ts';
import { Standardizer, type StandardizerJSON } from './standardize.ts';

/**
 * Ridge regression on standardized features, solved exactly: the normal equations
 * (ZᵀWZ/Σw + l2·I) β = ZᵀW y/Σw with an unpenalized intercept, by Cholesky. Minimizes the
 * weighted mean squared error plus l2·‖β‖².
 */
export interface RidgeConfig {
  kind: 'ridge';
  /** L2 strength on the standardized coefficients (default 1e-3). */
  l2?: number;
}

interface RidgeJSON extends ModelJSON {
  kind: 'ridge';
  features: string[];
  standardizer: StandardizerJSON;
  coef: number[];
  intercept: number;
}

export class RidgeModel implements Model {
  readonly kind = 'ridge' as const;
  readonly task = 'regression' as const;
  readonly classes: readonly number[] = [];
  readonly nOutputs = 1;
  private readonly z: Float64Array;

  constructor(
    readonly features: readonly string[],
    readonly std: Standardizer,
    readonly coef: Float64Array,
    readonly intercept: number,
  ) {
    if (coef.length !== features.length) throw new Error('ridge: coefficients do not match features');
    this.z = new Float64Array(features.length);
  }

  predictRow(x: ArrayLike<number>, offset: number, out: Float64Array, outOffset = 0): void {
    this.std.row(x, offset, this.z);
    let s = this.intercept;
    for (let j = 0; j < this.coef.length; j++) s += this.coef[j] * this.z[j];
    out[outOffset] = s;
  }

  predict(x: Float64Array, n: number): Float64Array {
    return predictRows(this, x, n);
  }

  toJSON(): RidgeJSON {
    return { format: 'lobkit-model', kind: 'ridge', features: [...this.features], standardizer: this.std.toJSON(), coef: Array.from(this.coef), intercept: this.intercept };
  }

  static fromJSON(j: ModelJSON): RidgeModel {
    const o = j as RidgeJSON;
    if (!Array.isArray(o.features) || !Array.isArray(o.coef) || typeof o.intercept !== 'number') throw new Error('ridge model: missing features, coef or intercept');
    return new RidgeModel(o.features, Standardizer.fromJSON(o.standardizer), Float64Array.from(o.coef), o.intercept);
  }
}

export function trainRidge(d: TrainSet, cfg: RidgeConfig = { kind: 'ridge' }): { model: RidgeModel; info: { l2: number; rmse: number } } {
  checkTrainSet(d);
  const l2 = cfg.l2 ?? 1e-3;
  if (!(l2 >= 0)) throw new Error(`ridge: l2 must be ≥ 0, got ${l2}`);
  const { x, n, y } = d;
  const p = d.features.length;
  for (let i = 0; i < n; i++) if (!Number.isFinite(y[i])) throw new Error(`ridge: label of row ${i} is ${y[i]} (drop rows without a label before training)`);
  const std = Standardizer.fit(x, n, p);
  const q = p + 1; // [1, z]
  const A = new Float64Array(q * q);
  const rhs = new Float64Array(q);
  const z = new Float64Array(q);
  let wSum = 0;
  for (let i = 0; i < n; i++) {
    const wi = d.weight ? d.weight[i] : 1;
    if (wi === 0) continue;
    wSum += wi;
    z[0] = 1;
    std.row(x, i * p, z.subarray(1));
    const yi = y[i] * wi;
    for (let a = 0; a < q; a++) {
      const za = z[a] * wi;
      if (za === 0) continue;
      rhs[a] += z[a] * yi;
      const row = a * q;
      for (let b = 0; b <= a; b++) A[row + b] += za * z[b];
    }
  }
  if (!(wSum > 0)) throw new Error('ridge: total sample weight is 0');
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) A[a * q + b] /= wSum;
    rhs[a] /= wSum;
    if (a > 0) A[a * q + a] += l2;
  }
  const beta = choleskySolve(A, rhs, q);
  if (!beta) throw new Error('ridge: the normal equations are singular (collinear or constant features with l2 = 0): use l2 > 0');
  const model = new RidgeModel(d.features, std, beta.slice(1), beta[0]);
  let se = 0;
  const out = new Float64Array(1);
  for (let i = 0; i < n; i++) {
    const wi = d.weight ? d.weight[i] : 1;
    model.predictRow(x, i * p, out);
    se += wi * (out[0] - y[i]) ** 2;
  }
  return { model, info: { l2, rmse: Math.sqrt(se / wSum) } };
}

/** Solves A x = b for symmetric positive-definite A (lower triangle used); null if not SPD. */
export function choleskySolve(A: Float64Array, b: Float64Array, q: number): Float64Array | null {
  const L = new Float64Array(q * q);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * q + j];
      for (let k = 0; k < j; k++) s -= L[i * q + k] * L[j * q + k];
      if (i === j) {
        if (!(s > 1e-12 * Math.max(1, Math.abs(A[i * q + i])))) return null;
        L[i * q + i] = Math.sqrt(s);
      } else L[i * q + j] = s / L[j * q + j];
    }
  }
  const yv = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * q + k] * yv[k];
    yv[i] = s / L[i * q + i];
  }
  const xv = new Float64Array(q);
  for (let i = q - 1; i >= 0; i--) {
    let s = yv[i];
    for (let k = i + 1; k < q; k++) s -= L[k * q + i] * xv[k];
    xv[i] = s / L[i * q + i];
  }
  return xv;
}
