import type { BookView } from '../core/book-view.ts';
import { POW10 } from '../core/decimal.ts';
import { ASK, BID, type MarketEvent, type Side } from '../core/events.ts';
import type { Fixed } from '../sim/fixed.ts';
import type { Clock, ExecutionClient, OrderUpdate, Strategy, StrategyContext } from './api.ts';
import { Params, scaled, symbolFilter } from './params.ts';

export interface ProbeConfig {
  symbols?: string;
  /** Time between rounds of orders, ns. */
  everyNs: number;
  /** Each order is canceled this long after it was sent (if still open), ns. */
  ttlNs: number;
  sides: 'both' | 'bid' | 'ask';
  /** Ticks behind the touch (0 = join the best bid / ask). */
  offsetTicks: number;
  size?: Fixed;
  notional: number;
  tick?: Fixed;
  /** Start after this long (lets books build), ns. */
  delayNs: number;
}

interface Top {
  venue: string;
  symbol: string;
  valid: boolean;
  bid: number;
  ask: number;
  pd: number;
  sd: number;
}

/**
 * A measuring instrument rather than a strategy: on a fixed timetable it places post-only orders
 * at (or behind) the touch and cancels them after a fixed time, never reacting to its fills. Its
 * actions depend on the market data only, so runs that differ in latency or queue model can be
 * compared order by order (fill rates, time to fill, markouts by time-to-fill bucket).
 */
export class ProbeStrategy implements Strategy {
  readonly name = 'probe';
  private clock!: Clock;
  private exec!: ExecutionClient;
  private readonly want: (venue: string, symbol: string) => boolean;
  private readonly tops = new Map<string, Top>();
  private sent = 0;
  private fills = 0;

  constructor(readonly cfg: ProbeConfig) {
    this.want = symbolFilter(cfg.symbols);
  }

  static fromParams(p: Params): ProbeStrategy {
    const sides = p.str('side', 'both');
    if (sides !== 'both' && sides !== 'bid' && sides !== 'ask') throw new Error(`probe: side must be both, bid or ask`);
    const cfg: ProbeConfig = {
      symbols: p.opt('symbol'),
      everyNs: p.dur('every', '10s'),
      ttlNs: p.dur('ttl', '30s'),
      sides,
      offsetTicks: p.num('offset', 0),
      size: p.decimal('size'),
      notional: p.num('notional', 100),
      tick: p.decimal('tick'),
      delayNs: p.dur('delay', '5s'),
    };
    p.done();
    return new ProbeStrategy(cfg);
  }

  wants(venue: string, symbol: string): boolean {
    return this.want(venue, symbol);
  }

  init(ctx: StrategyContext): void {
    this.clock = ctx.clock;
    this.exec = ctx.exec;
    this.clock.setTimer(this.clock.now() + this.cfg.delayNs, 0);
  }

  onMarket(ev: MarketEvent, book: BookView | undefined): void {
    if (ev.type !== 'book_change') return;
    const key = ev.venue + ':' + ev.symbol;
    let t = this.tops.get(key);
    if (t === undefined) {
      if (!this.want(ev.venue, ev.symbol)) return;
      t = { venue: ev.venue, symbol: ev.symbol, valid: false, bid: NaN, ask: NaN, pd: 0, sd: 0 };
      this.tops.set(key, t);
    }
    t.valid = book !== undefined && book.bidCount() > 0 && book.askCount() > 0;
    if (t.valid) {
      t.bid = book!.bidPrice(0);
      t.ask = book!.askPrice(0);
      t.pd = book!.priceDecimals;
      t.sd = book!.sizeDecimals;
    }
  }

  onTimer(tag: number): void {
    if (tag > 0) {
      const o = this.exec.order(tag);
      if (o !== undefined && (o.status === 'open' || o.status === 'pending')) this.exec.cancel(tag);
      return;
    }
    const now = this.clock.now();
    this.clock.setTimer(now + this.cfg.everyNs, 0);
    for (const t of this.tops.values()) {
      if (!t.valid) continue;
      const tk = this.cfg.tick ? Math.max(1, scaled(this.cfg.tick, t.pd) || 1) : 1;
      const mid = (t.bid + t.ask) / 2 / POW10[t.pd];
      let size = this.cfg.size ? scaled(this.cfg.size, t.sd) : Math.floor((this.cfg.notional / mid) * POW10[t.sd]);
      if (size !== size) size = Math.floor(this.cfg.size!.toNumber() * POW10[t.sd]);
      if (!(size >= 1)) continue;
      if (this.cfg.sides !== 'ask') this.place(t, BID, t.bid - this.cfg.offsetTicks * tk, size, now);
      if (this.cfg.sides !== 'bid') this.place(t, ASK, t.ask + this.cfg.offsetTicks * tk, size, now);
    }
  }

  private place(t: Top, side: Side, price: number, size: number, now: number): void {
    const id = this.exec.submit({ venue: t.venue, symbol: t.symbol, side, type: 'limit', tif: 'post_only', price, priceDecimals: t.pd, size, sizeDecimals: t.sd, tag: 'probe' });
    this.sent++;
    this.clock.setTimer(now + this.cfg.ttlNs, id);
  }

  onOrder(u: OrderUpdate): void {
    if (u.kind === 'fill') this.fills++;
  }

  stats(): Record<string, number> {
    return { ordersSent: this.sent, fills: this.fills };
  }
}
