import { TreeModel, type OutputTransform } from '../gbdt/model.ts';
import type { TreeArrays } from '../gbdt/forest.ts';
import type { Task } from '../model.ts';

/**
 * Loads an XGBoost model saved as JSON (`Booster.save_model('m.json')`, XGBoost ≥ 1.0) into a
 * TreeModel that predicts exactly what XGBoost predicts: inputs rounded to float32, `x < split`
 * goes left, missing values follow `default_left`, leaf values summed in float32 from the base
 * margin. Supported: gbtree boosters with numerical splits and the objectives listed in
 * OBJECTIVES; anything else is refused with a clear error rather than predicted wrongly.
 */
interface XgbTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: (number | boolean)[];
  split_type?: number[];
  categories_nodes?: number[];
}

interface XgbJson {
  version?: number[];
  learner?: {
    feature_names?: string[];
    learner_model_param?: { base_score?: string; num_class?: string; num_feature?: string; num_target?: string };
    objective?: { name?: string };
    gradient_booster?: {
      name?: string;
      model?: { trees?: XgbTree[]; tree_info?: number[] };
    };
  };
}

const OBJECTIVES: Record<string, { task: Task; transform: OutputTransform; margin: 'logit' | 'log' | 'identity' }> = {
  'binary:logistic': { task: 'binary', transform: 'sigmoid', margin: 'logit' },
  'reg:logistic': { task: 'binary', transform: 'sigmoid', margin: 'logit' },
  'multi:softprob': { task: 'multiclass', transform: 'softmax', margin: 'identity' },
  'multi:softmax': { task: 'multiclass', transform: 'softmax', margin: 'identity' },
  'reg:squarederror': { task: 'regression', transform: 'identity', margin: 'identity' },
  'reg:linear': { task: 'regression', transform: 'identity', margin: 'identity' },
  'reg:pseudohubererror': { task: 'regression', transform: 'identity', margin: 'identity' },
  'reg:absoluteerror': { task: 'regression', transform: 'identity', margin: 'identity' },
  'count:poisson': { task: 'regression', transform: 'exp', margin: 'log' },
  'reg:gamma': { task: 'regression', transform: 'exp', margin: 'log' },
  'reg:tweedie': { task: 'regression', transform: 'exp', margin: 'log' },
};

function fail(source: string, why: string): never {
  throw new Error(`${source}: ${why}`);
}

/** "5E-1" (1.x) or "[5E-1]" (2.x) → 0.5. */
function parseBaseScore(s: string | undefined, source: string): number {
  if (s === undefined) return 0.5;
  const t = s.trim().replace(/^\[/, '').replace(/\]$/, '');
  if (t.includes(',')) fail(source, `base_score ${s} has several values (multi-target models are not supported)`);
  const v = Number(t);
  if (!Number.isFinite(v)) fail(source, `base_score ${s} is not a number`);
  return v;
}

export function loadXgboostJson(text: string, source = 'xgboost model'): TreeModel {
  let j: XgbJson;
  try {
    j = JSON.parse(text) as XgbJson;
  } catch (e) {
    return fail(source, `not JSON (${(e as Error).message}); save the model with save_model("model.json")`);
  }
  const l = j.learner;
  if (!l || !l.gradient_booster) fail(source, 'no "learner.gradient_booster": not an XGBoost JSON model');
  const gb = l.gradient_booster;
  if (gb.name !== 'gbtree') fail(source, `booster "${gb.name}" is not supported (only gbtree)`);
  const objName = l.objective?.name ?? '';
  const obj = OBJECTIVES[objName];
  if (!obj) fail(source, `objective "${objName}" is not supported (supported: ${Object.keys(OBJECTIVES).join(', ')})`);
  const mp = l.learner_model_param ?? {};
  if (Number(mp.num_target ?? '1') > 1) fail(source, `num_target ${mp.num_target}: multi-target models are not supported`);
  const numClass = Number(mp.num_class ?? '0');
  const nGroups = obj.task === 'multiclass' ? numClass : 1;
  if (obj.task === 'multiclass' && !(numClass >= 2)) fail(source, `multiclass objective with num_class ${mp.num_class}`);
  const numFeature = Number(mp.num_feature ?? '0');
  const trees = gb.model?.trees;
  const info = gb.model?.tree_info;
  if (!Array.isArray(trees) || !Array.isArray(info) || info.length !== trees.length) fail(source, 'trees / tree_info missing or of different lengths');
  const features = l.feature_names && l.feature_names.length > 0 ? l.feature_names : Array.from({ length: numFeature }, (_, i) => `f${i}`);
  if (features.length !== numFeature) fail(source, `${features.length} feature names for num_feature ${numFeature}`);

  const out: TreeArrays[] = [];
  trees.forEach((t, ti) => out.push(convertTree(t, ti, source)));
  for (const g of info) if (!(g >= 0 && g < nGroups)) fail(source, `tree_info group ${g} outside 0..${nGroups - 1}`);

  // XGBoost keeps base_score in output space and turns it into a margin in float32.
  const b = Math.fround(parseBaseScore(mp.base_score, source));
  let margin: number;
  if (obj.margin === 'logit') {
    if (!(b > 0 && b < 1)) fail(source, `base_score ${b} must be in (0, 1) for ${objName}`);
    margin = Math.fround(-Math.log(Math.fround(Math.fround(1 / b) - 1)));
  } else if (obj.margin === 'log') margin = Math.fround(Math.log(b));
  else margin = b;

  return new TreeModel({
    kind: 'xgboost',
    task: obj.task,
    features,
    classes: obj.task === 'binary' ? [0, 1] : obj.task === 'multiclass' ? Array.from({ length: numClass }, (_, i) => i) : [],
    trees: out,
    group: info,
    nGroups,
    mode: 'lt-f32',
    base: new Array<number>(nGroups).fill(margin),
    transform: obj.transform,
    info: { source: 'xgboost', objective: objName, version: j.version?.join('.') ?? 'unknown', trees: trees.length },
  });
}

/** XGBoost node arrays (leaves are nodes with left child −1, value in split_conditions) → TreeArrays. */
function convertTree(t: XgbTree, ti: number, source: string): TreeArrays {
  const n = t.left_children?.length ?? 0;
  for (const k of ['right_children', 'split_indices', 'split_conditions', 'default_left'] as const) {
    if (!Array.isArray(t[k]) || t[k].length !== n) fail(source, `tree ${ti}: "${k}" missing or not ${n} long`);
  }
  if (n === 0) fail(source, `tree ${ti} has no nodes`);
  if ((t.split_type ?? []).some((s) => s !== 0) || (t.categories_nodes ?? []).length > 0) fail(source, `tree ${ti} has categorical splits (not supported)`);
  const nodeId = new Int32Array(n).fill(-1);
  const leafId = new Int32Array(n).fill(-1);
  let ni = 0;
  let li = 0;
  for (let i = 0; i < n; i++) {
    if (t.left_children[i] === -1) leafId[i] = li++;
    else nodeId[i] = ni++;
  }
  const ref = (c: number): number => {
    if (!(c >= 0 && c < n)) fail(source, `tree ${ti}: child ${c} out of range`);
    return t.left_children[c] === -1 ? ~leafId[c] : nodeId[c];
  };
  const feature: number[] = [];
  const threshold: number[] = [];
  const defaultLeft: boolean[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const leafValue = new Array<number>(li);
  // Node 0 is the root; internal nodes are renumbered in index order, so the root stays node 0.
  if (t.left_children[0] === -1 && n > 1) fail(source, `tree ${ti}: root is a leaf but the tree has ${n} nodes`);
  for (let i = 0; i < n; i++) {
    if (t.left_children[i] === -1) {
      leafValue[leafId[i]] = Math.fround(t.split_conditions[i]);
      continue;
    }
    feature.push(t.split_indices[i]);
    threshold.push(Math.fround(t.split_conditions[i]));
    defaultLeft.push(Boolean(t.default_left[i]));
    left.push(ref(t.left_children[i]));
    right.push(ref(t.right_children[i]));
  }
  return { feature, threshold, defaultLeft, left, right, leafValue };
}
