import type { FeatureContext } from './context.ts';
import { WANT_BOOK, WANT_TRADE, type Feature } from './feature.ts';

const O = 0;
const H = 1;
const L = 2;
const C = 3;
const END = 4;

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
      this.onBar(st[O], st[H], st[L], st[C], st[END]);
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
