import type { BookSide } from '../book/book-side.ts';
import { POW10 } from '../core/decimal.ts';
import { ASK, BID, type Funding, type Side, type Trade } from '../core/events.ts';
import type { OrderUpdate } from '../strategy/api.ts';
import type { FeeModel } from './fees.ts';
import { Fixed } from './fixed.ts';
import { levelSize, type SimInstrument } from './instrument.ts';
import { observeMid, type FillRecord, type MetricsConfig } from './metrics.ts';
import { EX_CANCELED, EX_EXPIRED, EX_FILLED, EX_REJECTED, EX_RESTING, type SimOrder } from './orders.ts';
import type { OrderLevelMsg } from './order-level.ts';
import type { QueueModel } from './queue.ts';

/** Exchange-side answers, routed through the response latency by the engine. */
export type Respond = (o: SimOrder, u: OrderUpdate) => void;

/**
 * The simulated venue: matches orders against the replayed book, tracks queue position, books
 * fills into the ledger and answers through `respond`. Fill rules for a resting order:
 *  - a trade at its price, against its side, advances the queue; volume beyond the front fills it;
 *  - a trade through its price (a sale below a resting bid) fills it entirely;
 *  - opposite liquidity appearing at or through its price (the book crossing it) trades with it;
 *    each unit of such liquidity fills once (`crossMem`).
 * Market and marketable orders walk the book level by level (slippage), remembering the size
 * they took from each level until the data changes that level.
 */
export class SimExchange {
  now = 0;
  readonly fills: FillRecord[] = [];
  /** Orders joining levels, in order (priority among own orders at one price). */
  private joinSeq = 0;

  constructor(
    private readonly queue: QueueModel,
    private readonly fees: FeeModel,
    private readonly metrics: MetricsConfig,
    private readonly respond: Respond,
  ) {}

  // ---------------------------------------------------------------- market data

  /** After a book message was applied to `inst`'s exchange book. */
  onBook(inst: SimInstrument): void {
    const book = inst.st.book;
    if (book.priceDecimals > inst.pd || book.sizeDecimals > inst.sd) inst.grow(book.priceDecimals, book.sizeDecimals);
    const bids = book.bids;
    const asks = book.asks;
    if (bids.n > 0 && asks.n > 0) {
      const mid2 = (bids.price(0) + asks.price(0)) * POW10[inst.pd - book.priceDecimals];
      if (mid2 !== inst.midX2) {
        inst.midX2 = mid2;
        inst.midTs = this.now;
        if (inst.pending.length > 0) observeMid(inst.pending, this.now, mid2 / 2 / POW10[inst.pd], this.metrics);
      }
    }
    const resting = inst.resting;
    if (resting.length === 0) return;
    const fp = POW10[inst.pd - book.priceDecimals];
    const fs = POW10[inst.sd - book.sizeDecimals];
    const unit = POW10[inst.sd];
    // crossing liquidity given to our orders in this pass, per side (no unit fills two of our orders)
    let usedBid = 0;
    let usedAsk = 0;
    for (let i = 0; i < resting.length; i++) {
      const o = resting[i];
      const own = o.side === BID ? bids : asks;
      const q = levelSize(own, o.exPrice / fp) * fs;
      // In a depth-limited book (LOBSTER, Kraken) a price beyond the last kept level has an unknown
      // size: the position holds until the level is seen again.
      let known = true;
      if (inst.depthLimit > 0) {
        if (own.n >= inst.depthLimit && (o.side === BID ? o.exPrice < own.price(own.n - 1) * fp : o.exPrice > own.price(own.n - 1) * fp)) o.levelHidden = true;
        else if (o.levelHidden && q > 0) o.levelHidden = false;
        known = !o.levelHidden;
      }
      if (q !== o.levelQty && known) {
        const extra = resting.length > 1 ? this.ownAhead(inst, o) : 0;
        this.queue.depth(o, o.levelQty + extra, q + extra, unit);
        o.levelQty = q;
      }
      // the book crossing the order's price: that liquidity would have traded with it
      const opp = o.side === BID ? asks : bids;
      if (opp.n > 0 && crosses(o.side, opp.price(0) * fp, o.exPrice)) {
        const avail = volumeThrough(opp, o.side, o.exPrice / fp) * fs;
        if (avail > o.crossMem) {
          const used = o.side === BID ? usedBid : usedAsk;
          const q2 = floorLot(Math.min(avail - o.crossMem - used, o.exRemaining), o.lot);
          o.crossMem = avail;
          if (q2 > 0) {
            if (o.side === BID) usedBid += q2;
            else usedAsk += q2;
            this.release(inst, o, q2);
            this.fill(inst, o, q2, o.exPrice, true);
            if (o.exStatus !== EX_RESTING) i--; // removed from `resting`
          }
        } else o.crossMem = avail;
      } else o.crossMem = 0;
    }
  }

  /** Size of own resting orders at the same side and price that joined before `o`. */
  private ownAhead(inst: SimInstrument, o: SimOrder): number {
    let s = 0;
    for (const r of inst.resting) if (r !== o && r.side === o.side && r.exPrice === o.exPrice && r.joinSeq < o.joinSeq) s += r.exRemaining;
    return s;
  }

  onTrade(inst: SimInstrument, ev: Trade): void {
    if (ev.priceDecimals > inst.pd || ev.sizeDecimals > inst.sd) inst.grow(ev.priceDecimals, ev.sizeDecimals);
    const resting = inst.resting;
    if (resting.length === 0) return;
    const price = ev.price * POW10[inst.pd - ev.priceDecimals];
    const size = ev.size * POW10[inst.sd - ev.sizeDecimals];
    let ag = ev.aggressor;
    if (ag === -1) {
      // unknown aggressor: a print at or below the bid was a sale, at or above the ask a purchase
      const bb = inst.bestBid();
      const ba = inst.bestAsk();
      if (price <= bb) ag = ASK;
      else if (price >= ba) ag = BID;
      else return;
    }
    const passive: Side = ag === ASK ? BID : ASK;
    const atPrice = !this.queue.orderLevel;
    for (let i = 0; i < resting.length; i++) {
      const o = resting[i];
      if (o.side !== passive) continue;
      let q = 0;
      if (passive === BID ? price < o.exPrice : price > o.exPrice) {
        // traded through: filled outside the queue, so our later orders at this price move up
        q = o.exRemaining;
        this.release(inst, o, q);
      } else if (price === o.exPrice && atPrice) q = floorLot(Math.min(this.queue.trade(o, size), o.exRemaining), o.lot);
      if (q > 0) {
        this.fill(inst, o, q, o.exPrice, true);
        if (o.exStatus !== EX_RESTING) i--;
      }
    }
  }

  onOrderLevel(inst: SimInstrument, m: OrderLevelMsg): void {
    if (!this.queue.orderLevel) return;
    if (m.priceDecimals > inst.pd || m.sizeDecimals > inst.sd) inst.grow(m.priceDecimals, m.sizeDecimals);
    const resting = inst.resting;
    if (resting.length === 0) return;
    const price = m.price * POW10[inst.pd - m.priceDecimals];
    const size = m.size * POW10[inst.sd - m.sizeDecimals];
    for (let i = 0; i < resting.length; i++) {
      const o = resting[i];
      if (o.side !== m.side || o.exPrice !== price) continue;
      const reach = this.queue.message(o, m.kind, m.id, size);
      const q = floorLot(Math.min(reach, o.exRemaining), o.lot);
      if (q > 0) {
        this.fill(inst, o, q, o.exPrice, true);
        if (o.exStatus !== EX_RESTING) i--;
      }
    }
  }

  onFunding(inst: SimInstrument, ev: Funding): void {
    if (ev.fundingRate === ev.fundingRate) inst.fundRate = ev.fundingRate;
    if (ev.markPrice === ev.markPrice) inst.fundMark = ev.markPrice;
    if (ev.nextFundingTs === ev.nextFundingTs && ev.nextFundingTs > this.now) inst.fundDue = ev.nextFundingTs;
  }

  /** Settles a funding payment whose time has come (at the latest rate and mark announced before it). */
  settleFunding(inst: SimInstrument): void {
    if (!(inst.fundDue <= this.now)) return;
    inst.fundDue = NaN;
    if (inst.ledger.position.sign() === 0 || !(inst.fundRate === inst.fundRate && inst.fundMark === inst.fundMark)) return;
    inst.ledger.payFunding(Fixed.parse(inst.fundMark), Fixed.parse(inst.fundRate));
    inst.fundingPayments++;
  }

  // ---------------------------------------------------------------- orders

  /** A new order reaches the venue. */
  arrive(inst: SimInstrument, o: SimOrder): void {
    o.arriveTs = this.now;
    const req = o.req;
    if (!inst.st.valid || inst.st.book.bids.n === 0 || inst.st.book.asks.n === 0) return this.reject(o, 'no valid two-sided book at the venue');
    if (req.priceDecimals > inst.pd && req.type === 'limit') return this.reject(o, `price has ${req.priceDecimals} decimals; the instrument's prices have ${inst.pd}`);
    if (req.sizeDecimals > inst.sd) return this.reject(o, `size has ${req.sizeDecimals} decimals; the instrument's sizes have ${inst.sd}`);
    o.exPrice = req.type === 'market' ? (req.side === BID ? Infinity : -Infinity) : req.price * POW10[inst.pd - req.priceDecimals];
    o.lot = POW10[inst.sd - req.sizeDecimals];
    o.exSize = req.size * o.lot;
    o.arriveBid = inst.bestBid();
    o.arriveAsk = inst.bestAsk();
    if (req.tif === 'post_only' && this.marketable(inst, o)) return this.reject(o, 'post-only order would take liquidity');
    this.respond(o, { kind: 'accepted', orderId: o.id, ts: NaN, exchTs: this.now });
    this.enter(inst, o);
  }

  /** Takes what crosses, then rests the remainder (gtc / post-only) or expires it (ioc / market). */
  private enter(inst: SimInstrument, o: SimOrder): void {
    if (this.marketable(inst, o)) this.walk(inst, o);
    if (o.exStatus === EX_FILLED) return;
    if (o.req.type === 'market' || o.req.tif === 'ioc') {
      o.exStatus = EX_EXPIRED;
      o.doneTs = this.now;
      this.respond(o, { kind: 'expired', orderId: o.id, ts: NaN, exchTs: this.now });
      return;
    }
    this.rest(inst, o);
  }

  private rest(inst: SimInstrument, o: SimOrder): void {
    const book = inst.st.book;
    const fp = POW10[inst.pd - book.priceDecimals];
    const fs = POW10[inst.sd - book.sizeDecimals];
    o.levelQty = levelSize(o.side === BID ? book.bids : book.asks, o.exPrice / fp) * fs;
    o.joinSeq = ++this.joinSeq;
    o.behind = null;
    o.levelHidden = false;
    o.exStatus = EX_RESTING;
    inst.resting.push(o);
    this.queue.join(o, o.levelQty + (inst.resting.length > 1 ? this.ownAhead(inst, o) : 0));
    const opp = o.side === BID ? book.asks : book.bids;
    o.crossMem = opp.n > 0 && crosses(o.side, opp.price(0) * fp, o.exPrice) ? volumeThrough(opp, o.side, o.exPrice / fp) * fs : 0;
  }

  private marketable(inst: SimInstrument, o: SimOrder): boolean {
    return this.marketableAt(inst, o.side, o.exPrice);
  }

  private marketableAt(inst: SimInstrument, side: Side, price: number): boolean {
    const best = side === BID ? inst.bestAsk() : inst.bestBid();
    return best === best && crosses(side, best, price);
  }

  /** Walks the opposite side up to the limit, level by level, using size not already taken. */
  private walk(inst: SimInstrument, o: SimOrder): void {
    const book = inst.st.book;
    const opp = o.side === BID ? book.asks : book.bids;
    const taken = o.side === BID ? inst.takenAsks : inst.takenBids;
    const fp = POW10[inst.pd - book.priceDecimals];
    const fs = POW10[inst.sd - book.sizeDecimals];
    for (let i = 0; i < opp.n && o.exStatus !== EX_FILLED; i++) {
      const p = opp.price(i) * fp;
      if (!crosses(o.side, p, o.exPrice)) break;
      const lvl = opp.size(i) * fs;
      let used = 0;
      const t = taken.get(p);
      if (t !== undefined) {
        if (t[1] === lvl) used = t[0];
        else taken.delete(p); // the level changed since: the data is the truth again
      }
      const q = floorLot(Math.min(lvl - used, o.exRemaining), o.lot);
      if (q <= 0) continue;
      taken.set(p, [used + q, lvl]);
      o.takerQty += q / POW10[inst.sd];
      o.takerNotional += (q / POW10[inst.sd]) * (p / POW10[inst.pd]);
      this.fill(inst, o, q, p, false);
    }
  }

  cancel(inst: SimInstrument, o: SimOrder): void {
    if (o.exStatus !== EX_RESTING) {
      const why = o.exStatus === EX_FILLED ? 'already filled' : o.exStatus === EX_CANCELED ? 'already canceled' : 'not open';
      this.respond(o, { kind: 'cancel_rejected', orderId: o.id, ts: NaN, exchTs: this.now, reason: why });
      return;
    }
    this.release(inst, o, o.exRemaining);
    this.unrest(inst, o);
    o.exStatus = EX_CANCELED;
    o.doneTs = this.now;
    this.respond(o, { kind: 'canceled', orderId: o.id, ts: NaN, exchTs: this.now });
  }

  /** New price and/or size (order decimals). A new price or a larger size loses queue priority. */
  modify(inst: SimInstrument, o: SimOrder, price: number, size: number): void {
    const no = (reason: string) => this.respond(o, { kind: 'modify_rejected', orderId: o.id, ts: NaN, exchTs: this.now, reason });
    if (o.exStatus !== EX_RESTING) return no(o.exStatus === EX_FILLED ? 'already filled' : 'not open');
    const req = o.req;
    const exPrice = price * POW10[inst.pd - req.priceDecimals];
    const exSize = size * o.lot;
    if (!(exSize > o.exFilled)) return no('new size is not above the filled quantity');
    if (exPrice !== o.exPrice) {
      if (req.tif === 'post_only' && this.marketableAt(inst, o.side, exPrice)) return no('post-only order would take liquidity');
      this.release(inst, o, o.exRemaining);
      this.unrest(inst, o);
      o.exPrice = exPrice;
      o.exSize = exSize;
      this.respond(o, { kind: 'modified', orderId: o.id, ts: NaN, exchTs: this.now, price, size });
      this.enter(inst, o);
      return;
    }
    const grew = exSize > o.exSize;
    // orders of ours behind this one advance by what it gives up
    this.release(inst, o, grew ? o.exRemaining : o.exSize - exSize);
    o.exSize = exSize;
    this.respond(o, { kind: 'modified', orderId: o.id, ts: NaN, exchTs: this.now, price, size });
    if (grew) {
      // to the back of the level
      this.unrest(inst, o);
      this.rest(inst, o);
    }
  }

  /** Our order `o` leaves (or shrinks by `qty` in) its queue: our later orders at its price move up. */
  private release(inst: SimInstrument, o: SimOrder, qty: number): void {
    if (qty <= 0 || inst.resting.length < 2) return;
    for (const r of inst.resting) {
      if (r !== o && r.side === o.side && r.exPrice === o.exPrice && r.joinSeq > o.joinSeq) r.ahead = r.ahead > qty ? r.ahead - qty : 0;
    }
  }

  private unrest(inst: SimInstrument, o: SimOrder): void {
    const r = inst.resting;
    const i = r.indexOf(o);
    if (i >= 0) r.splice(i, 1);
  }

  private reject(o: SimOrder, reason: string): void {
    o.exStatus = EX_REJECTED;
    o.doneTs = this.now;
    o.reason = reason;
    this.respond(o, { kind: 'rejected', orderId: o.id, ts: NaN, exchTs: this.now, reason });
  }

  // ---------------------------------------------------------------- fills

  private fill(inst: SimInstrument, o: SimOrder, qty: number, price: number, maker: boolean): void {
    const rates = (inst.fees ??= this.fees.rates(inst.venue));
    const pF = Fixed.of(price, inst.pd);
    const qF = Fixed.of(qty, inst.sd);
    const feeF = pF.mul(qF).mul(maker ? rates.maker : rates.taker);
    const realized = inst.ledger.fill(o.side, pF, qF, feeF, maker);
    o.exFilled += qty;
    const P = POW10[inst.pd];
    const S = POW10[inst.sd];
    const px = price / P;
    const q = qty / S;
    o.fills++;
    o.fillQty += q;
    o.fillNotional += px * q;
    if (o.firstFillTs !== o.firstFillTs) o.firstFillTs = this.now;
    const done = o.exFilled >= o.exSize;
    if (done) {
      o.exStatus = EX_FILLED;
      o.doneTs = this.now;
      this.unrest(inst, o);
    }
    const H = this.metrics.horizons.length;
    const rec: FillRecord = {
      orderId: o.id,
      instIdx: inst.idx,
      side: o.side,
      price: px,
      qty: q,
      maker,
      fee: feeF.toNumber(),
      realized: realized.toNumber(),
      exchTs: this.now,
      localTs: NaN,
      timeToFill: this.now - o.sentTs,
      midAtFill: inst.midX2 / 2 / P,
      markMid: new Float64Array(H).fill(NaN),
      mfeBps: 0,
      maeBps: 0,
      open: H,
      positionAfter: inst.ledger.position.toNumber(),
    };
    this.fills.push(rec);
    inst.pending.push(rec);
    const due = this.now + Math.min(this.metrics.excursion, ...this.metrics.horizons);
    if (due < inst.pendingDue) inst.pendingDue = due;
    const sizeOut = qty / o.lot;
    this.respond(o, {
      kind: 'fill',
      orderId: o.id,
      ts: NaN,
      exchTs: this.now,
      price,
      priceDecimals: inst.pd,
      size: sizeOut,
      sizeDecimals: o.req.sizeDecimals,
      liquidity: maker ? 'maker' : 'taker',
      fee: rec.fee,
      done,
    });
  }
}

/** Does opposite price `opp` reach an order of `side` at `price`? (asks at or below a bid; bids at or above an ask) */
function crosses(side: Side, opp: number, price: number): boolean {
  return side === BID ? opp <= price : opp >= price;
}

/** Opposite volume at prices reaching `price` (book decimals). */
function volumeThrough(opp: BookSide, side: Side, price: number): number {
  let v = 0;
  for (let i = 0; i < opp.n; i++) {
    const p = opp.price(i);
    if (side === BID ? p > price : p < price) break;
    v += opp.size(i);
  }
  return v;
}

function floorLot(q: number, lot: number): number {
  return lot === 1 ? Math.floor(q) : Math.floor(q / lot) * lot;
}
