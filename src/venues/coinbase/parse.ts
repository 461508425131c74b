import { bboEvent } from '../../core/bbo.ts';
import { ASK, BID, makeTrade, type MarketEvent } from '../../core/events.ts';
import { LevelBuilder, type InstrumentTable } from '../../core/instrument.ts';
import type { FrameMeta, FrameParser } from '../venue.ts';
import type { AtL2Event, AtMessage, AtTickerEvent, AtTradesEvent, CoinbaseError, ExMessage } from './messages.ts';
import { CoinbaseExchangeParser } from './parse-exchange.ts';
import { isoToNs } from './time.ts';

export const COINBASE = 'coinbase';

/** Advanced Trade channels recognized but not normalized. */
const IGNORED = new Set(['subscriptions', 'heartbeats', 'candles', 'status', 'ticker_batch', 'user', 'futures_balance_summary']);

/** Per-connection state: Advanced Trade numbers every frame of a connection, across all channels. */
interface Conn {
  lastSeq: number;
  /** Products whose book this connection carries (seen on `l2_data`). */
  books: string[];
}

/**
 * Parser for Coinbase Advanced Trade market data (`level2` → `l2_data`, `market_trades`, `ticker`).
 * `sequence_num` is per connection (FrameMeta.conn): on a jump, a `gap` event is emitted for every
 * book on that connection before the frame's own events, so the engine holds those books invalid
 * until their next snapshot. Frames in the legacy Exchange dialect (top-level `type`, no
 * `channel`: cryptofeed recordings named "COINBASE" from before Advanced Trade) are handed to the
 * Exchange parser and come out as venue `coinbase-exchange`.
 */
export class CoinbaseParser implements FrameParser {
  private readonly levels = new LevelBuilder();
  private readonly conns = new Map<string, Conn>();
  private readonly exchange: CoinbaseExchangeParser;
  /** Sequence jumps seen (each one emitted as gap events). */
  gaps = 0;

  constructor(private readonly instruments: InstrumentTable) {
    this.exchange = new CoinbaseExchangeParser(instruments);
  }

  parse(frame: string, localTs: number, out: MarketEvent[], meta?: FrameMeta): void {
    const msg = JSON.parse(frame) as AtMessage | CoinbaseError | ExMessage | unknown[];
    if (meta?.url !== undefined) {
      if (/\/products\/?(\?.*)?$/.test(meta.url)) return; // REST product list
      throw new Error(`unexpected Coinbase REST response from ${meta.url}`);
    }
    if (Array.isArray(msg)) throw new Error(`unexpected Coinbase array message: ${frame.slice(0, 60)}`);
    if (!('channel' in msg)) {
      if ('type' in msg) return this.exchange.message(msg, localTs, out);
      throw new Error(`unknown Coinbase message: ${frame.slice(0, 80)}`);
    }
    const m = msg as AtMessage;
    if (typeof m.sequence_num === 'number') this.sequence(m, meta?.conn ?? '', localTs, out);
    if (!Array.isArray(m.events)) throw new Error(`Coinbase ${m.channel} frame without events`);
    switch (m.channel) {
      case 'l2_data':
        return this.l2(m, meta?.conn ?? '', localTs, out);
      case 'market_trades':
        return this.trades(m.events as AtTradesEvent[], localTs, out);
      case 'ticker':
        return this.tickers(m, localTs, out);
    }
    if (IGNORED.has(m.channel)) return;
    throw new Error(`unknown Coinbase channel ${JSON.stringify(m.channel)}`);
  }

  private conn(id: string): Conn {
    let c = this.conns.get(id);
    if (c === undefined) {
      c = { lastSeq: NaN, books: [] };
      this.conns.set(id, c);
    }
    return c;
  }

  private sequence(m: AtMessage, connId: string, localTs: number, out: MarketEvent[]): void {
    const c = this.conn(connId);
    const last = c.lastSeq;
    c.lastSeq = m.sequence_num;
    if (last !== last || m.sequence_num === last + 1) return;
    this.gaps++;
    const exchTs = typeof m.timestamp === 'string' ? isoToNs(m.timestamp) : NaN;
    const reason = `sequence_num on connection ${connId || '?'} went from ${last} to ${m.sequence_num}`;
    for (const symbol of c.books) {
      out.push({ type: 'gap', venue: COINBASE, symbol, exchTs, localTs, reason, expected: last + 1, received: m.sequence_num });
    }
  }

  private l2(m: AtMessage, connId: string, localTs: number, out: MarketEvent[]): void {
    const events = m.events as AtL2Event[];
    for (let k = 0; k < events.length; k++) {
      const e = events[k];
      if (typeof e.product_id !== 'string' || !Array.isArray(e.updates)) throw new Error('Coinbase l2_data event without product_id/updates');
      if (e.type !== 'snapshot' && e.type !== 'update') throw new Error(`Coinbase l2_data event type ${JSON.stringify(e.type)}`);
      const c = this.conn(connId);
      if (!c.books.includes(e.product_id)) c.books.push(e.product_id);
      const inst = this.instruments.get(COINBASE, e.product_id);
      const u = e.updates;
      const lb = this.levels;
      lb.begin(inst);
      // Bids first, then offers, each in message order.
      for (let i = 0; i < u.length; i++) if (u[i].side === 'bid') lb.add(true, u[i].price_level, u[i].new_quantity);
      for (let i = 0; i < u.length; i++) {
        const side = u[i].side;
        if (side === 'offer') lb.add(false, u[i].price_level, u[i].new_quantity);
        else if (side !== 'bid') throw new Error(`Coinbase l2_data update with side ${JSON.stringify(side)}`);
      }
      // exchTs: matching-engine time of the change (the frame's own timestamp is its send time).
      const exchTs = u.length > 0 ? isoToNs(u[u.length - 1].event_time) : isoToNs(m.timestamp);
      out.push(lb.event(COINBASE, e.product_id, e.type === 'snapshot', exchTs, localTs, m.sequence_num));
    }
  }

  /**
   * `side` in market_trades is the MAKER's side: measured on the COINBASE.jsonl.gz capture, all
   * 48 SELL trades at a book touch printed at the best ask and all 23 BUY ones at the best bid
   * (a taker buying lifts the ask). The Advanced Trade channel page does not define the field;
   * the Exchange feed it derives from documents `side` as "the maker order side".
   * Snapshot events replay trades from before the subscription: skipped, they are history.
   */
  private trades(events: AtTradesEvent[], localTs: number, out: MarketEvent[]): void {
    for (let k = 0; k < events.length; k++) {
      const e = events[k];
      if (!Array.isArray(e.trades)) throw new Error('Coinbase market_trades event without trades');
      if (e.type === 'snapshot') continue;
      for (let i = 0; i < e.trades.length; i++) {
        const t = e.trades[i];
        if (typeof t.product_id !== 'string' || (t.side !== 'BUY' && t.side !== 'SELL')) throw new Error('Coinbase trade without product_id/side');
        const inst = this.instruments.get(COINBASE, t.product_id);
        const price = inst.price.toInt(t.price);
        const size = inst.size.toInt(t.size);
        out.push(makeTrade(COINBASE, t.product_id, isoToNs(t.time), localTs, price, size, inst.price.decimals, inst.size.decimals, t.side === 'BUY' ? ASK : BID, t.trade_id));
      }
    }
  }

  /** Ticker → venue BBO (no sequence relating it to a book state: seq NaN). */
  private tickers(m: AtMessage, localTs: number, out: MarketEvent[]): void {
    const events = m.events as AtTickerEvent[];
    const exchTs = isoToNs(m.timestamp);
    for (let k = 0; k < events.length; k++) {
      const e = events[k];
      if (!Array.isArray(e.tickers)) throw new Error('Coinbase ticker event without tickers');
      for (let i = 0; i < e.tickers.length; i++) {
        const t = e.tickers[i];
        const bp = t.best_bid;
        const ap = t.best_ask;
        const bs = t.best_bid_quantity;
        const as = t.best_ask_quantity;
        if (!bp || !ap || !bs || !as) continue; // no BBO in this ticker (empty side or old format)
        out.push(bboEvent(this.instruments.get(COINBASE, t.product_id), COINBASE, t.product_id, exchTs, localTs, bp, bs, ap, as, NaN));
      }
    }
  }
}
