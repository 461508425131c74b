import type { FeatureContext } from './context.ts';
import { WANT_BOOK, WANT_TRADE, type Feature } from './feature.ts';

const O = 0;
const H = 1;
const L = 2;
const C = 3;
const END = 4;
/** Indices into the array `BarFeature.onBar` receives. */
export const BAR_O = O;
export const BAR_H = H;
export const BAR_L = L;
export const BAR_C = C;
export const BAR_END = END;

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
  /**
   * Open, high, low, close and end of the current bar. In a typed array, not fields: this base class's
   * methods serve a dozen subclasses (a megamorphic site), where V8 boxes every double field store.
   */
  private readonly st = new Float64Array([NaN, NaN, NaN, NaN, NaN]);
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

  /**
   * A bar closed: `bar[BAR_O | BAR_H | BAR_L | BAR_C]` is its OHLC of the mid, `bar[BAR_END]` its end
   * time (ns). Read the values during the call only. (An array, not five arguments: doubles passed
   * to a call that is not inlined — this one is megamorphic — are boxed, one allocation each.)
   */
  protected abstract onBar(bar: Float64Array): void;
  /** Writes the operator's values (bars already rolled to the row's time). */
  protected abstract writeValues(out: Float64Array, at: number, ctx: FeatureContext): void;
  abstract warm(ctx: FeatureContext): boolean;
  /** Trades (for operators that also accumulate trade flow per bar), after bars rolled to the trade's time. */
  protected onTrade(_ctx: FeatureContext): void {}
  /** Book events (valid or not), after bars rolled to the event's time: state read here belongs to the current bar. */
  protected onBook(_ctx: FeatureContext): void {}

  /** Subclasses that override `onBook` set this: they see every book event, not only mid changes. */
  protected wantsEveryBookEvent = false;

  /**
   * The end of the current bar (see Feature.quietUntil): before it, a book event that leaves the mid
   * unchanged changes nothing here — exactly the early return of `update` below.
   */
  get quietUntil(): Float64Array | undefined {
    return this.wantsEveryBookEvent ? undefined : this.st.subarray(END, END + 1);
  }

  update(ctx: FeatureContext): void {
    const st = this.st;
    const now = ctx.now;
    if (now >= st[END]) this.roll(now);
    if (ctx.ev!.type === 'trade') {
      if (st[END] === st[END]) this.onTrade(ctx);
      return;
    }
    const m = ctx.mid;
    // Most book messages change levels behind the touch: the mid path (and so the bar) is unchanged.
    if (m === ctx.prevMid && st[END] === st[END] && !this.wantsEveryBookEvent) return;
    this.onBook(ctx);
    if (!ctx.valid || m !== m) return;
    if (st[END] !== st[END]) {
      st[END] = (Math.floor(now / this.barNs) + 1) * this.barNs;
      st[O] = st[H] = st[L] = st[C] = m;
      return;
    }
    if (m > st[H]) st[H] = m;
    if (m < st[L]) st[L] = m;
    st[C] = m;
  }

  private roll(now: number): void {
    const st = this.st;
    let k = 0;
    while (now >= st[END]) {
      this.bars++;
      this.onBar(st);
      st[O] = st[H] = st[L] = st[C];
      st[END] += this.barNs;
      if (++k >= this.maxFlat && now >= st[END]) {
        st[END] = (Math.floor(now / this.barNs) + 1) * this.barNs;
        break;
      }
    }
  }

  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    if (ctx.now >= this.st[END]) this.roll(ctx.now);
    this.writeValues(out, at, ctx);
  }
}
