import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { InputError, UsageError } from '../core/errors.ts';
import { Frame } from '../core/frame.ts';
import { readParquet } from './parquet.ts';

/** Rows of several frames with the same columns, one after the other (meta of the first). */
export function concatFrames(frames: Frame[], what: string[] = []): Frame {
  if (frames.length === 0) throw new UsageError('nothing to concatenate');
  if (frames.length === 1) return frames[0];
  const names = frames[0].names;
  const set = new Set(names);
  for (let k = 1; k < frames.length; k++) {
    const f = frames[k];
    const missing = names.filter((n) => !f.has(n));
    const extra = f.names.filter((n) => !set.has(n));
    if (missing.length || extra.length) {
      throw new InputError(`columns differ from ${what[0] ?? 'the first part'}${missing.length ? `; missing ${missing.slice(0, 5).join(', ')}` : ''}${extra.length ? `; extra ${extra.slice(0, 5).join(', ')}` : ''}`, { file: what[k] });
    }
  }
  let n = 0;
  for (const f of frames) n += f.n;
  const cols = names.map((name) => {
    const o = new Float64Array(n);
    let at = 0;
    for (const f of frames) {
      o.set(f.col(name), at);
      at += f.n;
    }
    return o;
  });
  return new Frame(names, cols, n, { ...frames[0].meta });
}

/** Every .parquet file under a path (a file itself, or a folder searched recursively), sorted. */
export function parquetFiles(path: string): string[] {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.parquet')) out.push(p);
    }
  };
  walk(path);
  return out;
}

/** venue / symbol / date from hive folder names (venue=<v>/symbol=<s>/date=<d>), if present. */
export function hiveParts(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const seg of resolve(file).split(/[\\/]/)) {
    const m = /^([a-z_]+)=(.+)$/.exec(seg);
    if (m) out[m[1]] = decodeURIComponent(m[2]);
  }
  return out;
}

export interface InstrumentFrames {
  venue: string;
  symbol: string;
  frame: Frame;
  files: string[];
}

/**
 * Reads Parquet frames (a feature folder written by `lobkit features`, a dataset, or single files)
 * into one frame per instrument: the instrument comes from the file's metadata (venue, symbol) or
 * its hive folders; files of one instrument are concatenated in time order and must not overlap.
 */
export async function readFrames(paths: string[], opts: { symbols?: string[] } = {}): Promise<InstrumentFrames[]> {
  const files = paths.flatMap(parquetFiles);
  if (files.length === 0) throw new UsageError(`no .parquet files under ${paths.join(', ')}`);
  const want = opts.symbols?.length ? new Set(opts.symbols.map((s) => s.toLowerCase())) : undefined;
  const groups = new Map<string, { venue: string; symbol: string; parts: { file: string; frame: Frame }[] }>();
  for (const file of files) {
    const hive = hiveParts(file);
    const probe = await readParquet(file);
    const venue = probe.meta.venue ?? hive.venue;
    const symbol = probe.meta.symbol ?? hive.symbol;
    if (!venue || !symbol) throw new InputError('no venue/symbol in the Parquet metadata or the folder names (venue=<v>/symbol=<s>/...)', { file });
    if (want && !want.has(symbol.toLowerCase()) && !want.has(`${venue}:${symbol}`.toLowerCase())) continue;
    if (!probe.has('ts')) throw new InputError('no "ts" column', { file });
    const key = `${venue}:${symbol}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { venue, symbol, parts: [] }));
    g.parts.push({ file, frame: probe });
  }
  const out: InstrumentFrames[] = [];
  for (const g of groups.values()) {
    g.parts.sort((a, b) => a.frame.col('ts')[0] - b.frame.col('ts')[0]);
    for (let k = 1; k < g.parts.length; k++) {
      const prev = g.parts[k - 1].frame;
      const cur = g.parts[k].frame;
      if (prev.n && cur.n && cur.col('ts')[0] < prev.col('ts')[prev.n - 1]) {
        throw new InputError(`rows overlap in time with ${relative(process.cwd(), g.parts[k - 1].file)} (the same instrument twice?)`, { file: g.parts[k].file });
      }
    }
    const first = g.parts[0].frame.meta;
    for (const p of g.parts) {
      if ((p.frame.meta.spec_hash ?? '') !== (first.spec_hash ?? '')) {
        throw new InputError(`feature spec hash ${p.frame.meta.spec_hash ?? '(none)'} differs from ${first.spec_hash ?? '(none)'} in ${g.parts[0].file}: features built with different specs`, { file: p.file });
      }
    }
    const frame = concatFrames(
      g.parts.map((p) => p.frame),
      g.parts.map((p) => p.file),
    );
    frame.meta.venue = g.venue;
    frame.meta.symbol = g.symbol;
    out.push({ venue: g.venue, symbol: g.symbol, frame, files: g.parts.map((p) => p.file) });
  }
  out.sort((a, b) => (a.venue + ':' + a.symbol < b.venue + ':' + b.symbol ? -1 : 1));
  return out;
}
