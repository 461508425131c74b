import type { BookView } from '../core/book-view.ts';
import { POW10 } from '../core/decimal.ts';
import { ASK, BID, type MarketEvent, type Side } from '../core/events.ts';
import type { Fixed } from '../sim/fixed.ts';
import type { ExecutionClient, OrderState, OrderUpdate, Strategy, StrategyContext } from './api.ts';
import { Params, scaled, symbolFilter } from './params.ts';

export interface MakerConfig {
  /** Instruments to quote (undefined: all). */
  symbols?: string;
  /** Order size in base units, or... */
  size?: Fixed;
  /** ...a quote-currency notional per order (size = notional / mid, floored to the size precision). */
  notional: number;
  /** Inventory limit in base units, or as a quote notional (default 5 × notional). */
  maxPosition?: Fixed;
  maxNotional?: number;
  /** Distance of each quote from the skewed microprice, in ticks. */
  halfSpreadTicks: number;
  /** Shift of the fair price at full inventory, in ticks (against the inventory). */
  skewTicks: number;
  /** Replace a quote when its target moved this many ticks. */
  requoteTicks: number;
  /** Price tick (default: one unit of the book's price decimals). */
  tick?: Fixed;
}

/** Per-instrument quoting state. */
interface Quoted {
  venue: string;
  symbol: string;
  tickUnits: number;
  tickPd: number;
}

/**
 * Maker-only quoter around the microprice (size-weighted mid: the side with less size is likelier
 * to be taken, so fair value leans toward it). Quotes one post-only order per side, skewed against
 * inventory, never crossing the spread; stops adding to a side at the inventory limit (open orders
 * count toward it). A quote is replaced (cancel, then a new order once the cancel is confirmed)
 * when its target moved by `requoteTicks`. It reacts to book changes only.
 */
export class MakerStrategy implements Strategy {
  readonly name = 'maker';
  private exec!: ExecutionClient;
  private readonly want: (venue: string, symbol: string) => boolean;
  private readonly quoted = new Map<string, Quoted>();
  private last: Quoted | undefined;
  private sent = 0;
  private cancels = 0;
  private rejects = 0;
  private fills = 0;
  private atLimit = 0;

  constructor(readonly cfg: MakerConfig) {
    this.want = symbolFilter(cfg.symbols);
  }

  static fromParams(p: Params): MakerStrategy {
    const cfg: MakerConfig = {
      symbols: p.opt('symbol'),
      size: p.decimal('size'),
      notional: p.num('notional', 100),
      maxPosition: p.decimal('max_position'),
      maxNotional: p.has('max_notional') ? p.num('max_notional') : undefined,
      halfSpreadTicks: p.num('half_spread', 0.5),
      skewTicks: p.num('skew', 1),
      requoteTicks: p.num('requote', 1),
      tick: p.decimal('tick'),
    };
    p.done();
    return new MakerStrategy(cfg);
  }

  wants(venue: string, symbol: string): boolean {
    return this.want(venue, symbol);
  }

  init(ctx: StrategyContext): void {
    this.exec = ctx.exec;
  }

  onMarket(ev: MarketEvent, book: BookView | undefined): void {
    if (ev.type !== 'book_change' || book === undefined) return;
    if (book.bidCount() === 0 || book.askCount() === 0) return;
    let q = this.last;
    if (q === undefined || q.symbol !== ev.symbol || q.venue !== ev.venue) {
      const key = ev.venue + ':' + ev.symbol;
      q = this.quoted.get(key);
      if (q === undefined) {
        if (!this.want(ev.venue, ev.symbol)) return;
        q = { venue: ev.venue, symbol: ev.symbol, tickUnits: 1, tickPd: -1 };
        this.quoted.set(key, q);
      }
      this.last = q;
    }
    this.quote(q, book);
  }

  private quote(q: Quoted, book: BookView): void {
    const pd = book.priceDecimals;
    const sd = book.sizeDecimals;
    if (q.tickPd !== pd) {
      q.tickPd = pd;
      q.tickUnits = this.cfg.tick ? scaled(this.cfg.tick, pd) : 1;
      if (!(q.tickUnits >= 1)) q.tickUnits = 1; // tick finer than the book's decimals: the decimals are the grid
    }
    const tk = q.tickUnits;
    const bb = book.bidPrice(0);
    const ba = book.askPrice(0);
    const bs = book.bidSize(0);
    const as = book.askSize(0);
    const micro = (bb * as + ba * bs) / (bs + as);
    const P = POW10[pd];
    const mid = (bb + ba) / 2 / P;
    const exec = this.exec;
    const pos = exec.position(q.venue, q.symbol);
    const posBase = pos.qty / POW10[pos.sizeDecimals];
    const cfg = this.cfg;
    let size = cfg.size ? scaled(cfg.size, sd) : Math.floor((cfg.notional / mid) * POW10[sd]);
    if (size !== size) size = Math.floor(cfg.size!.toNumber() * POW10[sd]); // more decimals than the book shows: floor
    if (!(size >= 1)) return; // size below the instrument's precision
    const sizeBase = size / POW10[sd];
    const maxPos = cfg.maxPosition ? cfg.maxPosition.toNumber() : (cfg.maxNotional ?? 5 * cfg.notional) / mid;
    const fair = micro - cfg.skewTicks * tk * (maxPos > 0 ? posBase / maxPos : 0);
    let bidPx = Math.floor((fair - cfg.halfSpreadTicks * tk) / tk) * tk;
    if (bidPx >= ba) bidPx = ba - tk;
    let askPx = Math.ceil((fair + cfg.halfSpreadTicks * tk) / tk) * tk;
    if (askPx <= bb) askPx = bb + tk;

    let bid: OrderState | undefined;
    let ask: OrderState | undefined;
    let openBuy = 0;
    let openSell = 0;
    const open = exec.openOrders(q.venue, q.symbol);
    for (let i = 0; i < open.length; i++) {
      const o = open[i];
      const rem = (o.size - o.filled) / POW10[o.req.sizeDecimals];
      if (o.req.side === BID) {
        openBuy += rem;
        if (bid === undefined || !o.cancelPending) bid = o;
      } else {
        openSell += rem;
        if (ask === undefined || !o.cancelPending) ask = o;
      }
    }
    const bidOk = posBase + openBuy - (bid ? (bid.size - bid.filled) / POW10[bid.req.sizeDecimals] : 0) + sizeBase <= maxPos + 1e-12;
    const askOk = posBase - openSell + (ask ? (ask.size - ask.filled) / POW10[ask.req.sizeDecimals] : 0) - sizeBase >= -maxPos - 1e-12;
    if (!bidOk || !askOk) this.atLimit++;
    this.side(q, BID, bid, bidOk, bidPx, pd, size, sd);
    this.side(q, ASK, ask, askOk, askPx, pd, size, sd);
  }

  private side(q: Quoted, side: Side, o: OrderState | undefined, ok: boolean, px: number, pd: number, size: number, sd: number): void {
    const exec = this.exec;
    if (o !== undefined) {
      if (o.cancelPending || o.status === 'pending' || o.modifyPending) return; // wait for the venue
      const cur = o.price * POW10[pd - o.req.priceDecimals];
      if (!ok || Math.abs(cur - px) >= this.cfg.requoteTicks * q.tickUnits) {
        exec.cancel(o.id);
        this.cancels++;
      }
      return;
    }
    if (!ok) return;
    exec.submit({ venue: q.venue, symbol: q.symbol, side, type: 'limit', tif: 'post_only', price: px, priceDecimals: pd, size, sizeDecimals: sd, tag: 'maker' });
    this.sent++;
  }

  onOrder(u: OrderUpdate): void {
    if (u.kind === 'rejected') this.rejects++;
    else if (u.kind === 'fill') this.fills++;
  }

  onTimer(): void {}

  stats(): Record<string, number> {
    return { quotesSent: this.sent, cancels: this.cancels, rejects: this.rejects, fills: this.fills, inventoryLimitHits: this.atLimit };
  }
}
