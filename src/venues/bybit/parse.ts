import { bboEvent } from '../../core/bbo.ts';
import { ASK, BID, makeTrade, type MarketEvent } from '../../core/events.ts';
import { LevelBuilder, type InstrumentTable } from '../../core/instrument.ts';
import type { FrameMeta, FrameParser } from '../venue.ts';
import type { BybitMsg, Level, OpReply, OrderbookMsg, PublicTradeMsg, TickerData, TickersMsg, TopicMsg } from './messages.ts';

const MS = 1e6;

export const BYBIT_LINEAR = 'bybit-linear';
export const BYBIT_SPOT = 'bybit-spot';
export const BYBIT_INVERSE = 'bybit-inverse';

/** Topic families that are Bybit traffic lobkit does not normalize: recognized, nothing pushed. */
const IGNORED = new Set(['kline', 'allLiquidation', 'liquidation', 'insurance', 'priceLimit', 'adlAlert', 'kline_lt', 'tickers_lt', 'lt']);

/**
 * Venue id of a v5 public stream address (`wss://stream.bybit.com/v5/public/linear` → 'bybit-linear').
 * Linear, spot and inverse share one message format, and a symbol such as BTCUSDT exists in
 * several of them, so the category must come from the connection, never from the frame.
 */
export function venueOfAddress(addr: string): string {
  const m = /\/v5\/public\/(linear|spot|inverse)(?:[/?#]|$)/.exec(addr);
  if (m === null) throw new Error(`connection ${JSON.stringify(addr)} is not a Bybit v5 public linear, spot or inverse stream`);
  return m[1] === 'linear' ? BYBIT_LINEAR : m[1] === 'spot' ? BYBIT_SPOT : BYBIT_INVERSE;
}

/** Last full ticker state of one instrument (tickers deltas carry only the fields that changed). */
interface TickerState {
  bid1Price: string;
  bid1Size: string;
  ask1Price: string;
  ask1Size: string;
  markPrice: string;
  indexPrice: string;
  fundingRate: string;
  nextFundingTime: string;
}

const emptyTicker = (): TickerState => ({ bid1Price: '', bid1Size: '', ask1Price: '', ask1Size: '', markPrice: '', indexPrice: '', fundingRate: '', nextFundingTime: '' });

/**
 * Parser for Bybit v5 public streams. Events are attributed to the venue of the frame's
 * connection (`FrameMeta.addr`, e.g. from cryptofeed connect records) or, without one, to the
 * venue the parser was created for. Context: the last full ticker state per instrument.
 */
export class BybitParser implements FrameParser {
  private readonly levels = new LevelBuilder();
  private readonly tickers = new Map<string, TickerState>();
  /** Book depth per instrument: two depths of one symbol would feed one book with two `u` sequences. */
  private readonly depths = new Map<string, number>();
  private lastAddr = '';
  private lastVenue = '';

  constructor(
    private readonly venue: string,
    private readonly instruments: InstrumentTable,
  ) {}

  parse(frame: string, localTs: number, out: MarketEvent[], meta?: FrameMeta): void {
    const msg = JSON.parse(frame) as BybitMsg;
    if (msg === null || typeof msg !== 'object') throw new Error(`unknown Bybit message: ${frame.slice(0, 80)}`);
    if ('topic' in msg && typeof msg.topic === 'string') return this.topic(msg, this.venueOf(meta), localTs, out);
    if ('op' in msg && typeof msg.op === 'string') return opReply(msg);
    if ('retCode' in msg && typeof msg.retCode === 'number') {
      if (msg.retCode !== 0) throw new Error(`Bybit REST error ${msg.retCode}: ${msg.retMsg ?? ''}`);
      return; // instrument lists and other REST replies carry no book data
    }
    throw new Error(`unknown Bybit message: ${frame.slice(0, 80)}`);
  }

  private venueOf(meta: FrameMeta | undefined): string {
    const addr = meta?.addr;
    if (addr === undefined) return this.venue;
    if (addr !== this.lastAddr) {
      this.lastVenue = venueOfAddress(addr);
      this.lastAddr = addr;
    }
    return this.lastVenue;
  }

  private topic(m: TopicMsg, venue: string, localTs: number, out: MarketEvent[]): void {
    const dot = m.topic.indexOf('.');
    const family = dot < 0 ? m.topic : m.topic.slice(0, dot);
    switch (family) {
      case 'orderbook':
        return this.book(m as OrderbookMsg, venue, localTs, out);
      case 'publicTrade':
        return this.trades(m as PublicTradeMsg, venue, localTs, out);
      case 'tickers':
        return this.ticker(m as TickersMsg, venue, localTs, out);
      default:
        if (IGNORED.has(family)) return;
    }
    throw new Error(`unknown Bybit topic ${JSON.stringify(m.topic)}`);
  }

  private book(m: OrderbookMsg, venue: string, localTs: number, out: MarketEvent[]): void {
    const d = m.data;
    if (d === null || typeof d !== 'object' || typeof d.s !== 'string' || typeof d.u !== 'number' || !Array.isArray(d.b) || !Array.isArray(d.a)) {
      throw new Error(`${m.topic}: orderbook message without data.s/u/b/a`);
    }
    if (m.type !== 'snapshot' && m.type !== 'delta') throw new Error(`${m.topic}: orderbook type ${JSON.stringify(m.type)} is neither snapshot nor delta`);
    const depth = depthOfTopic(m.topic);
    const key = venue + ':' + d.s;
    const known = this.depths.get(key);
    if (known === undefined) this.depths.set(key, depth);
    else if (known !== depth) throw new Error(`${m.topic}: ${venue} ${d.s} already has an orderbook.${known} stream; one depth per instrument`);
    const inst = this.instruments.get(venue, d.s);
    const lb = this.levels;
    lb.begin(inst);
    addLevels(lb, true, d.b);
    addLevels(lb, false, d.a);
    const exch = typeof m.cts === 'number' ? m.cts : m.ts;
    // Bybit: a message with u == 1 is a full book sent after a service restart.
    const isSnapshot = m.type === 'snapshot' || d.u === 1;
    out.push(lb.event(venue, d.s, isSnapshot, typeof exch === 'number' ? exch * MS : NaN, localTs, d.u, NaN, NaN, NaN, depth));
  }

  private trades(m: PublicTradeMsg, venue: string, localTs: number, out: MarketEvent[]): void {
    const list = m.data;
    if (!Array.isArray(list)) throw new Error(`${m.topic}: publicTrade without a data array`);
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      if (typeof t.s !== 'string' || typeof t.T !== 'number' || typeof t.p !== 'string' || typeof t.v !== 'string') {
        throw new Error(`${m.topic}: trade without s/T/p/v`);
      }
      const aggressor = t.S === 'Buy' ? BID : t.S === 'Sell' ? ASK : -2;
      if (aggressor === -2) throw new Error(`${m.topic}: trade side ${JSON.stringify(t.S)} is neither Buy nor Sell`);
      const inst = this.instruments.get(venue, t.s);
      const price = inst.price.toInt(t.p);
      const size = inst.size.toInt(t.v);
      out.push(makeTrade(venue, t.s, t.T * MS, localTs, price, size, inst.price.decimals, inst.size.decimals, aggressor, String(t.i)));
    }
  }

  private ticker(m: TickersMsg, venue: string, localTs: number, out: MarketEvent[]): void {
    const d = m.data;
    if (d === null || typeof d !== 'object' || Array.isArray(d) || typeof d.symbol !== 'string') throw new Error(`${m.topic}: tickers without data.symbol`);
    if (m.type !== 'snapshot' && m.type !== 'delta') throw new Error(`${m.topic}: tickers type ${JSON.stringify(m.type)} is neither snapshot nor delta`);
    const key = venue + ':' + d.symbol;
    let st = this.tickers.get(key);
    if (st === undefined || m.type === 'snapshot') {
      st = emptyTicker();
      this.tickers.set(key, st);
    }
    const changed = merge(st, d);
    const exchTs = typeof m.ts === 'number' ? m.ts * MS : NaN;
    if (changed & BBO_CHANGED && st.bid1Price !== '' && st.bid1Size !== '' && st.ask1Price !== '' && st.ask1Size !== '') {
      const inst = this.instruments.get(venue, d.symbol);
      // Tickers carry the cross sequence `cs`, not the book's `u`: no exact book correspondence (seq NaN).
      out.push(bboEvent(inst, venue, d.symbol, exchTs, localTs, st.bid1Price, st.bid1Size, st.ask1Price, st.ask1Size, NaN));
    }
    if (changed & FUNDING_CHANGED && st.markPrice !== '' && st.indexPrice !== '') {
      const next = st.nextFundingTime === '' ? NaN : Number(st.nextFundingTime);
      out.push({
        type: 'funding',
        venue,
        symbol: d.symbol,
        exchTs,
        localTs,
        markPrice: Number(st.markPrice),
        indexPrice: Number(st.indexPrice),
        fundingRate: st.fundingRate === '' ? NaN : Number(st.fundingRate),
        nextFundingTs: next > 0 ? next * MS : NaN,
      });
    }
  }
}

const BBO_CHANGED = 1;
const FUNDING_CHANGED = 2;

/** Copies the fields present in `d` into `st`; says which groups changed. */
function merge(st: TickerState, d: TickerData): number {
  let changed = 0;
  if (d.bid1Price !== undefined) (st.bid1Price = d.bid1Price), (changed |= BBO_CHANGED);
  if (d.bid1Size !== undefined) (st.bid1Size = d.bid1Size), (changed |= BBO_CHANGED);
  if (d.ask1Price !== undefined) (st.ask1Price = d.ask1Price), (changed |= BBO_CHANGED);
  if (d.ask1Size !== undefined) (st.ask1Size = d.ask1Size), (changed |= BBO_CHANGED);
  if (d.markPrice !== undefined) (st.markPrice = d.markPrice), (changed |= FUNDING_CHANGED);
  if (d.indexPrice !== undefined) (st.indexPrice = d.indexPrice), (changed |= FUNDING_CHANGED);
  if (d.fundingRate !== undefined) (st.fundingRate = d.fundingRate), (changed |= FUNDING_CHANGED);
  if (d.nextFundingTime !== undefined) (st.nextFundingTime = d.nextFundingTime), (changed |= FUNDING_CHANGED);
  return changed;
}

function addLevels(lb: LevelBuilder, isBid: boolean, levels: Level[]): void {
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    lb.add(isBid, l[0], l[1]);
  }
}

/** `orderbook.200.BTCUSDT` → 200 (Bybit keeps that many levels per side). */
function depthOfTopic(topic: string): number {
  const a = topic.indexOf('.');
  const b = topic.indexOf('.', a + 1);
  const n = b > a ? Number(topic.slice(a + 1, b)) : NaN;
  if (!(n > 0) || !Number.isInteger(n)) throw new Error(`${topic}: not an orderbook.{depth}.{symbol} topic`);
  return n;
}

/** Replies to subscribe/ping: nothing to push, but a refused request must not go unnoticed. */
function opReply(m: OpReply): void {
  if (m.success === false) throw new Error(`Bybit refused "${m.op}": ${m.ret_msg ?? 'no reason given'}`);
}
