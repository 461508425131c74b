import type { Model, ModelJSON, ModelKind, Task } from '../model.ts';
import { predictRows } from '../model.ts';
import { Forest, type CompareMode, type TreeArrays } from './forest.ts';

/**
 * A tree-ensemble model: lobkit's own GBDT, or one imported from XGBoost or LightGBM. Raw scores
 * (base + the sum of the trees per output group) go through the objective's transform.
 */
export type OutputTransform = 'sigmoid' | 'softmax' | 'identity' | 'exp' | 'ovr-sigmoid';

export interface FeatureImportance {
  /** Times each feature is used in a split. */
  split: number[];
  /** Total gain of the splits on each feature. */
  gain: number[];
}

export interface TreeModelSpec {
  kind: ModelKind;
  task: Task;
  features: string[];
  classes: number[];
  trees: TreeArrays[];
  /** Output group of each tree (class for multiclass, 0 otherwise). */
  group: number[];
  nGroups: number;
  mode: CompareMode;
  /** Raw score each group starts from. */
  base: number[];
  transform: OutputTransform;
  /** Multiplier inside the sigmoid (LightGBM's `sigmoid` parameter; 1 otherwise). */
  sigmoidScale?: number;
  importance?: FeatureImportance;
  /** Free-form training facts (rounds, best iteration, objective, ...). */
  info?: Record<string, unknown>;
}

interface TreeJSON {
  feature: number[];
  threshold: (number | null)[];
  defaultLeft: number[];
  left: number[];
  right: number[];
  leafValue: number[];
  missingZero?: number[];
  gain?: number[];
  count?: number[];
  leafCount?: number[];
}

interface TreeModelJSON extends ModelJSON {
  task: Task;
  features: string[];
  classes: number[];
  group: number[];
  nGroups: number;
  mode: CompareMode;
  base: number[];
  transform: OutputTransform;
  sigmoidScale: number;
  importance?: FeatureImportance;
  info?: Record<string, unknown>;
  trees: TreeJSON[];
}

// JSON has no Infinity: the threshold of an "all finite values go left" split (+∞) is stored as null.
const encTh = (v: number): number | null => (v === Infinity ? null : v);
const decTh = (v: number | null): number => (v === null ? Infinity : v);

export class TreeModel implements Model {
  readonly kind: ModelKind;
  readonly task: Task;
  readonly features: readonly string[];
  readonly classes: readonly number[];
  readonly nOutputs: number;
  readonly forest: Forest;
  readonly base: Float64Array;
  private readonly raw: Float64Array;

  constructor(readonly spec: TreeModelSpec) {
    this.kind = spec.kind;
    this.task = spec.task;
    this.features = spec.features;
    this.classes = spec.classes;
    this.forest = new Forest(spec.trees, spec.group, spec.nGroups, spec.mode);
    if (this.forest.maxFeature >= spec.features.length) throw new Error(`tree model: splits use feature ${this.forest.maxFeature} but only ${spec.features.length} features are named`);
    if (spec.base.length !== spec.nGroups) throw new Error('tree model: one base score per group expected');
    this.base = Float64Array.from(spec.base);
    if (spec.task === 'multiclass' && spec.nGroups < 3 && spec.transform === 'softmax') throw new Error('tree model: multiclass needs ≥ 3 groups');
    this.nOutputs = spec.nGroups;
    this.raw = new Float64Array(spec.nGroups);
  }

  /** Raw scores (margins) of one row into out[outOffset ..]. */
  predictRaw(x: ArrayLike<number>, offset: number, out: Float64Array, outOffset = 0): void {
    for (let k = 0; k < this.base.length; k++) out[outOffset + k] = this.base[k];
    this.forest.addRaw(x, offset, out, outOffset);
  }

  predictRow(x: ArrayLike<number>, offset: number, out: Float64Array, outOffset = 0): void {
    const K = this.nOutputs;
    const raw = this.raw;
    this.predictRaw(x, offset, raw, 0);
    if (this.spec.mode === 'lt-f32') return this.transformF32(raw, out, outOffset);
    switch (this.spec.transform) {
      case 'identity':
        for (let k = 0; k < K; k++) out[outOffset + k] = raw[k];
        return;
      case 'sigmoid':
      case 'ovr-sigmoid': {
        const a = this.spec.sigmoidScale ?? 1;
        for (let k = 0; k < K; k++) out[outOffset + k] = 1 / (1 + Math.exp(-a * raw[k]));
        return;
      }
      case 'exp':
        for (let k = 0; k < K; k++) out[outOffset + k] = Math.exp(raw[k]);
        return;
      case 'softmax': {
        let max = -Infinity;
        for (let k = 0; k < K; k++) if (raw[k] > max) max = raw[k];
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(raw[k] - max);
        for (let k = 0; k < K; k++) out[outOffset + k] = Math.exp(raw[k] - max) / sum;
        return;
      }
    }
  }

  /** The transforms as XGBoost computes them, step by step in float32. */
  private transformF32(raw: Float64Array, out: Float64Array, outOffset: number): void {
    const f = Math.fround;
    const K = this.nOutputs;
    switch (this.spec.transform) {
      case 'identity':
        for (let k = 0; k < K; k++) out[outOffset + k] = raw[k];
        return;
      case 'sigmoid':
      case 'ovr-sigmoid':
        for (let k = 0; k < K; k++) out[outOffset + k] = f(1 / f(1 + f(Math.exp(-raw[k]))));
        return;
      case 'exp':
        for (let k = 0; k < K; k++) out[outOffset + k] = f(Math.exp(raw[k]));
        return;
      case 'softmax': {
        let max = raw[0];
        for (let k = 1; k < K; k++) if (raw[k] > max) max = raw[k];
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const e = f(Math.exp(f(raw[k] - max)));
          out[outOffset + k] = e;
          sum = f(sum + e);
        }
        for (let k = 0; k < K; k++) out[outOffset + k] = f(out[outOffset + k] / sum);
        return;
      }
    }
  }

  predict(x: Float64Array, n: number): Float64Array {
    return predictRows(this, x, n);
  }

  /** Raw scores of n rows (n × nOutputs). */
  predictRawBatch(x: Float64Array, n: number): Float64Array {
    const k = this.features.length;
    const K = this.nOutputs;
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) this.predictRaw(x, i * k, out, i * K);
    return out;
  }

  get nTrees(): number {
    return this.forest.nTrees;
  }

  toJSON(): TreeModelJSON {
    const s = this.spec;
    return {
      format: 'lobkit-model',
      kind: s.kind,
      task: s.task,
      features: [...s.features],
      classes: [...s.classes],
      group: [...s.group],
      nGroups: s.nGroups,
      mode: s.mode,
      base: [...s.base],
      transform: s.transform,
      sigmoidScale: s.sigmoidScale ?? 1,
      ...(s.importance ? { importance: s.importance } : {}),
      ...(s.info ? { info: s.info } : {}),
      trees: s.trees.map((t) => {
        const e = t as TreeArrays & { gain?: ArrayLike<number>; count?: ArrayLike<number>; leafCount?: ArrayLike<number> };
        const j: TreeJSON = {
          feature: Array.from(t.feature),
          threshold: Array.from(t.threshold, encTh),
          defaultLeft: Array.from(t.defaultLeft, (v) => (v ? 1 : 0)),
          left: Array.from(t.left),
          right: Array.from(t.right),
          leafValue: Array.from(t.leafValue),
        };
        if (t.missingZero) j.missingZero = Array.from(t.missingZero, (v) => (v ? 1 : 0));
        if (e.gain) j.gain = Array.from(e.gain);
        if (e.count) j.count = Array.from(e.count);
        if (e.leafCount) j.leafCount = Array.from(e.leafCount);
        return j;
      }),
    };
  }

  static fromJSON(j: ModelJSON): TreeModel {
    const o = j as TreeModelJSON;
    for (const k of ['features', 'classes', 'group', 'base', 'trees'] as const) if (!Array.isArray(o[k])) throw new Error(`tree model: "${k}" must be an array`);
    if (o.mode !== 'le' && o.mode !== 'lt-f32') throw new Error(`tree model: unknown comparison mode ${String(o.mode)}`);
    return new TreeModel({
      kind: o.kind,
      task: o.task,
      features: o.features,
      classes: o.classes,
      group: o.group,
      nGroups: o.nGroups,
      mode: o.mode,
      base: o.base,
      transform: o.transform,
      sigmoidScale: o.sigmoidScale,
      importance: o.importance,
      info: o.info,
      trees: o.trees.map((t) => ({ ...t, threshold: t.threshold.map(decTh) })),
    });
  }
}
