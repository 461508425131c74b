import { bboEvent } from '../../core/bbo.ts';
import { ASK, BID, makeTrade, type MarketEvent } from '../../core/events.ts';
import { LevelBuilder, type InstrumentTable } from '../../core/instrument.ts';
import type { FrameMeta, FrameParser } from '../venue.ts';
import type { OkxArg, OkxBook, OkxEventMsg, OkxFundingRate, OkxMarkPrice, OkxPush, OkxRest, OkxTicker, OkxTrade } from './messages.ts';

export const OKX = 'okx';
const MS = 1e6;

/** Book channels whose every push is a full top-N snapshot (no `action` field). */
const SNAPSHOT_BOOKS = new Set(['books5']);
/** Incremental book channels (snapshot, then updates). */
const DIFF_BOOKS = new Set(['books', 'books50-l2-tbt', 'books-l2-tbt']);
/** OKX channels lobkit recognizes but does not normalize. */
const IGNORED = new Set(['open-interest', 'index-tickers', 'price-limit', 'estimated-price', 'opt-summary', 'liquidation-orders', 'instruments', 'status', 'call-auction-details', 'economic-calendar']);

/**
 * Parser for OKX v5 public WebSocket traffic (one connection or capture file). Stateless: every
 * push names its channel and instrument.
 */
export class OkxParser implements FrameParser {
  private readonly levels = new LevelBuilder();

  constructor(private readonly instruments: InstrumentTable) {}

  parse(frame: string, localTs: number, out: MarketEvent[], meta?: FrameMeta): void {
    if (frame === 'pong') return; // reply to our text 'ping' keepalive
    const msg = JSON.parse(frame) as OkxPush | OkxEventMsg | OkxRest;
    if ('event' in msg) {
      if (msg.event === 'error') throw new Error(`OKX error ${msg.code ?? '?'}: ${msg.msg ?? ''}`);
      return; // subscribe / unsubscribe acks, notices, connection counts
    }
    if ('arg' in msg && Array.isArray(msg.data)) return this.push(msg, localTs, out);
    if ('code' in msg && meta?.url !== undefined) {
      if (/\/api\/v5\/public\/instruments/.test(meta.url)) return; // instrument list
      throw new Error(`unexpected OKX REST response from ${meta.url}`);
    }
    throw new Error(`unknown OKX message: ${frame.slice(0, 80)}`);
  }

  private push(msg: OkxPush, localTs: number, out: MarketEvent[]): void {
    const ch = msg.arg.channel;
    if (DIFF_BOOKS.has(ch)) return this.books(msg, msg.action !== 'update', localTs, out);
    if (SNAPSHOT_BOOKS.has(ch)) return this.books(msg, true, localTs, out);
    switch (ch) {
      case 'bbo-tbt':
        return this.bboTbt(msg.arg, msg.data as OkxBook[], localTs, out);
      case 'trades':
      case 'trades-all':
        return this.trades(msg.data as OkxTrade[], localTs, out);
      case 'tickers':
        return this.tickers(msg.data as OkxTicker[], localTs, out);
      case 'funding-rate':
        return this.funding(msg.data as OkxFundingRate[], localTs, out);
      case 'mark-price':
        return this.mark(msg.data as OkxMarkPrice[], localTs, out);
    }
    if (IGNORED.has(ch) || ch.includes('candle')) return;
    throw new Error(`unknown OKX channel ${JSON.stringify(ch)}`);
  }

  private books(msg: OkxPush, isSnapshot: boolean, localTs: number, out: MarketEvent[]): void {
    const data = msg.data as OkxBook[];
    for (let k = 0; k < data.length; k++) {
      const d = data[k];
      const symbol = d.instId ?? instIdOf(msg.arg);
      if (!Array.isArray(d.bids) || !Array.isArray(d.asks) || typeof d.ts !== 'string') throw new Error(`OKX ${msg.arg.channel} push without bids/asks/ts`);
      const inst = this.instruments.get(OKX, symbol);
      const lb = this.levels;
      lb.begin(inst);
      for (let i = 0; i < d.bids.length; i++) lb.add(true, d.bids[i][0], d.bids[i][1]);
      for (let i = 0; i < d.asks.length; i++) lb.add(false, d.asks[i][0], d.asks[i][1]);
      out.push(
        lb.event(
          OKX,
          symbol,
          isSnapshot,
          Number(d.ts) * MS,
          localTs,
          typeof d.seqId === 'number' ? d.seqId : NaN,
          NaN,
          typeof d.prevSeqId === 'number' ? d.prevSeqId : NaN,
          // OKX sends a signed int32; 0 means "not computed". Stored as uint32 like every venue's.
          typeof d.checksum === 'number' && d.checksum !== 0 ? d.checksum >>> 0 : NaN,
          // OKX keeps 400 (books, books-l2-tbt) or 50 levels but does not say what happens at the
          // edge; the checksum covers only the top 25, so the book is not truncated.
          0,
        ),
      );
    }
  }

  /**
   * `bbo-tbt` pushes a one-level book: reported as the venue's BBO, not as a book snapshot, which
   * would replace a full book of the same instrument. Without a shared sequence, it is not
   * matched against the book (seq NaN).
   */
  private bboTbt(arg: OkxArg, data: OkxBook[], localTs: number, out: MarketEvent[]): void {
    for (let k = 0; k < data.length; k++) {
      const d = data[k];
      if (!Array.isArray(d.bids) || !Array.isArray(d.asks)) throw new Error('OKX bbo-tbt push without bids/asks');
      if (d.bids.length === 0 || d.asks.length === 0) continue; // one side empty: no BBO to report
      this.bbo(d.instId ?? instIdOf(arg), d.bids[0][0], d.bids[0][1], d.asks[0][0], d.asks[0][1], Number(d.ts) * MS, localTs, out);
    }
  }

  private tickers(data: OkxTicker[], localTs: number, out: MarketEvent[]): void {
    for (let k = 0; k < data.length; k++) {
      const t = data[k];
      if (typeof t.instId !== 'string') throw new Error('OKX ticker without instId');
      if (!t.bidPx || !t.askPx || !t.bidSz || !t.askSz) continue; // empty book side: no BBO
      this.bbo(t.instId, t.bidPx, t.bidSz, t.askPx, t.askSz, Number(t.ts) * MS, localTs, out);
    }
  }

  private bbo(symbol: string, bp: string, bs: string, ap: string, as: string, exchTs: number, localTs: number, out: MarketEvent[]): void {
    out.push(bboEvent(this.instruments.get(OKX, symbol), OKX, symbol, exchTs, localTs, bp, bs, ap, as, NaN));
  }

  private trades(data: OkxTrade[], localTs: number, out: MarketEvent[]): void {
    for (let k = 0; k < data.length; k++) {
      const t = data[k];
      if (typeof t.instId !== 'string' || (t.side !== 'buy' && t.side !== 'sell')) throw new Error('OKX trade without instId/side');
      const inst = this.instruments.get(OKX, t.instId);
      const price = inst.price.toInt(t.px);
      const size = inst.size.toInt(t.sz);
      // OKX `side` is the taker's.
      out.push(makeTrade(OKX, t.instId, Number(t.ts) * MS, localTs, price, size, inst.price.decimals, inst.size.decimals, t.side === 'buy' ? BID : ASK, t.tradeId));
    }
  }

  private funding(data: OkxFundingRate[], localTs: number, out: MarketEvent[]): void {
    for (let k = 0; k < data.length; k++) {
      const f = data[k];
      out.push({
        type: 'funding',
        venue: OKX,
        symbol: f.instId,
        exchTs: f.ts !== undefined ? Number(f.ts) * MS : NaN,
        localTs,
        markPrice: NaN,
        indexPrice: NaN,
        fundingRate: Number(f.fundingRate),
        nextFundingTs: f.fundingTime ? Number(f.fundingTime) * MS : NaN,
      });
    }
  }

  private mark(data: OkxMarkPrice[], localTs: number, out: MarketEvent[]): void {
    for (let k = 0; k < data.length; k++) {
      const m = data[k];
      out.push({
        type: 'funding',
        venue: OKX,
        symbol: m.instId,
        exchTs: Number(m.ts) * MS,
        localTs,
        markPrice: Number(m.markPx),
        indexPrice: NaN,
        fundingRate: NaN,
        nextFundingTs: NaN,
      });
    }
  }
}

function instIdOf(arg: OkxArg): string {
  if (typeof arg.instId !== 'string') throw new Error(`OKX ${arg.channel} push without instId`);
  return arg.instId;
}
