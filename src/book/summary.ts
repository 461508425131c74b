import type { BookEngine, InstrumentState } from './engine.ts';
import { failureCount, spreadSanityFailed, type IntegrityCounts, type Issue } from './integrity.ts';

/** Per-instrument replay summary (the JSON `lobkit replay --json` prints, one per instrument). */
export interface InstrumentSummary extends IntegrityCounts {
  venue: string;
  symbol: string;
  messages: number;
  bookUpdates: number;
  snapshots: number;
  trades: number;
  bboEvents: number;
  fundingEvents: number;
  /** Exchange time span (local time where the venue sends none), ISO and seconds. */
  start: string | null;
  end: string | null;
  seconds: number;
  updatesPerSecond: number;
  spreadBps: { p5: number | null; p50: number | null; p95: number | null };
  spreadSanity: 'ok' | 'failed';
  /** Levels the venue deleted that the book did not hold (normal beyond the kept depth). */
  missingDeletes: number;
  valid: boolean;
  failures: number;
  issues: Issue[];
}

const iso = (ns: number): string | null => (ns === ns ? new Date(ns / 1e6).toISOString() : null);
const num = (x: number): number | null => (x === x ? Number(x.toPrecision(6)) : null);

export function summarizeInstrument(st: InstrumentState, allowGaps: boolean): InstrumentSummary {
  const seconds = st.lastTs === st.lastTs ? (st.lastTs - st.firstTs) / 1e9 : 0;
  return {
    venue: st.venue,
    symbol: st.symbol,
    messages: st.messages,
    bookUpdates: st.bookUpdates,
    snapshots: st.snapshots,
    trades: st.trades,
    bboEvents: st.bbos,
    fundingEvents: st.fundings,
    start: iso(st.firstTs),
    end: iso(st.lastTs),
    seconds: Number(seconds.toFixed(3)),
    updatesPerSecond: seconds > 0 ? Number((st.bookUpdates / seconds).toFixed(2)) : 0,
    ...structuredClone(st.counts),
    spreadBps: { p5: num(st.spreadBps.quantile(0.05)), p50: num(st.spreadBps.quantile(0.5)), p95: num(st.spreadBps.quantile(0.95)) },
    spreadSanity: spreadSanityFailed(st.counts, st.bookUpdates) ? 'failed' : 'ok',
    missingDeletes: st.book.missingDeletes,
    valid: st.valid,
    failures: failureCount(st.counts, st.bookUpdates, allowGaps),
    issues: st.examples,
  };
}

export function summarizeEngine(engine: BookEngine, allowGaps: boolean): InstrumentSummary[] {
  const out = [...engine.states.values()].map((st) => summarizeInstrument(st, allowGaps));
  out.sort((a, b) => (a.venue + a.symbol < b.venue + b.symbol ? -1 : 1));
  return out;
}
