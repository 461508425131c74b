import { parseMarker } from '../capture/markers.ts';
import type { MarketEvent } from '../core/events.ts';
import type { FrameMeta } from '../venues/venue.ts';
import { badLine, type FileReport } from './report.ts';

/**
 * A lobkit marker line of a raw capture (see capture/markers.ts): `gap` and `disconnect` become
 * Gap and Disconnect events of their symbol (the book is invalid until the next snapshot);
 * `connect` starts a new connection context (per-connection sequences, Coinbase); `bad` (a frame
 * the recorder could not store as a line) counts as a bad line. Returns the frame context for the
 * lines that follow.
 */
export function applyMarker(frame: string, ts: number, meta: FrameMeta, out: MarketEvent[], report: FileReport, lineNo: number): FrameMeta {
  let m;
  try {
    m = parseMarker(frame);
  } catch (e) {
    badLine(report, lineNo, (e as Error).message);
    return meta;
  }
  switch (m.lobkit) {
    case 'connect':
      report.control++;
      return { ...meta, conn: m.conn };
    case 'gap':
      report.control++;
      out.push({ type: 'gap', venue: m.venue, symbol: m.symbol, exchTs: NaN, localTs: ts, reason: `recorder: ${m.reason}`, expected: NaN, received: NaN });
      return meta;
    case 'disconnect':
      report.control++;
      out.push({ type: 'disconnect', venue: m.venue, symbol: m.symbol, exchTs: NaN, localTs: ts, reason: m.reason });
      return meta;
    case 'bad':
      badLine(report, lineNo, `the venue sent a frame that could not be stored as a line (${m.reason}); kept in a lobkit "bad" marker`);
      return meta;
  }
}
