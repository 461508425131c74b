import { formatScaled, toScaled } from '../core/decimal.ts';
import { ascii, AsciiBuffer } from './ascii.ts';
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
  /**
   * Optional fast path (both or neither): `beginFrame` returns the buffer the frame's latin1 bytes
   * are appended to, `endFrame` says it is complete. A sink that has it receives every frame but
   * the REST snapshot and markPrice this way, with no string built.
   */
  beginFrame?(localNs: number, kind: FrameKind): AsciiBuffer;
  endFrame?(): void;
}

const Q = 34; // '"'
const COMMA = 44;
const TRUE = ascii('true');
const FALSE = ascii('false');
const CLOSE2 = ascii('}}');
const TICKER_B = ascii('","B":"');
const TICKER_A = ascii('","a":"');
const TICKER_AQ = ascii('","A":"');
const TICKER_T = ascii(',"T":');
const TICKER_E = ascii(',"E":');
const TRADE_T = ascii(',"T":');
const TRADE_P = ascii(',"p":"');
const TRADE_Q = ascii('","q":"');
const TRADE_X = ascii('","X":"MARKET","m":');
const TRADE_ST = ascii('","T":');
const TRADE_M = ascii(',"m":');
const TRADE_MM = ascii(',"M":true}}');
const DEPTH_T = ascii(',"T":');
const DEPTH_U = ascii(',"u":');
const DEPTH_PU = ascii(',"pu":');
const DEPTH_B = ascii(',"b":[');
const DEPTH_A = ascii('],"a":[');
const DEPTH_END = ascii(']}}');

const MS = 1e6;
const SIZE_CACHE = 1 << 16;

/** Quantiles of the unit exponential at 1024 equally spaced probabilities: cheap draws for latencies and id gaps. */
const EXP_TABLE = Float64Array.from({ length: 1024 }, (_, k) => -Math.log(1 - (k + 0.5) / 1024));

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
  private readonly markHead: string;
  private readonly sym: string;
  // Constant pieces of the frames, latin1 bytes (field order as in the real streams).
  private readonly depthHead: Uint8Array;
  private readonly depthMid: Uint8Array;
  private readonly tickerHead: Uint8Array;
  private readonly tickerMid: Uint8Array;
  private readonly tradeHead: Uint8Array;
  private readonly tradeMid: Uint8Array;
  private readonly pPow: number;
  private readonly sPow: number;
  /** Where the frame being built goes: the sink's buffer, or `own` for a string sink. */
  private w: AsciiBuffer;
  private readonly own = new AsciiBuffer();
  private readonly bytesSink: boolean;
  private openLocal = 0;
  private openKind: FrameKind = F_DEPTH;
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
  /** The recorder stops here (receive time, ns since start): later frames are never received. */
  cutoffNs = Infinity;
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
    this.depthHead = ascii(`{"stream":"${lower}@depth@${this.futures ? '0ms' : '100ms'}","data":{"e":"depthUpdate","E":`);
    this.depthMid = ascii(`,${this.sym},"U":`);
    this.tickerHead = ascii(`{"stream":"${lower}@bookTicker","data":{${this.futures ? '"e":"bookTicker",' : ''}"u":`);
    this.tickerMid = ascii(`,${this.sym},"b":"`);
    this.tradeHead = ascii(`{"stream":"${lower}@trade","data":{"e":"trade","E":`);
    this.tradeMid = ascii(`,${this.sym},"t":`);
    this.markHead = `{"stream":"${lower}@markPrice@1s","data":{"e":"markPriceUpdate","E":`;
    this.pPow = 10 ** p.priceDecimals;
    this.sPow = 10 ** p.sizeDecimals;
    this.bytesSink = typeof sink.beginFrame === 'function' && typeof sink.endFrame === 'function';
    this.w = this.own;
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

  /** Writes the exact price of absolute tick `p`. */
  private wPrice(p: number): void {
    this.w.scaled(p * this.tickScaled, this.pd, this.pPow);
  }

  /** Writes the exact size of `lots`. */
  private wSize(lots: number): void {
    this.w.scaled(lots * this.lotScaled, this.sd, this.sPow);
  }

  /**
   * Starts a frame the venue sends at `exchNs`: draws its receive time and returns the buffer to
   * build it in, or null when the recorder never receives it (nothing to build).
   */
  private open(exchNs: number, kind: FrameKind): AsciiBuffer | null {
    const local = this.receive(exchNs);
    if (local >= this.cutoffNs) return null;
    this.openLocal = local;
    this.openKind = kind;
    if (this.bytesSink) this.w = this.sink.beginFrame!(local, kind);
    else {
      this.w = this.own;
      this.w.pos = 0;
    }
    return this.w;
  }

  /** Completes the frame started by `open`. */
  private close(): void {
    if (this.bytesSink) this.sink.endFrame!();
    else this.sink.frame(this.openLocal, this.openKind, this.own.buf.toString('latin1', 0, this.own.pos));
  }

  private emit(exchNs: number, kind: FrameKind, text: string): void {
    const local = this.receive(exchNs);
    if (local < this.cutoffNs) this.sink.frame(local, kind, text);
  }

  /** Draws the receive time of a frame the venue sends at `exchNs` (writing a REST snapshot received before it). */
  private receive(exchNs: number): number {
    let local = exchNs + this.latBase + this.latJitter * EXP_TABLE[this.rng.nextU32() >>> 22];
    if (local <= this.lastLocal) local = this.lastLocal + 100;
    if (this.snapshotLocal <= local) {
      const sl = this.snapshotLocal > this.lastLocal ? this.snapshotLocal : this.lastLocal + 100;
      this.snapshotLocal = Infinity;
      if (sl < this.cutoffNs) this.sink.frame(sl, F_SNAPSHOT, this.snapshotText);
      this.snapshotText = '';
      if (local <= sl) local = sl + 100;
    }
    this.lastLocal = local;
    return local;
  }

  private ms(ns: number): number {
    return this.startMs + Math.floor(ns / MS);
  }

  /**
   * Assigns the next update id to a book event at time `t` (ns). On futures the venue's ids jump
   * (ids used elsewhere in its engine): a geometric-like gap with mean `idsPerEvent − 1` first.
   */
  nextId(t: number): number {
    const gap = this.idGapMean > 0 ? Math.floor(EXP_TABLE[this.rng.nextU32() >>> 22] * this.idGapMean) : 0;
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
    // {head}u,"s":"SYM","b":"<p>","B":"<q>","a":"<p>","A":"<q>"[,"T":ms,"E":ms]}}
    const w = this.open(t, F_TICKER);
    if (w === null) return;
    w.raw(this.tickerHead);
    w.uint(this.lastId);
    w.raw(this.tickerMid);
    this.wPrice(bb);
    w.raw(TICKER_B);
    this.wSize(bq);
    w.raw(TICKER_A);
    this.wPrice(ba);
    w.raw(TICKER_AQ);
    this.wSize(aq);
    w.byte(Q);
    if (this.futures) {
      const ms = this.ms(t);
      w.raw(TICKER_T);
      w.uint(ms);
      w.raw(TICKER_E);
      w.uint(ms);
    }
    w.raw(CLOSE2);
    this.close();
  }

  /** One trade print: `buyerMaker` when the aggressor sold. */
  trade(t: number, p: number, lots: number, buyerMaker: boolean): void {
    const id = ++this.tradeId;
    if (!this.enabled) return;
    const T = this.ms(t);
    // futures: {head}T,"T":T,"s":"SYM","t":id,"p":"<p>","q":"<q>","X":"MARKET","m":bool}}
    // spot:    {head}T,"s":"SYM","t":id,"p":"<p>","q":"<q>","T":T,"m":bool,"M":true}}
    const w = this.open(t, F_TRADE);
    if (w === null) return;
    w.raw(this.tradeHead);
    w.uint(T);
    if (this.futures) {
      w.raw(TRADE_T);
      w.uint(T);
    }
    w.raw(this.tradeMid);
    w.uint(id);
    w.raw(TRADE_P);
    this.wPrice(p);
    w.raw(TRADE_Q);
    this.wSize(lots);
    if (this.futures) {
      w.raw(TRADE_X);
      w.raw(buyerMaker ? TRUE : FALSE);
      w.raw(CLOSE2);
    } else {
      w.raw(TRADE_ST);
      w.uint(T);
      w.raw(TRADE_M);
      w.raw(buyerMaker ? TRUE : FALSE);
      w.raw(TRADE_MM);
    }
    this.close();
  }

  /**
   * Publishes the window's diff at time `t` (if any update id was used) and starts a new window.
   * Levels are those updated on their side during the window, with their final size (0 for a
   * price that left the side); futures list both sides by ascending price, spot best-first, as in
   * the real streams.
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
      // Every level updated in the window is published with its final size, even when that equals
      // its size before (as Binance does): a REST snapshot taken mid-window may show the level's
      // intermediate size, which the diff must overwrite.
      for (let k = 0; k < n; k++) {
        if (b.dirtySide[k] === 0) bi[nb++] = b.dirty[k];
        else ai[na++] = b.dirty[k];
      }
      const bs = bi.subarray(0, nb).sort();
      const as = ai.subarray(0, na).sort();
      // futures: {head}E,"T":T,"s":"SYM","U":U,"u":u,"pu":pu,"b":[...],"a":[...]}}  (both sides ascending)
      // spot:    {head}E,"s":"SYM","U":U,"u":u,"b":[...],"a":[...]}}  (bids descending)
      const w = this.open(t, F_DEPTH);
      if (w !== null) {
        w.raw(this.depthHead);
        w.uint(this.ms(t));
        if (this.futures) {
          w.raw(DEPTH_T);
          w.uint(this.ms(this.windowLastTs));
        }
        w.raw(this.depthMid);
        w.uint(this.windowFirstId);
        w.raw(DEPTH_U);
        w.uint(this.lastId);
        if (this.futures) {
          w.raw(DEPTH_PU);
          w.uint(this.publishedId);
        }
        w.raw(DEPTH_B);
        w.room((nb + na) * 48);
        if (this.futures) {
          for (let k = 0; k < nb; k++) this.wLevel(k > 0, bs[k], relBid >= bs[k] ? q[bs[k]] : 0);
        } else {
          for (let k = nb - 1; k >= 0; k--) this.wLevel(k < nb - 1, bs[k], relBid >= bs[k] ? q[bs[k]] : 0);
        }
        w.raw(DEPTH_A);
        for (let k = 0; k < na; k++) this.wLevel(k > 0, as[k], relAsk <= as[k] ? q[as[k]] : 0);
        w.raw(DEPTH_END);
        this.close();
      }
    }
    this.publishedId = this.lastId;
    this.windowFirstId = NaN;
    b.clearDirty();
  }

  /** `["<price>","<size>"]` of relative index `i` of the book window, after a comma unless first. */
  private wLevel(comma: boolean, i: number, lots: number): void {
    const w = this.w;
    w.room(8);
    let b = w.buf;
    let p = w.pos;
    if (comma) b[p++] = COMMA;
    b[p++] = 91; // ["
    b[p++] = Q;
    w.pos = p;
    this.wPrice(i + this.cacheBase);
    w.room(8);
    b = w.buf;
    p = w.pos;
    b[p++] = Q; // ","
    b[p++] = COMMA;
    b[p++] = Q;
    w.pos = p;
    this.wSize(lots);
    w.room(4);
    b = w.buf;
    p = w.pos;
    b[p++] = Q; // "]
    b[p++] = 93;
    w.pos = p;
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
    if (sl < this.cutoffNs) this.sink.frame(sl, F_SNAPSHOT, this.snapshotText);
    this.snapshotText = '';
  }

  /** Takes the REST snapshot now (time `t`); the recorder receives it `delayNs` later. */
  scheduleSnapshot(t: number, delayNs: number, levels: number): void {
    this.snapshotText = this.restSnapshot(t, levels, this.ms(t + delayNs));
    this.snapshotLocal = t + delayNs;
  }
}
