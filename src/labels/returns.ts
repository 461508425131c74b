import type { Frame } from '../core/frame.ts';
import type { Threshold } from './spec.ts';
import { backRows, horizonRows } from './time-index.ts';

/** A forward label over one window: value per row, the window's end time per row (NaN = no label). */
export interface Windowed {
  value: Float64Array;
  end: Float64Array;
}

/**
 * Mid return in bps from row i to the quote prevailing at ts[i] + h (the last row at or before it).
 * NaN when the window runs past the data or holds an unusable row (invalid book, no mid).
 */
export function timeReturns(ts: Float64Array, mid: Float64Array, bad: Int32Array, h: number): Windowed & { rows: Int32Array } {
  const n = ts.length;
  const rows = horizonRows(ts, h);
  const value = new Float64Array(n).fill(NaN);
  const end = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const j = rows[i];
    if (j < 0 || bad[j + 1] - bad[i] > 0) {
      rows[i] = -1;
      continue;
    }
    value[i] = (mid[j] / mid[i] - 1) * 1e4;
    end[i] = ts[i] + h;
  }
  return { value, end, rows };
}

/** Mid return in bps from row i to row i + k (k rows = k book events when rows are sampled per event). */
export function eventReturns(ts: Float64Array, mid: Float64Array, bad: Int32Array, k: number): Windowed {
  const n = ts.length;
  const value = new Float64Array(n).fill(NaN);
  const end = new Float64Array(n).fill(NaN);
  for (let i = 0; i + k < n; i++) {
    if (bad[i + k + 1] - bad[i] > 0) continue;
    value[i] = (mid[i + k] / mid[i] - 1) * 1e4;
    end[i] = ts[i + k];
  }
  return { value, end };
}

/**
 * DeepLOB's smoothed label: mean of the next k mids against the mean of the previous k (the
 * current row included), in bps. The end time is row i + k's.
 */
export function smoothedReturns(ts: Float64Array, mid: Float64Array, bad: Int32Array, k: number): Windowed {
  const n = ts.length;
  const value = new Float64Array(n).fill(NaN);
  const end = new Float64Array(n).fill(NaN);
  if (n === 0) return { value, end };
  // Prefix sums of (mid - base) keep the sums small, so the means stay exact to far below a bps.
  const base = mid[0] === mid[0] ? mid[0] : 0;
  const ps = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) ps[i + 1] = ps[i] + (mid[i] === mid[i] ? mid[i] - base : 0);
  for (let i = k - 1; i + k < n; i++) {
    if (bad[i + k + 1] - bad[i - k + 1] > 0) continue;
    const back = (ps[i + 1] - ps[i - k + 1]) / k + base;
    const fwd = (ps[i + k + 1] - ps[i + 1]) / k + base;
    value[i] = (fwd / back - 1) * 1e4;
    end[i] = ts[i + k];
  }
  return { value, end };
}

/** Backward mid return in bps over time h (row i against the quote at ts[i] - h); the scale of a vol threshold. */
export function backwardTimeReturns(ts: Float64Array, mid: Float64Array, bad: Int32Array, h: number): Float64Array {
  const n = ts.length;
  const rows = backRows(ts, h);
  const out = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const j = rows[i];
    if (j < 0 || bad[i + 1] - bad[j] > 0) continue;
    out[i] = (mid[i] / mid[j] - 1) * 1e4;
  }
  return out;
}

/** Backward mid return in bps over k rows. */
export function backwardEventReturns(mid: Float64Array, bad: Int32Array, k: number): Float64Array {
  const n = mid.length;
  const out = new Float64Array(n).fill(NaN);
  for (let i = k; i < n; i++) {
    if (bad[i + 1] - bad[i - k] > 0) continue;
    out[i] = (mid[i] / mid[i - k] - 1) * 1e4;
  }
  return out;
}

/**
 * Rolling standard deviation of the last `window` values up to and including row i (backward
 * only). NaN values are skipped; the result is NaN until half a window of values has been seen.
 */
export function rollingStd(x: Float64Array, window: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN);
  let s = 0;
  let s2 = 0;
  let c = 0;
  const minCount = Math.max(2, window >> 1);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v === v) {
      s += v;
      s2 += v * v;
      c++;
    }
    if (i >= window) {
      const u = x[i - window];
      if (u === u) {
        s -= u;
        s2 -= u * u;
        c--;
      }
    }
    if (c >= minCount) {
      const mean = s / c;
      const v2 = (s2 - s * mean) / (c - 1);
      out[i] = Math.sqrt(v2 > 0 ? v2 : 0);
    }
  }
  return out;
}

/**
 * Per-row threshold in bps. `backward` supplies the backward returns whose rolling std scales a
 * vol threshold (same horizon as the label, so the scale matches).
 */
export function thresholdBps(frame: Frame, th: Threshold, backward: () => Float64Array): Float64Array {
  const n = frame.n;
  const out = new Float64Array(n);
  if (th.type === 'bps') out.fill(th.bps);
  else if (th.type === 'spread') {
    const bid = frame.col('bid');
    const ask = frame.col('ask');
    const mid = frame.col('mid');
    for (let i = 0; i < n; i++) out[i] = (th.k * (ask[i] - bid[i]) * 1e4) / mid[i];
  } else {
    const sd = rollingStd(backward(), th.window);
    for (let i = 0; i < n; i++) out[i] = th.k * sd[i];
  }
  return out;
}

/** 3-class direction: +1 above the threshold, -1 below minus it, 0 within; NaN if either is NaN. */
export function directionClasses(ret: Float64Array, thr: Float64Array): Float64Array {
  const n = ret.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = ret[i];
    const t = thr[i];
    out[i] = r !== r || t !== t ? NaN : r > t ? 1 : r < -t ? -1 : 0;
  }
  return out;
}
