import type { L2Book } from '../book/l2book.ts';
import { POW10 } from '../core/decimal.ts';
import { ASK, BID, type BookChange } from '../core/events.ts';
import type { MakerSpec } from './spec.ts';
import { asOfRow } from './time-index.ts';

const ACTIVE = 1;
const FILLED = 2;
const UNFILLED = 3;
const UNKNOWN = 4;

/**
 * Events may arrive out of exchange-time order across a venue's streams (trades vs depth) by a
 * little; an order's outcome is final once the stream is this far past its window.
 */
export const MAKER_SLACK_NS = 1e9;

interface Bucket {
  price: number;
  rows: number[];
  live: number;
}

/** One side's resting orders: one per frame row, grouped by price. */
class RestingSide {
  readonly status: Int8Array;
  readonly front: Float64Array;
  readonly fillTs: Float64Array;
  readonly buckets = new Map<number, Bucket>();
  readonly bucketOf: (Bucket | undefined)[];
  readonly queue: Int32Array;
  qHead = 0;
  qTail = 0;

  constructor(
    n: number,
    /** true: a buy resting at the bid; false: a sell resting at the ask. */
    readonly isBid: boolean,
  ) {
    this.status = new Int8Array(n);
    this.front = new Float64Array(n);
    this.fillTs = new Float64Array(n).fill(NaN);
    this.bucketOf = new Array<Bucket | undefined>(n);
    this.queue = new Int32Array(n);
  }

  add(row: number, price: number, front: number): void {
    let b = this.buckets.get(price);
    if (b === undefined) this.buckets.set(price, (b = { price, rows: [], live: 0 }));
    b.rows.push(row);
    b.live++;
    this.bucketOf[row] = b;
    this.status[row] = ACTIVE;
    this.front[row] = front;
    this.queue[this.qTail++] = row;
  }

  finalize(row: number, status: number): void {
    this.status[row] = status;
    const b = this.bucketOf[row]!;
    this.bucketOf[row] = undefined;
    if (--b.live === 0) this.buckets.delete(b.price);
  }
}

/**
 * Maker-order outcome labels. For every frame row, a buy resting at the row's best bid and a sell
 * resting at its best ask, with the touch size as the queue ahead, live over (ts + latency,
 * ts + latency + horizon] (with latency, the queue ahead is the level's size in the replayed book
 * when the order arrives, and an order that would cross the book then has no maker outcome).
 * Fills are conservative:
 * - a trade strictly through the order's price fills it (every order at that price was consumed);
 * - trades at the price by the opposite aggressor consume the queue ahead; the order fills once
 *   the volume traded beyond the queue ahead reaches its size (any volume when size is 0);
 * - `risk-averse` (as hftbacktest's RiskAdverseQueueModel) also caps the queue ahead at the
 *   level's displayed size after each book update (cancels never move the order forward beyond
 *   that); `trades-only` advances on trades alone;
 * - trades with an unknown aggressor at the price are not counted; touching the price is not a fill.
 * Events are fed in stream order; an outcome is UNKNOWN (NaN labels) when the book lost
 * continuity during the window or the data ended before it.
 */
export class MakerLabeler {
  readonly bidSide: RestingSide;
  readonly askSide: RestingSide;
  private next = 0;
  private nextCheck = 0;
  /** Orders (with latency) that would have crossed the book on arrival: left unknown. */
  crossedOnArrival = 0;
  /** Rows whose touch equalled / differed from the replayed book when their orders went live. */
  aligned = 0;
  misaligned = 0;
  trades = 0;
  lastTs = -Infinity;
  firstTs = Infinity;
  private readonly lat: number;
  private readonly hor: number;

  constructor(
    private readonly ts: Float64Array,
    private readonly bid: Float64Array,
    private readonly ask: Float64Array,
    private readonly bidSize: Float64Array,
    private readonly askSize: Float64Array,
    /** Row usable (book valid, touch present). */
    private readonly ok: Uint8Array,
    readonly spec: MakerSpec,
  ) {
    const n = ts.length;
    this.bidSide = new RestingSide(n, true);
    this.askSide = new RestingSide(n, false);
    this.lat = spec.latency;
    this.hor = spec.horizon;
  }

  /** Call before each event of the instrument with the event's time: rows up to it go live, windows long past close. */
  advance(t: number, book: L2Book | undefined, bookValid: boolean): void {
    if (t > this.lastTs) this.lastTs = t;
    if (t < this.firstTs) this.firstTs = t;
    const ts = this.ts;
    const n = ts.length;
    const usable = book !== undefined && bookValid && book.bids.n > 0 && book.asks.n > 0;
    // The row's touch against the replayed book at the row's own time (frame and events must be one market).
    while (this.nextCheck < n && ts[this.nextCheck] < t) {
      const i = this.nextCheck++;
      if (this.ok[i] !== 1 || !usable) continue;
      const pd = POW10[book.priceDecimals];
      if (book.bids.price(0) / pd === this.bid[i] && book.asks.price(0) / pd === this.ask[i]) this.aligned++;
      else this.misaligned++;
    }
    const lat = this.lat;
    while (this.next < n && ts[this.next] + lat < t) {
      const i = this.next++;
      if (this.ok[i] !== 1) continue;
      let qb = this.bidSize[i];
      let qa = this.askSize[i];
      if (lat > 0) {
        // Arriving later, the order joins the back of the queue as it is then; an order that would
        // cross the book on arrival is a taker fill, not a maker outcome: unknown.
        if (!usable) continue;
        const P = POW10[book.priceDecimals];
        const S = POW10[book.sizeDecimals];
        const bb = book.bids.price(0) / P;
        const ba = book.asks.price(0) / P;
        if (ba <= this.bid[i] || bb >= this.ask[i]) {
          this.crossedOnArrival++;
          continue;
        }
        const kb = book.bids.find(Math.round(this.bid[i] * P));
        const ka = book.asks.find(Math.round(this.ask[i] * P));
        qb = kb >= 0 ? book.bids.sizes[kb] / S : 0;
        qa = ka >= 0 ? book.asks.sizes[ka] / S : 0;
      }
      this.bidSide.add(i, this.bid[i], qb);
      this.askSide.add(i, this.ask[i], qa);
    }
    this.expire(this.bidSide, t);
    this.expire(this.askSide, t);
  }

  private expire(s: RestingSide, t: number): void {
    const limit = t - MAKER_SLACK_NS - this.lat - this.hor;
    while (s.qHead < s.qTail) {
      const row = s.queue[s.qHead];
      if (s.status[row] !== ACTIVE) {
        s.qHead++;
        continue;
      }
      if (!(this.ts[row] < limit)) break;
      s.finalize(row, UNFILLED);
      s.qHead++;
    }
  }

  /** A trade of the instrument (price/size as floats, aggressor 0 buyer / 1 seller / -1 unknown). */
  onTrade(t: number, price: number, size: number, aggressor: number): void {
    this.trades++;
    this.tradeSide(this.bidSide, t, price, size, aggressor === ASK);
    this.tradeSide(this.askSide, t, price, size, aggressor === BID);
  }

  private tradeSide(s: RestingSide, t: number, price: number, size: number, hitsUs: boolean): void {
    if (s.buckets.size === 0) return;
    const need = this.spec.size;
    for (const b of s.buckets.values()) {
      const through = s.isBid ? b.price > price : b.price < price;
      const at = b.price === price && hitsUs;
      if (!through && !at) continue;
      const rows = b.rows;
      let w = 0;
      for (let k = 0; k < rows.length; k++) {
        const row = rows[k];
        if (s.status[row] !== ACTIVE) continue;
        const start = this.ts[row] + this.lat;
        if (start < t && t <= start + this.hor) {
          if (through) {
            s.fillTs[row] = t;
            s.finalize(row, FILLED);
            continue;
          }
          const f = (s.front[row] -= size);
          if (f < 0 && -f >= need) {
            s.fillTs[row] = t;
            s.finalize(row, FILLED);
            continue;
          }
        }
        rows[w++] = row;
      }
      rows.length = w;
    }
  }

  /** An applied book update (risk-averse queue: cap each order's queue ahead at its level's size). */
  onBook(t: number, ev: BookChange, book: L2Book): void {
    if (this.spec.queue !== 'risk-averse') return;
    if (ev.isSnapshot) {
      this.capFromBook(this.bidSide, t, book);
      this.capFromBook(this.askSide, t, book);
      return;
    }
    const pd = POW10[ev.priceDecimals];
    const sd = POW10[ev.sizeDecimals];
    const lv = ev.levels;
    const nb = ev.nBids;
    const total = nb + ev.nAsks;
    for (let k = 0; k < total; k++) {
      const s = k < nb ? this.bidSide : this.askSide;
      if (s.buckets.size === 0) continue;
      const b = s.buckets.get(lv[2 * k] / pd);
      if (b !== undefined) this.cap(s, b, t, lv[2 * k + 1] / sd);
    }
  }

  private capFromBook(s: RestingSide, t: number, book: L2Book): void {
    const side = s.isBid ? book.bids : book.asks;
    const P = POW10[book.priceDecimals];
    const S = POW10[book.sizeDecimals];
    for (const b of s.buckets.values()) {
      const i = side.find(Math.round(b.price * P));
      this.cap(s, b, t, i >= 0 ? side.sizes[i] / S : 0);
    }
  }

  private cap(s: RestingSide, b: Bucket, t: number, levelSize: number): void {
    const rows = b.rows;
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k];
      if (s.status[row] !== ACTIVE) continue;
      const start = this.ts[row] + this.lat;
      if (start < t && t <= start + this.hor && s.front[row] > levelSize) s.front[row] = levelSize;
    }
  }

  /** The book lost continuity at t: orders whose window holds t have an unknown outcome. */
  onInvalid(t: number): void {
    for (const s of [this.bidSide, this.askSide]) {
      for (let q = s.qHead; q < s.qTail; q++) {
        const row = s.queue[q];
        if (s.status[row] !== ACTIVE) continue;
        const start = this.ts[row] + this.lat;
        if (start < t && t <= start + this.hor) s.finalize(row, UNKNOWN);
      }
    }
  }

  /** End of the stream: windows that closed before the last event are unfilled, the rest unknown. */
  finish(): void {
    for (const s of [this.bidSide, this.askSide]) {
      for (let q = s.qHead; q < s.qTail; q++) {
        const row = s.queue[q];
        if (s.status[row] !== ACTIVE) continue;
        s.finalize(row, this.ts[row] + this.lat + this.hor <= this.lastTs ? UNFILLED : UNKNOWN);
      }
    }
  }

  /**
   * Label columns for one side. fill: 1/0; ttf: seconds from the row to the fill; markout: bps of
   * the mid `markout` after the fill against the fill price (spread earned minus adverse move);
   * adv: the mid's move from the fill to `markout` later, in the order's favour (negative =
   * adverse selection); edge: markout minus the maker fee for a fill, 0 for no fill (the outcome of
   * quoting); end: fill + markout, or the end of the resting window.
   */
  columns(side: 'bid' | 'ask', mid: Float64Array, bad: Int32Array): { fill: Float64Array; ttf: Float64Array; markout: Float64Array; adv: Float64Array; edge: Float64Array; end: Float64Array } {
    const s = side === 'bid' ? this.bidSide : this.askSide;
    const px = side === 'bid' ? this.bid : this.ask;
    const sign = side === 'bid' ? 1 : -1;
    const ts = this.ts;
    const n = ts.length;
    const last = n > 0 ? ts[n - 1] : 0;
    const fill = new Float64Array(n).fill(NaN);
    const ttf = new Float64Array(n).fill(NaN);
    const markout = new Float64Array(n).fill(NaN);
    const adv = new Float64Array(n).fill(NaN);
    const edge = new Float64Array(n).fill(NaN);
    const end = new Float64Array(n).fill(NaN);
    const A = this.spec.markout;
    for (let i = 0; i < n; i++) {
      const st = s.status[i];
      if (st === UNFILLED) {
        fill[i] = 0;
        edge[i] = 0;
        end[i] = ts[i] + this.lat + this.hor;
      } else if (st === FILLED) {
        const tf = s.fillTs[i];
        fill[i] = 1;
        ttf[i] = (tf - ts[i]) / 1e9;
        end[i] = tf + A;
        if (tf + A > last) continue;
        const jf = asOfRow(ts, tf);
        const ja = asOfRow(ts, tf + A);
        if (jf < i || bad[ja + 1] - bad[i] > 0) continue;
        const p = px[i];
        markout[i] = (sign * (mid[ja] - p) * 1e4) / p;
        adv[i] = (sign * (mid[ja] - mid[jf]) * 1e4) / mid[jf];
        edge[i] = markout[i] - this.spec.makerFeeBps;
      }
    }
    return { fill, ttf, markout, adv, edge, end };
  }

  counts(): { orders: number; filled: number; unfilled: number; unknown: number } {
    let orders = 0;
    let filled = 0;
    let unfilled = 0;
    let unknown = 0;
    for (const s of [this.bidSide, this.askSide]) {
      for (let i = 0; i < s.status.length; i++) {
        const st = s.status[i];
        if (st === 0) continue;
        orders++;
        if (st === FILLED) filled++;
        else if (st === UNFILLED) unfilled++;
        else if (st === UNKNOWN) unknown++;
      }
    }
    return { orders, filled, unfilled, unknown };
  }
}
