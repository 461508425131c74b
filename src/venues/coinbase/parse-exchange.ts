import { ASK, BID, type MarketEvent } from '../../core/events.ts';
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
    this.change(m.product_id, true, NaN, localTs, out);
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
    this.change(m.product_id, false, isoToNs(m.time), localTs, out);
  }

  private change(symbol: string, isSnapshot: boolean, exchTs: number, localTs: number, out: MarketEvent[]): void {
    const lb = this.levels;
    const nBids = lb.nBids;
    out.push({
      type: 'book_change',
      venue: COINBASE_EXCHANGE,
      symbol,
      exchTs,
      localTs,
      isSnapshot,
      nBids,
      nAsks: lb.count - nBids,
      levels: lb.take(),
      priceDecimals: lb.priceDecimals,
      sizeDecimals: lb.sizeDecimals,
      seq: NaN,
      firstSeq: NaN,
      prevSeq: NaN,
      checksum: NaN,
      depth: 0,
    });
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
    const px = inst.price;
    const sz = inst.size;
    // Parse all values first: a scale may grow on any of them, and all must share the final scale.
    px.toInt(bp), px.toInt(ap);
    if (hasSizes) sz.toInt(bs), sz.toInt(as);
    out.push({
      type: 'bbo',
      venue: COINBASE_EXCHANGE,
      symbol: t.product_id,
      exchTs: t.time ? isoToNs(t.time) : NaN,
      localTs,
      bidPrice: px.toInt(bp),
      bidSize: hasSizes ? sz.toInt(bs) : NaN,
      askPrice: px.toInt(ap),
      askSize: hasSizes ? sz.toInt(as) : NaN,
      priceDecimals: px.decimals,
      sizeDecimals: sz.decimals,
      seq: NaN,
    });
  }

  private match(m: ExMatch, localTs: number, out: MarketEvent[]): void {
    if (typeof m.product_id !== 'string' || (m.side !== 'buy' && m.side !== 'sell')) throw new Error('Coinbase match without product_id/side');
    const inst = this.instruments.get(COINBASE_EXCHANGE, m.product_id);
    const price = inst.price.toInt(m.price);
    const size = inst.size.toInt(m.size);
    out.push({
      type: 'trade',
      venue: COINBASE_EXCHANGE,
      symbol: m.product_id,
      exchTs: isoToNs(m.time),
      localTs,
      price,
      size,
      priceDecimals: inst.price.decimals,
      sizeDecimals: inst.size.decimals,
      // Exchange docs (channels#match): "The side field indicates the maker order side."
      aggressor: m.side === 'buy' ? ASK : BID,
      id: String(m.trade_id),
    });
  }
}
