import type { MarketEvent } from '../core/events.ts';
import type { FrameMeta, FrameParser } from '../venues/venue.ts';
import { parseFrameInto } from './frames.ts';
import { MARKER_PREFIX } from '../capture/markers.ts';
import { applyMarker } from './raw-markers.ts';
import { readLines } from './lines.ts';
import { badLine, type FileReport } from './report.ts';

/** Decimal digits [0, end) as a number (one rounding at most); NaN if any is not a digit. */
function parseTs(line: string, end: number): number {
  let hi = 0;
  let lo = 0;
  const split = end > 9 ? end - 9 : 0;
  for (let i = 0; i < end; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    if (i < split) hi = hi * 10 + d;
    else lo = lo * 10 + d;
  }
  return split > 0 ? hi * 1e9 + lo : lo;
}

/** Epoch timestamps below this are microseconds (16 digits: older recorder versions), above are ns. */
const US_LIMIT = 1e17;

/**
 * Reads lobkit's raw capture format: one frame per line, `<localTs> <raw frame exactly as
 * received>`; gzip or plain. The timestamp is ns (19 digits) or, in older files, µs (16 digits,
 * detected per line and scaled). Bad lines are counted with their line number; reading goes on.
 * Lines whose frame starts with `{"lobkit":"` are the recorder's markers (raw-markers.ts).
 */
export async function* readRaw(path: string, parser: FrameParser, report: FileReport, meta: FrameMeta, onBytes?: (n: number) => void): AsyncGenerator<MarketEvent[]> {
  for await (const batch of readLines(path, onBytes)) {
    const out: MarketEvent[] = [];
    const lines = batch.lines;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      report.lines++;
      if (line.length === 0) continue;
      const sp = line.indexOf(' ');
      const lineNo = batch.firstLine + i;
      let ts = sp > 0 ? parseTs(line, sp) : NaN;
      if (!(ts > 0)) {
        badLine(report, lineNo, `expected "<timestamp> <frame>", got ${JSON.stringify(line.slice(0, 40))}`, 'timestamp');
        continue;
      }
      if (ts < US_LIMIT) ts *= 1000;
      if (line.startsWith(MARKER_PREFIX, sp + 1)) {
        // lobkit recorder markers (gap, disconnect, connect): see raw-markers.ts
        meta = applyMarker(line.slice(sp + 1), ts, meta, out, report, lineNo);
        continue;
      }
      parseFrameInto(parser, line.slice(sp + 1), ts, meta, out, report, path, lineNo);
    }
    if (out.length > 0) yield out;
  }
}
