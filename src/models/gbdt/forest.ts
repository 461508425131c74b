/**
 * A tree ensemble flattened into typed arrays for fast prediction: every tree's internal nodes in
 * one set of arrays (feature, threshold, children, default direction) and every leaf value in
 * another, indexed globally. Child c ≥ 0 is a node, c < 0 is leaf ~c. One row walks each tree
 * with no allocation and no bins (thresholds are raw values).
 *
 * Comparison modes: `le` (lobkit, LightGBM): left when v ≤ threshold; `lt-f32` (XGBoost): the value
 * is rounded to float32, left when v < threshold, and leaf values are summed in float32 — what
 * XGBoost itself computes, so imported models predict exactly as in Python.
 */
export type CompareMode = 'le' | 'lt-f32';

/** Forests up to this many nodes are compiled to JavaScript for prediction (larger ones walk the arrays). */
export const COMPILE_MAX_NODES = 400_000;
// V8 optimizes only functions below a bytecode size: compile ~800 split nodes per function, and
// walk the arrays for forests with a tree too large for that.
const NODES_PER_FUNCTION = 800;
const MAX_TREE_NODES = 2000;

type Compiled = (x: ArrayLike<number>, o: number, L: Float64Array, out: Float64Array, oo: number, F: (v: number) => number, A: (v: number) => number) => void;

export interface TreeArrays {
  feature: ArrayLike<number>;
  threshold: ArrayLike<number>;
  defaultLeft: ArrayLike<boolean | number>;
  left: ArrayLike<number>;
  right: ArrayLike<number>;
  leafValue: ArrayLike<number>;
  /** LightGBM "zero as missing" nodes: |v| ≤ 1e-35 and NaN follow the default direction. */
  missingZero?: ArrayLike<boolean | number>;
}

// LightGBM's kZeroThreshold is the float literal 1e-35f.
const ZERO = Math.fround(1e-35);

export class Forest {
  readonly nTrees: number;
  readonly roots: Int32Array;
  readonly group: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly leaf: Float64Array;
  readonly missingZero: Uint8Array | null;
  readonly maxFeature: number;
  private compiled: Compiled[] | null | undefined;

  constructor(
    trees: TreeArrays[],
    group: ArrayLike<number>,
    readonly nGroups: number,
    readonly mode: CompareMode,
  ) {
    this.nTrees = trees.length;
    let nodes = 0;
    let leaves = 0;
    let anyZero = false;
    for (const t of trees) {
      if (t.left.length !== t.feature.length || t.right.length !== t.feature.length || t.threshold.length !== t.feature.length || t.defaultLeft.length !== t.feature.length) throw new Error('forest: node arrays of a tree differ in length');
      if (t.leafValue.length !== t.feature.length + 1) throw new Error(`forest: a tree with ${t.feature.length} splits must have ${t.feature.length + 1} leaves, has ${t.leafValue.length}`);
      nodes += t.feature.length;
      leaves += t.leafValue.length;
      if (t.missingZero) for (let i = 0; i < t.missingZero.length; i++) if (t.missingZero[i]) anyZero = true;
    }
    this.roots = new Int32Array(trees.length);
    this.group = Int32Array.from(group);
    if (this.group.length !== trees.length) throw new Error('forest: one group per tree expected');
    this.feature = new Int32Array(nodes);
    this.threshold = new Float64Array(nodes);
    this.left = new Int32Array(nodes);
    this.right = new Int32Array(nodes);
    this.defaultLeft = new Uint8Array(nodes);
    this.leaf = new Float64Array(leaves);
    this.missingZero = anyZero ? new Uint8Array(nodes) : null;
    let maxFeature = -1;
    let nb = 0;
    let lb = 0;
    for (let t = 0; t < trees.length; t++) {
      const tr = trees[t];
      const k = tr.feature.length;
      const nl = tr.leafValue.length;
      const ref = (c: number) => {
        if (c >= 0) {
          if (c >= k) throw new Error(`forest: tree ${t} refers to node ${c} of ${k}`);
          return nb + c;
        }
        if (~c >= nl) throw new Error(`forest: tree ${t} refers to leaf ${~c} of ${nl}`);
        return ~(lb + ~c);
      };
      this.roots[t] = k > 0 ? nb : ~lb;
      for (let i = 0; i < k; i++) {
        const f = tr.feature[i];
        if (!(f >= 0)) throw new Error(`forest: tree ${t} node ${i} has feature ${f}`);
        if (f > maxFeature) maxFeature = f;
        this.feature[nb + i] = f;
        this.threshold[nb + i] = tr.threshold[i];
        this.left[nb + i] = ref(tr.left[i]);
        this.right[nb + i] = ref(tr.right[i]);
        this.defaultLeft[nb + i] = tr.defaultLeft[i] ? 1 : 0;
        if (this.missingZero && tr.missingZero?.[i]) this.missingZero[nb + i] = 1;
      }
      for (let i = 0; i < nl; i++) this.leaf[lb + i] = tr.leafValue[i];
      nb += k;
      lb += nl;
    }
    this.maxFeature = maxFeature;
  }

  /**
   * Adds every tree's leaf value for row x[off..] into out[outOff + group], tree by tree in order
   * (so the sums are bit-identical whichever path runs). The forest is compiled on first use into
   * functions of nested comparisons with the thresholds and feature offsets inlined — about twice
   * as fast as walking the arrays, because the CPU overlaps consecutive trees; forests above
   * COMPILE_MAX_NODES, or runtimes that forbid code generation, walk the arrays.
   */
  addRaw(x: ArrayLike<number>, off: number, out: Float64Array, outOff: number): void {
    if (this.compiled === undefined) this.compiled = this.compile();
    const c = this.compiled;
    if (c !== null) {
      for (let i = 0; i < c.length; i++) c[i](x, off, this.leaf, out, outOff, Math.fround, Math.abs);
      return;
    }
    this.walk(x, off, out, outOff);
  }

  /** The array walker (reference path; also used for very large forests). */
  walk(x: ArrayLike<number>, off: number, out: Float64Array, outOff: number): void {
    if (this.mode === 'lt-f32') return this.addRawF32(x, off, out, outOff);
    if (this.missingZero) return this.addRawZero(x, off, out, outOff);
    const { roots, feature, threshold, left, right, defaultLeft, leaf, group } = this;
    const T = this.nTrees;
    if (this.nGroups === 1) {
      let s = out[outOff];
      for (let t = 0; t < T; t++) {
        let node = roots[t];
        while (node >= 0) {
          const v = x[off + feature[node]];
          const th = threshold[node];
          node = v <= th ? left[node] : v > th ? right[node] : defaultLeft[node] === 1 ? left[node] : right[node];
        }
        s += leaf[~node];
      }
      out[outOff] = s;
      return;
    }
    for (let t = 0; t < T; t++) {
      let node = roots[t];
      while (node >= 0) {
        const v = x[off + feature[node]];
        const th = threshold[node];
        node = v <= th ? left[node] : v > th ? right[node] : defaultLeft[node] === 1 ? left[node] : right[node];
      }
      out[outOff + group[t]] += leaf[~node];
    }
  }

  /** Source of one tree's leaf-index expression: nested ternaries over x[o + feature]. */
  private treeSource(node: number): string {
    if (node < 0) return String(~node);
    const f = this.feature[node];
    const th = this.threshold[node];
    const ths = th === Infinity ? 'Infinity' : th === -Infinity ? '-Infinity' : String(th);
    const l = this.treeSource(this.left[node]);
    const r = this.treeSource(this.right[node]);
    const dl = this.defaultLeft[node] === 1;
    if (this.mode === 'lt-f32') {
      const v = `F(x[o+${f}])`;
      // NaN fails both comparisons: default left → test "v ≥ th" for right; default right → "v < th" for left.
      return dl ? `(${v}>=${ths}?${r}:${l})` : `(${v}<${ths}?${l}:${r})`;
    }
    const v = `x[o+${f}]`;
    const plain = dl ? `(${v}>${ths}?${r}:${l})` : `(${v}<=${ths}?${l}:${r})`;
    if (this.missingZero && this.missingZero[node] === 1) return `(A(${v})>${ZERO}?${plain}:${dl ? l : r})`;
    return plain;
  }

  private compile(): Compiled[] | null {
    if (this.threshold.length > COMPILE_MAX_NODES) return null;
    const nodesOf = (t: number): number => {
      const r = this.roots[t];
      if (r < 0) return 0;
      let k = 0;
      const stack = [r];
      while (stack.length > 0) {
        const v = stack.pop()!;
        if (v < 0) continue;
        k++;
        stack.push(this.left[v], this.right[v]);
      }
      return k;
    };
    const fns: Compiled[] = [];
    try {
      let t = 0;
      while (t < this.nTrees) {
        // One output group: the running sum stays in a local (a register) instead of a store and
        // reload of out[oo] per tree; the additions happen in the same order, so the sum is the same.
        const one = this.nGroups === 1;
        let body = one ? 'let s=out[oo];\n' : '';
        let nodes = 0;
        do {
          const size = nodesOf(t);
          if (size > MAX_TREE_NODES) return null;
          nodes += size;
          const k = one ? 's' : `out[oo+${this.group[t]}]`;
          const leafExpr = `L[${this.treeSource(this.roots[t])}]`;
          body += this.mode === 'lt-f32' ? `${k}=F(${k}+${leafExpr});\n` : `${k}+=${leafExpr};\n`;
          t++;
        } while (t < this.nTrees && nodes + nodesOf(t) <= NODES_PER_FUNCTION);
        if (one) body += 'out[oo]=s;\n';
        // Only numbers from the typed arrays above reach the source: no model text is evaluated.
        fns.push(new Function('x', 'o', 'L', 'out', 'oo', 'F', 'A', body) as Compiled);
      }
    } catch {
      return null; // code generation disallowed (e.g. --disallow-code-generation-from-strings)
    }
    return fns;
  }

  private addRawZero(x: ArrayLike<number>, off: number, out: Float64Array, outOff: number): void {
    const { roots, feature, threshold, left, right, defaultLeft, leaf, group } = this;
    const mz = this.missingZero!;
    for (let t = 0; t < this.nTrees; t++) {
      let node = roots[t];
      while (node >= 0) {
        const v = x[off + feature[node]];
        if (mz[node] === 1 && !(Math.abs(v) > ZERO)) node = defaultLeft[node] === 1 ? left[node] : right[node];
        else {
          const th = threshold[node];
          node = v <= th ? left[node] : v > th ? right[node] : defaultLeft[node] === 1 ? left[node] : right[node];
        }
      }
      out[outOff + group[t]] += leaf[~node];
    }
  }

  /** XGBoost semantics: float32 inputs, v < threshold goes left, float32 accumulation per group. */
  private addRawF32(x: ArrayLike<number>, off: number, out: Float64Array, outOff: number): void {
    const { roots, feature, threshold, left, right, defaultLeft, leaf, group } = this;
    for (let t = 0; t < this.nTrees; t++) {
      let node = roots[t];
      while (node >= 0) {
        const v = Math.fround(x[off + feature[node]]);
        const th = threshold[node];
        node = v < th ? left[node] : v >= th ? right[node] : defaultLeft[node] === 1 ? left[node] : right[node];
      }
      const k = outOff + group[t];
      out[k] = Math.fround(out[k] + leaf[~node]);
    }
  }
}
