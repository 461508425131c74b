import { applyAll, type SyncRules } from '../venue.ts';
import { bookChecksum } from './checksum.ts';

/**
 * Kraken (v1 and v2) has no sequence numbers: a snapshot, then updates applied in arrival order,
 * the book truncated to the subscription depth after each (`BookChange.depth`), verified by the
 * CRC32 checksum Kraken sends with every update (v2: with snapshots too). A failed checksum
 * invalidates the book until the next snapshot (a resubscribe). Snapshots list both sides
 * best-first (checked on the recorded data).
 */
export const krakenSync: SyncRules = {
  bufferUntilSnapshot: false,
  sortedSnapshots: true,
  first: applyAll,
  next: applyAll,
  // The parser emits book events at the pair's wire decimals, which are the checksum's decimals.
  checksum: (book, ev) => bookChecksum(book, ev.priceDecimals, ev.sizeDecimals),
};
