import { UsageError } from '../core/errors.ts';
import { defaultParams } from './defaults.ts';
import { SYNTH_VENUES, instrumentFor, type InstrumentParams, type SynthParams, type SynthVenue } from './params.ts';

/** What to simulate (shared by the file writer, the frame generator and the CLI). */
export interface SimulationSpec {
  /** Venue format: `binance-usdm` (perpetual: diffs with pu, markPrice/funding) or `binance-spot`. Default: the params' venue, else binance-usdm. */
  venue?: SynthVenue;
  /** Parameter set (default: the shipped one of the venue). */
  params?: SynthParams;
  /** Symbols (default: every instrument of the params). Unknown symbols reuse the first instrument's parameters. */
  symbols?: string[];
  /** Start time: epoch ms, ISO string or Date (default 2024-01-01T00:00:00Z, so runs never depend on the clock). */
  start?: number | string | Date;
  /** Duration in hours (fractions allowed). */
  hours: number;
  /** Seed (integer or text; default 1). Same spec, same seed → byte-identical output. */
  seed?: number | string;
}

export const DEFAULT_START_MS = Date.UTC(2024, 0, 1);

export interface ResolvedSpec {
  venue: SynthVenue;
  params: SynthParams;
  instruments: InstrumentParams[];
  /** Symbols that had no parameter set of their own (simulated with the first one's). */
  cloned: string[];
  startMs: number;
  durationNs: number;
  seed: number | string;
}

export function parseStart(start: number | string | Date | undefined): number {
  if (start === undefined) return DEFAULT_START_MS;
  const ms = start instanceof Date ? start.getTime() : typeof start === 'number' ? start : /^\d+$/.test(start) ? Number(start) : Date.parse(start);
  if (!Number.isFinite(ms)) throw new UsageError(`--start "${String(start)}" is not an ISO time (e.g. 2024-01-01T00:00:00Z) or epoch ms`);
  return Math.floor(ms);
}

export function resolveSpec(spec: SimulationSpec): ResolvedSpec {
  if (spec.venue !== undefined && !(SYNTH_VENUES as readonly string[]).includes(spec.venue)) {
    throw new UsageError(`--venue "${spec.venue}": the simulator writes ${SYNTH_VENUES.join(' or ')}`);
  }
  const venue = spec.venue ?? spec.params?.venue ?? 'binance-usdm';
  const params = spec.params ?? defaultParams(venue);
  if (params.venue !== venue) throw new UsageError(`the parameter set is for ${params.venue}, not ${venue}`);
  if (!(spec.hours > 0) || !Number.isFinite(spec.hours)) throw new UsageError(`--hours must be a positive number, got ${spec.hours}`);
  const symbols = spec.symbols && spec.symbols.length > 0 ? spec.symbols.map((s) => s.trim().toUpperCase()).filter((s) => s.length > 0) : params.instruments.map((i) => i.symbol);
  if (new Set(symbols).size !== symbols.length) throw new UsageError(`--symbols lists a symbol twice: ${symbols.join(',')}`);
  const instruments: InstrumentParams[] = [];
  const cloned: string[] = [];
  for (const s of symbols) {
    const r = instrumentFor(params, s);
    instruments.push(r.params);
    if (r.cloned) cloned.push(s);
  }
  return { venue, params, instruments, cloned, startMs: parseStart(spec.start), durationNs: Math.round(spec.hours * 3600e9), seed: spec.seed ?? 1 };
}

/** Folder of a venue's files, as in ../shared/data/binance-hftbacktest. */
export function venueFolder(venue: SynthVenue): string {
  return venue === 'binance-usdm' ? 'usdm' : 'spot';
}
