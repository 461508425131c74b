import { UsageError } from '../core/errors.ts';

/** Nanoseconds per unit of a duration string. */
const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, min: 60e9, h: 3600e9, d: 86400e9 };

/**
 * A duration in nanoseconds from `"250ms"`, `"10s"`, `"5m"`, `"1h"`, `"1.5s"` (units ns, us, ms, s,
 * m/min, h, d) or a plain number of seconds. `what` names the option in the error.
 */
export function parseDuration(v: string | number, what = 'duration'): number {
  if (typeof v === 'number') {
    if (!(v >= 0) || !Number.isFinite(v)) throw new UsageError(`${what}: expected a duration >= 0, got ${v}`);
    return Math.round(v * 1e9);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zµ]*)\s*$/i.exec(v);
  if (!m) throw new UsageError(`${what}: cannot read duration "${v}" (examples: 500ms, 10s, 5m, 1h)`);
  const unit = m[2].toLowerCase() || 's';
  const mult = UNITS[unit];
  if (mult === undefined) throw new UsageError(`${what}: unknown unit "${m[2]}" in "${v}" (use ns, us, ms, s, m, h, d)`);
  return Math.round(Number(m[1]) * mult);
}

/** Compact name of a duration for column names: 1s, 600s, 500ms, 250us, 10ns. */
export function formatDuration(ns: number): string {
  if (ns % 1e9 === 0) return `${ns / 1e9}s`;
  if (ns % 1e6 === 0) return `${ns / 1e6}ms`;
  if (ns % 1e3 === 0) return `${ns / 1e3}us`;
  return `${ns}ns`;
}

/** Human-readable duration for summaries (1.5 s, 250 ms, 3 h). */
export function humanDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 3600e9) return `${+(ns / 3600e9).toFixed(2)} h`;
  if (a >= 60e9) return `${+(ns / 60e9).toFixed(2)} min`;
  if (a >= 1e9) return `${+(ns / 1e9).toFixed(3)} s`;
  if (a >= 1e6) return `${+(ns / 1e6).toFixed(3)} ms`;
  return `${+(ns / 1e3).toFixed(3)} µs`;
}
