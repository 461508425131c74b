/**
 * What every lobkit model is to the rest of the pipeline: a pure function from a row of named
 * features to outputs. Rows are read from a row-major Float64Array (as `Frame.matrix(names)`
 * gives), missing values are NaN.
 *
 * Outputs per task:
 *  - `binary`: one value, the probability of the positive class (`classes[1]`);
 *  - `multiclass`: K probabilities, one per entry of `classes` (in that order);
 *  - `regression`: one value, the prediction.
 */
export type Task = 'binary' | 'multiclass' | 'regression';

export type ModelKind = 'logistic' | 'ridge' | 'gbdt' | 'xgboost' | 'lightgbm';

export interface Model {
  readonly kind: ModelKind;
  readonly task: Task;
  /** Feature column names, in the order rows must hold them. */
  readonly features: readonly string[];
  /** Label values of the classes (classification), ascending; empty for regression. */
  readonly classes: readonly number[];
  /** Number of outputs per row (1 for binary and regression, K for multiclass). */
  readonly nOutputs: number;
  /**
   * Predicts one row `x[offset .. offset + features.length)` into `out[outOffset ..]`.
   * Allocation-free: this is the live path.
   */
  predictRow(x: ArrayLike<number>, offset: number, out: Float64Array, outOffset?: number): void;
  /** Predicts `n` rows of a row-major matrix; returns n × nOutputs values, row-major. */
  predict(x: Float64Array, n: number): Float64Array;
  /** A JSON-serializable description that `modelFromJSON` turns back into the same model. */
  toJSON(): ModelJSON;
}

/** Serialized model: `kind` picks the loader; the rest is the kind's own payload. */
export interface ModelJSON {
  format: 'lobkit-model';
  kind: ModelKind;
  [key: string]: unknown;
}

/** Training data: a row-major matrix with its column names, the label and optional sample weights. */
export interface TrainSet {
  x: Float64Array;
  n: number;
  features: string[];
  y: Float64Array;
  weight?: Float64Array;
}

/** Batch prediction through `predictRow` (models with a faster batch path override it). */
export function predictRows(model: Model, x: Float64Array, n: number): Float64Array {
  const k = model.features.length;
  if (x.length < n * k) throw new Error(`predict: matrix holds ${x.length} values, expected ${n} rows × ${k} features`);
  const m = model.nOutputs;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) model.predictRow(x, i * k, out, i * m);
  return out;
}

/**
 * The classes of a classification label: its distinct finite values, ascending. Throws on a
 * non-finite label (rows with a missing label must be dropped before training, not guessed).
 */
export function classesOf(y: Float64Array, what = 'label'): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) throw new Error(`${what}: row ${i} is ${v} (drop rows without a label before training)`);
    seen.add(v);
    if (seen.size > 1000) throw new Error(`${what}: more than 1000 distinct values — is this a regression target?`);
  }
  return [...seen].sort((a, b) => a - b);
}

/** Maps label values to class indices 0..K-1 (by `classes`); throws on a value outside them. */
export function classIndex(y: Float64Array, classes: readonly number[], what = 'label'): Int32Array {
  const map = new Map<number, number>();
  classes.forEach((c, i) => map.set(c, i));
  const out = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const k = map.get(y[i]);
    if (k === undefined) throw new Error(`${what}: row ${i} has value ${y[i]}, not one of the classes ${classes.join(', ')}`);
    out[i] = k;
  }
  return out;
}

/** Checks a TrainSet's shapes (a bug upstream, not bad user input, when they disagree). */
export function checkTrainSet(d: TrainSet, what = 'training set'): void {
  const k = d.features.length;
  if (k === 0) throw new Error(`${what}: no feature columns`);
  if (d.x.length !== d.n * k) throw new Error(`${what}: matrix holds ${d.x.length} values, expected ${d.n} × ${k}`);
  if (d.y.length !== d.n) throw new Error(`${what}: ${d.y.length} labels for ${d.n} rows`);
  if (d.weight && d.weight.length !== d.n) throw new Error(`${what}: ${d.weight.length} weights for ${d.n} rows`);
  if (d.weight) for (let i = 0; i < d.n; i++) if (!(d.weight[i] >= 0) || !Number.isFinite(d.weight[i])) throw new Error(`${what}: weight of row ${i} is ${d.weight[i]} (weights must be finite and ≥ 0)`);
}
