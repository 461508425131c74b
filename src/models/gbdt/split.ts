import { MISSING_BIN, type BinMapper } from './binning.ts';
import { HIST_STRIDE } from './histogram.ts';

/** Regularization and constraints that decide splits and leaf values (LightGBM semantics). */
export interface SplitParams {
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  lambdaL1: number;
  lambdaL2: number;
  minGainToSplit: number;
  /** Clip on a leaf's raw output (0 = none). */
  maxDeltaStep: number;
}

export interface SplitInfo {
  feature: number;
  /** Rows with bin ≤ bin go left (and missing ones go left iff defaultLeft). */
  bin: number;
  defaultLeft: boolean;
  /** Gain over not splitting (already net of the parent's gain). */
  gain: number;
  leftG: number;
  leftH: number;
  leftCount: number;
  rightG: number;
  rightH: number;
  rightCount: number;
}

function thresholdL1(g: number, l1: number): number {
  if (l1 <= 0) return g;
  const a = Math.abs(g) - l1;
  return a > 0 ? Math.sign(g) * a : 0;
}

/** The optimal raw leaf output −T(G)/(H+λ), clipped to ±maxDeltaStep. */
export function leafOutput(G: number, H: number, p: SplitParams): number {
  const w = -thresholdL1(G, p.lambdaL1) / (H + p.lambdaL2);
  if (p.maxDeltaStep > 0 && Math.abs(w) > p.maxDeltaStep) return Math.sign(w) * p.maxDeltaStep;
  return w;
}

/** The loss reduction a leaf with sums (G, H) achieves at its optimal output (up to a constant). */
export function leafGain(G: number, H: number, p: SplitParams): number {
  const t = thresholdL1(G, p.lambdaL1);
  if (p.maxDeltaStep <= 0) return (t * t) / (H + p.lambdaL2);
  const w = leafOutput(G, H, p);
  return -(2 * t * w + (H + p.lambdaL2) * w * w);
}

/**
 * The best split of a leaf over the features whose `mask` byte is 1, from its histogram. For each
 * feature, thresholds are scanned left to right; where the leaf has missing values both
 * directions for them are tried (and the split that isolates the missing rows); where it has none,
 * missing values at prediction time follow the larger child. Child counts are estimated from the
 * hessians (count/sumH per unit), as LightGBM does. Returns null when no split satisfies the
 * constraints with gain > minGainToSplit.
 */
export function findBestSplit(hist: Float64Array, mappers: BinMapper[], mask: Uint8Array, sumG: number, sumH: number, count: number, p: SplitParams): SplitInfo | null {
  const cntFactor = sumH > 0 ? count / sumH : 0;
  const parentGain = leafGain(sumG, sumH, p);
  const minData = p.minDataInLeaf;
  const minHess = p.minSumHessianInLeaf;
  let bestGain = -Infinity;
  let bf = -1;
  let bBin = 0;
  let bDl = false;
  let bLG = 0;
  let bLH = 0;
  for (let f = 0; f < mappers.length; f++) {
    if (mask[f] === 0) continue;
    const mp = mappers[f];
    if (mp.trivial) continue;
    const off = f * HIST_STRIDE;
    const nb = mp.nBins;
    const mG = hist[off + 2 * MISSING_BIN];
    const mH = hist[off + 2 * MISSING_BIN + 1];
    const hasMissing = mp.hasMissing && mH > 0;
    let gl = 0;
    let hl = 0;
    const last = hasMissing ? nb : nb - 1;
    for (let t = 0; t < last; t++) {
      gl += hist[off + 2 * t];
      hl += hist[off + 2 * t + 1];
      // missing → right
      {
        const gr = sumG - gl;
        const hr = sumH - hl;
        if (hl >= minHess && hr >= minHess) {
          const cl = Math.round(hl * cntFactor);
          if (cl >= minData && count - cl >= minData) {
            const gain = leafGain(gl, hl, p) + leafGain(gr, hr, p);
            if (gain > bestGain) {
              bestGain = gain;
              bf = f;
              bBin = t;
              bDl = hasMissing ? false : cl >= count - cl;
              bLG = gl;
              bLH = hl;
            }
          }
        }
      }
      // missing → left
      if (hasMissing && t < nb - 1) {
        const gl2 = gl + mG;
        const hl2 = hl + mH;
        const gr = sumG - gl2;
        const hr = sumH - hl2;
        if (hl2 >= minHess && hr >= minHess) {
          const cl = Math.round(hl2 * cntFactor);
          if (cl >= minData && count - cl >= minData) {
            const gain = leafGain(gl2, hl2, p) + leafGain(gr, hr, p);
            if (gain > bestGain) {
              bestGain = gain;
              bf = f;
              bBin = t;
              bDl = true;
              bLG = gl2;
              bLH = hl2;
            }
          }
        }
      }
    }
  }
  if (bf < 0) return null;
  const gain = bestGain - parentGain;
  if (!(gain > p.minGainToSplit)) return null;
  const lc = Math.round(bLH * cntFactor);
  return { feature: bf, bin: bBin, defaultLeft: bDl, gain, leftG: bLG, leftH: bLH, leftCount: lc, rightG: sumG - bLG, rightH: sumH - bLH, rightCount: count - lc };
}
