import type { BookView } from '../core/book-view.ts';

/**
 * Integrity counters and examples kept per instrument. Every check that can fail is counted here;
 * `failures()` is what makes `lobkit replay` exit non-zero.
 */
export type IssueKind =
  | 'gap'
  | 'stale'
  | 'out_of_order'
  | 'crossed'
  | 'locked'
  | 'checksum'
  | 'bbo_mismatch'
  | 'spread_outlier'
  | 'unordered_snapshot'
  | 'empty_side'
  | 'disordered'
  | 'disconnect'
  | 'buffer_overflow';

export interface Issue {
  kind: IssueKind;
  /** Exchange time (or local time when the venue sends none), ns. */
  ts: number;
  file?: string;
  line?: number;
  detail: string;
}

export interface IntegrityCounts {
  gaps: number;
  resyncs: number;
  /** Deltas the snapshot already covered, dropped per the venue's procedure. */
  stale: number;
  /** Deltas whose sequence went backwards after sync (duplicates, reordering): dropped and flagged. */
  outOfOrder: number;
  /** Deltas skipped because the book was not valid (before the first snapshot, after a gap or checksum failure) on venues that do not buffer. */
  skippedWhileInvalid: number;
  crossed: number;
  locked: number;
  checksum: { checked: number; failed: number };
  bbo: { compared: number; mismatched: number; uncomparable: number };
  spreadOutliers: number;
  unorderedSnapshots: number;
  /** Books whose levels, read through the BookView, are not strictly best-first. */
  disordered: number;
  emptySide: number;
  disconnects: number;
  bufferOverflow: number;
}

export function newCounts(): IntegrityCounts {
  return {
    gaps: 0,
    resyncs: 0,
    stale: 0,
    outOfOrder: 0,
    skippedWhileInvalid: 0,
    crossed: 0,
    locked: 0,
    checksum: { checked: 0, failed: 0 },
    bbo: { compared: 0, mismatched: 0, uncomparable: 0 },
    spreadOutliers: 0,
    unorderedSnapshots: 0,
    disordered: 0,
    emptySide: 0,
    disconnects: 0,
    bufferOverflow: 0,
  };
}

/**
 * Spread sanity: single spikes happen in real markets (a 1-tick spread briefly 100x wider in a fast
 * move), so one outlier is a warning. A book whose spread is an outlier on more than this share of
 * its updates is not a market, it is a reconstruction bug (deltas applied as snapshots, a wrong
 * depth index): that is a failure.
 */
export const SPREAD_OUTLIER_RATE = 0.02;
export const SPREAD_OUTLIER_MIN = 10;

export function spreadSanityFailed(c: IntegrityCounts, bookUpdates: number): boolean {
  return c.spreadOutliers >= SPREAD_OUTLIER_MIN && c.spreadOutliers > SPREAD_OUTLIER_RATE * bookUpdates;
}

/** Failures that invalidate data. Gaps count unless the caller allows them (they are recoverable). */
export function failureCount(c: IntegrityCounts, bookUpdates: number, allowGaps: boolean): number {
  return (
    (allowGaps ? 0 : c.gaps + c.disconnects) +
    c.outOfOrder +
    c.crossed +
    c.locked +
    c.checksum.failed +
    c.bbo.mismatched +
    (spreadSanityFailed(c, bookUpdates) ? 1 : 0) +
    c.unorderedSnapshots +
    c.disordered +
    c.bufferOverflow
  );
}

export const MAX_EXAMPLES = 20;

/**
 * Audits the first `depth` levels of any BookView: bids strictly decreasing, asks strictly
 * increasing, sizes positive. Returns a description of the first violation, or null. This is the
 * check that catches a wrong depth index (level 0 not being the best) in any book or view.
 */
export function auditBook(b: BookView, depth: number): string | null {
  const nb = Math.min(b.bidCount(), depth);
  const na = Math.min(b.askCount(), depth);
  for (let i = 0; i < nb; i++) {
    if (!(b.bidSize(i) > 0)) return `bid level ${i} has size ${b.bidSize(i)}`;
    if (i > 0 && !(b.bidPrice(i) < b.bidPrice(i - 1))) return `bid level ${i} (${b.bidPrice(i)}) is not below level ${i - 1} (${b.bidPrice(i - 1)})`;
  }
  for (let i = 0; i < na; i++) {
    if (!(b.askSize(i) > 0)) return `ask level ${i} has size ${b.askSize(i)}`;
    if (i > 0 && !(b.askPrice(i) > b.askPrice(i - 1))) return `ask level ${i} (${b.askPrice(i)}) is not above level ${i - 1} (${b.askPrice(i - 1)})`;
  }
  return null;
}
