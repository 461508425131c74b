import type { MarketEvent } from '../core/events.ts';
import type { InstrumentTable } from '../core/instrument.ts';
import type { FileReport } from './report.ts';

/** What a format reader gets to open one file. */
export interface OpenContext {
  instruments: InstrumentTable;
  /** `--venue` from the command line, when given. */
  venue?: string;
  report: FileReport;
  onBytes?: (n: number) => void;
}

/**
 * One input file format. `sniff` looks at the path and the first lines (`head`); `streamKey` says which
 * files continue one another (read back to back, e.g. day files of one instrument); `open`
 * streams the file's events in arrival order, in batches.
 */
export interface FormatDef {
  id: string;
  sniff(path: string, head: string[]): boolean;
  /** Venue this file belongs to (for the report), or undefined when it cannot be told. */
  venueOf(path: string, head: string[], ctx: { venue?: string }): string | undefined;
  open(path: string, head: string[], ctx: OpenContext): AsyncGenerator<MarketEvent[]>;
  /** Files sharing a key are one stream, read in name order; others are merged by time. */
  streamKey?(path: string): string;
  /** Files this file needs beside it are taken from the file list (LOBSTER's orderbook file). */
  companion?(path: string): string | undefined;
}
