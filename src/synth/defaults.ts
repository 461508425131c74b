import usdm from './params/binance-usdm.json' with { type: 'json' };
import spot from './params/binance-spot.json' with { type: 'json' };
import { parseParams, type SynthParams, type SynthVenue } from './params.ts';

const cache = new Map<SynthVenue, SynthParams>();

/**
 * The shipped parameter set of a venue, calibrated by `lobkit simulate calibrate` from the real
 * recordings in ../shared/data/binance-hftbacktest (see each file's `source`).
 */
export function defaultParams(venue: SynthVenue): SynthParams {
  let p = cache.get(venue);
  if (p === undefined) {
    p = parseParams(venue === 'binance-usdm' ? usdm : spot, `src/synth/params/${venue}.json`);
    cache.set(venue, p);
  }
  return structuredClone(p);
}
