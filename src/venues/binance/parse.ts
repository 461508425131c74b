import { bboEvent, bboEventRange } from '../../core/bbo.ts';
import { BID, ASK, makeTrade, type MarketEvent } from '../../core/events.ts';
import { LevelBuilder, type Instrument, type InstrumentTable } from '../../core/instrument.ts';
import type { FrameMeta, FrameParser } from '../venue.ts';
import { K_DEPTH, K_TICKER, ScanResult, scanBinance } from './scan.ts';
import type { AggTradeMsg, BookTicker, DepthSnapshot, DepthUpdate, Envelope, Level, MarkPriceUpdate, StreamData, TradeMsg } from './messages.ts';

const MS = 1e6;
/** Streams that are Binance traffic lobkit does not normalize (klines, tickers): recognized, skipped. */
const IGNORED = new Set(['kline', '24hrTicker', '24hrMiniTicker', 'continuous_kline', 'indexPriceKline', 'markPriceKline', 'forceOrder', 'compositeIndex', 'contractInfo', 'assetIndexUpdate']);

/**
 * Parser for one Binance connection or capture file. Stateful only in remembering the symbol a
 * REST snapshot belongs to when the response does not name it (spot and USD-M responses don't).
 */
export class BinanceParser implements FrameParser {
  private readonly levels = new LevelBuilder();
  /** Symbols of the depth streams seen on this connection / in this file. */
  private readonly depthSymbols = new Set<string>();

  /** Frames decoded by the single-pass scanner (the rest went through JSON.parse). */
  scanned = 0;

  constructor(
    private readonly venue: string,
    private readonly instruments: InstrumentTable,
    /** Off only in tests that prove both paths give identical events. */
    private readonly useScanner = true,
  ) {}

  private readonly scan = new ScanResult();
  private lastSym = '';
  private lastInst: Instrument | undefined;
  private readonly beginLevels = (src: string, s: number, e: number): void => this.levels.begin(this.instAt(src, s, e));

  /** Instrument of the symbol at src[s, e), without allocating when it is the previous frame's. */
  private instAt(src: string, s: number, e: number): Instrument {
    const last = this.lastSym;
    if (this.lastInst !== undefined && e - s === last.length && src.startsWith(last, s)) return this.lastInst;
    const sym = src.slice(s, e);
    this.lastSym = sym;
    return (this.lastInst = this.instruments.get(this.venue, sym));
  }

  parse(frame: string, localTs: number, out: MarketEvent[], meta?: FrameMeta): void {
    if (this.useScanner && scanBinance(frame, this.scan, this.levels, this.beginLevels)) {
      this.scanned++;
      return this.fromScan(frame, localTs, out);
    }
    const msg = JSON.parse(frame) as Envelope | StreamData | DepthSnapshot | { result: unknown; id: number };
    if ('stream' in msg && 'data' in msg) {
      this.data(msg.data, localTs, out);
    } else if ('lastUpdateId' in msg) {
      this.snapshot(msg, localTs, out, meta);
    } else if ('e' in msg) {
      this.data(msg as StreamData, localTs, out);
    } else if ('u' in msg && 'b' in msg && 'A' in msg) {
      this.bookTicker(msg as BookTicker, localTs, out);
    } else if ('result' in msg && 'id' in msg) {
      // subscription acknowledgement
    } else if ('symbols' in msg && 'serverTime' in msg) {
      // exchangeInfo REST response
    } else {
      throw new Error(`unknown Binance message: ${frame.slice(0, 80)}`);
    }
  }

  /** Events from a successful scan: identical to what the JSON.parse path builds. */
  private fromScan(f: string, localTs: number, out: MarketEvent[]): void {
    const r = this.scan;
    const inst = this.instAt(f, r.symS, r.symE);
    if (r.kind === K_DEPTH) {
      if (!this.depthSymbols.has(inst.symbol)) this.depthSymbols.add(inst.symbol);
      out.push(this.levels.event(this.venue, inst.symbol, false, (r.T === r.T ? r.T : r.E) * MS, localTs, r.u, r.U, r.pu));
      return;
    }
    if (r.kind === K_TICKER) {
      out.push(bboEventRange(inst, this.venue, inst.symbol, (r.T === r.T ? r.T : r.E) * MS, localTs, f, r.bS, r.bE, r.BS, r.BE, r.aS, r.aE, r.AS, r.AE, r.u));
      return;
    }
    const px = inst.price;
    const sz = inst.size;
    const price = px.toIntRange(f, r.bS, r.bE);
    const size = sz.toIntRange(f, r.BS, r.BE);
    out.push(makeTrade(this.venue, inst.symbol, r.T * MS, localTs, price, size, px.decimals, sz.decimals, r.m ? ASK : BID, String(r.t)));
  }

  private data(d: StreamData, localTs: number, out: MarketEvent[]): void {
    switch (d.e) {
      case 'depthUpdate':
        return this.depth(d as DepthUpdate, localTs, out);
      case 'trade':
      case 'aggTrade':
        return this.trade(d as TradeMsg | AggTradeMsg, localTs, out);
      case 'bookTicker':
        return this.bookTicker(d as BookTicker, localTs, out);
      case 'markPriceUpdate':
        return this.mark(d as MarkPriceUpdate, localTs, out);
      case undefined:
        if ('u' in d && 'A' in d) return this.bookTicker(d as BookTicker, localTs, out);
        break;
      default:
        if (IGNORED.has(d.e)) return;
    }
    throw new Error(`unknown Binance stream event ${JSON.stringify(d.e)}`);
  }

  private book(inst: Instrument, bids: Level[], asks: Level[]): void {
    const lb = this.levels;
    lb.begin(inst);
    for (let i = 0; i < bids.length; i++) lb.add(true, bids[i][0], bids[i][1]);
    for (let i = 0; i < asks.length; i++) lb.add(false, asks[i][0], asks[i][1]);
  }

  private depth(d: DepthUpdate, localTs: number, out: MarketEvent[]): void {
    if (typeof d.s !== 'string' || typeof d.u !== 'number' || typeof d.U !== 'number' || !Array.isArray(d.b) || !Array.isArray(d.a)) {
      throw new Error('depthUpdate missing s/U/u/b/a');
    }
    if (!this.depthSymbols.has(d.s)) this.depthSymbols.add(d.s);
    const inst = this.instruments.get(this.venue, d.s);
    this.book(inst, d.b, d.a);
    out.push(this.levels.event(this.venue, inst.symbol, false, (d.T ?? d.E) * MS, localTs, d.u, d.U, d.pu ?? NaN));
  }

  private snapshot(s: DepthSnapshot, localTs: number, out: MarketEvent[], meta?: FrameMeta): void {
    const symbol = s.symbol ?? symbolFromUrl(meta?.url) ?? this.snapshotSymbol(meta?.symbolHint);
    if (!Array.isArray(s.bids) || !Array.isArray(s.asks)) throw new Error('REST depth snapshot without bids/asks');
    const inst = this.instruments.get(this.venue, symbol);
    this.book(inst, s.bids, s.asks);
    const ts = s.T ?? s.E;
    out.push(this.levels.event(this.venue, inst.symbol, true, ts !== undefined ? ts * MS : NaN, localTs, s.lastUpdateId));
  }

  /**
   * Spot and USD-M REST responses do not name their symbol. A capture file holds one instrument
   * (as hftbacktest's collector writes them): the one whose diffs it carries, else the file name's.
   */
  private snapshotSymbol(hint: string | undefined): string {
    const seen = this.depthSymbols;
    if (seen.size === 1) return seen.values().next().value as string;
    if (hint !== undefined && (seen.size === 0 || seen.has(hint))) return hint;
    if (seen.size === 0) throw new Error('REST depth snapshot without a symbol, before any diff, and no symbol in the file name');
    throw new Error(`REST depth snapshot without a symbol in a file carrying several (${[...seen].join(', ')}): cannot tell which book it resets`);
  }

  private bookTicker(d: BookTicker, localTs: number, out: MarketEvent[]): void {
    const inst = this.instruments.get(this.venue, d.s);
    out.push(bboEvent(inst, this.venue, d.s, (d.T ?? d.E ?? NaN) * MS, localTs, d.b, d.B, d.a, d.A, d.u));
  }

  private trade(d: TradeMsg | AggTradeMsg, localTs: number, out: MarketEvent[]): void {
    const inst = this.instruments.get(this.venue, d.s);
    const price = inst.price.toInt(d.p);
    const size = inst.size.toInt(d.q);
    const id = String(d.e === 'trade' ? (d as TradeMsg).t : (d as AggTradeMsg).a);
    out.push(makeTrade(this.venue, d.s, d.T * MS, localTs, price, size, inst.price.decimals, inst.size.decimals, d.m ? ASK : BID, id));
  }

  private mark(d: MarkPriceUpdate, localTs: number, out: MarketEvent[]): void {
    out.push({
      type: 'funding',
      venue: this.venue,
      symbol: d.s,
      exchTs: d.E * MS,
      localTs,
      markPrice: Number(d.p),
      indexPrice: Number(d.i),
      fundingRate: Number(d.r),
      nextFundingTs: d.T * MS,
    });
  }
}

function symbolFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const m = /[?&]symbol=([A-Za-z0-9_]+)/.exec(url);
  return m ? m[1].toUpperCase() : undefined;
}
