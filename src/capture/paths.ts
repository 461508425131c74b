/**
 * Capture file layout: one folder per venue and UTC date, one file per stream and rotation period:
 *
 *   <out>/<venue>/<YYYY-MM-DD>/<stream>_<YYYYMMDD>_<HHMMSS>.gz          complete
 *   <out>/<venue>/<YYYY-MM-DD>/<stream>_<YYYYMMDD>_<HHMMSS>.gz.partial  being written
 *
 * The time is the start of the file's rotation period (UTC). Binance streams are per symbol
 * (`btcusdt_20240808_235000.gz`, as hftbacktest's collector names them, so a REST snapshot line
 * belongs to the file's symbol); other venues write one stream per connection (`okx-0_...`).
 */

export const PARTIAL = '.partial';
const DAY_NS = 86_400e9;

export function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** UTC date parts of an epoch-ns time. */
export function utcParts(ns: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const t = new Date(Math.floor(ns / 1e6));
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() };
}

export function dayFolder(ns: number): string {
  const p = utcParts(ns);
  return `${p.y}-${pad(p.mo, 2)}-${pad(p.d, 2)}`;
}

export function fileStem(stream: string, ns: number): string {
  const p = utcParts(ns);
  return `${stream}_${p.y}${pad(p.mo, 2)}${pad(p.d, 2)}_${pad(p.h, 2)}${pad(p.mi, 2)}${pad(p.s, 2)}`;
}

/**
 * The rotation period holding `ns`: periods of `minutes` counted from each UTC midnight, the last
 * one of a day cut at midnight when `minutes` does not divide a day. Returns [start, end) in ns.
 */
export function periodOf(ns: number, minutes: number): [number, number] {
  const p = minutes * 60e9;
  const day = Math.floor(ns / DAY_NS) * DAY_NS;
  const start = day + Math.floor((ns - day) / p) * p;
  return [start, Math.min(start + p, day + DAY_NS)];
}

/** A stream name safe as a file name part: lower case, [a-z0-9-] (Kraken's "XBT/USD" → "xbt-usd"). */
export function streamName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_]+/g, '-').replace(/^-|-$/g, '');
}
