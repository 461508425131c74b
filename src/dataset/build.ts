import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, UsageError } from '../core/errors.ts';
import { Frame } from '../core/frame.ts';
import { LABEL_END, type LabeledFrame } from '../labels/label-frame.ts';
import type { LabelSpec } from '../labels/spec.ts';
import { BASE_COLUMNS } from './book-frame.ts';
import { concatFrames, readFrames } from './frames.ts';
import { assertNoLeak, type LeakScore } from './leak-guard.ts';
import { writeParquet } from './parquet.ts';

/** Columns that are neither features nor labels: times, flags, and the raw touch (prices are not stationary features). */
export const NON_FEATURE_COLUMNS: readonly string[] = [...BASE_COLUMNS, 'inst'];

/** Raw book depth columns (bid_px_k, bid_sz_k, ask_px_k, ask_sz_k): kept for walking the book in evaluation, never features by default. */
export const DEPTH_COLUMN = /^(bid|ask)_(px|sz)_\d+$/;

const isBase = (n: string) => NON_FEATURE_COLUMNS.includes(n) || DEPTH_COLUMN.test(n);

export interface InstrumentEntry {
  venue: string;
  symbol: string;
  /** Rows written. */
  rows: number;
  /** Rows read, and why some were not written. */
  inputRows: number;
  excluded: { warmup: number; invalid: number; unlabeled: number };
  firstTs: number;
  lastTs: number;
  first: string;
  last: string;
  featureSpecHash: string | null;
  files: string[];
}

export interface DatasetManifest {
  format: 'lobkit-dataset';
  version: 1;
  created: string;
  featureSpecHash: string | null;
  /** The feature spec as stored with the features (parsed when it is JSON). */
  featureSpec: unknown;
  labelSpec: LabelSpec;
  labelSpecHash: string;
  columns: {
    /** ts, local_ts, warm, valid and the touch: kept for evaluation, never features. */
    base: string[];
    features: string[];
    labels: string[];
    /** Per-label end-time columns and `fwd_end_ts` (their max): what splits purge by. */
    endTs: string[];
    labelEnd: string;
    endOf: Record<string, string>;
  };
  instruments: InstrumentEntry[];
  timeRange: { firstTs: number; lastTs: number; first: string; last: string };
  rows: { input: number; kept: number; warmup: number; invalid: number; unlabeled: number };
  /** Finite values per label over the kept rows. */
  labelCounts: Record<string, number>;
  /** The leak guard's scan of every feature against every label (null when skipped). */
  leakCheck: { pairs: number; strongest: LeakScore[] } | null;
  source: { features?: string[]; raw?: string[] };
}

export interface Dataset {
  manifest: DatasetManifest;
  /** One frame per instrument, rows in time order. */
  frames: Frame[];
}

const iso = (ns: number) => (Number.isFinite(ns) ? new Date(ns / 1e6).toISOString() : '');

function parseSpec(s: string | undefined): unknown {
  if (s === undefined) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/**
 * Joins feature rows and their labels into a dataset: rows still warming up (warm != 1: a
 * feature frame sets warm = 1 once every feature has seen enough data), rows
 * with an unusable book (valid != 1) and rows without any label (fwd_end_ts NaN: the data ended
 * inside every horizon) are excluded and counted. Feature columns are every column that is not a
 * base column and not a label, unless `featureColumns` names them. The leak guard scans every
 * feature against every label on the kept rows (unless `leakCheck: false`) and throws LeakError.
 */
export function buildDataset(labeled: LabeledFrame[], opts: { featureColumns?: string[]; source?: DatasetManifest['source']; files?: string[][]; leakCheck?: boolean } = {}): Dataset {
  if (labeled.length === 0) throw new UsageError('no instruments to build a dataset from');
  const spec = labeled[0].spec;
  const specHash = labeled[0].specHash;
  const labels = labeled[0].labels;
  for (const l of labeled) {
    if (l.specHash !== specHash) throw new UsageError('all instruments of a dataset must be labelled with the same label spec');
  }
  const frames: Frame[] = [];
  const instruments: InstrumentEntry[] = [];
  const total = { input: 0, kept: 0, warmup: 0, invalid: 0, unlabeled: 0 };
  let featureNames: string[] | undefined;
  let featureSpecHash: string | null | undefined;
  let featureSpec: unknown = null;
  labeled.forEach((l, k) => {
    const f = l.frame;
    const venue = f.meta.venue ?? '?';
    const symbol = f.meta.symbol ?? '?';
    const feats = opts.featureColumns ?? f.names.filter((n) => !n.startsWith('fwd_') && !isBase(n));
    for (const c of feats) if (!f.has(c)) throw new UsageError(`feature column "${c}" is not in ${venue}:${symbol}`);
    if (featureNames === undefined) featureNames = feats;
    else if (feats.join('\u0000') !== featureNames.join('\u0000')) throw new InputError(`${venue}:${symbol} has different feature columns than ${frames[0].meta.venue}:${frames[0].meta.symbol}`);
    const fsh = f.meta.spec_hash ?? null;
    if (featureSpecHash === undefined) {
      featureSpecHash = fsh;
      featureSpec = parseSpec(f.meta.spec);
    } else if (fsh !== featureSpecHash) throw new InputError(`${venue}:${symbol} was built with feature spec ${fsh}, others with ${featureSpecHash}`);
    const warm = f.has('warm') ? f.col('warm') : undefined;
    const valid = f.has('valid') ? f.col('valid') : undefined;
    const end = f.col(LABEL_END);
    const keep: number[] = [];
    const ex = { warmup: 0, invalid: 0, unlabeled: 0 };
    for (let i = 0; i < f.n; i++) {
      if (warm !== undefined && warm[i] !== 1) ex.warmup++;
      else if (valid !== undefined && valid[i] !== 1) ex.invalid++;
      else if (!Number.isFinite(end[i])) ex.unlabeled++;
      else keep.push(i);
    }
    const base = f.names.filter((n) => isBase(n) && !feats.includes(n));
    const cols = [...base, ...feats, ...l.labels, ...l.endColumns];
    const out = f.select(cols).take(keep);
    const ts = out.has('ts') ? out.col('ts') : new Float64Array(0);
    out.meta.venue = venue;
    out.meta.symbol = symbol;
    frames.push(out);
    instruments.push({
      venue,
      symbol,
      rows: out.n,
      inputRows: f.n,
      excluded: ex,
      firstTs: out.n ? ts[0] : NaN,
      lastTs: out.n ? ts[out.n - 1] : NaN,
      first: out.n ? iso(ts[0]) : '',
      last: out.n ? iso(ts[out.n - 1]) : '',
      featureSpecHash: fsh,
      files: opts.files?.[k] ?? [],
    });
    total.input += f.n;
    total.kept += out.n;
    total.warmup += ex.warmup;
    total.invalid += ex.invalid;
    total.unlabeled += ex.unlabeled;
  });
  let leakCheck: DatasetManifest['leakCheck'] = null;
  if (opts.leakCheck !== false && (featureNames ?? []).length > 0) {
    const all: LeakScore[] = [];
    for (const f of frames) if (f.n > 0) all.push(...assertNoLeak(f, featureNames!, labels));
    const strength = (s: LeakScore) => Math.max(Math.abs(s.pearson) || 0, Math.abs(s.spearman) || 0);
    leakCheck = { pairs: all.length, strongest: all.sort((a, b) => strength(b) - strength(a)).slice(0, 5) };
  }
  const labelCounts: Record<string, number> = {};
  for (const name of labels) {
    let c = 0;
    for (const f of frames) for (const v of f.col(name)) if (v === v) c++;
    labelCounts[name] = c;
  }
  const firstTs = Math.min(...instruments.filter((i) => i.rows).map((i) => i.firstTs));
  const lastTs = Math.max(...instruments.filter((i) => i.rows).map((i) => i.lastTs));
  const base = frames[0].names.filter((n) => isBase(n) && !(featureNames ?? []).includes(n));
  const manifest: DatasetManifest = {
    format: 'lobkit-dataset',
    version: 1,
    created: new Date().toISOString(),
    featureSpecHash: featureSpecHash ?? null,
    featureSpec,
    labelSpec: spec,
    labelSpecHash: specHash,
    columns: { base, features: featureNames ?? [], labels, endTs: labeled[0].endColumns, labelEnd: LABEL_END, endOf: labeled[0].endOf },
    instruments,
    timeRange: { firstTs, lastTs, first: iso(firstTs), last: iso(lastTs) },
    rows: total,
    labelCounts,
    leakCheck,
    source: opts.source ?? {},
  };
  return { manifest, frames };
}

const DAY = 86_400e9;

/**
 * Writes one instrument's frame as `<dir>/venue=<v>/symbol=<s>/date=<YYYY-MM-DD>/<name>` (zstd
 * Parquet, one file per UTC date of ts, the frame's metadata plus `meta` in the KV metadata).
 */
export async function writePartitioned(dir: string, f: Frame, meta: Record<string, string> = {}, name = 'part-0.parquet'): Promise<string[]> {
  const venue = f.meta.venue;
  const symbol = f.meta.symbol;
  if (!venue || !symbol) throw new UsageError('writePartitioned: the frame needs venue and symbol metadata');
  const ts = f.col('ts');
  const files: string[] = [];
  let a = 0;
  while (a < f.n) {
    const day = Math.floor(ts[a] / DAY);
    let b = a;
    while (b < f.n && Math.floor(ts[b] / DAY) === day) b++;
    const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
    const part = f.slice(a, b);
    Object.assign(part.meta, meta);
    const file = join(dir, `venue=${venue}`, `symbol=${symbol}`, `date=${date}`, name);
    await writeParquet(file, part);
    files.push(file);
    a = b;
  }
  return files;
}

/**
 * Writes a dataset: `<dir>/venue=<v>/symbol=<s>/date=<YYYY-MM-DD>/part-0.parquet` (zstd, UTC date of
 * ts; KV metadata: venue, symbol, feature and label spec hashes) and `<dir>/manifest.json`.
 * Refuses a non-empty folder unless `overwrite`. Returns the files written.
 */
export async function writeDataset(dir: string, ds: Dataset, opts: { overwrite?: boolean } = {}): Promise<string[]> {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!opts.overwrite) throw new UsageError(`${dir} is not empty (use --overwrite to replace the dataset there)`);
    if (!existsSync(join(dir, 'manifest.json'))) throw new UsageError(`${dir} is not empty and holds no dataset manifest: not overwriting it`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const f of ds.frames) {
    const meta: Record<string, string> = { label_spec_hash: ds.manifest.labelSpecHash };
    if (ds.manifest.featureSpecHash) meta.spec_hash = ds.manifest.featureSpecHash;
    files.push(...(await writePartitioned(dir, f, meta)));
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(ds.manifest, null, 2) + '\n');
  return files;
}

/** Reads a dataset folder written by writeDataset (manifest + one frame per instrument, in time order). */
export async function readDataset(dir: string, opts: { symbols?: string[] } = {}): Promise<Dataset> {
  const mpath = join(dir, 'manifest.json');
  if (!existsSync(mpath)) throw new UsageError(`${dir}: no manifest.json (not a dataset written by lobkit dataset)`);
  let manifest: DatasetManifest;
  try {
    manifest = JSON.parse(readFileSync(mpath, 'utf8')) as DatasetManifest;
  } catch (e) {
    throw new InputError(`cannot parse manifest: ${(e as Error).message}`, { file: mpath });
  }
  if (manifest.format !== 'lobkit-dataset') throw new InputError(`not a lobkit dataset manifest (format ${String(manifest.format)})`, { file: mpath });
  const parts = await readFrames([dir], opts);
  const frames = parts.map((p) => {
    const f = p.frame;
    f.meta.label_spec_hash = manifest.labelSpecHash;
    return f;
  });
  for (const f of frames) {
    for (const c of [...manifest.columns.features, ...manifest.columns.labels, manifest.columns.labelEnd]) {
      if (!f.has(c)) throw new InputError(`${f.meta.venue}:${f.meta.symbol} lacks column "${c}" listed in the manifest`, { file: mpath });
    }
  }
  return { manifest, frames };
}

/**
 * The instruments of a dataset as one frame in time order (ties keep instrument order), with an
 * `inst` column (index into manifest.instruments) — what a model trains on.
 */
export function combinedFrame(ds: Dataset): Frame {
  const keyIndex = new Map(ds.manifest.instruments.map((e, i) => [`${e.venue}:${e.symbol}`, i]));
  const withInst = ds.frames.map((f) => {
    const k = keyIndex.get(`${f.meta.venue}:${f.meta.symbol}`) ?? -1;
    return f.with(['inst'], [new Float64Array(f.n).fill(k)]);
  });
  const all = concatFrames(withInst);
  if (withInst.length === 1) return all;
  const ts = all.col('ts');
  const order = Array.from({ length: all.n }, (_, i) => i).sort((a, b) => ts[a] - ts[b] || a - b);
  const out = all.take(order);
  delete out.meta.venue;
  delete out.meta.symbol;
  return out;
}
