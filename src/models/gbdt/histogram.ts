import { BIN_SLOTS } from './binning.ts';

/**
 * Gradient histograms: for each feature, the sums of gradient and hessian of the rows falling in
 * each bin, interleaved [g, h] in one Float64Array (feature j at j·2·BIN_SLOTS). Counts are not
 * accumulated: as in LightGBM, the row count on each side of a candidate split is estimated from
 * the hessian sums (exact when every row has the same hessian, e.g. L2 regression without
 * weights), which keeps the hot loop at two adds per (row, feature).
 */
export const HIST_STRIDE = 2 * BIN_SLOTS; // 512: the kernel's literal offsets assume it

export function histLength(stride: number): number {
  return stride * HIST_STRIDE;
}

/**
 * Adds rows rows[start..end) into `hist` (not cleared here). `bins` is row-major with `stride`
 * (a multiple of 4) bytes per row; g/h are indexed by row (pass views for other groups). Unrolled
 * by 4 features: V8 keeps the four bin loads and eight read-modify-writes in registers, about
 * twice as fast as a plain loop.
 */
export function accumulate(bins: Uint8Array, stride: number, rows: Int32Array, start: number, end: number, g: Float64Array, h: Float64Array, hist: Float64Array): void {
  for (let i = start; i < end; i++) {
    const r = rows[i];
    const gr = g[r];
    const hr = h[r];
    let p = r * stride;
    const pe = p + stride;
    let off = 0;
    for (; p < pe; p += 4, off += 2048) {
      const b0 = off + (bins[p] << 1);
      const b1 = off + (bins[p + 1] << 1) + 512;
      const b2 = off + (bins[p + 2] << 1) + 1024;
      const b3 = off + (bins[p + 3] << 1) + 1536;
      hist[b0] += gr;
      hist[b0 + 1] += hr;
      hist[b1] += gr;
      hist[b1 + 1] += hr;
      hist[b2] += gr;
      hist[b2 + 1] += hr;
      hist[b3] += gr;
      hist[b3 + 1] += hr;
    }
  }
}

/** out = a − b (histogram subtraction: the larger child from its parent and the smaller child). */
export function subtract(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] - b[i];
}

/** a += b. */
export function addInto(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}
