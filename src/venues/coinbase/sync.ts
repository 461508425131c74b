import { applyAll, type SyncRules } from '../venue.ts';

/**
 * Advanced Trade: `sequence_num` counts frames per connection across every channel, so one
 * product's book messages are not contiguous by themselves. Continuity is checked by the parser,
 * which emits `gap` events for the connection's books; the engine applies in arrival order.
 */
export const coinbaseSync: SyncRules = {
  bufferUntilSnapshot: false,
  sortedSnapshots: true,
  first: applyAll,
  next: applyAll,
};

/** Exchange `level2` / `level2_batch` carry no sequence numbers: snapshot, then arrival order. */
export const coinbaseExchangeSync: SyncRules = {
  bufferUntilSnapshot: false,
  sortedSnapshots: true,
  first: applyAll,
  next: applyAll,
};
