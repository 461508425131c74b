import type { BookChange } from '../../core/events.ts';
import { APPLY, GAP, STALE, type SyncRules, type Verdict } from '../venue.ts';

/**
 * Binance's documented local order book procedure. Diffs that arrive before the REST snapshot
 * are buffered; after it, diffs with u <= lastUpdateId are dropped and the first applied one
 * must straddle the snapshot.
 */

/** Spot: first diff has U <= lastUpdateId + 1 <= u; then each U == previous u + 1. */
export const spotSync: SyncRules = {
  bufferUntilSnapshot: true,
  sortedSnapshots: true,
  first(lid: number, ev: BookChange): Verdict {
    if (ev.seq <= lid) return STALE;
    return ev.firstSeq <= lid + 1 ? APPLY : GAP;
  },
  next(last: number, ev: BookChange): Verdict {
    if (ev.firstSeq === last + 1) return APPLY;
    return ev.seq <= last ? STALE : GAP;
  },
};

/** USD-M / COIN-M futures: first diff has U <= lastUpdateId <= u; then each pu == previous u. */
export const futuresSync: SyncRules = {
  bufferUntilSnapshot: true,
  sortedSnapshots: true,
  first(lid: number, ev: BookChange): Verdict {
    if (ev.seq < lid) return STALE;
    return ev.firstSeq <= lid ? APPLY : GAP;
  },
  next(last: number, ev: BookChange): Verdict {
    if (ev.prevSeq === last) return APPLY;
    return ev.seq <= last ? STALE : GAP;
  },
};
