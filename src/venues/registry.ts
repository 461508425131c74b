import { UsageError } from '../core/errors.ts';
import type { VenueDef } from './venue.ts';
// venue imports (one line per venue folder)
import { coinbaseVenues } from './coinbase/index.ts';
import { kraken } from './kraken/index.ts';
import { bybitVenues } from './bybit/index.ts';
import { okxVenues } from './okx/index.ts';
import { binanceVenues } from './binance/index.ts';

/** Every venue lobkit speaks. Adding a venue: its folder, plus one line in each list here. */
export const VENUES: readonly VenueDef[] = [
  // venue list
  ...coinbaseVenues,
  kraken,
  ...bybitVenues,
  ...okxVenues,
  ...binanceVenues,
];

const byName = new Map<string, VenueDef>();
for (const v of VENUES) {
  for (const name of [v.id, ...v.aliases]) byName.set(name.toLowerCase(), v);
}

/** Venue by id or alias (case-insensitive), or undefined. */
export function findVenue(name: string): VenueDef | undefined {
  return byName.get(name.toLowerCase());
}

export function getVenue(name: string): VenueDef {
  const v = findVenue(name);
  if (!v) throw new UsageError(`unknown venue "${name}"; known: ${VENUES.map((x) => x.id).join(', ')}`);
  return v;
}

/** The venue whose traffic these raw frames are (first claimant in registry order). */
export function venueOfFrames(frames: string[]): VenueDef | undefined {
  for (const v of VENUES) if (v.claimsRaw?.(frames)) return v;
  return undefined;
}
