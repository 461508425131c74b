import type { FeatureContext } from './context.ts';
import { WANT_BOOK, WANT_TRADE, type Feature } from './feature.ts';

/**
 * Base of the operators computed on time bars of the mid: bars [k·B, (k+1)·B) aligned to the epoch,
 * with the OHLC of the mid's path (a bar opens at the previous close, the mid in force at its
 * start). A bar closes — `onBar` — once the clock reaches its end, in `update` or in `write`, so a
 * row at time T reflects exactly the bars that ended at or before T. Bars with no change carry the
 * close forward (the mid did not move); after a long silence at most `maxFlat` flat bars are
 * replayed. While the book is invalid the mid does not update.
 */
export abstract class BarFeature implements Feature {
  readonly wants: number;
  protected readonly barNs: number;
  private barEnd = NaN;
  private bo = NaN;
  private bh = NaN;
  private bl = NaN;
  private bc = NaN;
  /** Bars closed so far. */
  bars = 0;

  constructor(
    readonly names: readonly string[],
    barMs: number,
    wantsTrades = false,
    private readonly maxFlat = 10_000,
  ) {
    this.barNs = barMs * 1e6;
    this.wants = WANT_BOOK | (wantsTrades ? WANT_TRADE : 0);
  }

  /** A bar closed with this OHLC of the mid; `end` is its end time (ns). */
  protected abstract onBar(o: number, h: number, l: number, c: number, end: number): void;
  /** Writes the operator's values (bars already rolled to the row's time). */
  protected abstract writeValues(out: Float64Array, at: number, ctx: FeatureContext): void;
  abstract warm(ctx: FeatureContext): boolean;
  /** Trades (for operators that also accumulate trade flow per bar), after bars rolled to the trade's time. */
  protected onTrade(_ctx: FeatureContext): void {}
  /** Book events (valid or not), after bars rolled to the event's time: state read here belongs to the current bar. */
  protected onBook(_ctx: FeatureContext): void {}

  /** Subclasses that override `onBook` set this: they see every book event, not only mid changes. */
  protected wantsEveryBookEvent = false;

  update(ctx: FeatureContext): void {
    const now = ctx.now;
    if (now >= this.barEnd) this.roll(now);
    if (ctx.ev!.type === 'trade') {
      if (this.barEnd === this.barEnd) this.onTrade(ctx);
      return;
    }
    const m = ctx.mid;
    // Most book messages change levels behind the touch: the mid path (and so the bar) is unchanged.
    if (m === ctx.prevMid && this.barEnd === this.barEnd && !this.wantsEveryBookEvent) return;
    this.onBook(ctx);
    if (!ctx.valid || m !== m) return;
    if (this.barEnd !== this.barEnd) {
      this.barEnd = (Math.floor(now / this.barNs) + 1) * this.barNs;
      this.bo = this.bh = this.bl = this.bc = m;
      return;
    }
    if (m > this.bh) this.bh = m;
    if (m < this.bl) this.bl = m;
    this.bc = m;
  }

  private roll(now: number): void {
    let k = 0;
    while (now >= this.barEnd) {
      this.bars++;
      this.onBar(this.bo, this.bh, this.bl, this.bc, this.barEnd);
      this.bo = this.bh = this.bl = this.bc;
      this.barEnd += this.barNs;
      if (++k >= this.maxFlat && now >= this.barEnd) {
        this.barEnd = (Math.floor(now / this.barNs) + 1) * this.barNs;
        break;
      }
    }
  }

  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    if (ctx.now >= this.barEnd) this.roll(ctx.now);
    this.writeValues(out, at, ctx);
  }
}
