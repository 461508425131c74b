import { existsSync, statSync } from 'node:fs';
import { InputError, UsageError } from '../core/errors.ts';
import type { MarketEvent } from '../core/events.ts';
import { InstrumentTable } from '../core/instrument.ts';
import { cryptofeedFormat, cryptofeedLegacyFormat, rawFormat } from './builtin-formats.ts';
import type { FormatDef } from './formats.ts';
import { readLines } from './lines.ts';
import { mergeByTime } from './merge.ts';
import { ReadReport, type FileReport } from './report.ts';
// format imports
import { tardisFormat } from './tardis.ts';
import { lobsterFormat } from './lobster.ts';
import { jsonlFormat } from './jsonl.ts';
import { bybitArchiveFormat } from './bybit-archive.ts';
import { eventFileFormat } from './event-file.ts';

/** Every input format, in sniffing order (most specific first). */
export const FORMATS: FormatDef[] = [
  // format list
  eventFileFormat, // first: a lobkit-events header line is also a JSON line
  bybitArchiveFormat,
  tardisFormat,
  lobsterFormat,
  cryptofeedFormat,
  cryptofeedLegacyFormat,
  rawFormat,
  jsonlFormat, // last: any file of JSON lines
];

export interface ReplayOptions {
  /** Force the venue of raw / cryptofeed files. */
  venue?: string;
  /** Force the format instead of sniffing. */
  format?: string;
  /** Compressed bytes read so far, for progress bars. */
  onBytes?: (n: number) => void;
}

export interface OpenedFile {
  path: string;
  format: FormatDef;
  head: string[];
}

const HEAD_LINES = 64;

async function headOf(path: string): Promise<string[]> {
  const head: string[] = [];
  try {
    for await (const b of readLines(path)) {
      for (const l of b.lines) {
        head.push(l);
        if (head.length >= HEAD_LINES) return head;
      }
    }
  } catch (e) {
    if (head.length === 0) throw e;
  }
  return head;
}

/** Finds each file's format (sniffing the first lines unless forced). */
export async function identify(paths: string[], opts: ReplayOptions = {}): Promise<OpenedFile[]> {
  if (paths.length === 0) throw new UsageError('no input files given');
  const out: OpenedFile[] = [];
  const companions = new Set<string>();
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
    if (statSync(path).isDirectory()) throw new UsageError(`${path}: is a directory; pass the files (e.g. ${path}/*.gz)`);
    const head = await headOf(path);
    const format = opts.format ? FORMATS.find((f) => f.id === opts.format) : FORMATS.find((f) => f.sniff(path, head));
    if (!format) {
      if (opts.format) throw new UsageError(`unknown format "${opts.format}"; known: ${FORMATS.map((f) => f.id).join(', ')}`);
      throw new InputError(`unrecognized file format (first line: ${JSON.stringify((head[0] ?? '').slice(0, 60))})`, { file: path, line: 1 });
    }
    const comp = format.companion?.(path);
    if (comp) companions.add(comp);
    out.push({ path, format, head });
  }
  return out.filter((f) => !companions.has(f.path));
}

/**
 * Replays files as one time-ordered stream of event batches. Files that continue one another
 * (same stream key, e.g. an instrument's day files) are read back to back in name order; the
 * resulting streams merge by local timestamp. Per-file problems land in `report`.
 */
export async function openReplay(paths: string[], report: ReadReport, opts: ReplayOptions = {}): Promise<AsyncGenerator<MarketEvent[]>> {
  const files = await identify(paths, opts);
  const instruments = new InstrumentTable();
  const groups = new Map<string, OpenedFile[]>();
  for (const f of files) {
    const key = f.format.streamKey?.(f.path) ?? f.path;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  const streams: AsyncGenerator<MarketEvent[]>[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    streams.push(readGroup(g, instruments, report, opts));
  }
  return streams.length === 1 ? streams[0] : mergeByTime(streams);
}

async function* readGroup(files: OpenedFile[], instruments: InstrumentTable, report: ReadReport, opts: ReplayOptions): AsyncGenerator<MarketEvent[]> {
  for (const f of files) {
    let fr: FileReport;
    try {
      fr = report.open(f.path, f.format.id, f.format.venueOf(f.path, f.head, opts) ?? '?');
    } catch (e) {
      if (e instanceof UsageError) throw e;
      report.open(f.path, f.format.id, '?').error = (e as Error).message;
      continue;
    }
    try {
      yield* f.format.open(f.path, f.head, { instruments, venue: opts.venue, report: fr, onBytes: opts.onBytes });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      fr.error = e.message;
    }
  }
}

/** Convenience: one event at a time (allocation-light consumers should iterate batches). */
export async function* replayEvents(paths: string[], report = new ReadReport(), opts: ReplayOptions = {}): AsyncGenerator<MarketEvent> {
  for await (const batch of await openReplay(paths, report, opts)) yield* batch;
}
