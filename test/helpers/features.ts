import type { BookChange, Funding, Gap, MarketEvent, Trade } from '../../src/core/events.ts';
import { FrameBuilder, type Frame } from '../../src/core/frame.ts';
import type { OpDef } from '../../src/features/op-def.ts';
import { FeaturePipeline } from '../../src/features/pipeline.ts';

/** Scaled-integer decimals of the hand-built test instrument. */
export const PD = 2;
export const SD = 4;
const VENUE = 'test-venue';
const SYMBOL = 'TEST';
export const MS = 1e6;
/** A round epoch time (2024-08-09T00:00:00Z, a Friday), ns. */
export const T0 = Date.UTC(2024, 7, 9) * 1e6;

/** Book change from float levels (bids best first, asks best first); a snapshot unless `delta`. */
export function book(ts: number, bids: [number, number][], asks: [number, number][], delta = false): BookChange {
  const rows = [...bids, ...asks];
  const levels = new Float64Array(2 * rows.length);
  rows.forEach(([p, q], i) => {
    levels[2 * i] = Math.round(p * 10 ** PD);
    levels[2 * i + 1] = Math.round(q * 10 ** SD);
  });
  return {
    type: 'book_change',
    venue: VENUE,
    symbol: SYMBOL,
    exchTs: ts,
    localTs: ts + 5 * MS,
    isSnapshot: !delta,
    nBids: bids.length,
    nAsks: asks.length,
    levels,
    priceDecimals: PD,
    sizeDecimals: SD,
    seq: NaN,
    firstSeq: NaN,
    prevSeq: NaN,
    checksum: NaN,
    depth: 0,
  };
}

/** Book events with the mid at `m` (bid m − 0.01, ask m + 0.01, size 1) at each [ms after T0, mid]. */
export function midPath(points: [number, number][]): BookChange[] {
  return points.map(([ms, m]) => book(T0 + ms * MS, [[m - 0.01, 1]], [[m + 0.01, 1]]));
}

/** Trade; `side` +1 buyer-initiated, −1 seller-initiated, 0 unknown aggressor. */
export function trade(ts: number, price: number, size: number, side: 1 | -1 | 0): Trade {
  return {
    type: 'trade',
    venue: VENUE,
    symbol: SYMBOL,
    exchTs: ts,
    localTs: ts + 5 * MS,
    price: Math.round(price * 10 ** PD),
    size: Math.round(size * 10 ** SD),
    priceDecimals: PD,
    sizeDecimals: SD,
    aggressor: side === 1 ? 0 : side === -1 ? 1 : -1,
    id: String(ts),
  };
}

export function funding(ts: number, rate: number, mark = 100, index = 100, next = NaN): Funding {
  return { type: 'funding', venue: VENUE, symbol: SYMBOL, exchTs: ts, localTs: ts, markPrice: mark, indexPrice: index, fundingRate: rate, nextFundingTs: next };
}

export function gap(ts: number): Gap {
  return { type: 'gap', venue: VENUE, symbol: SYMBOL, exchTs: ts, localTs: ts, reason: 'test', expected: NaN, received: NaN };
}

/** Runs events through a FeaturePipeline with `spec` (user form) and returns the instrument's rows. */
export function run(spec: unknown, events: MarketEvent[], ops?: readonly OpDef[]): Frame {
  let b: FrameBuilder | undefined;
  const p = new FeaturePipeline({ spec, ops, sinkFor: (_v, _s, set) => (b = new FrameBuilder(set.names)) });
  for (const ev of events) p.push(ev);
  p.finish();
  if (!b) throw new Error('no instrument');
  return b.frame();
}

/** A spec of one operator, sampled after every event of `mode` (default: every book event). */
export function one(op: Record<string, unknown>, sampling: Record<string, unknown> = { mode: 'event' }): unknown {
  return { sampling, features: [op] };
}

/** Row values of a column, as a plain array. */
export function col(f: Frame, name: string): number[] {
  return Array.from(f.col(name));
}

/** Last row's value of a column. */
export function last(f: Frame, name: string): number {
  return f.col(name)[f.n - 1];
}

/** Deterministic uniform [0, 1) generator (mulberry32): the one src/models uses. */
export { rng } from '../../src/models/random.ts';

/** Standard normal draws from a uniform generator (Box–Muller). */
export function gauss(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}
