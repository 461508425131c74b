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
import { RadixScratch, radixSortFloat64 } from './radix.ts';

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
 * columns are left 0 and never split on) with each mapper's binary search. Training bins through
 * the parallel block jobs below (a branchless search); this plain version is their reference.
 */
export function binRows(x: Float64Array, p: number, mappers: BinMapper[], stride: number, out: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const base = i * p;
    const ob = i * stride;
    for (let j = 0; j < p; j++) out[ob + j] = mappers[j].bin(x[base + j]);
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

/**
 * One binning job over a row-major matrix, shared by the threads that run it: features are cut
 * into blocks of 8 adjacent columns (one 64-byte line of a row), and each block is handled
 * start to end by one thread — gather its sample columns, sort, find the cuts, then bin every row
 * (and every validation row) of those columns into both the row-major and the column-major bin
 * matrices. A block's results depend only on its own columns, so cuts and bins are identical for
 * any thread count and any assignment of blocks to threads. All arrays may live in
 * SharedArrayBuffers (they must when threads > 1).
 */
export interface BinJob {
  x: Float64Array;
  n: number;
  p: number;
  /** Rows used for the cuts: an evenly spaced sample of min(n, sampleRows) rows (as findBins). */
  sampleRows: number;
  maxBin: number;
  stride: number;
  /** Out: row-major bins (n × stride). */
  bins: Uint8Array;
  /** Out: column-major bins (feature j of row i at j·n + i). */
  binCols: Uint8Array;
  vx?: Float64Array;
  nv: number;
  /** Out: row-major validation bins (nv × stride). */
  vBins?: Uint8Array;
  /** Out: feature j's upper bounds at j·256, padded with +∞. */
  upper: Float64Array;
  /** Out: bounds per feature. */
  nUpper: Int32Array;
  /** Out: 1 when any row of feature j is NaN. */
  missing: Uint8Array;
}

export const BIN_BLOCK = 8;

/** Blocks of a job: 8 features each (more when there are over 255 blocks, so a claim fits a byte). */
export function binBlocks(p: number): { size: number; count: number } {
  let size = BIN_BLOCK;
  while (Math.ceil(p / size) > 255) size += BIN_BLOCK;
  return { size, count: Math.ceil(p / size) };
}

/** Allocates a job's outputs (shared when `shared`). */
export function binJob(x: Float64Array, n: number, p: number, maxBin: number, sampleRows: number, valid: { x: Float64Array; n: number } | undefined, shared: boolean): BinJob {
  const alloc = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const stride = binStride(p);
  const nv = valid?.n ?? 0;
  if (!(maxBin >= 2 && maxBin <= 255)) throw new Error(`maxBin must be in 2..255, got ${maxBin}`);
  return {
    x,
    n,
    p,
    sampleRows,
    maxBin,
    stride,
    bins: new Uint8Array(alloc(n * stride)),
    binCols: new Uint8Array(alloc(n * p)),
    ...(valid ? { vx: valid.x, vBins: new Uint8Array(alloc(nv * stride)) } : {}),
    nv,
    upper: new Float64Array(alloc(p * 256 * 8)),
    nUpper: new Int32Array(alloc(p * 4)),
    missing: new Uint8Array(alloc(p)),
  };
}

/** This thread's buffers for runBinBlock (kept between blocks: a block sorts up to 8 columns of the sample). */
const blockScratch = { cols: new Float64Array(0), radix: new RadixScratch() };

/** Frees this thread's binning buffers (the calling thread keeps them otherwise). */
export function releaseBinScratch(): void {
  blockScratch.cols = new Float64Array(0);
  blockScratch.radix = new RadixScratch();
}

/** Runs block `b` of a job (see BinJob). */
export function runBinBlock(job: BinJob, b: number): void {
  const { x, n, p, stride, bins, binCols, upper, nUpper, missing } = job;
  const { size } = binBlocks(p);
  const f0 = b * size;
  const f1 = Math.min(p, f0 + size);
  const w = f1 - f0;
  if (w <= 0) return;
  const m = Math.min(n, job.sampleRows);
  const step = n / m;
  // Gather the block's sample columns (NaN dropped) with one pass over the rows' cache lines.
  if (blockScratch.cols.length < w * m) blockScratch.cols = new Float64Array(w * m);
  const cols = blockScratch.cols;
  for (let s = 0; s < m; s++) {
    const base = (m === n ? s : Math.floor(s * step)) * p + f0;
    for (let j = 0, o = s; j < w; j++, o += m) cols[o] = x[base + j];
  }
  const k = new Int32Array(w);
  for (let j = 0; j < w; j++) {
    // drop NaN in place (order kept)
    const c0 = j * m;
    let c = c0;
    for (let i = c0; i < c0 + m; i++) {
      const v = cols[i];
      if (v === v) cols[c++] = v;
    }
    k[j] = c - c0;
  }
  upper.fill(Infinity, f0 * 256, f1 * 256);
  for (let j = 0; j < w; j++) {
    const u = BinMapper.fromSorted(radixSortFloat64(cols.subarray(j * m, j * m + k[j]), blockScratch.radix), false, job.maxBin).upper;
    upper.set(u, (f0 + j) * 256);
    nUpper[f0 + j] = u.length;
    missing[f0 + j] = k[j] < m ? 1 : 0;
  }
  const nan = new Uint8Array(w);
  binBlockRows(x, n, p, f0, f1, upper, stride, bins, binCols, nan);
  for (let j = 0; j < w; j++) if (nan[j]) missing[f0 + j] = 1;
  if (job.vx && job.vBins) binBlockRows(job.vx, job.nv, p, f0, f1, upper, stride, job.vBins, null, nan);
}

/**
 * Bins columns [f0, f1) of all n rows: a branchless search over each feature's bounds padded to 256
 * (+∞), 8 compare-and-adds per value; equal to BinMapper.bin (binRows is the reference in tests).
 */
function binBlockRows(x: Float64Array, n: number, p: number, f0: number, f1: number, flat: Float64Array, stride: number, out: Uint8Array, outCols: Uint8Array | null, nan: Uint8Array): void {
  for (let i = 0; i < n; i++) {
    const base = i * p;
    const ob = i * stride;
    for (let j = f0; j < f1; j++) {
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
      let r = b - o;
      if (v !== v) {
        r = MISSING_BIN;
        nan[j - f0] = 1;
      }
      out[ob + j] = r;
      if (outCols) outCols[j * n + i] = r;
    }
  }
}

/** The mappers a finished job found. */
export function jobMappers(job: BinJob): BinMapper[] {
  const out: BinMapper[] = [];
  for (let j = 0; j < job.p; j++) out.push(new BinMapper(job.upper.slice(j * 256, j * 256 + job.nUpper[j]), job.missing[j] === 1));
  return out;
}
