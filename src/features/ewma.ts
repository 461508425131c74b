/**
 * Exponentially weighted time average of a piecewise-constant signal (a book quantity that holds
 * its value between updates): v(t) = ∫ x(s) e^{−(t−s)/τ} ds / ∫ e^{−(t−s)/τ} ds over the signal's
 * history, updated exactly at each change. Normalizing by the kernel mass seen so far keeps the
 * estimate unbiased from the first update (no start-up drift towards 0).
 */
export class TimeEwma {
  private acc = 0;
  private mass = 0;
  private held = NaN;
  private lastTs = NaN;
  readonly tauNs: number;

  constructor(tauMs: number) {
    this.tauNs = tauMs * 1e6;
  }

  /** The signal changes to `x` at `ts`. */
  update(ts: number, x: number): void {
    if (this.held === this.held) {
      const d = Math.exp(-(ts - this.lastTs) / this.tauNs);
      this.acc = this.acc * d + this.held * (1 - d);
      this.mass = this.mass * d + (1 - d);
    }
    this.held = x;
    this.lastTs = ts;
  }

  /** The average as of `now` (the current value counts for the time it has been held). */
  value(now: number): number {
    if (this.held !== this.held) return NaN;
    const d = Math.exp(-(now - this.lastTs) / this.tauNs);
    const mass = this.mass * d + (1 - d);
    return mass > 0 ? (this.acc * d + this.held * (1 - d)) / mass : this.held;
  }

  reset(): void {
    this.acc = this.mass = 0;
    this.held = this.lastTs = NaN;
  }
}

/**
 * Rate of a marked point process (events or volume per second) with an exponential kernel:
 * rate(t) = Σ v_i e^{−(t − t_i)/τ} / ∫_{t0}^{t} e^{−(t−s)/τ} ds, i.e. decayed amount over decayed
 * time observed, so it is unbiased from the start of observation `t0`.
 */
export class RateEwma {
  private s = 0;
  private lastTs = NaN;
  private t0 = NaN;
  readonly tauNs: number;

  constructor(tauMs: number) {
    this.tauNs = tauMs * 1e6;
  }

  /** Starts observing at `ts` (first call wins). */
  start(ts: number): void {
    if (this.t0 !== this.t0) {
      this.t0 = ts;
      this.lastTs = ts;
    }
  }

  add(ts: number, v: number): void {
    this.start(ts);
    if (ts > this.lastTs) {
      this.s *= Math.exp(-(ts - this.lastTs) / this.tauNs);
      this.lastTs = ts;
    }
    this.s += v;
  }

  /** Amount per second as of `now`. */
  rate(now: number): number {
    if (this.t0 !== this.t0) return NaN;
    const t = now > this.lastTs ? now : this.lastTs;
    const s = this.s * Math.exp(-(t - this.lastTs) / this.tauNs);
    const observed = this.tauNs * (1 - Math.exp(-(t - this.t0) / this.tauNs));
    return observed > 0 ? (s / observed) * 1e9 : NaN;
  }

  /** Observed for at least `k` time constants. */
  warm(now: number, k = 1): boolean {
    return now - this.t0 >= k * this.tauNs;
  }

  reset(): void {
    this.s = 0;
    this.lastTs = this.t0 = NaN;
  }
}
