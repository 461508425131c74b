import type { BookView } from '../core/book-view.ts';
import type { L2Book } from '../book/l2book.ts';

/**
 * The strategy's book while the venue's book has moved on (book changes applied at the venue that
 * the strategy has not received yet). Building that delayed state costs a copy of the venue's book
 * and the undo of the pending changes, so it is built only if the strategy reads the view: the
 * first read calls `resolve`, which returns the materialized local book. Valid during one
 * `onMarket` call (the engine re-arms it for each delivery).
 */
export class LagView implements BookView {
  private book: L2Book | null = null;

  constructor(private readonly resolve: () => L2Book) {}

  /** Arms the view for a new delivery (nothing materialized yet). */
  arm(): this {
    this.book = null;
    return this;
  }

  private get b(): L2Book {
    return this.book ?? (this.book = this.resolve());
  }

  get priceDecimals(): number {
    return this.b.priceDecimals;
  }
  get sizeDecimals(): number {
    return this.b.sizeDecimals;
  }
  bidCount(): number {
    return this.b.bids.n;
  }
  askCount(): number {
    return this.b.asks.n;
  }
  bidPrice(i: number): number {
    return this.b.bids.price(i);
  }
  bidSize(i: number): number {
    return this.b.bids.size(i);
  }
  askPrice(i: number): number {
    return this.b.asks.price(i);
  }
  askSize(i: number): number {
    return this.b.asks.size(i);
  }
}
