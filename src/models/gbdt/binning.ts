/**
 * Feature binning for histogram GBDT (as LightGBM/XGBoost `hist`): each feature's values are cut
 * into at most `maxBin` (≤ 255) quantile bins found on a sample of rows, so every row's value
 * becomes one byte. Bin b holds the values v with upper[b−1] < v ≤ upper[b] (the last upper bound
 * is +∞); NaN goes to the reserved MISSING_BIN. A split "bin ≤ t" is therefore exactly the raw
 * test "v ≤ upper[t]", which is what the trained trees store, so prediction never needs bins.
 *
 * Cuts fall only between distinct values: a value repeated in many rows gets its own bin rather
 * than straddling several, and a feature with ≤ maxBin distinct values gets one bin per value.
 */
import { radixSortFloat64 } from './radix.ts';

export const MISSING_BIN = 255;
/** Histogram slots per feature (value bins + the missing bin), fixed so offsets are constant. */
export const BIN_SLOTS = 256;

export interface BinMapperJSON {
  upper: (number | null)[];
  hasMissing: boolean;
}

export class BinMapper {
  constructor(
    /** Upper bounds of the value bins, ascending; the last is +Infinity. */
    readonly upper: Float64Array,
    /** The training sample had missing values. */
    readonly hasMissing: boolean,
  ) {}

  get nBins(): number {
    return this.upper.length;
  }

  /** A feature that cannot split: one value bin and no missing values. */
  get trivial(): boolean {
    return this.upper.length <= 1 && !this.hasMissing;
  }

  bin(v: number): number {
    if (v !== v) return MISSING_BIN;
    const u = this.upper;
    let lo = 0;
    let hi = u.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= u[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  toJSON(): BinMapperJSON {
    return { upper: Array.from(this.upper, (v) => (v === Infinity ? null : v)), hasMissing: this.hasMissing };
  }

  /** Bounds from the sorted non-missing values of one feature. */
  static fromSorted(sorted: Float64Array, hasMissing: boolean, maxBin: number): BinMapper {
    if (!(maxBin >= 2 && maxBin <= 255)) throw new Error(`maxBin must be in 2..255, got ${maxBin}`);
    const m = sorted.length;
    const upper: number[] = [];
    const cut = (a: number, b: number) => {
      let mid = a + (b - a) / 2;
      if (!(mid >= a && mid < b)) mid = a;
      upper.push(mid);
    };
    let distinct = 0;
    for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    if (distinct <= maxBin) {
      for (let i = 1; i < m; i++) if (sorted[i] !== sorted[i - 1]) cut(sorted[i - 1], sorted[i]);
    } else {
      // Greedy quantile cuts at distinct-value boundaries: close the current bin once it holds
      // its share of the rows still to place ((m − start) / bins left), or before a run of one
      // value that is a full share by itself, so a heavily repeated value gets a bin of its own.
      let start = 0;
      let left = maxBin;
      let i = 1;
      while (i < m && left > 1) {
        if (sorted[i] === sorted[i - 1]) {
          i++;
          continue;
        }
        let j = i + 1;
        while (j < m && sorted[j] === sorted[i]) j++;
        const share = (m - start) / left;
        if (i - start >= share || j - i >= share) {
          cut(sorted[i - 1], sorted[i]);
          start = i;
          left--;
        }
        i = j;
      }
    }
    upper.push(Infinity);
    return new BinMapper(Float64Array.from(upper), hasMissing);
  }

  static fromJSON(j: BinMapperJSON): BinMapper {
    return new BinMapper(Float64Array.from(j.upper, (v) => (v === null ? Infinity : v)), j.hasMissing);
  }
}

/**
 * Finds the bins of every column of a row-major matrix (n × p) from an evenly spaced sample of at
 * most `sampleRows` rows (deterministic, and spread across the whole time range of a series).
 * Whether a column has missing values is decided on all rows, so NaN always has its bin.
 */
export function findBins(x: Float64Array, n: number, p: number, maxBin: number, sampleRows = 200_000): BinMapper[] {
  const m = Math.min(n, sampleRows);
  const step = n / m;
  // Transpose the sample once (row-major reads), then sort each column's non-missing values.
  const cols = new Float64Array(m * p);
  for (let s = 0; s < m; s++) {
    const base = Math.floor(s * step) * p;
    for (let j = 0; j < p; j++) cols[j * m + s] = x[base + j];
  }
  const missing = new Uint8Array(p);
  // When every row is in the sample, the sample itself tells (below); else scan all rows.
  if (m < n)
    for (let i = 0; i < n; i++) {
      const base = i * p;
      for (let j = 0; j < p; j++) if (x[base + j] !== x[base + j]) missing[j] = 1;
    }
  const out: BinMapper[] = [];
  const buf = new Float64Array(m);
  for (let j = 0; j < p; j++) {
    let k = 0;
    for (let s = 0; s < m; s++) {
      const v = cols[j * m + s];
      if (v === v) buf[k++] = v;
    }
    if (k < m) missing[j] = 1;
    out.push(BinMapper.fromSorted(radixSortFloat64(buf.subarray(0, k)), missing[j] === 1, maxBin));
  }
  return out;
}

/** Row stride of binned data: the feature count padded to a multiple of 4 (the histogram kernel is unrolled by 4). */
export function binStride(p: number): number {
  return (p + 3) & ~3;
}

/**
 * Bins rows [from, to) of a row-major matrix into `out` (row-major, `stride` bytes per row; pad
 * columns are left 0 and never split on). `out` may live in a SharedArrayBuffer. The bin search is
 * branchless over each feature's bounds padded to 256 (+∞): 8 compare-and-adds per value.
 */
export function binRows(x: Float64Array, p: number, mappers: BinMapper[], stride: number, out: Uint8Array, from: number, to: number): void {
  const flat = new Float64Array(p * 256).fill(Infinity);
  for (let j = 0; j < p; j++) flat.set(mappers[j].upper, j * 256);
  for (let i = from; i < to; i++) {
    const base = i * p;
    const ob = i * stride;
    for (let j = 0; j < p; j++) {
      const v = x[base + j];
      const o = j << 8;
      let b = o;
      b += +(flat[b + 127] < v) << 7;
      b += +(flat[b + 63] < v) << 6;
      b += +(flat[b + 31] < v) << 5;
      b += +(flat[b + 15] < v) << 4;
      b += +(flat[b + 7] < v) << 3;
      b += +(flat[b + 3] < v) << 2;
      b += +(flat[b + 1] < v) << 1;
      b += +(flat[b] < v);
      out[ob + j] = v === v ? b - o : MISSING_BIN;
    }
  }
}

/**
 * Column-major copy of row-major binned data (feature j's bins at j·n): partitioning a leaf reads
 * one feature of its rows, one byte each, instead of touching a cache line per row.
 */
export function binColumns(bins: Uint8Array, n: number, stride: number, p: number): Uint8Array {
  const out = new Uint8Array(n * p);
  const B = 4096;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j = 0; j < p; j++) {
      const col = j * n;
      for (let i = i0; i < i1; i++) out[col + i] = bins[i * stride + j];
    }
  }
  return out;
}
