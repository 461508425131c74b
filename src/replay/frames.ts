import type { MarketEvent } from '../core/events.ts';
import type { FrameMeta, FrameParser } from '../venues/venue.ts';
import { badLine, type FileReport } from './report.ts';

/**
 * Hands one frame (line `lineNo` of `path`) to a venue parser and counts it. A frame the parser
 * throws on is a counted bad line and leaves `out` as it was (events it pushed before throwing are
 * dropped); the book changes of a good frame are located at (path, lineNo).
 * Returns the index in `out` of the frame's first event, or -1 for a bad frame.
 */
export function parseFrameInto(
  parser: FrameParser,
  frame: string,
  localTs: number,
  meta: FrameMeta | undefined,
  out: MarketEvent[],
  report: FileReport,
  path: string,
  lineNo: number,
): number {
  report.frames++;
  const before = out.length;
  try {
    parser.parse(frame, localTs, out, meta);
  } catch (e) {
    out.length = before;
    badLine(report, lineNo, (e as Error).message);
    return -1;
  }
  for (let k = before; k < out.length; k++) {
    const ev = out[k];
    if (ev.type === 'book_change') ev.where = { file: path, line: lineNo };
  }
  return before;
}
