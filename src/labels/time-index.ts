import { InputError } from '../core/errors.ts';
import type { Frame } from '../core/frame.ts';

/** Throws unless `ts` is finite and nondecreasing (labels look forward by time: order matters). */
export function checkTimes(ts: Float64Array, what = 'frame'): void {
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (!Number.isFinite(t)) throw new InputError(`${what}: row ${i} has no timestamp (ts = ${t})`, { field: 'ts' });
    if (i > 0 && t < ts[i - 1]) throw new InputError(`${what}: rows are not in time order: row ${i} (ts ${t}) is before row ${i - 1} (ts ${ts[i - 1]})`, { field: 'ts' });
  }
}

/**
 * For each row i, the last row j with ts[j] <= ts[i] + h (the quote prevailing at the horizon), or
 * -1 when ts[i] + h lies beyond the last row: the window was not fully observed, so no label.
 */
export function horizonRows(ts: Float64Array, h: number): Int32Array {
  const n = ts.length;
  const out = new Int32Array(n);
  const last = n > 0 ? ts[n - 1] : 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i] + h;
    if (t > last) {
      out[i] = -1;
      continue;
    }
    if (j < i) j = i;
    while (j + 1 < n && ts[j + 1] <= t) j++;
    out[i] = j;
  }
  return out;
}

/** For each row, the last row j with ts[j] <= ts[i] - h, or -1 when there is none (backward window). */
export function backRows(ts: Float64Array, h: number): Int32Array {
  const n = ts.length;
  const out = new Int32Array(n);
  let j = -1;
  for (let i = 0; i < n; i++) {
    const t = ts[i] - h;
    while (j + 1 < n && ts[j + 1] <= t) j++;
    out[i] = j;
  }
  return out;
}

/** Last row with ts <= t (binary search), or -1. */
export function asOfRow(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (ts[m] <= t) lo = m + 1;
    else hi = m;
  }
  return lo - 1;
}

/**
 * Prefix counts of unusable rows (book invalid, or mid not finite): bad[b] - bad[a] is the number of
 * unusable rows in [a, b). A label whose window holds one is NaN: a gap hides what happened.
 */
export function badPrefix(frame: Frame): Int32Array {
  const n = frame.n;
  const mid = frame.col('mid');
  const valid = frame.has('valid') ? frame.col('valid') : undefined;
  const out = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const bad = !(mid[i] > 0) || (valid !== undefined && valid[i] !== 1);
    out[i + 1] = out[i] + (bad ? 1 : 0);
  }
  return out;
}

/** Segment tree over one series for range max/min and "first index in range reaching x" in O(log n). */
export class RangeTree {
  private readonly size: number;
  private readonly mx: Float64Array;
  private readonly mn: Float64Array;

  constructor(values: Float64Array) {
    let size = 1;
    while (size < values.length) size <<= 1;
    this.size = size;
    this.mx = new Float64Array(2 * size).fill(-Infinity);
    this.mn = new Float64Array(2 * size).fill(Infinity);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === v) {
        this.mx[size + i] = v;
        this.mn[size + i] = v;
      }
    }
    for (let i = size - 1; i >= 1; i--) {
      this.mx[i] = Math.max(this.mx[2 * i], this.mx[2 * i + 1]);
      this.mn[i] = Math.min(this.mn[2 * i], this.mn[2 * i + 1]);
    }
  }

  /** Max over rows [lo, hi] inclusive (NaN values ignored; -Infinity if none). */
  max(lo: number, hi: number): number {
    let r = -Infinity;
    for (let a = lo + this.size, b = hi + this.size + 1; a < b; a >>= 1, b >>= 1) {
      if (a & 1) r = Math.max(r, this.mx[a++]);
      if (b & 1) r = Math.max(r, this.mx[--b]);
    }
    return r;
  }

  /** Min over rows [lo, hi] inclusive (NaN values ignored; Infinity if none). */
  min(lo: number, hi: number): number {
    let r = Infinity;
    for (let a = lo + this.size, b = hi + this.size + 1; a < b; a >>= 1, b >>= 1) {
      if (a & 1) r = Math.min(r, this.mn[a++]);
      if (b & 1) r = Math.min(r, this.mn[--b]);
    }
    return r;
  }

  /** First row in [lo, hi] with value >= x, or -1. */
  firstAtLeast(lo: number, hi: number, x: number): number {
    return lo > hi ? -1 : this.findGe(1, 0, this.size - 1, lo, hi, x);
  }

  /** First row in [lo, hi] with value <= x, or -1. */
  firstAtMost(lo: number, hi: number, x: number): number {
    return lo > hi ? -1 : this.findLe(1, 0, this.size - 1, lo, hi, x);
  }

  private findGe(node: number, nl: number, nr: number, lo: number, hi: number, x: number): number {
    if (nr < lo || nl > hi || this.mx[node] < x) return -1;
    if (nl === nr) return nl;
    const m = (nl + nr) >>> 1;
    const l = this.findGe(2 * node, nl, m, lo, hi, x);
    return l >= 0 ? l : this.findGe(2 * node + 1, m + 1, nr, lo, hi, x);
  }

  private findLe(node: number, nl: number, nr: number, lo: number, hi: number, x: number): number {
    if (nr < lo || nl > hi || this.mn[node] > x) return -1;
    if (nl === nr) return nl;
    const m = (nl + nr) >>> 1;
    const l = this.findLe(2 * node, nl, m, lo, hi, x);
    return l >= 0 ? l : this.findLe(2 * node + 1, m + 1, nr, lo, hi, x);
  }
}
