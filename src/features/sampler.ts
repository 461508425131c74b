/**
 * When rows are emitted. Time sampling uses a grid of multiples of the interval (epoch-aligned, so
 * two runs over overlapping data share row times): the row at grid time T holds every event with
 * time ≤ T and none after, so it is written before the first event later than T reaches the book.
 */
export class TimeGrid {
  /** Next grid time to emit (NaN before the first event). */
  next = NaN;
  /** Grid rows skipped over silences longer than `maxGapNs`. */
  skipped = 0;
  readonly stepNs: number;
  readonly maxGapNs: number;

  constructor(intervalMs: number, maxGapMs: number) {
    this.stepNs = intervalMs * 1e6;
    this.maxGapNs = maxGapMs * 1e6;
  }

  /** Starts the grid at the first multiple of the step at or after `ts`. */
  start(ts: number): void {
    if (this.next !== this.next) this.next = Math.ceil(ts / this.stepNs) * this.stepNs;
  }

  /**
   * After a silence longer than the max gap, jumps the grid to just before `ts` (the rows of the
   * silence past the first `maxGap` would all repeat the same stale state) and counts the rows skipped.
   */
  skipSilence(ts: number): void {
    const limit = this.next + this.maxGapNs;
    if (ts > limit) {
      const to = Math.ceil(ts / this.stepNs) * this.stepNs - this.stepNs;
      const from = Math.ceil(limit / this.stepNs) * this.stepNs;
      if (to > from) {
        this.skipped += Math.round((to - from) / this.stepNs);
        this.jumpFrom = from;
        this.jumpTo = to;
      }
    }
  }

  private jumpFrom = NaN;
  private jumpTo = NaN;

  /** Moves past the grid time just emitted (honouring a pending silence jump). */
  step(): void {
    this.next += this.stepNs;
    if (this.next >= this.jumpFrom) {
      this.next = this.jumpTo;
      this.jumpFrom = this.jumpTo = NaN;
    }
  }
}

/** Volume clock: true each time cumulative volume crosses a multiple of the bucket size. */
export class VolumeClock {
  private cum = 0;
  private nextAt: number;

  constructor(readonly bucket: number) {
    this.nextAt = bucket;
  }

  add(v: number): boolean {
    this.cum += v;
    if (this.cum < this.nextAt) return false;
    // One row however many buckets this trade completed: they would all show the same state.
    this.nextAt = (Math.floor(this.cum / this.bucket) + 1) * this.bucket;
    return true;
  }
}
