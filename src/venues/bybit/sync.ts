import type { BookChange } from '../../core/events.ts';
import { contiguous, type SyncRules, type Verdict } from '../venue.ts';

/**
 * Bybit v5 order books: every subscription starts with a snapshot (type snapshot, or u == 1 after
 * a service restart), which resets the book; each delta's `u` is the previous `u` + 1. Deltas
 * before the first snapshot cannot be placed (no REST straddling as on Binance), so they are
 * skipped, not buffered; after a gap the book stays invalid until the venue's next snapshot.
 * Snapshots list bids descending and asks ascending (verified on the recordings).
 */
export const bybitSync: SyncRules = {
  bufferUntilSnapshot: false,
  sortedSnapshots: true,
  first: (snapshotU: number, ev: BookChange): Verdict => contiguous(snapshotU, ev.seq),
  next: (lastU: number, ev: BookChange): Verdict => contiguous(lastU, ev.seq),
};
