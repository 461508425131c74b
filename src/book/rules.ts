import { findVenue } from '../venues/registry.ts';
import type { SyncRules } from '../venues/venue.ts';
import { GENERIC_SYNC } from './engine.ts';

/** Sync rules for a venue id: the registered venue's, or generic arrival-order rules (tardis CSV, LOBSTER). */
export function syncRulesFor(venue: string): SyncRules {
  return findVenue(venue)?.sync ?? GENERIC_SYNC;
}
