import { basename } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { MarketEvent } from '../core/events.ts';
import { getVenue } from '../venues/registry.ts';
import type { FrameParser, VenueDef } from '../venues/venue.ts';
import type { FormatDef } from './formats.ts';
import { parseFrameInto } from './frames.ts';
import { readLines } from './lines.ts';
import { badLine, type FileReport } from './report.ts';

/** `2024-12-01_XRPUSDT_ob500.data.gz`: Bybit's daily order-book history download. */
const NAME = /^\d{4}-\d{2}-\d{2}_[A-Z0-9]+_ob\d+\.data(\.gz)?$/;
/** Bare v5 JSON lines, no local timestamp in front. */
const BARE_V5_BOOK = /^\{"topic":"orderbook\.\d+\./;
/** The message's own `ts` (ms); the order-book data object holds no `ts` key. */
const TS = /"ts":(\d+)/;

/**
 * The file cannot say linear from spot; Bybit's ob500 history downloads are derivatives, so the
 * default is bybit-linear and --venue picks another Bybit category.
 */
function archiveVenue(path: string, explicit?: string): VenueDef {
  if (explicit === undefined) return getVenue('bybit-linear');
  const v = getVenue(explicit);
  if (!v.id.startsWith('bybit-')) throw new InputError(`--venue ${explicit} cannot read a Bybit archive file (use bybit-linear, bybit-spot or bybit-inverse)`, { file: path });
  return v;
}

/** Reads archive lines through a Bybit parser; the local time of each line is its `ts` (there is no receive time). */
async function* readArchive(path: string, parser: FrameParser, report: FileReport, onBytes?: (n: number) => void): AsyncGenerator<MarketEvent[]> {
  for await (const batch of readLines(path, onBytes)) {
    const out: MarketEvent[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.lines[i];
      report.lines++;
      if (line.length === 0) continue;
      const lineNo = batch.firstLine + i;
      const m = TS.exec(line);
      if (m === null) {
        badLine(report, lineNo, `expected a Bybit v5 message with "ts", got ${JSON.stringify(line.slice(0, 40))}`, 'ts');
        continue;
      }
      parseFrameInto(parser, line, Number(m[1]) * 1e6, undefined, out, report, path, lineNo);
    }
    if (out.length > 0) yield out;
  }
}

export const bybitArchiveFormat: FormatDef = {
  id: 'bybit-archive',
  sniff: (path, head) => NAME.test(basename(path)) || BARE_V5_BOOK.test(head[0] ?? ''),
  venueOf: (path, _head, ctx) => archiveVenue(path, ctx.venue).id,
  open(path, _head, ctx) {
    return readArchive(path, archiveVenue(path, ctx.venue).createParser(ctx.instruments), ctx.report, ctx.onBytes);
  },
  // Day files of one symbol and depth continue one another.
  streamKey: (path) => path.replace(/\d{4}-\d{2}-\d{2}(?=_[^/]*$)/, '*'),
};
