import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Frame } from '../core/frame.ts';

/**
 * Frames to and from zstd Parquet through DuckDB. Timestamp columns (`ts`, `local_ts`, `*_ts`)
 * are stored as BIGINT nanoseconds, everything else as DOUBLE; frame metadata goes into the
 * Parquet key-value metadata. Data is appended in chunks through DuckDB's appender and read back
 * into typed arrays chunk by chunk (never through per-row JS objects).
 */

type Duck = typeof import('@duckdb/node-api');
let duckMod: Promise<Duck> | undefined;
const duck = (): Promise<Duck> => (duckMod ??= import('@duckdb/node-api'));

const isTs = (name: string) => name === 'ts' || name === 'local_ts' || name.endsWith('_ts');
const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function writeParquet(path: string, frame: Frame): Promise<void> {
  const { DuckDBInstance } = await duck();
  mkdirSync(dirname(path), { recursive: true });
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  try {
    const cols = frame.names.map((n) => `${q(n)} ${isTs(n) ? 'BIGINT' : 'DOUBLE'}`).join(', ');
    await con.run(`CREATE TABLE t (${cols})`);
    const app = await con.createAppender('t');
    const k = frame.names.length;
    const ts = frame.names.map(isTs);
    for (let i = 0; i < frame.n; i++) {
      for (let j = 0; j < k; j++) {
        const v = frame.cols[j][i];
        if (ts[j]) {
          if (v === v) app.appendBigInt(BigInt(Math.round(v)));
          else app.appendNull();
        } else if (v === v) app.appendDouble(v);
        else app.appendNull();
      }
      app.endRow();
    }
    app.closeSync();
    const kv = Object.entries(frame.meta)
      .map(([key, v]) => `${lit(key)}: ${lit(v)}`)
      .join(', ');
    await con.run(`COPY t TO ${lit(path)} (FORMAT parquet, COMPRESSION zstd${kv ? `, KV_METADATA {${kv}}` : ''})`);
  } finally {
    con.closeSync();
  }
}

/** Reads a Parquet file (or a glob / hive-partitioned folder pattern DuckDB accepts) into a Frame; NULL → NaN. */
export async function readParquet(pattern: string, where?: string): Promise<Frame> {
  const { DuckDBInstance } = await duck();
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  try {
    // hive_partitioning off: partition folders (venue=/symbol=/date=) would add string columns a Frame cannot hold.
    const src = `read_parquet(${lit(pattern)}, union_by_name = true, hive_partitioning = false)`;
    const meta: Record<string, string> = {};
    try {
      const kv = await con.runAndReadAll(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${lit(pattern)})`);
      for (const [k, v] of kv.getRows() as [string, string][]) meta[k] = v;
    } catch {
      // no key-value metadata
    }
    const desc = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
    const names = (desc.getRows() as unknown[][]).map((r) => String(r[0]));
    const numeric = names.filter((n) => n !== 'filename');
    const select = numeric.map((n) => `CAST(${q(n)} AS DOUBLE) AS ${q(n)}`).join(', ');
    const result = await con.run(`SELECT ${select} FROM ${src}${where ? ` WHERE ${where}` : ''}`);
    const parts: Float64Array[][] = numeric.map(() => []);
    let n = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (let j = 0; j < numeric.length; j++) {
        const vals = chunk.getColumnVector(j);
        const out = new Float64Array(chunk.rowCount);
        for (let i = 0; i < chunk.rowCount; i++) {
          const v = vals.getItem(i) as number | null;
          out[i] = v === null ? NaN : v;
        }
        parts[j].push(out);
      }
      n += chunk.rowCount;
    }
    const cols = parts.map((ps) => {
      const o = new Float64Array(n);
      let at = 0;
      for (const p of ps) {
        o.set(p, at);
        at += p.length;
      }
      return o;
    });
    return new Frame(numeric, cols, n, meta);
  } finally {
    con.closeSync();
  }
}
