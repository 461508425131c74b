import type { Side } from '../core/events.ts';
import type { OrderRequest, OrderState, OrderStatus } from '../strategy/api.ts';
import type { QueueState } from './queue.ts';

/** Exchange-side status of a simulated order (the venue's truth, ahead of what the strategy knows). */
export const EX_IN_FLIGHT = 0;
export const EX_RESTING = 1;
export const EX_FILLED = 2;
export const EX_CANCELED = 3;
export const EX_REJECTED = 4;
export const EX_EXPIRED = 5;

export const ORDER_STATUS_CODES: Record<OrderStatus, number> = { pending: 0, open: 1, filled: 2, canceled: 3, rejected: 4, expired: 5 };

/**
 * One order as both sides see it. The local fields (what the strategy knows, from the updates it
 * received) implement `OrderState`; the `ex*` fields are the simulated venue's state, in the
 * instrument's current decimals (rescaled when they grow).
 */
export class SimOrder implements OrderState, QueueState {
  // --- local view (OrderState) ---
  status: OrderStatus = 'pending';
  filled = 0;
  price: number;
  size: number;
  cancelPending = false;
  modifyPending = false;

  // --- exchange side ---
  exStatus = EX_IN_FLIGHT;
  /** Limit price and size at the instrument's decimals; `exFilled` likewise. */
  exPrice = NaN;
  exSize = 0;
  exFilled = 0;
  /** Fills come in multiples of this many instrument size units (the order's own precision). */
  lot = 1;
  /** Level size at the order's price as last seen (queue model input). */
  levelQty = 0;
  /** The level fell out of a depth-limited book: its size is unknown until it reappears. */
  levelHidden = false;
  /** Opposite volume through the order's price already matched against it (no liquidity is used twice). */
  crossMem = 0;
  // QueueState
  ahead = 0;
  cumTrade = 0;
  behind: Set<string> | null = null;
  /** Joined its level at this exchange time (orders at one price keep arrival priority). */
  joinSeq = 0;

  // --- report fields ---
  arriveTs = NaN;
  doneTs = NaN;
  /** Best bid/ask (instrument decimals) when the order reached the venue. */
  arriveBid = NaN;
  arriveAsk = NaN;
  /** Σ price·qty of fills (floats, for average price and slippage reports). */
  fillNotional = 0;
  fillQty = 0;
  takerQty = 0;
  takerNotional = 0;
  fills = 0;
  firstFillTs = NaN;
  reason = '';

  constructor(
    readonly id: number,
    readonly req: Readonly<OrderRequest>,
    readonly instIdx: number,
    readonly sentTs: number,
  ) {
    this.price = req.price;
    this.size = req.size;
  }

  get side(): Side {
    return this.req.side;
  }

  /** Remaining quantity at the venue (instrument decimals). */
  get exRemaining(): number {
    return this.exSize - this.exFilled;
  }

  isFinal(): boolean {
    const s = this.status;
    return s === 'filled' || s === 'canceled' || s === 'rejected' || s === 'expired';
  }
}
