import type { BookView } from '../../core/book-view.ts';
import type { BookChange } from '../../core/events.ts';
import { APPLY, GAP, STALE, type SyncRules, type Verdict } from '../venue.ts';
import { okxBookChecksum } from './checksum.ts';

/**
 * OKX sequence rule: a message names the one it follows (`prevSeqId`). It applies iff prevSeqId
 * equals the last applied seqId; this also covers the no-change heartbeat (seqId == prevSeqId ==
 * last) and the maintenance reset (seqId < prevSeqId). Older ones are stale, anything else a gap.
 * Captures from before seqId existed (2022) carry none: applied in arrival order.
 */
export function okxVerdict(last: number, ev: BookChange): Verdict {
  const prev = ev.prevSeq;
  if (prev !== prev || last !== last || prev === last) return APPLY;
  return ev.seq <= last ? STALE : GAP;
}

export const okxSync: SyncRules = {
  bufferUntilSnapshot: false,
  sortedSnapshots: true,
  first: okxVerdict,
  next: okxVerdict,
  /** Unsigned, like `BookChange.checksum` (the parser stores OKX's signed value as uint32). */
  checksum: (book: BookView): number => okxBookChecksum(book) >>> 0,
};
