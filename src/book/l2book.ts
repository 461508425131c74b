import type { BookView } from '../core/book-view.ts';
import { POW10 } from '../core/decimal.ts';
import type { BookChange } from '../core/events.ts';
import { BookSide } from './book-side.ts';

/**
 * A stateful L2 book. `apply` applies one venue message (snapshot or delta) exactly; the
 * integrity and sequence logic around it lives in `BookEngine`.
 */
export class L2Book implements BookView {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);
  priceDecimals = 0;
  sizeDecimals = 0;
  /** Removals of levels the book did not hold, since creation (normal outside the kept depth). */
  missingDeletes = 0;

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /**
   * When set, `apply` writes each row's previous size (book scale, 0 for a level that did not
   * exist) into it, rows in message order: the exact undo of a delta, for the backtester's delayed
   * view. The caller sizes it (at least nBids + nAsks) and clears it after the call.
   */
  capturePrev: Float64Array | null = null;

  /** Applies a BookChange (a snapshot replaces everything). Rescales if the event has more decimals. */
  apply(ev: BookChange): void {
    if (ev.priceDecimals > this.priceDecimals || ev.sizeDecimals > this.sizeDecimals) this.growScale(ev.priceDecimals, ev.sizeDecimals);
    if (ev.isSnapshot) this.clear();
    const pm = POW10[this.priceDecimals - ev.priceDecimals];
    const sm = POW10[this.sizeDecimals - ev.sizeDecimals];
    const lv = ev.levels;
    const nb = ev.nBids;
    const n = nb + ev.nAsks;
    const bids = this.bids;
    const asks = this.asks;
    const cap = this.capturePrev;
    let missing = 0;
    if (cap !== null) {
      for (let i = 0; i < nb; i++) if ((cap[i] = bids.set(lv[2 * i] * pm, lv[2 * i + 1] * sm)) === 0 && lv[2 * i + 1] === 0) missing++;
      for (let i = nb; i < n; i++) if ((cap[i] = asks.set(lv[2 * i] * pm, lv[2 * i + 1] * sm)) === 0 && lv[2 * i + 1] === 0) missing++;
    } else if (pm === 1 && sm === 1) {
      for (let i = 0; i < nb; i++) if (bids.set(lv[2 * i], lv[2 * i + 1]) === 0 && lv[2 * i + 1] === 0) missing++;
      for (let i = nb; i < n; i++) if (asks.set(lv[2 * i], lv[2 * i + 1]) === 0 && lv[2 * i + 1] === 0) missing++;
    } else {
      for (let i = 0; i < nb; i++) if (bids.set(lv[2 * i] * pm, lv[2 * i + 1] * sm) === 0 && lv[2 * i + 1] === 0) missing++;
      for (let i = nb; i < n; i++) if (asks.set(lv[2 * i] * pm, lv[2 * i + 1] * sm) === 0 && lv[2 * i + 1] === 0) missing++;
    }
    this.missingDeletes += missing;
  }

  private growScale(pd: number, sd: number): void {
    if (pd > this.priceDecimals) {
      const m = POW10[pd - this.priceDecimals];
      this.bids.scale(0, m);
      this.asks.scale(0, m);
      this.priceDecimals = pd;
    }
    if (sd > this.sizeDecimals) {
      const m = POW10[sd - this.sizeDecimals];
      this.bids.scale(1, m);
      this.asks.scale(1, m);
      this.sizeDecimals = sd;
    }
  }

  truncate(depth: number): void {
    this.bids.truncate(depth);
    this.asks.truncate(depth);
  }

  bidCount(): number {
    return this.bids.n;
  }
  askCount(): number {
    return this.asks.n;
  }
  bidPrice(i: number): number {
    return this.bids.price(i);
  }
  bidSize(i: number): number {
    return this.bids.size(i);
  }
  askPrice(i: number): number {
    return this.asks.price(i);
  }
  askSize(i: number): number {
    return this.asks.size(i);
  }

  /** Best bid as a float (display / features only; NaN when empty). */
  bestBid(): number {
    return this.bids.n > 0 ? this.bids.price(0) / POW10[this.priceDecimals] : NaN;
  }
  bestAsk(): number {
    return this.asks.n > 0 ? this.asks.price(0) / POW10[this.priceDecimals] : NaN;
  }
}
