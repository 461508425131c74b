import { lgamma } from '../math.ts';

/**
 * Rescaled-range (R/S) Hurst exponent (Hurst 1951; Mandelbrot & Wallis 1969) of a series of
 * increments x over several scales n: split the last ⌊N/n⌋·n values into chunks of n; per chunk
 * Y_k = Σ_{i≤k}(x_i − x̄), R = max Y − min Y, S = population std; (R/S)_n = mean over chunks. H is
 * the OLS slope of log (R/S)_n on log n. With the Anis–Lloyd correction (Anis & Lloyd 1976, with
 * Peters' 1994 small-n factor, as in Weron 2002): H = 0.5 + slope of log (R/S)_n − log E[(R/S)_n]
 * on log n, where E[(R/S)_n] = ((n − ½)/n)·Γ((n−1)/2)/(√π·Γ(n/2))·Σ_{i=1}^{n−1} √((n−i)/i)
 * (Γ ratio replaced by √(2/(πn)) for n > 340). White-noise increments (a random walk) give H ≈ 0.5,
 * persistent (trending) increments H > 0.5, anti-persistent H < 0.5.
 */
export function expectedRS(n: number): number {
  let s = 0;
  for (let i = 1; i < n; i++) s += Math.sqrt((n - i) / i);
  const ratio = n <= 340 ? Math.exp(lgamma((n - 1) / 2) - lgamma(n / 2)) / Math.sqrt(Math.PI) : 1 / Math.sqrt((n * Math.PI) / 2);
  return ((n - 0.5) / n) * ratio * s;
}

/** H of `x[0..N)` over `scales` (each ≥ 4 and ≤ N); NaN when fewer than 2 scales give a finite R/S. */
export function hurstRS(x: ArrayLike<number>, N: number, scales: readonly number[], correction: boolean, expected?: readonly number[]): number {
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let k = 0;
  for (let j = 0; j < scales.length; j++) {
    const n = scales[j];
    const chunks = Math.floor(N / n);
    if (chunks < 1) continue;
    const start = N - chunks * n;
    let acc = 0;
    let used = 0;
    for (let c = 0; c < chunks; c++) {
      const o = start + c * n;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += x[o + i];
      mean /= n;
      let y = 0;
      let hi = 0;
      let lo = 0;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const d = x[o + i] - mean;
        y += d;
        if (y > hi) hi = y;
        if (y < lo) lo = y;
        ss += d * d;
      }
      const sd = Math.sqrt(ss / n);
      if (sd > 0) {
        acc += (hi - lo) / sd;
        used++;
      }
    }
    if (used === 0) continue;
    const rs = acc / used;
    const lx = Math.log(n);
    const ly = correction ? Math.log(rs) - Math.log(expected?.[j] ?? expectedRS(n)) : Math.log(rs);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
    k++;
  }
  if (k < 2) return NaN;
  const slope = (sxy - (sx * sy) / k) / (sxx - (sx * sx) / k);
  return correction ? 0.5 + slope : slope;
}

/**
 * The same R/S estimate computed incrementally for a stream: chunks of n values are aligned on the
 * stream's count (a chunk closes every n values) and each scale keeps the R/S of its last ⌊N/n⌋
 * complete chunks, so a new value costs O(1) amortized per scale instead of O(N). When the count
 * is a multiple of every scale, the chunks are exactly those `hurstRS` uses on the last N values.
 */
export class StreamingRS {
  private readonly last: Float64Array;
  private readonly maxScale: number;
  private count = 0;
  private readonly rings: Float64Array[];
  private readonly fill: Int32Array;
  private readonly pos: Int32Array;
  private readonly logN: Float64Array;
  private readonly logE: Float64Array;

  constructor(
    readonly window: number,
    readonly scales: readonly number[],
    readonly correction: boolean,
  ) {
    this.maxScale = Math.max(...scales);
    this.last = new Float64Array(this.maxScale);
    this.rings = scales.map((n) => new Float64Array(Math.max(1, Math.floor(window / n))));
    this.fill = new Int32Array(scales.length);
    this.pos = new Int32Array(scales.length);
    this.logN = Float64Array.from(scales, (n) => Math.log(n));
    this.logE = Float64Array.from(scales, (n) => Math.log(expectedRS(n)));
  }

  push(x: number): void {
    const M = this.maxScale;
    this.last[this.count % M] = x;
    this.count++;
    for (let j = 0; j < this.scales.length; j++) {
      const n = this.scales[j];
      if (this.count % n !== 0) continue;
      // R/S of the chunk made of the last n values
      let mean = 0;
      for (let i = this.count - n; i < this.count; i++) mean += this.last[i % M];
      mean /= n;
      let y = 0;
      let hi = 0;
      let lo = 0;
      let ss = 0;
      for (let i = this.count - n; i < this.count; i++) {
        const d = this.last[i % M] - mean;
        y += d;
        if (y > hi) hi = y;
        if (y < lo) lo = y;
        ss += d * d;
      }
      const sd = Math.sqrt(ss / n);
      const ring = this.rings[j];
      ring[this.pos[j]] = sd > 0 ? (hi - lo) / sd : NaN;
      this.pos[j] = (this.pos[j] + 1) % ring.length;
      if (this.fill[j] < ring.length) this.fill[j]++;
    }
  }

  /** Every scale holds its full set of chunks. */
  get ready(): boolean {
    if (this.full) return true;
    for (let j = 0; j < this.scales.length; j++) if (this.fill[j] < this.rings[j].length) return false;
    return (this.full = true); // fills only grow
  }
  private full = false;

  hurst(): number {
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let k = 0;
    for (let j = 0; j < this.scales.length; j++) {
      const ring = this.rings[j];
      let acc = 0;
      let used = 0;
      for (let i = 0; i < this.fill[j]; i++) {
        const v = ring[i];
        if (v === v) {
          acc += v;
          used++;
        }
      }
      if (used === 0) continue;
      const lx = this.logN[j];
      const ly = Math.log(acc / used) - (this.correction ? this.logE[j] : 0);
      sx += lx;
      sy += ly;
      sxx += lx * lx;
      sxy += lx * ly;
      k++;
    }
    if (k < 2) return NaN;
    const slope = (sxy - (sx * sy) / k) / (sxx - (sx * sx) / k);
    return this.correction ? 0.5 + slope : slope;
  }
}
