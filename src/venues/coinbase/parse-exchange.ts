import { bboEvent } from '../../core/bbo.ts';
import { ASK, BID, makeTrade, type MarketEvent } from '../../core/events.ts';
import { LevelBuilder, type InstrumentTable } from '../../core/instrument.ts';
import type { FrameMeta, FrameParser } from '../venue.ts';
import type { CoinbaseError, ExL2Update, ExMatch, ExMessage, ExSnapshot, ExTicker } from './messages.ts';
import { isoToNs } from './time.ts';

export const COINBASE_EXCHANGE = 'coinbase-exchange';

/** Exchange message types lobkit recognizes but does not normalize (full / level3 / status channels). */
const IGNORED = new Set(['subscriptions', 'heartbeat', 'status', 'received', 'open', 'done', 'change', 'activate', 'auction']);

/**
 * Parser for the Coinbase Exchange (formerly Pro / GDAX) WebSocket feed: `level2` / `level2_batch`
 * (snapshot + l2update, no sequence numbers), `ticker`, `matches`. Stateless.
 */
export class CoinbaseExchangeParser implements FrameParser {
  private readonly levels = new LevelBuilder();

  constructor(private readonly instruments: InstrumentTable) {}

  parse(frame: string, localTs: number, out: MarketEvent[], meta?: FrameMeta): void {
    const msg = JSON.parse(frame) as ExMessage | unknown[];
    if (meta?.url !== undefined) {
      if (/\/products\/?(\?.*)?$/.test(meta.url)) return; // REST product list
      throw new Error(`unexpected Coinbase Exchange REST response from ${meta.url}`);
    }
    if (Array.isArray(msg)) throw new Error(`unexpected Coinbase Exchange array message: ${frame.slice(0, 60)}`);
    this.message(msg, localTs, out);
  }

  /** One decoded message (the Advanced Trade parser hands Exchange-dialect frames here). */
  message(msg: ExMessage, localTs: number, out: MarketEvent[]): void {
    switch (msg.type) {
      case 'l2update':
        return this.update(msg as ExL2Update, localTs, out);
      case 'snapshot':
        return this.snapshot(msg as ExSnapshot, localTs, out);
      case 'ticker':
        return this.ticker(msg as ExTicker, localTs, out);
      case 'match':
      case 'last_match':
        return this.match(msg as ExMatch, localTs, out);
      case 'error': {
        const e = msg as CoinbaseError;
        throw new Error(`Coinbase error: ${e.message}${e.reason ? ` (${e.reason})` : ''}`);
      }
    }
    if (IGNORED.has(msg.type)) return;
    throw new Error(`unknown Coinbase Exchange message type ${JSON.stringify(msg.type)}`);
  }

  private snapshot(m: ExSnapshot, localTs: number, out: MarketEvent[]): void {
    if (typeof m.product_id !== 'string' || !Array.isArray(m.bids) || !Array.isArray(m.asks)) throw new Error('Coinbase snapshot without product_id/bids/asks');
    const inst = this.instruments.get(COINBASE_EXCHANGE, m.product_id);
    const lb = this.levels;
    lb.begin(inst);
    for (let i = 0; i < m.bids.length; i++) lb.add(true, m.bids[i][0], m.bids[i][1]);
    for (let i = 0; i < m.asks.length; i++) lb.add(false, m.asks[i][0], m.asks[i][1]);
    out.push(lb.event(COINBASE_EXCHANGE, m.product_id, true, NaN, localTs, NaN));
  }

  private update(m: ExL2Update, localTs: number, out: MarketEvent[]): void {
    if (typeof m.product_id !== 'string' || !Array.isArray(m.changes)) throw new Error('Coinbase l2update without product_id/changes');
    const inst = this.instruments.get(COINBASE_EXCHANGE, m.product_id);
    const lb = this.levels;
    const ch = m.changes;
    lb.begin(inst);
    // Bids first, then asks, each in message order.
    for (let i = 0; i < ch.length; i++) if (ch[i][0] === 'buy') lb.add(true, ch[i][1], ch[i][2]);
    for (let i = 0; i < ch.length; i++) {
      const side = ch[i][0];
      if (side === 'sell') lb.add(false, ch[i][1], ch[i][2]);
      else if (side !== 'buy') throw new Error(`Coinbase l2update with side ${JSON.stringify(side)}`);
    }
    out.push(lb.event(COINBASE_EXCHANGE, m.product_id, false, isoToNs(m.time), localTs, NaN));
  }

  /** Ticker → venue BBO. level2 carries no sequence, so it is not matched to a book state (seq NaN). */
  private ticker(t: ExTicker, localTs: number, out: MarketEvent[]): void {
    if (typeof t.product_id !== 'string') throw new Error('Coinbase ticker without product_id');
    const bp = t.best_bid;
    const ap = t.best_ask;
    if (!bp || !ap) return; // a ticker for an empty book side carries no BBO
    const bs = t.best_bid_size ?? '';
    const as = t.best_ask_size ?? '';
    const hasSizes = bs !== '' && as !== '';
    const inst = this.instruments.get(COINBASE_EXCHANGE, t.product_id);
    // Without both sizes, only the prices are parsed (sizes NaN).
    const ev = bboEvent(inst, COINBASE_EXCHANGE, t.product_id, NaN, localTs, bp, hasSizes ? bs : NaN, ap, hasSizes ? as : NaN, NaN);
    // The time is read after the values: a frame with a bad time has grown the scales first.
    ev.exchTs = t.time ? isoToNs(t.time) : NaN;
    out.push(ev);
  }

  private match(m: ExMatch, localTs: number, out: MarketEvent[]): void {
    if (typeof m.product_id !== 'string' || (m.side !== 'buy' && m.side !== 'sell')) throw new Error('Coinbase match without product_id/side');
    const inst = this.instruments.get(COINBASE_EXCHANGE, m.product_id);
    const price = inst.price.toInt(m.price);
    const size = inst.size.toInt(m.size);
    // Exchange docs (channels#match): "The side field indicates the maker order side."
    out.push(makeTrade(COINBASE_EXCHANGE, m.product_id, isoToNs(m.time), localTs, price, size, inst.price.decimals, inst.size.decimals, m.side === 'buy' ? ASK : BID, String(m.trade_id)));
  }
}
