import { formatScaled, toScaled } from '../core/decimal.ts';
import type { SimBook } from './book.ts';
import type { InstrumentParams, SynthVenue } from './params.ts';
import type { Rng } from './rng.ts';

/** What a frame carries (the venue simulator serves each kind on its own stream). */
export const F_DEPTH = 0;
export const F_TICKER = 1;
export const F_TRADE = 2;
export const F_MARK = 3;
export const F_SNAPSHOT = 4;
export type FrameKind = typeof F_DEPTH | typeof F_TICKER | typeof F_TRADE | typeof F_MARK | typeof F_SNAPSHOT;
export const FRAME_KINDS = ['depth', 'bookTicker', 'trade', 'markPrice', 'snapshot'] as const;

/** Receives frames in arrival order. `localNs`: receive time, ns since the simulation start. */
export interface FrameSink {
  frame(localNs: number, kind: FrameKind, text: string): void;
}

const MS = 1e6;
const SIZE_CACHE = 1 << 16;

/**
 * Writes the frames of one instrument exactly as Binance sends them (combined-stream envelopes,
 * field order as in real captures): diff depth with U/u (and pu on futures), bookTicker whose u
 * is the update id of the change it shows, trades, markPriceUpdate on perpetuals, and the REST
 * depth snapshot. Exchange times are ms (E, T); the receive time adds a latency drawn per frame
 * and never goes back (one TCP connection delivers in order).
 */
export class BinanceFeed {
  readonly futures: boolean;
  private readonly symbol: string;
  private readonly pd: number;
  private readonly sd: number;
  private readonly tickScaled: number;
  private readonly lotScaled: number;
  private readonly depthHead: string;
  private readonly tickerHead: string;
  private readonly tradeHead: string;
  private readonly markHead: string;
  private readonly sym: string;
  private priceCache: (string | undefined)[];
  private cacheBase: number;
  private readonly sizeCache: (string | undefined)[] = new Array(SIZE_CACHE);
  private readonly latBase: number;
  private readonly latJitter: number;
  private readonly idGapMean: number;
  /** Receive time of the last frame (ns since start). */
  lastLocal = -Infinity;
  /** Off during burn-in: the model runs, nothing is written. */
  enabled = false;
  private snapshotText = '';
  private snapshotLocal = Infinity;
  /** Update ids: first and last of the current window; last published u. */
  windowFirstId = NaN;
  lastId: number;
  publishedId: number;
  tradeId: number;
  /** Time of the last book event in the window (for T), ns. */
  windowLastTs = 0;
  private readonly bidIdx: Int32Array[] = [new Int32Array(256)];
  private readonly askIdx: Int32Array[] = [new Int32Array(256)];
  // Last published best bid/offer.
  private tBid = NaN;
  private tBidQ = NaN;
  private tAsk = NaN;
  private tAskQ = NaN;

  constructor(
    venue: SynthVenue,
    p: InstrumentParams,
    private readonly book: SimBook,
    private readonly rng: Rng,
    private readonly sink: FrameSink,
    /** Epoch ms of simulation time 0. */
    private readonly startMs: number,
  ) {
    this.futures = venue === 'binance-usdm';
    this.symbol = p.symbol;
    this.pd = p.priceDecimals;
    this.sd = p.sizeDecimals;
    this.tickScaled = toScaled(p.tickSize, p.priceDecimals);
    this.lotScaled = toScaled(p.lotSize, p.sizeDecimals);
    const lower = p.symbol.toLowerCase();
    this.sym = `"s":"${p.symbol}"`;
    this.depthHead = `{"stream":"${lower}@depth@${this.futures ? '0ms' : '100ms'}","data":{"e":"depthUpdate","E":`;
    this.tickerHead = `{"stream":"${lower}@bookTicker","data":{${this.futures ? '"e":"bookTicker",' : ''}"u":`;
    this.tradeHead = `{"stream":"${lower}@trade","data":{"e":"trade","E":`;
    this.markHead = `{"stream":"${lower}@markPrice@1s","data":{"e":"markPriceUpdate","E":`;
    this.priceCache = new Array(book.width);
    this.cacheBase = book.base;
    this.latBase = p.feed.latencyMs * MS;
    this.latJitter = p.feed.latencyJitterMs * MS;
    this.idGapMean = p.feed.idsPerEvent - 1;
    this.lastId = p.feed.firstUpdateId;
    this.publishedId = p.feed.firstUpdateId;
    this.tradeId = p.feed.firstTradeId;
  }

  /** Exact price string of absolute tick `p`. */
  price(p: number): string {
    const i = p - this.cacheBase;
    if (i >= 0 && i < this.priceCache.length) {
      const c = this.priceCache[i];
      if (c !== undefined) return c;
      return (this.priceCache[i] = formatScaled(p * this.tickScaled, this.pd));
    }
    return formatScaled(p * this.tickScaled, this.pd);
  }

  /** Exact size string of `lots`. */
  size(lots: number): string {
    if (lots < SIZE_CACHE) {
      const c = this.sizeCache[lots];
      if (c !== undefined) return c;
      return (this.sizeCache[lots] = formatScaled(lots * this.lotScaled, this.sd));
    }
    return formatScaled(lots * this.lotScaled, this.sd);
  }

  /** The book window moved: cached price strings are indexed by it. */
  rebased(): void {
    this.priceCache = new Array(this.book.width);
    this.cacheBase = this.book.base;
  }

  private emit(exchNs: number, kind: FrameKind, text: string): void {
    let local = exchNs + this.latBase + this.latJitter * this.rng.exp();
    if (local <= this.lastLocal) local = this.lastLocal + 100;
    if (this.snapshotLocal <= local) {
      const sl = this.snapshotLocal > this.lastLocal ? this.snapshotLocal : this.lastLocal + 100;
      this.snapshotLocal = Infinity;
      this.sink.frame(sl, F_SNAPSHOT, this.snapshotText);
      this.snapshotText = '';
      if (local <= sl) local = sl + 100;
    }
    this.lastLocal = local;
    this.sink.frame(local, kind, text);
  }

  private ms(ns: number): number {
    return this.startMs + Math.floor(ns / MS);
  }

  /**
   * Assigns the next update id to a book event at time `t` (ns). On futures the venue's ids jump
   * (ids used elsewhere in its engine): a geometric-like gap with mean `idsPerEvent − 1` first.
   */
  nextId(t: number): number {
    const gap = this.idGapMean > 0 ? Math.floor(this.rng.exp() * this.idGapMean) : 0;
    const id = this.lastId + 1 + gap;
    this.lastId = id;
    if (this.windowFirstId !== this.windowFirstId) this.windowFirstId = id;
    this.windowLastTs = t;
    return id;
  }

  /** Publishes a bookTicker if the best bid/offer changed since the last one. */
  ticker(t: number): void {
    const b = this.book;
    const bb = b.bestBid;
    const ba = b.bestAsk;
    const bq = b.at(bb);
    const aq = b.at(ba);
    if (bb === this.tBid && ba === this.tAsk && bq === this.tBidQ && aq === this.tAskQ) return;
    this.tBid = bb;
    this.tAsk = ba;
    this.tBidQ = bq;
    this.tAskQ = aq;
    if (!this.enabled) return;
    const body = `${this.lastId},${this.sym},"b":"${this.price(bb)}","B":"${this.size(bq)}","a":"${this.price(ba)}","A":"${this.size(aq)}"`;
    if (this.futures) {
      const ms = this.ms(t);
      this.emit(t, F_TICKER, `${this.tickerHead}${body},"T":${ms},"E":${ms}}}`);
    } else this.emit(t, F_TICKER, `${this.tickerHead}${body}}}`);
  }

  /** One trade print: `buyerMaker` when the aggressor sold. */
  trade(t: number, p: number, lots: number, buyerMaker: boolean): void {
    const id = ++this.tradeId;
    if (!this.enabled) return;
    const T = this.ms(t);
    if (this.futures) {
      this.emit(t, F_TRADE, `${this.tradeHead}${T},"T":${T},${this.sym},"t":${id},"p":"${this.price(p)}","q":"${this.size(lots)}","X":"MARKET","m":${buyerMaker}}}`);
    } else {
      this.emit(t, F_TRADE, `${this.tradeHead}${T},${this.sym},"t":${id},"p":"${this.price(p)}","q":"${this.size(lots)}","T":${T},"m":${buyerMaker},"M":true}}`);
    }
  }

  /**
   * Publishes the window's diff at time `t` (if any update id was used) and starts a new window.
   * Levels are those whose size on their side differs from the window's start; futures list both
   * sides by ascending price, spot best-first, as in the real streams.
   */
  depth(t: number): void {
    const b = this.book;
    const n = b.nDirty;
    if (this.windowFirstId !== this.windowFirstId) {
      b.clearDirty();
      return;
    }
    if (this.enabled) {
      let nb = 0;
      let na = 0;
      let bi = this.bidIdx[0];
      let ai = this.askIdx[0];
      if (bi.length < n) bi = this.bidIdx[0] = new Int32Array(n * 2);
      if (ai.length < n) ai = this.askIdx[0] = new Int32Array(n * 2);
      const base = b.base;
      const relBid = b.bestBid - base;
      const relAsk = b.bestAsk - base;
      const q = b.q;
      for (let k = 0; k < n; k++) {
        const i = b.dirty[k];
        const side = b.dirtySide[k];
        const now = side === 0 ? (i <= relBid ? q[i] : 0) : i >= relAsk ? q[i] : 0;
        if (now === b.dirtyPrev[k]) continue;
        if (side === 0) bi[nb++] = i;
        else ai[na++] = i;
      }
      const bs = bi.subarray(0, nb).sort();
      const as = ai.subarray(0, na).sort();
      let s = '';
      if (this.futures) {
        s = `${this.depthHead}${this.ms(t)},"T":${this.ms(this.windowLastTs)},${this.sym},"U":${this.windowFirstId},"u":${this.lastId},"pu":${this.publishedId},"b":[`;
        for (let k = 0; k < nb; k++) s += (k ? ',["' : '["') + this.price(bs[k] + base) + '","' + this.size(relBid >= bs[k] ? q[bs[k]] : 0) + '"]';
      } else {
        s = `${this.depthHead}${this.ms(t)},${this.sym},"U":${this.windowFirstId},"u":${this.lastId},"b":[`;
        for (let k = nb - 1; k >= 0; k--) s += (k < nb - 1 ? ',["' : '["') + this.price(bs[k] + base) + '","' + this.size(relBid >= bs[k] ? q[bs[k]] : 0) + '"]';
      }
      s += '],"a":[';
      for (let k = 0; k < na; k++) s += (k ? ',["' : '["') + this.price(as[k] + base) + '","' + this.size(relAsk <= as[k] ? q[as[k]] : 0) + '"]';
      s += ']}}';
      this.emit(t, F_DEPTH, s);
    }
    this.publishedId = this.lastId;
    this.windowFirstId = NaN;
    b.clearDirty();
  }

  /** Perpetual mark price / index / funding (markPriceUpdate), values as plain numbers. */
  mark(t: number, markPrice: number, indexPrice: number, settlePrice: number, fundingRate: number, nextFundingMs: number): void {
    if (!this.enabled) return;
    const f8 = (x: number) => formatScaled(Math.round(x * 1e8), 8);
    this.emit(t, F_MARK, `${this.markHead}${this.ms(t)},${this.sym},"p":"${f8(markPrice)}","P":"${f8(settlePrice)}","i":"${f8(indexPrice)}","r":"${f8(fundingRate)}","T":${nextFundingMs}}}`);
  }

  /** The REST depth snapshot of the current book (best first, `levels` per side). */
  restSnapshot(t: number, levels: number, responseMs: number): string {
    const b = this.book;
    let s = `{"lastUpdateId":${this.lastId},`;
    if (this.futures) s += `"E":${responseMs},"T":${this.ms(t)},`;
    s += '"bids":[';
    let p = b.bestBid;
    for (let k = 0; k < levels && p === p; k++) {
      s += (k ? ',["' : '["') + this.price(p) + '","' + this.size(b.at(p)) + '"]';
      p = b.nextBidBelow(p, b.width);
    }
    s += '],"asks":[';
    p = b.bestAsk;
    for (let k = 0; k < levels && p === p; k++) {
      s += (k ? ',["' : '["') + this.price(p) + '","' + this.size(b.at(p)) + '"]';
      p = b.nextAskAbove(p, b.width);
    }
    return s + ']}';
  }

  /** Writes a REST snapshot still waiting for its receive time (end of the simulation). */
  flush(): void {
    if (this.snapshotLocal === Infinity) return;
    const sl = this.snapshotLocal > this.lastLocal ? this.snapshotLocal : this.lastLocal + 100;
    this.snapshotLocal = Infinity;
    this.lastLocal = sl;
    this.sink.frame(sl, F_SNAPSHOT, this.snapshotText);
    this.snapshotText = '';
  }

  /** Takes the REST snapshot now (time `t`); the recorder receives it `delayNs` later. */
  scheduleSnapshot(t: number, delayNs: number, levels: number): void {
    this.snapshotText = this.restSnapshot(t, levels, this.ms(t + delayNs));
    this.snapshotLocal = t + delayNs;
  }
}
