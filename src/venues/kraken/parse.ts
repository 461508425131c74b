import { POW10, type Scale } from '../../core/decimal.ts';
import { bboEvent } from '../../core/bbo.ts';
import { ASK, BID, makeTrade, type BookChange, type MarketEvent } from '../../core/events.ts';
import { LevelBuilder, type Instrument, type InstrumentTable } from '../../core/instrument.ts';
import type { FrameMeta, FrameParser } from '../venue.ts';
import type {
  RestResponse,
  V1BookSnapshot,
  V1BookUpdate,
  V1Event,
  V1Level,
  V1Spread,
  V1Ticker,
  V1Trade,
  V2Book,
  V2InstrumentData,
  V2Level,
  V2Message,
  V2Response,
  V2Ticker,
  V2Trade,
} from './messages.ts';

export const VENUE = 'kraken';

/** Price and quantity decimals of a v2 pair (the `instrument` channel's precisions). */
export interface Precision {
  price: number;
  qty: number;
}

/** Depths a v2 book subscription can have; a snapshot's size is rounded up to one of them. */
const V2_DEPTHS = [10, 25, 100, 500, 1000];

/**
 * Parser for one Kraken spot connection, v1 and v2 alike (the frame shape tells them apart).
 *
 * Book events are emitted at the venue's wire precision (v1: the fixed decimals the pair is sent
 * with; v2: the instrument's precision), so `BookChange.priceDecimals/sizeDecimals` are exactly
 * the decimals Kraken's checksum is written with: the sync rules' checksum reads them from the event.
 * Per-connection state: v2 subscription depths from the subscribe acks.
 */
export class KrakenParser implements FrameParser {
  private readonly lb = new LevelBuilder();
  private readonly ackDepth = new Map<string, number>();
  private readonly snapDepth = new Map<string, number>();

  constructor(
    private readonly instruments: InstrumentTable,
    precisions?: Record<string, Precision>,
  ) {
    if (precisions) for (const [symbol, p] of Object.entries(precisions)) this.setPrecision(symbol, p.price, p.qty);
  }

  /** Presets a pair's wire precision (from the `instrument` channel or a given table). */
  setPrecision(symbol: string, priceDecimals: number, qtyDecimals: number): void {
    if (!Number.isInteger(priceDecimals) || !Number.isInteger(qtyDecimals) || priceDecimals < 0 || qtyDecimals < 0 || priceDecimals > 18 || qtyDecimals > 18) {
      throw new Error(`bad Kraken precision for ${symbol}: price ${priceDecimals}, qty ${qtyDecimals}`);
    }
    const inst = this.instruments.get(VENUE, symbol);
    preset(inst.price, priceDecimals);
    preset(inst.size, qtyDecimals);
  }

  parse(frame: string, localTs: number, out: MarketEvent[], meta?: FrameMeta): void {
    const msg = JSON.parse(frame) as unknown;
    if (Array.isArray(msg)) return this.v1(msg, localTs, out);
    if (msg === null || typeof msg !== 'object') throw new Error(`unknown Kraken message: ${frame.slice(0, 80)}`);
    if ('channel' in msg) return this.v2(msg as V2Message, localTs, out);
    if ('method' in msg) return this.v2Response(msg as V2Response);
    if ('event' in msg) return v1Event(msg as V1Event);
    if ('error' in msg && 'result' in msg) return rest(msg as RestResponse, meta);
    throw new Error(`unknown Kraken message: ${frame.slice(0, 80)}`);
  }

  // ---- v1 ----------------------------------------------------------------------------------

  private v1(f: unknown[], localTs: number, out: MarketEvent[]): void {
    const n = f.length;
    const channel = f[n - 2];
    const pair = f[n - 1];
    if (n < 4 || typeof f[0] !== 'number' || typeof channel !== 'string' || typeof pair !== 'string') {
      throw new Error('Kraken v1 frame is not [channelID, payload, channelName, pair]');
    }
    if (channel.startsWith('book-')) return this.v1Book(f, n, channel, pair, localTs, out);
    if (channel === 'trade') return this.v1Trades(f[1] as V1Trade[], pair, localTs, out);
    if (channel === 'ticker') return this.v1Ticker(f[1] as V1Ticker, pair, localTs, out);
    if (channel === 'spread') return this.v1Spread(f[1] as V1Spread, pair, localTs, out);
    if (channel.startsWith('ohlc-')) return; // candles: not normalized
    throw new Error(`unknown Kraken v1 channel ${JSON.stringify(channel)}`);
  }

  private v1Book(f: unknown[], n: number, channel: string, pair: string, localTs: number, out: MarketEvent[]): void {
    const depth = Number(channel.slice(5));
    if (!Number.isInteger(depth) || depth <= 0) throw new Error(`bad Kraken book channel name ${JSON.stringify(channel)}`);
    const inst = this.instruments.get(VENUE, pair);
    const lb = this.lb;
    lb.begin(inst);
    const first = f[1] as V1BookSnapshot & V1BookUpdate;
    if (first === null || typeof first !== 'object') throw new Error('Kraken v1 book payload is not an object');
    let exchTs = NaN;
    let checksum = NaN;
    const snapshot = 'as' in first || 'bs' in first;
    if (snapshot) {
      if (n !== 4) throw new Error('Kraken v1 book snapshot with more than one payload');
      exchTs = v1Levels(lb, true, first.bs, exchTs);
      exchTs = v1Levels(lb, false, first.as, exchTs);
    } else {
      // Bids first (the BookChange layout); an update may carry each side in its own object.
      for (let k = 1; k < n - 2; k++) {
        const p = f[k] as V1BookUpdate;
        if (p === null || typeof p !== 'object' || Array.isArray(p) || (p.a === undefined && p.b === undefined)) {
          throw new Error('Kraken v1 book update payload without "a" or "b"');
        }
        if (p.b !== undefined) exchTs = v1Levels(lb, true, p.b, exchTs);
      }
      for (let k = 1; k < n - 2; k++) {
        const p = f[k] as V1BookUpdate;
        if (p.a !== undefined) exchTs = v1Levels(lb, false, p.a, exchTs);
        if (p.c !== undefined) checksum = parseChecksum(p.c);
      }
    }
    out.push(this.change(inst, snapshot, exchTs, localTs, checksum, depth));
  }

  private v1Trades(trades: V1Trade[], pair: string, localTs: number, out: MarketEvent[]): void {
    if (!Array.isArray(trades)) throw new Error('Kraken v1 trade payload is not a list');
    const inst = this.instruments.get(VENUE, pair);
    for (let i = 0; i < trades.length; i++) {
      const t = trades[i];
      const side = t[3];
      if (side !== 'b' && side !== 's') throw new Error(`Kraken v1 trade with side ${JSON.stringify(side)}`);
      const price = inst.price.toInt(t[0]);
      const size = inst.size.toInt(t[1]);
      out.push(makeTrade(VENUE, pair, secToNs(t[2]), localTs, price, size, inst.price.decimals, inst.size.decimals, side === 'b' ? BID : ASK, t[6] !== undefined ? String(t[6]) : ''));
    }
  }

  private v1Ticker(t: V1Ticker, pair: string, localTs: number, out: MarketEvent[]): void {
    if (!Array.isArray(t?.a) || !Array.isArray(t.b)) throw new Error('Kraken v1 ticker without a/b');
    this.bbo(pair, t.b[0], t.b[2], t.a[0], t.a[2], NaN, localTs, out);
  }

  private v1Spread(s: V1Spread, pair: string, localTs: number, out: MarketEvent[]): void {
    if (!Array.isArray(s) || s.length < 5) throw new Error('Kraken v1 spread is not [bid, ask, time, bidVolume, askVolume]');
    this.bbo(pair, s[0], s[3], s[1], s[4], secToNs(s[2]), localTs, out);
  }

  // ---- v2 ----------------------------------------------------------------------------------

  private v2(m: V2Message, localTs: number, out: MarketEvent[]): void {
    switch (m.channel) {
      case 'book':
        return this.v2Book(m, localTs, out);
      case 'trade':
        return this.v2Trades(m, localTs, out);
      case 'ticker':
        return this.v2Ticker(m, localTs, out);
      case 'instrument':
        return this.v2Instrument(m.data as V2InstrumentData);
      case 'heartbeat':
      case 'status':
      case 'ohlc':
        return;
    }
    throw new Error(`unknown Kraken v2 channel ${JSON.stringify(m.channel)}`);
  }

  private v2Book(m: V2Message, localTs: number, out: MarketEvent[]): void {
    if (m.type !== 'snapshot' && m.type !== 'update') throw new Error(`Kraken v2 book message of type ${JSON.stringify(m.type)}`);
    const data = m.data as V2Book[];
    if (!Array.isArray(data)) throw new Error('Kraken v2 book without a data list');
    const snapshot = m.type === 'snapshot';
    const lb = this.lb;
    for (let i = 0; i < data.length; i++) {
      const d = data[i];
      if (typeof d.symbol !== 'string' || !Array.isArray(d.bids) || !Array.isArray(d.asks)) throw new Error('Kraken v2 book entry without symbol/bids/asks');
      const inst = this.instruments.get(VENUE, d.symbol);
      lb.begin(inst);
      v2Levels(lb, true, d.bids);
      v2Levels(lb, false, d.asks);
      if (snapshot) this.snapDepth.set(d.symbol, roundDepth(Math.max(d.bids.length, d.asks.length)));
      const depth = this.ackDepth.get(d.symbol) ?? this.snapDepth.get(d.symbol) ?? 0;
      const checksum = typeof d.checksum === 'number' ? d.checksum : NaN;
      out.push(this.change(inst, snapshot, isoToNs(d.timestamp), localTs, checksum, depth));
    }
  }

  private v2Trades(m: V2Message, localTs: number, out: MarketEvent[]): void {
    const data = m.data as V2Trade[];
    if (!Array.isArray(data)) throw new Error('Kraken v2 trade without a data list');
    for (let i = 0; i < data.length; i++) {
      const t = data[i];
      if (t.side !== 'buy' && t.side !== 'sell') throw new Error(`Kraken v2 trade with side ${JSON.stringify(t.side)}`);
      const inst = this.instruments.get(VENUE, t.symbol);
      const price = inst.price.toInt(t.price);
      const size = inst.size.toInt(t.qty);
      out.push(makeTrade(VENUE, t.symbol, isoToNs(t.timestamp), localTs, price, size, inst.price.decimals, inst.size.decimals, t.side === 'buy' ? BID : ASK, String(t.trade_id)));
    }
  }

  private v2Ticker(m: V2Message, localTs: number, out: MarketEvent[]): void {
    const data = m.data as V2Ticker[];
    if (!Array.isArray(data)) throw new Error('Kraken v2 ticker without a data list');
    for (let i = 0; i < data.length; i++) {
      const t = data[i];
      this.bbo(t.symbol, t.bid, t.bid_qty, t.ask, t.ask_qty, isoToNs(t.timestamp), localTs, out);
    }
  }

  private v2Instrument(d: V2InstrumentData): void {
    if (d === null || typeof d !== 'object' || (d.pairs !== undefined && !Array.isArray(d.pairs))) throw new Error('Kraken v2 instrument message without data.pairs');
    const pairs = d.pairs ?? [];
    for (let i = 0; i < pairs.length; i++) this.setPrecision(pairs[i].symbol, pairs[i].price_precision, pairs[i].qty_precision);
  }

  private v2Response(r: V2Response): void {
    if (r.success === false) throw new Error(`Kraken ${r.method} failed: ${r.error ?? 'no reason given'}`);
    if (r.method === 'subscribe' || r.method === 'unsubscribe') {
      const res = r.result;
      if (r.method === 'subscribe' && res?.channel === 'book' && typeof res.symbol === 'string' && typeof res.depth === 'number') {
        this.ackDepth.set(res.symbol, res.depth);
      }
      return;
    }
    if (r.method === 'pong') return;
    throw new Error(`unknown Kraken v2 method response ${JSON.stringify(r.method)}`);
  }

  // ---- shared ------------------------------------------------------------------------------

  /** The built levels as a BookChange at the pair's wire decimals (see the class comment). */
  private change(inst: Instrument, isSnapshot: boolean, exchTs: number, localTs: number, checksum: number, depth: number): BookChange {
    const lb = this.lb;
    // The scale drops trailing zeros ("354.80000000" needs 1 decimal); the checksum needs them.
    const pw = inst.price.wireDecimals;
    const sw = inst.size.wireDecimals;
    if (pw > lb.priceDecimals) inst.price.decimals = pw;
    if (sw > lb.sizeDecimals) inst.size.decimals = sw;
    lb.widen(pw, sw);
    return lb.event(VENUE, inst.symbol, isSnapshot, exchTs, localTs, NaN, NaN, NaN, checksum, depth);
  }

  private bbo(symbol: string, bid: string | number, bidSize: string | number, ask: string | number, askSize: string | number, exchTs: number, localTs: number, out: MarketEvent[]): void {
    if (typeof symbol !== 'string') throw new Error('Kraken ticker without a symbol');
    out.push(bboEvent(this.instruments.get(VENUE, symbol), VENUE, symbol, exchTs, localTs, bid, bidSize, ask, askSize, NaN));
  }
}

function preset(s: Scale, decimals: number): void {
  if (decimals > s.decimals) s.decimals = decimals;
  if (decimals > s.wireDecimals) s.wireDecimals = decimals;
}

/** Adds v1 levels (republished "r" levels apply like any other); returns the latest level time. */
function v1Levels(lb: LevelBuilder, isBid: boolean, levels: V1Level[] | undefined, exchTs: number): number {
  if (!Array.isArray(levels)) throw new Error(`Kraken v1 book "${isBid ? 'b' : 'a'}" is not a list`);
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    if (l.length > 3 && l[3] !== 'r') throw new Error(`Kraken v1 book level with unknown flag ${JSON.stringify(l[3])}`);
    lb.add(isBid, l[0], l[1]);
    const ts = secToNs(l[2]);
    if (!(exchTs >= ts)) exchTs = ts;
  }
  return exchTs;
}

function v2Levels(lb: LevelBuilder, isBid: boolean, levels: V2Level[]): void {
  for (let i = 0; i < levels.length; i++) lb.add(isBid, levels[i].price, levels[i].qty);
}

function parseChecksum(c: string): number {
  const v = Number(c);
  if (typeof c !== 'string' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`bad Kraken checksum ${JSON.stringify(c)}`);
  return v;
}

function roundDepth(n: number): number {
  for (const d of V2_DEPTHS) if (n <= d) return d;
  return n;
}

function v1Event(e: V1Event): void {
  switch (e.event) {
    case 'heartbeat':
    case 'systemStatus':
    case 'pong':
      return;
    case 'subscriptionStatus':
      if (e.status === 'error') throw new Error(`Kraken subscription error for ${e.pair ?? '?'}: ${e.errorMessage ?? 'no reason given'}`);
      return;
    case 'error':
      throw new Error(`Kraken error: ${e.errorMessage ?? 'no reason given'}`);
  }
  throw new Error(`unknown Kraken v1 event ${JSON.stringify(e.event)}`);
}

/** REST responses recorded beside the stream: only AssetPairs (instrument list) is expected; it carries no book data. */
function rest(r: RestResponse, meta?: FrameMeta): void {
  if (Array.isArray(r.error) && r.error.length > 0) throw new Error(`Kraken REST error: ${r.error.join('; ')}`);
  if (meta?.url !== undefined && !meta.url.includes('/AssetPairs')) throw new Error(`unsupported Kraken REST response from ${meta.url}`);
}

/** "1618678133.365913" (epoch seconds) → ns. */
export function secToNs(s: string): number {
  if (typeof s !== 'string') throw new Error(`bad Kraken timestamp ${JSON.stringify(s)}`);
  let sec = 0;
  let i = 0;
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    sec = sec * 10 + (c - 48);
  }
  let frac = 0;
  let k = 0;
  if (i < n && s.charCodeAt(i) === 46) {
    for (i++; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (k < 9) (frac = frac * 10 + (c - 48)), k++;
    }
  }
  if (i !== n || n === 0) throw new Error(`bad Kraken timestamp ${JSON.stringify(s)}`);
  return sec * 1e9 + frac * POW10[9 - k];
}

/** "2026-07-05T10:37:38.932102Z" (RFC 3339, UTC) → ns; NaN when absent. */
export function isoToNs(s: string | undefined): number {
  if (s === undefined) return NaN;
  const ms = typeof s === 'string' && s.endsWith('Z') ? Date.parse(s.slice(0, 19) + 'Z') : NaN;
  if (ms !== ms) throw new Error(`bad Kraken timestamp ${JSON.stringify(s)}`);
  let frac = 0;
  let k = 0;
  if (s.charCodeAt(19) === 46) {
    for (let i = 20; i < s.length - 1; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) throw new Error(`bad Kraken timestamp ${JSON.stringify(s)}`);
      if (k < 9) (frac = frac * 10 + (c - 48)), k++;
    }
  }
  return ms * 1e6 + frac * POW10[9 - k];
}
