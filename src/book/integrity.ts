/**
 * Integrity counters and examples kept per instrument. Every check that can fail is counted here;
 * `failures()` is what makes `lobkit replay` exit non-zero.
 */
export type IssueKind =
  | 'gap'
  | 'stale'
  | 'crossed'
  | 'locked'
  | 'checksum'
  | 'bbo_mismatch'
  | 'spread_outlier'
  | 'unordered_snapshot'
  | 'empty_side'
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
  stale: number;
  skippedBeforeSnapshot: number;
  crossed: number;
  locked: number;
  checksum: { checked: number; failed: number };
  bbo: { compared: number; mismatched: number; uncomparable: number };
  spreadOutliers: number;
  unorderedSnapshots: number;
  emptySide: number;
  disconnects: number;
  bufferOverflow: number;
}

export function newCounts(): IntegrityCounts {
  return {
    gaps: 0,
    resyncs: 0,
    stale: 0,
    skippedBeforeSnapshot: 0,
    crossed: 0,
    locked: 0,
    checksum: { checked: 0, failed: 0 },
    bbo: { compared: 0, mismatched: 0, uncomparable: 0 },
    spreadOutliers: 0,
    unorderedSnapshots: 0,
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
    c.crossed +
    c.locked +
    c.checksum.failed +
    c.bbo.mismatched +
    (spreadSanityFailed(c, bookUpdates) ? 1 : 0) +
    c.unorderedSnapshots +
    c.bufferOverflow
  );
}

export const MAX_EXAMPLES = 20;
