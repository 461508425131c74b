import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseEnv } from 'node:util';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { UsageError, formatWhere } from '../core/errors.ts';
import { log } from '../core/log.ts';
import { ADAPTERS, CHANNELS, RECORD_VENUES, type Channel, type RecordVenue } from './adapters.ts';

/**
 * `lobkit record` settings. Sources, strongest first: command-line flags, LOBKIT_* environment
 * variables, a `.env` file, the config file (YAML or JSON), built-in defaults. A stream's own keys
 * in the config file win over the common symbols/channels/depth/baseUrl settings.
 */

export interface StreamSettings {
  venue: RecordVenue;
  symbols: string[];
  channels: Channel[];
  depth: number;
  baseUrl?: string;
}

export interface RecordSettings {
  out: string;
  rotateMinutes: number;
  flushMs: number;
  gzipLevel: number;
  staleMs: number;
  resyncTimeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Planned reconnect after this long; 0: the venue's own limit minus a margin. */
  maxConnAgeMs: number;
  restConcurrency: number;
  /** REST snapshot requests started per minute, across the process (0: no limit). */
  restPerMinute: number;
  metricsPort?: number;
  metricsHost: string;
  metricsIntervalSeconds: number;
  recover: boolean;
  streams: StreamSettings[];
}

/** The common settings, as every source spells them (all optional until merged). */
export interface CommonInput {
  venue?: string;
  symbols?: string[];
  channels?: string[];
  depth?: number;
  baseUrl?: string;
  out?: string;
  rotateMinutes?: number;
  flushMs?: number;
  gzipLevel?: number;
  staleMs?: number;
  resyncTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  maxConnAgeMs?: number;
  restConcurrency?: number;
  restPerMinute?: number;
  metricsPort?: number;
  metricsHost?: string;
  metricsIntervalSeconds?: number;
}

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const url = z.string().refine((s) => /^(wss?|https?):\/\/[^/\s]+/.test(s), 'expected a URL like ws://127.0.0.1:8080 or https://host');

const common = {
  symbols: z.array(z.string().min(1)).min(1).optional(),
  channels: z.array(z.enum(CHANNELS)).min(1).optional(),
  depth: int(0, 100_000).optional(),
  baseUrl: url.optional(),
};

const streamSchema = z.strictObject({ venue: z.enum(RECORD_VENUES), ...common });

const fileSchema = z.strictObject({
  ...common,
  out: z.string().min(1).optional(),
  rotateMinutes: int(1, 1440).optional(),
  flushMs: int(10, 60_000).optional(),
  gzipLevel: int(0, 9).optional(),
  staleMs: int(100, 3_600_000).optional(),
  resyncTimeoutMs: int(100, 3_600_000).optional(),
  backoff: z.strictObject({ baseMs: int(1, 600_000).optional(), maxMs: int(1, 3_600_000).optional() }).optional(),
  maxConnAgeMs: int(0, 7 * 86_400_000).optional(),
  restConcurrency: int(1, 64).optional(),
  restPerMinute: int(0, 100_000).optional(),
  metrics: z.strictObject({ port: int(0, 65535).optional(), host: z.string().min(1).optional(), intervalSeconds: int(0, 86_400).optional() }).optional(),
  streams: z.array(streamSchema).min(1).optional(),
});
export type FileConfig = z.infer<typeof fileSchema>;

function issuesText(e: z.ZodError, file: string, lineOf?: (path: (string | number)[]) => number | undefined): string {
  return e.issues
    .slice(0, 5)
    .map((i) => {
      const at = [...(i.path as (string | number)[])];
      if (i.code === 'unrecognized_keys') at.push(...(i as { keys: string[] }).keys.slice(0, 1));
      const field = at.map(String).join('.') || undefined;
      const msg = i.code === 'unrecognized_keys' ? `unknown key (known: ${knownKeys(i.path.map(String))})` : i.message;
      return formatWhere({ file, line: lineOf?.(at), field }) + msg;
    })
    .join('\n');
}

function knownKeys(path: string[]): string {
  const shape: Record<string, unknown> = path.length === 0 ? fileSchema.shape : path[0] === 'streams' ? streamSchema.shape : path[0] === 'metrics' ? { port: 1, host: 1, intervalSeconds: 1 } : path[0] === 'backoff' ? { baseMs: 1, maxMs: 1 } : {};
  return Object.keys(shape).join(', ');
}

/** Reads and validates a YAML or JSON config file; errors name the file, line and field. */
export function loadConfigFile(path: string): FileConfig {
  if (!existsSync(path)) throw new UsageError(`config file ${path}: no such file`);
  const text = readFileSync(path, 'utf8');
  let data: unknown;
  let lineOf: ((p: (string | number)[]) => number | undefined) | undefined;
  if (extname(path).toLowerCase() === '.json') {
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${path}: not valid JSON: ${(e as Error).message}`);
    }
  } else {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      throw new UsageError(`${formatWhere({ file: path, line: err.linePos?.[0].line })}not valid YAML: ${err.message.split('\n')[0]}`);
    }
    data = doc.toJS();
    lineOf = (p) => {
      const node = doc.getIn(p, true) as { range?: [number, number, number] } | undefined;
      const at = node?.range?.[0];
      return at === undefined ? undefined : text.slice(0, at).split('\n').length;
    };
  }
  if (data === null || data === undefined) throw new UsageError(`${path}: the config file is empty`);
  const r = fileSchema.safeParse(data);
  if (!r.success) throw new UsageError(issuesText(r.error, path, lineOf));
  return r.data;
}

const ENV: Record<string, { key: keyof CommonInput; kind: 'string' | 'list' | 'int' }> = {
  LOBKIT_VENUE: { key: 'venue', kind: 'string' },
  LOBKIT_SYMBOLS: { key: 'symbols', kind: 'list' },
  LOBKIT_CHANNELS: { key: 'channels', kind: 'list' },
  LOBKIT_DEPTH: { key: 'depth', kind: 'int' },
  LOBKIT_BASE_URL: { key: 'baseUrl', kind: 'string' },
  LOBKIT_OUT: { key: 'out', kind: 'string' },
  LOBKIT_ROTATE_MINUTES: { key: 'rotateMinutes', kind: 'int' },
  LOBKIT_FLUSH_MS: { key: 'flushMs', kind: 'int' },
  LOBKIT_GZIP_LEVEL: { key: 'gzipLevel', kind: 'int' },
  LOBKIT_STALE_MS: { key: 'staleMs', kind: 'int' },
  LOBKIT_METRICS_PORT: { key: 'metricsPort', kind: 'int' },
  LOBKIT_METRICS_HOST: { key: 'metricsHost', kind: 'string' },
  LOBKIT_METRICS_INTERVAL: { key: 'metricsIntervalSeconds', kind: 'int' },
};
export const ENV_VARS = Object.keys(ENV);

/** Splits "A,B, C" into ["A", "B", "C"]. */
export function list(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

export function intOf(s: string, where: string): number {
  if (!/^-?\d+$/.test(s.trim())) throw new UsageError(`${where}: expected an integer, got ${JSON.stringify(s)}`);
  return Number(s);
}

/** The LOBKIT_* settings of an environment (process.env or a parsed .env file). */
export function fromEnv(env: Record<string, string | undefined>, source: string): CommonInput {
  const out: CommonInput = {};
  for (const [name, spec] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    const where = `${source} ${name}`;
    const o = out as Record<string, unknown>;
    if (spec.kind === 'int') o[spec.key] = intOf(v, where);
    else if (spec.kind === 'list') o[spec.key] = list(v);
    else o[spec.key] = v;
  }
  return out;
}

/** The KEY=value pairs of a `.env` file. */
export function readDotEnv(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`env file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseEnv(text) as Record<string, string>;
}

/** A `.env` file's LOBKIT_* settings (other keys are ignored). */
export function loadDotEnv(path: string): CommonInput {
  return fromEnv(readDotEnv(path), path);
}

function fromFile(f: FileConfig): CommonInput {
  return {
    symbols: f.symbols,
    channels: f.channels,
    depth: f.depth,
    baseUrl: f.baseUrl,
    out: f.out,
    rotateMinutes: f.rotateMinutes,
    flushMs: f.flushMs,
    gzipLevel: f.gzipLevel,
    staleMs: f.staleMs,
    resyncTimeoutMs: f.resyncTimeoutMs,
    backoffBaseMs: f.backoff?.baseMs,
    backoffMaxMs: f.backoff?.maxMs,
    maxConnAgeMs: f.maxConnAgeMs,
    restConcurrency: f.restConcurrency,
    restPerMinute: f.restPerMinute,
    metricsPort: f.metrics?.port,
    metricsHost: f.metrics?.host,
    metricsIntervalSeconds: f.metrics?.intervalSeconds,
  };
}

/** First defined value, strongest source first. */
function pick<K extends keyof CommonInput>(layers: CommonInput[], k: K): CommonInput[K] {
  for (const l of layers) if (l[k] !== undefined) return l[k];
  return undefined;
}

function check(cond: boolean, msg: string): void {
  if (!cond) throw new UsageError(msg);
}

function range(layers: CommonInput[], k: keyof CommonInput, def: number, min: number, max: number, name: string): number {
  const v = (pick(layers, k) as number | undefined) ?? def;
  check(Number.isInteger(v) && v >= min && v <= max, `${name} must be an integer ${min}..${max}, got ${v}`);
  return v;
}

export interface Sources {
  flags: CommonInput;
  env: CommonInput;
  dotenv: CommonInput;
  file?: FileConfig;
  /** Where the file came from, for messages. */
  filePath?: string;
  recover?: boolean;
}

/** Merges every source into validated settings; errors name the setting and what is accepted. */
export function resolveSettings(src: Sources): RecordSettings {
  const fileCommon = src.file ? fromFile(src.file) : {};
  const layers = [src.flags, src.env, src.dotenv, fileCommon];
  const venue = pick([src.flags, src.env, src.dotenv], 'venue');
  const fileStreams = src.file?.streams;
  if (venue !== undefined && fileStreams !== undefined) {
    throw new UsageError(`both a venue (--venue / LOBKIT_VENUE) and a streams list in ${src.filePath ?? 'the config file'}: give one or the other`);
  }
  let raw: { venue: string; symbols?: string[]; channels?: string[]; depth?: number; baseUrl?: string }[];
  if (venue !== undefined) raw = [{ venue }];
  else if (fileStreams !== undefined) raw = fileStreams;
  else throw new UsageError('nothing to record: give --venue and --symbols, or --config FILE with a streams list (or LOBKIT_VENUE / LOBKIT_SYMBOLS)');

  const streams: StreamSettings[] = raw.map((s, i) => {
    const where = venue !== undefined ? '' : `${src.filePath ?? 'config'}: streams.${i}: `;
    check((RECORD_VENUES as readonly string[]).includes(s.venue), `${where}unknown venue "${s.venue}"; lobkit records ${RECORD_VENUES.join(', ')}`);
    const a = ADAPTERS[s.venue as RecordVenue];
    const symbols = s.symbols ?? pick(layers, 'symbols');
    check(symbols !== undefined && symbols.length > 0, `${where}no symbols for ${a.id}: give --symbols A,B (or LOBKIT_SYMBOLS, or symbols in the config file)`);
    for (const sym of symbols!) check(a.symbolPattern.test(sym), `${where}${a.id} symbol ${JSON.stringify(sym)} is not a venue symbol like ${a.symbolExample}`);
    check(new Set(symbols).size === symbols!.length, `${where}${a.id}: a symbol is listed twice`);
    const given = s.channels ?? pick(layers, 'channels');
    const chRaw = given ?? ['book', 'trades', 'bbo'];
    for (const c of chRaw) check((CHANNELS as readonly string[]).includes(c), `${where}unknown channel "${c}"; channels are ${CHANNELS.join(', ')}`);
    const channels = (chRaw as Channel[]).filter((c) => a.channels.includes(c));
    const dropped = (chRaw as Channel[]).filter((c) => !a.channels.includes(c));
    if (given !== undefined && dropped.length > 0 && channels.length > 0) log.warn({ venue: a.id, dropped }, `${a.id} does not offer ${dropped.join(', ')}: not recorded`);
    check(channels.length > 0, `${where}${a.id} offers none of the channels ${chRaw.join(', ')} (it offers ${a.channels.join(', ')})`);
    let depth = s.depth ?? pick(layers, 'depth') ?? a.defaultDepth;
    if (a.depths === undefined) depth = 0;
    else check(a.depths.includes(depth), `${where}${a.id} book depth ${depth} is not offered; choose one of ${a.depths.join(', ')} (${a.depthMeaning})`);
    const baseUrl = s.baseUrl ?? pick(layers, 'baseUrl');
    if (baseUrl !== undefined) check(/^(wss?|https?):\/\/[^/\s]+/.test(baseUrl), `${where}base URL ${JSON.stringify(baseUrl)} is not like ws://127.0.0.1:8080`);
    return { venue: a.id, symbols: symbols!, channels, depth, ...(baseUrl !== undefined ? { baseUrl } : {}) };
  });
  const seen = new Set<string>();
  for (const s of streams) {
    for (const sym of s.symbols) {
      const k = s.venue + ':' + sym;
      check(!seen.has(k), `${k} is listed in two streams: each book must be recorded once`);
      seen.add(k);
    }
  }
  const backoffBaseMs = range(layers, 'backoffBaseMs', 500, 1, 600_000, 'backoff base (ms)');
  const backoffMaxMs = range(layers, 'backoffMaxMs', 30_000, backoffBaseMs, 3_600_000, 'backoff cap (ms)');
  const metricsPort = pick(layers, 'metricsPort');
  if (metricsPort !== undefined) check(Number.isInteger(metricsPort) && metricsPort >= 0 && metricsPort <= 65535, `metrics port must be 0..65535, got ${metricsPort}`);
  const out = pick(layers, 'out') ?? 'data';
  return {
    out,
    rotateMinutes: range(layers, 'rotateMinutes', 10, 1, 1440, 'rotation (minutes)'),
    flushMs: range(layers, 'flushMs', 1000, 10, 60_000, 'flush interval (ms)'),
    gzipLevel: range(layers, 'gzipLevel', 1, 0, 9, 'gzip level'),
    staleMs: range(layers, 'staleMs', 30_000, 100, 3_600_000, 'stale timeout (ms)'),
    resyncTimeoutMs: range(layers, 'resyncTimeoutMs', 10_000, 100, 3_600_000, 'resync timeout (ms)'),
    backoffBaseMs,
    backoffMaxMs,
    maxConnAgeMs: range(layers, 'maxConnAgeMs', 0, 0, 7 * 86_400_000, 'connection age limit (ms)'),
    restConcurrency: range(layers, 'restConcurrency', 4, 1, 64, 'REST concurrency'),
    restPerMinute: range(layers, 'restPerMinute', 100, 0, 100_000, 'REST requests per minute'),
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    metricsHost: pick(layers, 'metricsHost') ?? '127.0.0.1',
    metricsIntervalSeconds: range(layers, 'metricsIntervalSeconds', 60, 0, 86_400, 'metrics interval (s)'),
    recover: src.recover ?? true,
    streams,
  };
}
