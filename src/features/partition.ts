import { join } from 'node:path';
import { FrameBuilder, type Frame } from '../core/frame.ts';
import type { RowSink } from './feature-set.ts';

const DAY_NS = 86_400e9;

/** A finished chunk of one instrument's rows, all of one UTC date, for the writer. */
export interface PartitionChunk {
  venue: string;
  symbol: string;
  /** YYYY-MM-DD (UTC date of the rows' `ts`). */
  date: string;
  /** Chunk number within the date: part-<part>.parquet. */
  part: number;
  frame: Frame;
}

/** A path segment safe on every filesystem: characters other than letters, digits, `.`, `_`, `-` become `_`. */
export function pathSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** `OUT/venue=<v>/symbol=<s>/date=<YYYY-MM-DD>/part-<n>.parquet` */
export function partitionPath(out: string, venue: string, symbol: string, date: string, part: number): string {
  return join(out, `venue=${pathSafe(venue)}`, `symbol=${pathSafe(symbol)}`, `date=${date}`, `part-${part}.parquet`);
}

export function utcDate(ts: number): string {
  return new Date(Math.floor(ts / 1e6)).toISOString().slice(0, 10);
}

/**
 * A row sink that splits one instrument's rows by the UTC date of `ts` and into chunks of at most
 * `chunkRows`, so a long stream never holds more than a chunk in memory. Finished chunks wait in
 * `pending` for the caller to write (writing is asynchronous; pushing rows is not).
 */
export class DatePartitionSink implements RowSink {
  readonly pending: PartitionChunk[] = [];
  private builder: FrameBuilder | undefined;
  private day = NaN;
  private date = '';
  private part = 0;
  rows = 0;
  /** `ts` of the first and last row pushed. */
  firstTs = NaN;
  lastTs = NaN;

  constructor(
    readonly venue: string,
    readonly symbol: string,
    private readonly names: string[],
    private readonly meta: Record<string, string>,
    private readonly chunkRows = 1_000_000,
  ) {}

  push(row: Float64Array): void {
    const day = Math.floor(row[0] / DAY_NS);
    if (day !== this.day) {
      this.close();
      this.day = day;
      this.date = utcDate(row[0]);
      this.part = 0;
    } else if (this.builder !== undefined && this.builder.n >= this.chunkRows) {
      this.close();
      this.part++;
    }
    if (this.builder === undefined) this.builder = new FrameBuilder(this.names, Math.min(this.chunkRows, 65_536));
    this.builder.push(row);
    if (this.rows === 0) this.firstTs = row[0];
    this.lastTs = row[0];
    this.rows++;
  }

  /** Moves the rows collected so far into `pending`. */
  close(): void {
    const b = this.builder;
    if (b === undefined || b.n === 0) return;
    this.pending.push({ venue: this.venue, symbol: this.symbol, date: this.date, part: this.part, frame: b.frame({ ...this.meta, date: this.date }) });
    this.builder = undefined;
  }
}
