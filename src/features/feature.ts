import type { FeatureContext } from './context.ts';

/**
 * One streaming feature operator (ARCHITECTURE.md "One feature code path"). The FeatureSet calls
 * `update` for every event of the kinds in `wants`, in arrival order, and `write` once per emitted
 * row. An operator sees an event only after every row sampled before that event was written, and
 * `write` receives the row only for the duration of the call (the FeatureSet checks that nothing
 * writes into a row after the fact: see LookAheadError). Operators allocate in their constructor
 * only: `update` and `write` run allocation-free.
 */
export interface Feature {
  /** Column names, in the order `write` fills them. */
  readonly names: readonly string[];
  /** Event kinds this operator's `update` wants (WANT_* bits). */
  readonly wants: number;
  update(ctx: FeatureContext): void;
  /** Writes `names.length` values to `out[at ..]` for a row at time `ctx.now`. */
  write(out: Float64Array, at: number, ctx: FeatureContext): void;
  /** True once the operator has seen enough history for its values to mean what they say. */
  warm(ctx: FeatureContext): boolean;
  /**
   * Optional promise that lets the FeatureSet skip calls: `update` on a book event that leaves the
   * mid unchanged is a no-op while the clock is before `quietUntil[0]` (ns; NaN: never skip).
   * Read once, when the FeatureSet is built; the operator keeps the value current.
   */
  readonly quietUntil?: Float64Array;
}

/** Book changes (after the engine applied them). */
export const WANT_BOOK = 1;
/** Trades. */
export const WANT_TRADE = 2;
/** Funding / mark / index updates. */
export const WANT_FUNDING = 4;
/** Gaps and disconnects (the book became invalid). */
export const WANT_STATUS = 8;

/** Base class: no updates, always warm. */
export abstract class BaseFeature implements Feature {
  readonly wants: number = 0;
  constructor(readonly names: readonly string[]) {}
  update(_ctx: FeatureContext): void {}
  abstract write(out: Float64Array, at: number, ctx: FeatureContext): void;
  warm(_ctx: FeatureContext): boolean {
    return true;
  }
}

/** A feature tried to use information from after its row's time; the engine refuses it. */
export class LookAheadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LookAheadError';
  }
}

/** `1000` → `1s`, `100` → `100ms`, `60000` → `1m`: window suffixes of column names. */
export function fmtMs(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** `10000` → `10k`, `1000000` → `1m` (notional suffixes). */
export function fmtQty(x: number): string {
  if (x >= 1e6 && x % 1e6 === 0) return `${x / 1e6}m`;
  if (x >= 1e3 && x % 1e3 === 0) return `${x / 1e3}k`;
  return String(x).replace('.', 'p');
}
