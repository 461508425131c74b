import { horizonRows, type RangeTree } from './time-index.ts';

export interface TripleBarrier {
  /** +1 take-profit hit first, -1 stop-loss hit first, 0 timeout; NaN without a label. */
  hit: Float64Array;
  /** Mid return in bps at the exit (the barrier row, or the horizon). */
  ret: Float64Array;
  /** Exit time: the row that touched a barrier, or ts + horizon. */
  end: Float64Array;
}

/**
 * López de Prado's triple barrier on the mid, seen from a long entry at row i: take-profit at
 * +tp × unit bps, stop-loss at -sl × unit bps, timeout at ts[i] + h. `unit` is the per-row barrier
 * unit in bps (fixed, spread-scaled or volatility-scaled; see thresholdBps). Barriers are checked
 * at each later row up to the horizon (first touch wins), in O(log n) per row with a range tree.
 */
export function tripleBarrier(ts: Float64Array, mid: Float64Array, bad: Int32Array, tree: RangeTree, h: number, tp: number, sl: number, unit: Float64Array): TripleBarrier {
  const n = ts.length;
  const rows = horizonRows(ts, h);
  const hit = new Float64Array(n).fill(NaN);
  const ret = new Float64Array(n).fill(NaN);
  const end = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const J = rows[i];
    const u = unit[i];
    if (J < 0 || !(u > 0) || bad[J + 1] - bad[i] > 0) continue;
    const m = mid[i];
    const up = tree.firstAtLeast(i + 1, J, m * (1 + (tp * u) / 1e4));
    const dn = tree.firstAtMost(i + 1, J, m * (1 - (sl * u) / 1e4));
    let exit: number;
    if (up >= 0 && (dn < 0 || up < dn)) {
      hit[i] = 1;
      exit = up;
      end[i] = ts[up];
    } else if (dn >= 0) {
      hit[i] = -1;
      exit = dn;
      end[i] = ts[dn];
    } else {
      hit[i] = 0;
      exit = J;
      end[i] = ts[i] + h;
    }
    ret[i] = (mid[exit] / m - 1) * 1e4;
  }
  return { hit, ret, end };
}

/**
 * Maximum favourable and adverse excursion of the mid within the horizon, seen from a long entry
 * at row i, in bps: mfe >= 0 (best point reached), mae <= 0 (worst). For a short, swap and negate.
 */
export function excursions(ts: Float64Array, mid: Float64Array, bad: Int32Array, tree: RangeTree, h: number): { mfe: Float64Array; mae: Float64Array; end: Float64Array } {
  const n = ts.length;
  const rows = horizonRows(ts, h);
  const mfe = new Float64Array(n).fill(NaN);
  const mae = new Float64Array(n).fill(NaN);
  const end = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const J = rows[i];
    if (J < 0 || bad[J + 1] - bad[i] > 0) continue;
    mfe[i] = (tree.max(i, J) / mid[i] - 1) * 1e4;
    mae[i] = (tree.min(i, J) / mid[i] - 1) * 1e4;
    end[i] = ts[i] + h;
  }
  return { mfe, mae, end };
}
