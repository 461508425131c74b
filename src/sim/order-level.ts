import { ASK, BID, type Side } from '../core/events.ts';
import type { OrderLevelKind } from './queue.ts';

/**
 * An order-level (L3) message: one order added, reduced, deleted or executed at a price. The FIFO
 * queue model reads these beside the L2 stream (LOBSTER message files carry them).
 */
export interface OrderLevelMsg {
  type: 'order_level';
  venue: string;
  symbol: string;
  exchTs: number;
  localTs: number;
  kind: OrderLevelKind;
  id: string;
  /** Side of the resting order the message is about. */
  side: Side;
  price: number;
  size: number;
  priceDecimals: number;
  sizeDecimals: number;
}

const KINDS: (OrderLevelKind | undefined)[] = [undefined, 'add', 'cancel', 'delete', 'execute', 'execute_hidden'];

/**
 * One LOBSTER message row (`time,type,order id,size,price,direction`; time in seconds after the
 * file's midnight `dayNs`; prices in 1e-4 dollars) → an order-level message; null for rows that
 * move no visible queue (cross trades, halts). Throws on a malformed row (the caller names the line).
 */
export function lobsterOrderMessage(line: string, dayNs: number, venue: string, symbol: string): OrderLevelMsg | null {
  const f = line.split(',');
  if (f.length !== 6) throw new Error(`expected 6 columns (time,type,order id,size,price,direction), got ${f.length}`);
  const type = Number(f[1]);
  const size = Number(f[3]);
  const price = Number(f[4]);
  const dir = Number(f[5]);
  if (!Number.isInteger(type) || type < 1 || type > 7) throw new Error(`unknown event type ${JSON.stringify(f[1])}`);
  if (!Number.isInteger(size) || size < 0) throw new Error(`bad size ${JSON.stringify(f[3])}`);
  if (!Number.isInteger(price)) throw new Error(`bad price ${JSON.stringify(f[4])}`);
  if (dir !== 1 && dir !== -1) throw new Error(`direction must be 1 or -1, got ${JSON.stringify(f[5])}`);
  const kind = KINDS[type];
  if (kind === undefined) return null;
  const dot = f[0].indexOf('.');
  const whole = Number(dot < 0 ? f[0] : f[0].slice(0, dot));
  const frac = dot < 0 ? '' : f[0].slice(dot + 1);
  if (!Number.isInteger(whole) || whole < 0 || frac.length > 9 || !/^\d*$/.test(frac)) throw new Error(`bad time ${JSON.stringify(f[0])}`);
  const ts = dayNs + whole * 1e9 + (frac.length > 0 ? Number(frac) * 10 ** (9 - frac.length) : 0);
  return { type: 'order_level', venue, symbol, exchTs: ts, localTs: ts, kind, id: f[2], side: dir === 1 ? BID : ASK, price, size, priceDecimals: 4, sizeDecimals: 0 };
}
