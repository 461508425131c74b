/**
 * One regression tree as built by the learner. Internal nodes are 0..nNodes−1; a child reference
 * c ≥ 0 is an internal node, c < 0 is leaf ~c. A tree with no split is one leaf (root = ~0).
 * Rows go left when value ≤ threshold (equivalently bin ≤ bin); NaN follows defaultLeft.
 */
export interface Tree {
  feature: number[];
  bin: number[];
  threshold: number[];
  defaultLeft: boolean[];
  left: number[];
  right: number[];
  gain: number[];
  /** Training rows that reached the node. */
  count: number[];
  leafValue: number[];
  leafCount: number[];
  /** Sum of hessians in the leaf (the "weight" LightGBM reports). */
  leafHess: number[];
}

export function emptyTree(): Tree {
  return { feature: [], bin: [], threshold: [], defaultLeft: [], left: [], right: [], gain: [], count: [], leafValue: [], leafCount: [], leafHess: [] };
}

export function rootOf(t: Tree): number {
  return t.feature.length > 0 ? 0 : ~0;
}

/** Leaf reached by a binned row (bins at bins[base + feature]); for rows the tree was not grown on. */
export function leafOfBinned(t: Tree, bins: Uint8Array, base: number, missingBin: number): number {
  let node = rootOf(t);
  while (node >= 0) {
    const b = bins[base + t.feature[node]];
    node = b === missingBin ? (t.defaultLeft[node] ? t.left[node] : t.right[node]) : b <= t.bin[node] ? t.left[node] : t.right[node];
  }
  return ~node;
}

export function depthOf(t: Tree): number {
  const walk = (node: number): number => (node < 0 ? 0 : 1 + Math.max(walk(t.left[node]), walk(t.right[node])));
  return walk(rootOf(t));
}
