import { UsageError } from '../core/errors.ts';
import { splitSpec } from './latency.ts';

/**
 * Queue position of a resting order: how much visible size sits ahead of it at its price. With L2
 * data (sizes per price) position is a model; with order-level data (LOBSTER) it is exact.
 * Quantities are scaled integers of the instrument's size decimals (probabilistic estimates may be
 * fractional; fills are floored to whole units by the caller).
 */
export interface QueueState {
  /** Visible size ahead of the order. */
  ahead: number;
  /** Size traded at the level since its last depth change (probabilistic models subtract it). */
  cumTrade: number;
  /** FIFO: ids of orders that joined the level after this one. */
  behind: Set<string> | null;
}

export type OrderLevelKind = 'add' | 'cancel' | 'delete' | 'execute' | 'execute_hidden';

export interface QueueModel {
  readonly name: string;
  /** Reads order-level messages (FIFO); at-price trades then come from them instead of Trade events. */
  readonly orderLevel: boolean;
  /** A resting order joins the back of a level of `levelQty`. */
  join(q: QueueState, levelQty: number): void;
  /** `qty` traded at the order's price, against its side; returns how much of it reached the order. */
  trade(q: QueueState, qty: number): number;
  /** The level's visible size changed from `prev` to `next` (`unit` = 10^sizeDecimals, for scale-dependent functions). */
  depth(q: QueueState, prev: number, next: number, unit: number): void;
  /** An order-level message at the order's side and price; returns how much reached the order. */
  message(q: QueueState, kind: OrderLevelKind, id: string, size: number): number;
}

/** Trade volume consumes the queue front first; what is left over reaches the order. */
function consume(q: QueueState, qty: number): number {
  const reach = qty > q.ahead ? qty - q.ahead : 0;
  q.ahead = q.ahead > qty ? q.ahead - qty : 0;
  return reach;
}

/**
 * Conservative: the order advances only when trades print at its price; any size decrease is
 * assumed to come from behind it (the position is only capped by the level's size).
 */
export class RiskAverseQueue implements QueueModel {
  readonly name = 'risk-averse';
  readonly orderLevel = false;
  join(q: QueueState, levelQty: number): void {
    q.ahead = levelQty;
    q.cumTrade = 0;
  }
  trade(q: QueueState, qty: number): number {
    return consume(q, qty);
  }
  depth(q: QueueState, _prev: number, next: number, _unit: number): void {
    if (q.ahead > next) q.ahead = next;
  }
  message(): number {
    return 0;
  }
}

/** Probability that a size decrease came from behind the order, given the size in front of and behind it (base units). */
export type ProbFn = (front: number, back: number) => number;

/**
 * Probabilistic queue position (hftbacktest's ProbQueueModel, after Rigtorp's estimator): a size
 * decrease not explained by trades is split between the part ahead of the order and the part
 * behind it, with probability `p = prob(front, back)` that it came from behind. Trades at the
 * price advance the order fully. Quantities enter `prob` in base units (size / 10^decimals).
 */
export class ProbQueue implements QueueModel {
  readonly orderLevel = false;
  constructor(
    readonly name: string,
    private readonly prob: ProbFn,
  ) {}
  join(q: QueueState, levelQty: number): void {
    q.ahead = levelQty;
    q.cumTrade = 0;
  }
  trade(q: QueueState, qty: number): number {
    q.cumTrade += qty;
    return consume(q, qty);
  }
  depth(q: QueueState, prev: number, next: number, unit: number): void {
    // The part of the decrease already explained by trades at this level is not counted twice.
    const chg = prev - next - q.cumTrade;
    q.cumTrade = 0;
    if (chg <= 0) {
      // growth joins the back; only the cap applies
      if (q.ahead > next) q.ahead = next;
      return;
    }
    const front = q.ahead;
    const back = prev > front ? prev - front : 0;
    let p = this.prob(front / unit, back / unit);
    if (!(p >= 0 && p <= 1)) p = 1;
    let est = front - (1 - p) * chg + Math.min(back - p * chg, 0);
    if (est > next) est = next;
    q.ahead = est > 0 ? est : 0;
  }
  message(): number {
    return 0;
  }
}

export const powerProb =
  (n: number): ProbFn =>
  (front, back) => {
    const b = back ** n;
    return b / (b + front ** n);
  };
export const logProb: ProbFn = (front, back) => {
  const b = Math.log1p(back);
  return b / (b + Math.log1p(front));
};
/** hftbacktest's "2" variants: f(back) / f(front + back). */
export const powerProb2 =
  (n: number): ProbFn =>
  (front, back) =>
    back ** n / (front + back) ** n;
export const logProb2: ProbFn = (front, back) => Math.log1p(back) / Math.log1p(front + back);
/** 1 − (front / (front + back))^n. */
export const powerProb3 =
  (n: number): ProbFn =>
  (front, back) =>
    1 - (front / (front + back)) ** n;

/**
 * Exact FIFO from order-level messages (LOBSTER): the order starts behind the level's whole
 * visible size; an order that joins later is behind it; cancels and deletes of any other order
 * at the price were ahead of it; executions consume the front first. L2 size changes are not
 * used (the messages say exactly who left).
 */
export class FifoQueue implements QueueModel {
  readonly name = 'fifo';
  readonly orderLevel = true;
  join(q: QueueState, levelQty: number): void {
    q.ahead = levelQty;
    q.cumTrade = 0;
    q.behind = new Set();
  }
  trade(q: QueueState, qty: number): number {
    return consume(q, qty);
  }
  depth(): void {}
  message(q: QueueState, kind: OrderLevelKind, id: string, size: number): number {
    const behind = q.behind!;
    switch (kind) {
      case 'add':
        behind.add(id);
        return 0;
      case 'cancel':
        if (!behind.has(id)) q.ahead = q.ahead > size ? q.ahead - size : 0;
        return 0;
      case 'delete':
        if (!behind.delete(id)) q.ahead = q.ahead > size ? q.ahead - size : 0;
        return 0;
      case 'execute':
      case 'execute_hidden':
        return consume(q, size);
    }
  }
}

/**
 * `risk-averse` | `power[:n]` (default n 3) | `log` | `power2[:n]` | `log2` | `power3[:n]` | `fifo`.
 */
export function parseQueueSpec(spec: string): QueueModel {
  const { kind, params } = splitSpec(spec, '--queue');
  const nText = params.get('_') ?? params.get('n');
  const n = nText === undefined ? 3 : Number(nText);
  if (!(n > 0)) throw new UsageError(`--queue ${spec}: the exponent must be a number > 0`);
  const only = (ok: boolean) => {
    if (!ok) throw new UsageError(`--queue ${spec}: ${kind} takes no parameters`);
  };
  switch (kind) {
    case 'risk-averse':
    case 'riskaverse':
      only(params.size === 0);
      return new RiskAverseQueue();
    case 'power':
      return new ProbQueue(`power:${n}`, powerProb(n));
    case 'power2':
      return new ProbQueue(`power2:${n}`, powerProb2(n));
    case 'power3':
      return new ProbQueue(`power3:${n}`, powerProb3(n));
    case 'log':
      only(params.size === 0);
      return new ProbQueue('log', logProb);
    case 'log2':
      only(params.size === 0);
      return new ProbQueue('log2', logProb2);
    case 'fifo':
      only(params.size === 0);
      return new FifoQueue();
    default:
      throw new UsageError(`--queue: unknown model ${JSON.stringify(kind)} (risk-averse, power[:n], log, power2[:n], log2, power3[:n], fifo)`);
  }
}
