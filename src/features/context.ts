import { L2Book } from '../book/l2book.ts';
import type { BookView } from '../core/book-view.ts';
import { POW10 } from '../core/decimal.ts';
import type { Funding, MarketEvent, Trade } from '../core/events.ts';
import { LeeReady } from './trade-sign.ts';

const EMPTY_BOOK: BookView = {
  priceDecimals: 0,
  sizeDecimals: 0,
  bidCount: () => 0,
  askCount: () => 0,
  bidPrice: () => NaN,
  bidSize: () => NaN,
  askPrice: () => NaN,
  askSize: () => NaN,
};

/** How flow features sign trades: the venue's aggressor flag (Lee–Ready where it is missing), or Lee–Ready always. */
export type TradeSignMode = 'aggressor' | 'lee_ready';

/**
 * What every operator of one FeatureSet shares about the current event, computed once per event:
 * the clock, the book's top as floats (before and after the event), the current trade and its sign.
 * During `write`, `now` is the row's sample time and the book fields are the book as of that time.
 */
export class FeatureContext {
  ev: MarketEvent | undefined = undefined;
  book: BookView = EMPTY_BOOK;
  /** The book is intact (synced, no gap since). Book-derived values are NaN while it is not. */
  valid = false;
  /** This book event is the first valid one after an invalid stretch (or a scale change): diffs against the previous book are meaningless. */
  resync = true;
  /** Monotonic clock, ns (exchange time where the venue sends it). During `write`: the row's time. */
  now = NaN;
  /** Local receive time of the current event, ns. */
  localTs = NaN;
  /** Time of the first event seen, ns. */
  startTs = NaN;
  /** Time of the first valid book event, ns (history-based operators measure warm-up from here). */
  firstValidTs = NaN;

  /**
   * The book's levels as scaled-integer typed arrays, best level LAST: level i (0 = best) of the
   * bids is `bp[nb − 1 − i]`, `bs[nb − 1 − i]`; of the asks `ap[na − 1 − i]`, `as[na − 1 − i]`.
   * Zero-copy views of an L2Book (a foreign BookView is copied once per book event). Operators read
   * these in `write` for speed; they hold the book as of the row.
   */
  bp: Float64Array = new Float64Array(0);
  bs: Float64Array = new Float64Array(0);
  ap: Float64Array = new Float64Array(0);
  as: Float64Array = new Float64Array(0);
  nb = 0;
  na = 0;

  /** 10^priceDecimals and 10^sizeDecimals of the book: scaled integer / P = price. */
  P = 1;
  S = 1;
  private pd = -1;
  private sd = -1;
  bid = NaN;
  ask = NaN;
  bidSize = NaN;
  askSize = NaN;
  mid = NaN;
  prevBid = NaN;
  prevAsk = NaN;
  prevBidSize = NaN;
  prevAskSize = NaN;
  prevMid = NaN;

  /** The current trade (valid while `ev` is a trade; the last trade's values otherwise). */
  tradePrice = NaN;
  tradeSize = NaN;
  /** +1 buyer-initiated, −1 seller-initiated, 0 unknown (per `signMode`). */
  tradeSign = 0;
  /** The venue's own aggressor flag for the trade: +1, −1, or 0 when it sent none. */
  aggressorSign = 0;
  readonly leeReady = new LeeReady();
  lastTradeTs = NaN;

  funding: Funding | undefined = undefined;

  private wasValid = false;

  constructor(readonly signMode: TradeSignMode = 'aggressor') {}

  /** Advances the clock to an event's time (exchange time, local time when the venue sends none). */
  tick(ev: MarketEvent): void {
    const ts = ev.exchTs === ev.exchTs ? ev.exchTs : ev.localTs;
    if (!(ts <= this.now)) this.now = ts;
    if (this.startTs !== this.startTs) this.startTs = this.now;
    this.localTs = ev.localTs;
    this.ev = ev;
  }

  /** After the engine applied a book change (or any event that may change validity). */
  setBook(book: BookView, valid: boolean): void {
    this.book = book;
    this.prevBid = this.bid;
    this.prevAsk = this.ask;
    this.prevBidSize = this.bidSize;
    this.prevAskSize = this.askSize;
    this.prevMid = this.mid;
    let resync = valid && !this.wasValid;
    if (book.priceDecimals !== this.pd || book.sizeDecimals !== this.sd) {
      this.pd = book.priceDecimals;
      this.sd = book.sizeDecimals;
      this.P = POW10[this.pd];
      this.S = POW10[this.sd];
      resync = true;
    }
    this.resync = resync;
    this.wasValid = valid;
    this.valid = valid;
    this.syncLevels(book);
    const nb = this.nb;
    const na = this.na;
    if (valid && nb > 0 && na > 0) {
      const P = this.P;
      const S = this.S;
      this.bid = this.bp[nb - 1] / P;
      this.ask = this.ap[na - 1] / P;
      this.bidSize = this.bs[nb - 1] / S;
      this.askSize = this.as[na - 1] / S;
      this.mid = 0.5 * (this.bid + this.ask);
      if (this.firstValidTs !== this.firstValidTs) this.firstValidTs = this.now;
    } else {
      this.bid = this.ask = this.bidSize = this.askSize = this.mid = NaN;
    }
  }

  private syncLevels(book: BookView): void {
    if (book instanceof L2Book) {
      // views starting at each side's deepest level (made again only when the side's storage moved)
      const b = book.bids;
      const a = book.asks;
      if (b.prices !== this.bBuf || b.lo !== this.bLo) {
        this.bBuf = b.prices;
        this.bLo = b.lo;
        this.bp = b.prices.subarray(b.lo);
        this.bs = b.sizes.subarray(b.lo);
      }
      if (a.prices !== this.aBuf || a.lo !== this.aLo) {
        this.aBuf = a.prices;
        this.aLo = a.lo;
        this.ap = a.prices.subarray(a.lo);
        this.as = a.sizes.subarray(a.lo);
      }
      this.nb = b.n;
      this.na = a.n;
      return;
    }
    this.bBuf = this.aBuf = null;
    const nb = book.bidCount();
    const na = book.askCount();
    this.bp = this.ownBp.length >= nb ? this.ownBp : (this.ownBp = new Float64Array(nb * 2));
    this.bs = this.ownBs.length >= nb ? this.ownBs : (this.ownBs = new Float64Array(nb * 2));
    this.ap = this.ownAp.length >= na ? this.ownAp : (this.ownAp = new Float64Array(na * 2));
    this.as = this.ownAs.length >= na ? this.ownAs : (this.ownAs = new Float64Array(na * 2));
    for (let i = 0; i < nb; i++) {
      this.bp[nb - 1 - i] = book.bidPrice(i);
      this.bs[nb - 1 - i] = book.bidSize(i);
    }
    for (let i = 0; i < na; i++) {
      this.ap[na - 1 - i] = book.askPrice(i);
      this.as[na - 1 - i] = book.askSize(i);
    }
    this.nb = nb;
    this.na = na;
  }
  private bBuf: Float64Array | null = null;
  private bLo = -1;
  private aBuf: Float64Array | null = null;
  private aLo = -1;
  private ownBp = new Float64Array(0);
  private ownBs = new Float64Array(0);
  private ownAp = new Float64Array(0);
  private ownAs = new Float64Array(0);

  /** The book became invalid (gap, disconnect) without a book change. */
  invalidate(): void {
    this.valid = false;
    this.wasValid = false;
    this.bid = this.ask = this.bidSize = this.askSize = this.mid = NaN;
  }

  setTrade(ev: Trade): void {
    const price = ev.price / POW10[ev.priceDecimals];
    this.tradePrice = price;
    this.tradeSize = ev.size / POW10[ev.sizeDecimals];
    this.lastTradeTs = this.now;
    this.leeReady.classify(price, this.mid);
    this.aggressorSign = ev.aggressor === 0 ? 1 : ev.aggressor === 1 ? -1 : 0;
    this.tradeSign = this.signMode === 'aggressor' && this.aggressorSign !== 0 ? this.aggressorSign : this.leeReady.sign;
  }
}
