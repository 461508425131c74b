import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import type { TradeSignMode } from './context.ts';
import type { OpDef } from './op-def.ts';
import { opTable } from './registry.ts';

/**
 * The declarative feature spec (YAML or JSON): sampling, trade signing, and a list of operators
 * with their parameters and optional normalization. Parsing fills every default, so the normalized
 * spec states the whole computation; its hash (sha256 of the canonical JSON, first 16 hex digits)
 * goes into every output frame and model artifact.
 *
 *   version: 1
 *   sampling: { mode: time, interval_ms: 100 }    # or event | trade | volume (volume: 5 or notional: 250000)
 *   trade_sign: aggressor                         # or lee_ready
 *   features:
 *     - op: spread
 *     - op: ofi
 *       levels: 5
 *       windows_ms: [1000, 5000]
 *       normalize: { method: zscore, window: 3000 }
 */

/** Columns every output row starts with, whatever the spec. */
export const CORE_COLUMNS = ['ts', 'local_ts', 'warm', 'valid', 'bid', 'ask', 'bid_size', 'ask_size', 'mid'] as const;

/** Column prefix reserved for forward-looking labels: no feature column may use it. */
export const RESERVED_PREFIX = 'fwd_';

const samplingSchema = z
  .discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('time'), interval_ms: z.number().int().min(1).default(100), max_gap_ms: z.number().int().min(1).default(60_000) }),
    z.strictObject({ mode: z.literal('event') }),
    z.strictObject({ mode: z.literal('trade') }),
    z
      .strictObject({ mode: z.literal('volume'), volume: z.number().positive().optional(), notional: z.number().positive().optional() })
      .refine((s) => (s.volume === undefined) !== (s.notional === undefined), 'volume sampling needs exactly one of volume (size units) or notional (price × size)'),
  ])
  .default({ mode: 'time', interval_ms: 100, max_gap_ms: 60_000 });

export type Sampling = z.output<typeof samplingSchema>;

const normalizeSchema = z.strictObject({
  method: z.enum(['zscore', 'minmax']),
  window: z.number().int().min(2),
  /** Values needed before the normalized column counts as warm (default: the window). */
  min_count: z.number().int().min(1).optional(),
  /** Floor of the z-score's standard deviation. */
  min_std: z.number().min(0).default(1e-12),
});

export type NormalizeSpec = z.output<typeof normalizeSchema>;

const nameSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _ (starting with a letter)');

const entrySchema = z.looseObject({ op: z.string().min(1), name: nameSchema.optional(), normalize: normalizeSchema.optional() });

const topSchema = z.strictObject({
  version: z.literal(1).default(1),
  sampling: samplingSchema,
  trade_sign: z.enum(['aggressor', 'lee_ready']).default('aggressor'),
  features: z.array(entrySchema).min(1, 'a spec needs at least one feature'),
});

export interface FeatureEntry {
  op: string;
  /** Column prefix. */
  name: string;
  params: Record<string, unknown>;
  normalize?: NormalizeSpec;
}

/** A validated spec with every default filled in. */
export interface FeatureSpec {
  version: 1;
  sampling: Sampling;
  trade_sign: TradeSignMode;
  features: FeatureEntry[];
  /** sha256 of the canonical JSON of everything above, first 16 hex digits. */
  hash: string;
}

export interface SpecOptions {
  /** Where the spec came from, for error messages (a file name). */
  source?: string;
  /** Operators beyond the built-ins. */
  ops?: readonly OpDef[];
}

function fail(source: string | undefined, field: string, reason: string): never {
  throw new InputError(`feature spec: ${reason}`, { file: source, field: field || undefined });
}

function pathOf(base: (string | number)[], issuePath: readonly PropertyKey[]): string {
  let s = '';
  for (const p of [...base, ...issuePath]) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

function firstIssue(e: z.ZodError, source: string | undefined, base: (string | number)[]): never {
  const i = e.issues[0];
  fail(source, pathOf(base, i.path), i.message);
}

/** Parses YAML (or JSON, which is YAML) text into a normalized spec. */
export function parseSpecText(text: string, opts: SpecOptions = {}): FeatureSpec {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    fail(opts.source, '', `not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return normalizeSpec(doc, opts);
}

/** Validates a spec object (as written by a user, or a normalized spec read back) and fills defaults. */
export function normalizeSpec(input: unknown, opts: SpecOptions = {}): FeatureSpec {
  const src = opts.source;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) fail(src, '', 'expected a mapping with a "features" list');
  // A spec this function returned, unchanged since: it normalizes to itself (every FeatureSet of a
  // pipeline re-checks the pipeline's spec; the schema parse is what this skips).
  const known = NORMALIZED.get(input);
  if (known !== undefined && known === canonicalJson(input)) return input as FeatureSpec;
  const spec = normalizeFresh(input, opts);
  NORMALIZED.set(spec, canonicalJson(spec));
  return spec;
}

/** Specs returned by normalizeSpec, with their canonical JSON when returned (to detect later edits). */
const NORMALIZED = new WeakMap<object, string>();

function normalizeFresh(input: object, opts: SpecOptions): FeatureSpec {
  const src = opts.source;
  // A normalized spec read back (from frame metadata or an artifact) carries params nested and a hash.
  const raw = { ...(input as Record<string, unknown>) };
  delete raw.hash;
  const top = topSchema.safeParse(raw);
  if (!top.success) firstIssue(top.error, src, []);
  const table = opTable(opts.ops);
  const features: FeatureEntry[] = [];
  top.data.features.forEach((e, i) => {
    const def = table.get(e.op);
    if (!def) fail(src, `features[${i}].op`, `unknown operator "${e.op}"; known: ${[...table.keys()].sort().join(', ')}`);
    const { op: _op, name, normalize, params: nested, ...rest } = e as Record<string, unknown> & { op: string; name?: string; normalize?: NormalizeSpec };
    const given = nested !== undefined && typeof nested === 'object' && nested !== null && Object.keys(rest).length === 0 ? nested : nested === undefined ? rest : fail(src, `features[${i}].params`, 'give parameters either flat or under "params", not both');
    const p = def.params.safeParse(given);
    if (!p.success) firstIssue(p.error, src, ['features', i]);
    features.push({ op: def.op, name: name ?? def.prefix, params: p.data as Record<string, unknown>, ...(normalize ? { normalize } : {}) });
  });
  const body = { version: top.data.version, sampling: top.data.sampling, trade_sign: top.data.trade_sign, features };
  return { ...body, hash: hashSpec(body) };
}

/** Canonical JSON: object keys sorted at every depth, no whitespace. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export function hashSpec(body: Omit<FeatureSpec, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 16);
}

/** The normalized spec as canonical JSON (what frame metadata and artifacts store), without the hash. */
export function specJson(spec: FeatureSpec): string {
  const { hash: _h, ...body } = spec;
  return canonicalJson(body);
}

/** The spec as readable YAML (to start a custom spec from). */
export function specYaml(spec: FeatureSpec): string {
  const lines = ['version: 1', `sampling: ${canonicalJson(spec.sampling)}`, `trade_sign: ${spec.trade_sign}`, 'features:'];
  for (const f of spec.features) {
    lines.push(`  - op: ${f.op}`);
    if (f.name !== opTable().get(f.op)?.prefix) lines.push(`    name: ${f.name}`);
    for (const [k, v] of Object.entries(f.params)) lines.push(`    ${k}: ${JSON.stringify(v)}`);
    if (f.normalize) lines.push(`    normalize: ${canonicalJson(f.normalize)}`);
  }
  return lines.join('\n') + '\n';
}
