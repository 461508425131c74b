/**
 * Streaming summaries with constant memory: a log-spaced histogram for quantiles of positive values
 * (spread in bps) and a rolling median over a ring buffer (spread sanity baseline).
 */

const BINS_PER_DECADE = 200;
const MIN_LOG = -4; // 1e-4
const MAX_LOG = 5; // 1e5

export class LogHistogram {
  private readonly counts = new Float64Array((MAX_LOG - MIN_LOG) * BINS_PER_DECADE + 2);
  total = 0;
  zeros = 0;

  add(x: number): void {
    this.total++;
    if (!(x > 0)) {
      this.zeros++;
      return;
    }
    let b = Math.floor((Math.log10(x) - MIN_LOG) * BINS_PER_DECADE) + 1;
    if (b < 1) b = 0;
    else if (b >= this.counts.length) b = this.counts.length - 1;
    this.counts[b]++;
  }

  /** Approximate quantile (bin geometric centre; relative error < 0.6 %). NaN when empty. */
  quantile(q: number): number {
    if (this.total === 0) return NaN;
    let rank = q * (this.total - 1);
    if (rank < this.zeros) return 0;
    rank -= this.zeros;
    let acc = 0;
    for (let b = 0; b < this.counts.length; b++) {
      acc += this.counts[b];
      if (acc > rank) return 10 ** (MIN_LOG + (b - 0.5) / BINS_PER_DECADE);
    }
    return 10 ** MAX_LOG;
  }
}

/** Median of the last `size` samples, recomputed every `size / 4` additions (cheap, lagged). */
export class RollingMedian {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private n = 0;
  private i = 0;
  private sinceRecalc = 0;
  value = NaN;

  constructor(size = 512) {
    this.ring = new Float64Array(size);
    this.sorted = new Float64Array(size);
  }

  add(x: number): void {
    this.ring[this.i] = x;
    this.i = (this.i + 1) % this.ring.length;
    if (this.n < this.ring.length) this.n++;
    if (++this.sinceRecalc >= this.ring.length >> 2 || this.n === 32) this.recalc();
  }

  /** Samples seen, up to the window size. */
  get count(): number {
    return this.n;
  }

  private recalc(): void {
    this.sinceRecalc = 0;
    const s = this.sorted.subarray(0, this.n);
    s.set(this.ring.subarray(0, this.n));
    s.sort();
    this.value = s[this.n >> 1];
  }
}
