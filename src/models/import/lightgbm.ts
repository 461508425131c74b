import { TreeModel, type OutputTransform } from '../gbdt/model.ts';
import type { TreeArrays } from '../gbdt/forest.ts';
import type { Task } from '../model.ts';

/**
 * Loads a LightGBM text model (`Booster.save_model('m.txt')`, LightGBM 2.x–4.x) into a TreeModel
 * that predicts what LightGBM predicts: double-precision inputs, `x ≤ threshold` goes left, and the
 * node's missing type decides where NaN (and zero, for "zero as missing") goes: type None treats
 * NaN as 0, Zero sends 0 and NaN the default way, NaN sends NaN the default way. Trees are summed
 * in LightGBM's order. Categorical splits, linear trees and random-forest averaging are refused
 * with a clear error.
 */
const OBJECTIVES: Record<string, { task: Task; transform: OutputTransform }> = {
  binary: { task: 'binary', transform: 'sigmoid' },
  cross_entropy: { task: 'binary', transform: 'sigmoid' },
  xentropy: { task: 'binary', transform: 'sigmoid' },
  multiclass: { task: 'multiclass', transform: 'softmax' },
  softmax: { task: 'multiclass', transform: 'softmax' },
  multiclassova: { task: 'multiclass', transform: 'ovr-sigmoid' },
  ova: { task: 'multiclass', transform: 'ovr-sigmoid' },
  regression: { task: 'regression', transform: 'identity' },
  regression_l2: { task: 'regression', transform: 'identity' },
  regression_l1: { task: 'regression', transform: 'identity' },
  l2: { task: 'regression', transform: 'identity' },
  l1: { task: 'regression', transform: 'identity' },
  huber: { task: 'regression', transform: 'identity' },
  fair: { task: 'regression', transform: 'identity' },
  quantile: { task: 'regression', transform: 'identity' },
  mape: { task: 'regression', transform: 'identity' },
  poisson: { task: 'regression', transform: 'exp' },
  gamma: { task: 'regression', transform: 'exp' },
  tweedie: { task: 'regression', transform: 'exp' },
};

function fail(source: string, line: number | null, why: string): never {
  throw new Error(`${source}${line !== null ? `:${line}` : ''}: ${why}`);
}

interface Block {
  line: number;
  kv: Map<string, string>;
  flags: Set<string>;
}

/** Splits the text into the header and one key=value block per "Tree=" section. */
function blocks(text: string): { header: Block; trees: Block[] } {
  const lines = text.split(/\r?\n/);
  const header: Block = { line: 1, kv: new Map(), flags: new Set() };
  const trees: Block[] = [];
  let cur = header;
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i].trim();
    if (s === 'end of trees') break;
    if (s === '') continue;
    if (s.startsWith('Tree=')) {
      cur = { line: i + 1, kv: new Map([['Tree', s.slice(5)]]), flags: new Set() };
      trees.push(cur);
      continue;
    }
    const eq = s.indexOf('=');
    if (eq < 0) cur.flags.add(s);
    else cur.kv.set(s.slice(0, eq), s.slice(eq + 1));
  }
  return { header, trees };
}

export function loadLightgbmText(text: string, source = 'lightgbm model'): TreeModel {
  const { header, trees } = blocks(text);
  if (!header.flags.has('tree') && !text.startsWith('tree')) fail(source, 1, 'not a LightGBM text model (it starts with "tree"): save with save_model("model.txt")');
  if (header.flags.has('average_output')) fail(source, null, 'average_output (random forest mode) is not supported');
  const objLine = header.kv.get('objective') ?? 'regression';
  const [objName, ...objArgs] = objLine.split(/\s+/);
  const obj = OBJECTIVES[objName];
  if (!obj) fail(source, null, `objective "${objName}" is not supported (supported: ${Object.keys(OBJECTIVES).join(', ')})`);
  const arg = (k: string): number | undefined => {
    const a = objArgs.find((x) => x.startsWith(`${k}:`));
    return a === undefined ? undefined : Number(a.slice(k.length + 1));
  };
  const numClass = Number(header.kv.get('num_class') ?? '1');
  const perIter = Number(header.kv.get('num_tree_per_iteration') ?? String(numClass));
  const maxFeature = Number(header.kv.get('max_feature_idx'));
  if (!Number.isInteger(maxFeature) || maxFeature < 0) fail(source, null, 'max_feature_idx missing');
  const names = (header.kv.get('feature_names') ?? '').split(/\s+/).filter((s) => s !== '');
  const features = names.length > 0 ? names : Array.from({ length: maxFeature + 1 }, (_, i) => `Column_${i}`);
  if (features.length !== maxFeature + 1) fail(source, null, `${features.length} feature names for max_feature_idx ${maxFeature}`);
  if (obj.task === 'multiclass' && (numClass < 2 || perIter !== numClass)) fail(source, null, `multiclass with num_class ${numClass}, num_tree_per_iteration ${perIter}`);
  if (obj.task !== 'multiclass' && perIter !== 1) fail(source, null, `num_tree_per_iteration ${perIter} for objective ${objName}`);
  if (trees.length === 0) fail(source, null, 'no trees');
  if (trees.length % perIter !== 0) fail(source, null, `${trees.length} trees is not a multiple of num_tree_per_iteration ${perIter}`);

  const out = trees.map((b, i) => convertTree(b, i, source));
  for (const t of out) for (const f of t.feature as number[]) if (f > maxFeature) fail(source, null, `a split uses feature ${f} > max_feature_idx ${maxFeature}`);
  const sigmoid = arg('sigmoid') ?? 1;
  return new TreeModel({
    kind: 'lightgbm',
    task: obj.task,
    features,
    classes: obj.task === 'binary' ? [0, 1] : obj.task === 'multiclass' ? Array.from({ length: numClass }, (_, i) => i) : [],
    trees: out,
    group: out.map((_, i) => i % perIter),
    nGroups: perIter,
    mode: 'le',
    base: new Array<number>(perIter).fill(0),
    transform: obj.transform,
    sigmoidScale: obj.transform === 'sigmoid' || obj.transform === 'ovr-sigmoid' ? sigmoid : 1,
    info: { source: 'lightgbm', objective: objLine, version: header.kv.get('version') ?? 'unknown', trees: trees.length },
  });
}

const nums = (b: Block, key: string, n: number, source: string): number[] => {
  const s = b.kv.get(key);
  if (s === undefined) fail(source, b.line, `tree ${b.kv.get('Tree')}: "${key}" missing`);
  const v = s.trim() === '' ? [] : s.trim().split(/\s+/).map(Number);
  if (v.length !== n) fail(source, b.line, `tree ${b.kv.get('Tree')}: "${key}" has ${v.length} values, expected ${n}`);
  for (const x of v) if (Number.isNaN(x)) fail(source, b.line, `tree ${b.kv.get('Tree')}: "${key}" holds a non-number`);
  return v;
};

function convertTree(b: Block, ti: number, source: string): TreeArrays {
  const numLeaves = Number(b.kv.get('num_leaves'));
  if (!(numLeaves >= 1)) fail(source, b.line, `tree ${ti}: num_leaves missing`);
  if (Number(b.kv.get('is_linear') ?? '0') !== 0) fail(source, b.line, `tree ${ti} is a linear tree (not supported)`);
  const leafValue = nums(b, 'leaf_value', numLeaves, source);
  if (numLeaves === 1) return { feature: [], threshold: [], defaultLeft: [], left: [], right: [], leafValue };
  const k = numLeaves - 1;
  const feature = nums(b, 'split_feature', k, source);
  const threshold = nums(b, 'threshold', k, source);
  const decision = nums(b, 'decision_type', k, source);
  const left = nums(b, 'left_child', k, source);
  const right = nums(b, 'right_child', k, source);
  const defaultLeft: boolean[] = [];
  const missingZero: boolean[] = [];
  for (let i = 0; i < k; i++) {
    const d = decision[i];
    if (d & 1) fail(source, b.line, `tree ${ti} node ${i}: categorical split (not supported)`);
    const missingType = (d >> 2) & 3;
    const dl = (d & 2) !== 0;
    if (missingType === 0) {
      // None: NaN is replaced by 0 before the comparison, so it goes where 0 goes.
      defaultLeft.push(0 <= threshold[i]);
      missingZero.push(false);
    } else if (missingType === 1) {
      defaultLeft.push(dl);
      missingZero.push(true);
    } else if (missingType === 2) {
      defaultLeft.push(dl);
      missingZero.push(false);
    } else fail(source, b.line, `tree ${ti} node ${i}: unknown missing type in decision_type ${d}`);
  }
  // LightGBM leaf references are already ~leaf (negative), nodes 0..k−1 with the root at 0.
  return { feature, threshold, defaultLeft, left, right, leafValue, missingZero };
}
