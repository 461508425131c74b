/**
 * Reconnect delays: exponential growth from `baseMs`, capped at `maxMs`, with jitter so that many
 * recorders (or many connections of one) that lost the venue together do not come back in step.
 * The delay for attempt n (0-based) is uniform in [d/2, d] where d = min(maxMs, baseMs * 2^n)
 * ("equal jitter": never immediate, never above the cap).
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Uniform [0, 1) source; injectable for tests. */
  random?: () => number;
}

export class Backoff {
  private n = 0;
  private readonly random: () => number;

  constructor(private readonly opts: BackoffOptions) {
    if (!(opts.baseMs > 0) || !(opts.maxMs >= opts.baseMs)) throw new RangeError(`backoff needs 0 < baseMs <= maxMs, got ${opts.baseMs}, ${opts.maxMs}`);
    this.random = opts.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one attempt. */
  next(): number {
    const d = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(this.n, 40));
    this.n++;
    return d / 2 + (d / 2) * this.random();
  }

  /** After a success (a connection that delivered data): start again from `baseMs`. */
  reset(): void {
    this.n = 0;
  }

  get attempts(): number {
    return this.n;
  }
}
