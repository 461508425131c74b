/**
 * Test helpers: hand-built market tapes and a scripted strategy for simulator scenarios.
 * (Used by tests; not part of the public API.)
 */
import type { BookView } from '../core/book-view.ts';
import type { BookChange, Funding, MarketEvent, Side, Trade } from '../core/events.ts';
import type { Clock, ExecutionClient, OrderRequest, OrderUpdate, Strategy, StrategyContext } from '../strategy/api.ts';

export const MS = 1e6;
/** An arbitrary epoch for tapes (2024-08-09T00:00:00Z). */
export const T0 = Date.UTC(2024, 7, 9) * 1e6;

/** Builds events for one instrument on the generic venue "sim" (arrival-order sync, snapshots reset). */
export class Tape {
  readonly events: MarketEvent[] = [];
  constructor(
    readonly symbol = 'TEST',
    readonly pd = 0,
    readonly sd = 0,
    readonly venue = 'sim',
    /** local − exchange time of every event (feed latency), ns. */
    readonly feedNs = 0,
  ) {}

  private book(ms: number, snapshot: boolean, bids: [number, number][], asks: [number, number][]): BookChange {
    const levels = new Float64Array(2 * (bids.length + asks.length));
    let k = 0;
    for (const [p, s] of [...bids, ...asks]) (levels[k++] = p), (levels[k++] = s);
    const t = T0 + ms * MS;
    const ev: BookChange = {
      type: 'book_change',
      venue: this.venue,
      symbol: this.symbol,
      exchTs: t,
      localTs: t + this.feedNs,
      isSnapshot: snapshot,
      nBids: bids.length,
      nAsks: asks.length,
      levels,
      priceDecimals: this.pd,
      sizeDecimals: this.sd,
      seq: NaN,
      firstSeq: NaN,
      prevSeq: NaN,
      checksum: NaN,
      depth: 0,
    };
    this.events.push(ev);
    return ev;
  }

  snapshot(ms: number, bids: [number, number][], asks: [number, number][]): this {
    this.book(ms, true, bids, asks);
    return this;
  }

  /** Level changes (size 0 deletes). */
  delta(ms: number, bids: [number, number][], asks: [number, number][] = []): this {
    this.book(ms, false, bids, asks);
    return this;
  }

  /** A trade; `aggressor` BID = buyer-initiated (lifts asks), ASK = seller-initiated (hits bids). */
  trade(ms: number, price: number, size: number, aggressor: Side | -1): this {
    const t = T0 + ms * MS;
    const ev: Trade = { type: 'trade', venue: this.venue, symbol: this.symbol, exchTs: t, localTs: t + this.feedNs, price, size, priceDecimals: this.pd, sizeDecimals: this.sd, aggressor, id: String(this.events.length) };
    this.events.push(ev);
    return this;
  }

  funding(ms: number, markPrice: number, fundingRate: number, nextMs: number): this {
    const t = T0 + ms * MS;
    const ev: Funding = { type: 'funding', venue: this.venue, symbol: this.symbol, exchTs: t, localTs: t + this.feedNs, markPrice, indexPrice: markPrice, fundingRate, nextFundingTs: T0 + nextMs * MS };
    this.events.push(ev);
    return this;
  }
}

export interface ScriptAction {
  /** Local time (ms after T0) at which the action runs. */
  at: number;
  run(exec: ExecutionClient, ids: number[], clock: Clock): void;
}

/** A strategy that runs scripted actions at fixed local times and records every update it gets. */
export class ScriptStrategy implements Strategy {
  readonly name = 'script';
  readonly updates: OrderUpdate[] = [];
  readonly ids: number[] = [];
  readonly seen: { type: string; ts: number; bestBid: number; bestAsk: number }[] = [];
  exec!: ExecutionClient;
  clock!: Clock;

  constructor(private readonly actions: ScriptAction[]) {}

  init(ctx: StrategyContext): void {
    this.exec = ctx.exec;
    this.clock = ctx.clock;
    this.actions.forEach((a, i) => ctx.clock.setTimer(T0 + a.at * MS, i));
  }
  onMarket(ev: MarketEvent, book: BookView | undefined): void {
    this.seen.push({ type: ev.type, ts: this.clock.now(), bestBid: book && book.bidCount() > 0 ? book.bidPrice(0) : NaN, bestAsk: book && book.askCount() > 0 ? book.askPrice(0) : NaN });
  }
  onOrder(u: OrderUpdate): void {
    this.updates.push(u);
  }
  onTimer(tag: number): void {
    this.actions[tag].run(this.exec, this.ids, this.clock);
  }
}

/** A limit order request on the tape's instrument. */
export function limit(tape: Tape, side: Side, price: number, size: number, tif: OrderRequest['tif'] = 'gtc'): OrderRequest {
  return { venue: tape.venue, symbol: tape.symbol, side, type: 'limit', tif, price, priceDecimals: tape.pd, size, sizeDecimals: tape.sd };
}

export function market(tape: Tape, side: Side, size: number): OrderRequest {
  return { venue: tape.venue, symbol: tape.symbol, side, type: 'market', tif: 'ioc', price: 0, priceDecimals: tape.pd, size, sizeDecimals: tape.sd };
}

