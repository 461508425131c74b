import type { InstrumentState } from '../book/engine.ts';
import type { BookSide } from '../book/book-side.ts';
import { L2Book } from '../book/l2book.ts';
import { POW10 } from '../core/decimal.ts';
import type { FeeRates } from './fees.ts';
import type { LagView } from './lag-view.ts';
import { InstrumentLedger } from './ledger.ts';
import type { FillRecord } from './metrics.ts';
import type { SimOrder } from './orders.ts';

/** Venues whose contracts are inverse (P&L in the base coin): the ledger does not handle them. */
const INVERSE_VENUES = new Set(['binance-coinm']);

export function isInverse(venue: string): boolean {
  return INVERSE_VENUES.has(venue);
}

/** Size of the level at `price` on one book side (0 if absent). */
export function levelSize(side: BookSide, price: number): number {
  const i = side.find(price);
  return i >= 0 ? side.sizes[i] : 0;
}

/**
 * Everything the simulator keeps for one instrument: the exchange book (the BookEngine's), the
 * strategy's delayed local copy, resting orders, ledger, funding and mark. Exchange-side values
 * are scaled by `pd` / `sd`: the most decimals seen so far (book, trades, orders); when they grow,
 * every value held is rescaled exactly.
 */
export class SimInstrument {
  pd = 0;
  sd = 0;
  readonly resting: SimOrder[] = [];
  /** Orders the strategy submitted for this instrument. */
  ordersSubmitted = 0;
  /**
   * The strategy's delayed book, kept only while it differs from the venue's (`localOwn`): while
   * the strategy has received every book change applied at the venue, its view is the venue's book
   * itself, and changes it has not received yet are kept with their undo (see Backtest).
   */
  readonly localBook = new L2Book();
  /** `localBook` holds the strategy's state and takes the pending changes as they are delivered. */
  localOwn = false;
  /** Book changes applied at the venue that the strategy has not received yet. */
  lagChanges = 0;
  /** The view handed to the strategy while `lagChanges > 0` and `localOwn` is false (set by the engine). */
  lagView: LagView | undefined;
  localValid = false;
  /** Events of this instrument not yet delivered to the strategy. */
  undelivered = 0;
  /** Levels per side the venue keeps (BookChange.depth; 0 = all): beyond them sizes are unknown, not zero. */
  depthLimit = 0;
  /** The strategy receives this instrument's events (Strategy.wants). */
  wanted = true;
  readonly ledger: InstrumentLedger;
  fees: FeeRates | undefined;
  /** Orders the strategy has not seen finish (local view), oldest first. */
  readonly localOpen: SimOrder[] = [];
  /** Local position from received fills, scaled by `localSd`. */
  localPos = 0;
  localSd = 0;
  /** Reused answer of ExecutionClient.position (no allocation per call). */
  readonly posView = { qty: 0, sizeDecimals: 0 };
  /** bid + ask at `pd` (twice the mid; exact), NaN before the first two-sided book. */
  midX2 = NaN;
  midTs = NaN;
  /** Fills whose markouts / excursions are still open. */
  readonly pending: FillRecord[] = [];
  /** Earliest time a pending fill has a horizon or window ending (advanceFills is skipped before it). */
  pendingDue = Infinity;
  /** Liquidity our taker orders removed: price → [qty taken, level size when taken] (forgotten once the level changes). */
  readonly takenBids = new Map<number, [number, number]>();
  readonly takenAsks = new Map<number, [number, number]>();
  // funding
  fundRate = NaN;
  fundMark = NaN;
  /** Funding time announced by the venue and not settled yet. */
  fundDue = NaN;
  fundingPayments = 0;

  constructor(
    readonly idx: number,
    readonly venue: string,
    readonly symbol: string,
    readonly st: InstrumentState,
  ) {
    this.ledger = new InstrumentLedger(venue, symbol);
  }

  get key(): string {
    return this.venue + ':' + this.symbol;
  }

  /** Grows the exchange-side decimals to at least (pd, sd), rescaling what is held. */
  grow(pd: number, sd: number): void {
    if (pd > this.pd) {
      const m = POW10[pd - this.pd];
      for (const o of this.resting) o.exPrice *= m;
      this.midX2 *= m;
      rescaleKeys(this.takenBids, m);
      rescaleKeys(this.takenAsks, m);
      this.pd = pd;
    }
    if (sd > this.sd) {
      const m = POW10[sd - this.sd];
      for (const o of this.resting) {
        o.exSize *= m;
        o.exFilled *= m;
        o.lot *= m;
        o.levelQty *= m;
        o.crossMem *= m;
        o.ahead *= m;
        o.cumTrade *= m;
      }
      for (const t of [this.takenBids, this.takenAsks]) for (const v of t.values()) (v[0] *= m), (v[1] *= m);
      this.sd = sd;
    }
  }

  /** Best bid / ask of the exchange book (NaN if that side is empty), at `pd`. */
  bestBid(): number {
    const b = this.st.book.bids;
    return b.n > 0 ? b.price(0) * POW10[this.pd - this.st.book.priceDecimals] : NaN;
  }

  bestAsk(): number {
    const a = this.st.book.asks;
    return a.n > 0 ? a.price(0) * POW10[this.pd - this.st.book.priceDecimals] : NaN;
  }
}

function rescaleKeys(m: Map<number, [number, number]>, f: number): void {
  if (m.size === 0) return;
  const entries = [...m.entries()];
  m.clear();
  for (const [k, v] of entries) m.set(k * f, v);
}
