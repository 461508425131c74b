import { createWriteStream, type WriteStream } from 'node:fs';
import { extname } from 'node:path';
import { UsageError } from '../core/errors.ts';

/** One top-of-book row (prices/sizes as floats: this is an analysis output, not book state). */
export interface TobRow {
  exchTs: number;
  localTs: number;
  venue: string;
  symbol: string;
  bidPrice: number;
  bidSize: number;
  askPrice: number;
  askSize: number;
}

export interface TobWriter {
  write(r: TobRow): void;
  close(): Promise<number>;
}

const COLUMNS = 'exch_ts,local_ts,venue,symbol,bid_price,bid_size,ask_price,ask_size';

/** Streams rows to CSV (constant memory). Timestamps are integer ns. */
class CsvTobWriter implements TobWriter {
  private readonly out: WriteStream;
  private buf = '';
  private rows = 0;

  constructor(path: string) {
    this.out = createWriteStream(path);
    this.buf = COLUMNS + '\n';
  }

  write(r: TobRow): void {
    this.buf += `${nsString(r.exchTs)},${nsString(r.localTs)},${r.venue},${r.symbol},${r.bidPrice},${r.bidSize},${r.askPrice},${r.askSize}\n`;
    this.rows++;
    if (this.buf.length > 1 << 16) {
      this.out.write(this.buf);
      this.buf = '';
    }
  }

  close(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.out.on('error', reject);
      this.out.end(this.buf, () => resolve(this.rows));
    });
  }
}

/** Rows go through a DuckDB appender (DuckDB spills to disk, so memory stays bounded), then COPY to zstd Parquet. */
async function openParquet(path: string): Promise<TobWriter> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  await con.run('CREATE TABLE tob (exch_ts BIGINT, local_ts BIGINT, venue VARCHAR, symbol VARCHAR, bid_price DOUBLE, bid_size DOUBLE, ask_price DOUBLE, ask_size DOUBLE)');
  const app = await con.createAppender('tob');
  let rows = 0;
  return {
    write(r) {
      app.appendBigInt(BigInt(Math.round(r.exchTs === r.exchTs ? r.exchTs : 0)));
      app.appendBigInt(BigInt(Math.round(r.localTs)));
      app.appendVarchar(r.venue);
      app.appendVarchar(r.symbol);
      app.appendDouble(r.bidPrice);
      app.appendDouble(r.bidSize);
      app.appendDouble(r.askPrice);
      app.appendDouble(r.askSize);
      app.endRow();
      rows++;
    },
    async close() {
      app.closeSync();
      await con.run(`COPY tob TO '${path.replace(/'/g, "''")}' (FORMAT parquet, COMPRESSION zstd)`);
      con.closeSync();
      return rows;
    },
  };
}

function nsString(ns: number): string {
  return ns === ns ? BigInt(Math.round(ns)).toString() : '';
}

export async function openTobWriter(path: string): Promise<TobWriter> {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return new CsvTobWriter(path);
  if (ext === '.parquet') return openParquet(path);
  throw new UsageError(`--tob-out ${path}: use a .csv or .parquet file name`);
}
