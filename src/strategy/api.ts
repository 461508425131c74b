/**
 * The strategy contract. A strategy is written once against these interfaces and runs unchanged in
 * the backtester (`sim/`, a simulated venue with latency and queue position) and later in the live
 * runner (`live/`, paper or real orders). Nothing here names a venue's API or the simulator.
 *
 * Units: timestamps are integer ns in a float64 (as everywhere in lobkit). Prices and sizes are
 * exact scaled integers with their decimals alongside (`price / 10^priceDecimals`), the way book
 * views hold them: build order prices from `BookView` values and its `priceDecimals`.
 */
import type { BookView } from '../core/book-view.ts';
import type { MarketEvent, Side } from '../core/events.ts';

export type OrderType = 'limit' | 'market';
/** gtc: rest until canceled; ioc: fill what crosses now, drop the rest; post_only: rejected if it would take liquidity. */
export type TimeInForce = 'gtc' | 'ioc' | 'post_only';

export interface OrderRequest {
  venue: string;
  symbol: string;
  /** BID = buy, ASK = sell. */
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  /** Limit price as a scaled integer (ignored for market orders). */
  price: number;
  priceDecimals: number;
  /** Quantity in base units as a scaled integer; fills come in whole units of this precision. */
  size: number;
  sizeDecimals: number;
  /** Free text kept with the order in reports. */
  tag?: string;
}

/**
 * Status as the strategy knows it (from the updates received so far, not the venue's truth):
 * `pending` until the venue acknowledges, `open` while resting, then a final state.
 */
export type OrderStatus = 'pending' | 'open' | 'filled' | 'canceled' | 'rejected' | 'expired';

export interface OrderState {
  readonly id: number;
  readonly req: Readonly<OrderRequest>;
  readonly status: OrderStatus;
  /** Filled quantity, scaled by `req.sizeDecimals`. */
  readonly filled: number;
  /** Current limit price and size (after acknowledged modifications), in the request's decimals. */
  readonly price: number;
  readonly size: number;
  /** A cancel was sent and not yet answered. */
  readonly cancelPending: boolean;
  /** A modify was sent and not yet answered. */
  readonly modifyPending: boolean;
  /** Local time the order was sent. */
  readonly sentTs: number;
}

export type Liquidity = 'maker' | 'taker';

export type OrderUpdate =
  | { kind: 'accepted'; orderId: number; ts: number; exchTs: number }
  | {
      kind: 'fill';
      orderId: number;
      ts: number;
      exchTs: number;
      /** Fill price and quantity as scaled integers (price in the venue's current decimals; size in the order's). */
      price: number;
      priceDecimals: number;
      size: number;
      sizeDecimals: number;
      liquidity: Liquidity;
      /** Fee in quote currency (negative: a rebate). Display value; the ledger keeps it exactly. */
      fee: number;
      /** The order is now completely filled. */
      done: boolean;
    }
  | { kind: 'canceled'; orderId: number; ts: number; exchTs: number }
  | { kind: 'expired'; orderId: number; ts: number; exchTs: number }
  | { kind: 'rejected'; orderId: number; ts: number; exchTs: number; reason: string }
  | { kind: 'modified'; orderId: number; ts: number; exchTs: number; price: number; size: number }
  | { kind: 'cancel_rejected' | 'modify_rejected'; orderId: number; ts: number; exchTs: number; reason: string };

export interface Position {
  /** Signed base quantity (scaled by `sizeDecimals`): positive long, negative short. */
  readonly qty: number;
  readonly sizeDecimals: number;
}

export interface Clock {
  /** Current local time, ns. */
  now(): number;
  /** Calls `Strategy.onTimer(tag)` at local time `atNs` (at once if that is not in the future). */
  setTimer(atNs: number, tag: number): void;
}

export interface ExecutionClient {
  /** Sends an order; returns its id. The answer comes later through `Strategy.onOrder`. */
  submit(req: OrderRequest): number;
  /** Asks to cancel an open order (answered by `canceled` or `cancel_rejected`). */
  cancel(orderId: number): void;
  /** Asks to change price and/or size (in the order's decimals). A new price or a larger size loses queue priority. */
  modify(orderId: number, price: number, size: number): void;
  order(orderId: number): OrderState | undefined;
  /** Orders not yet in a final state (pending or open), oldest first. */
  openOrders(venue: string, symbol: string): readonly OrderState[];
  /** Position from the fills received so far (a view: read it now, do not keep it). */
  position(venue: string, symbol: string): Position;
}

export interface StrategyContext {
  readonly clock: Clock;
  readonly exec: ExecutionClient;
}

export interface Strategy {
  readonly name: string;
  /**
   * Whether to receive an instrument's events (asked once per instrument; default: all). A live
   * runner subscribes to these feeds only; the backtester skips the others' local books.
   */
  wants?(venue: string, symbol: string): boolean;
  init(ctx: StrategyContext): void;
  /**
   * Every market event, in local arrival order. `book` is the local view of the event's
   * instrument after the event (level 0 = best), or undefined while that book is not valid.
   * The view is valid during this call only: read what you need now, never keep it (between
   * calls it may already hold changes the strategy has not been told about).
   */
  onMarket(ev: MarketEvent, book: BookView | undefined): void;
  onOrder(update: OrderUpdate): void;
  onTimer(tag: number): void;
  /** Strategy-specific counters for the run summary (optional). */
  stats?(): Record<string, number>;
}
