import { InputError, UsageError } from '../core/errors.ts';
import { Rng } from './rng.ts';

/**
 * Order latency between the strategy (local side) and the venue (exchange side), as in
 * hftbacktest: `entry` is the time from sending a request at local time `ts` until the venue
 * processes it; `response` the time from the venue's answer at exchange time `ts` until the
 * strategy receives it. All in ns.
 */
export interface LatencyModel {
  entry(ts: number): number;
  response(ts: number): number;
  describe(): string;
}

export class ConstantLatency implements LatencyModel {
  constructor(
    readonly entryNs: number,
    readonly responseNs: number,
  ) {
    if (!(entryNs >= 0) || !(responseNs >= 0)) throw new UsageError(`latency must be >= 0 (entry ${entryNs} ns, response ${responseNs} ns)`);
  }
  entry(_ts: number): number {
    return this.entryNs;
  }
  response(_ts: number): number {
    return this.responseNs;
  }
  describe(): string {
    return `constant entry ${fmtNs(this.entryNs)}, response ${fmtNs(this.responseNs)}`;
  }
}

/** A latency distribution, sampled with a seeded generator (the same seed gives the same run). */
export interface Distribution {
  sample(rng: Rng): number;
  describe(): string;
}

export const uniform = (min: number, max: number): Distribution => ({
  sample: (r) => min + (max - min) * r.next(),
  describe: () => `uniform ${fmtNs(min)}..${fmtNs(max)}`,
});

/** Normal, redrawn when below `min` (then clamped after 16 tries): never negative. */
export const normal = (mean: number, sd: number, min = 0): Distribution => ({
  sample(r) {
    for (let i = 0; i < 16; i++) {
      const x = mean + sd * r.normal();
      if (x >= min) return x;
    }
    return min;
  },
  describe: () => `normal mean ${fmtNs(mean)} sd ${fmtNs(sd)} (>= ${fmtNs(min)})`,
});

/** Log-normal with the given median and log-space sigma (the usual shape of network latency). */
export const lognormal = (median: number, sigma: number, min = 0): Distribution => ({
  sample: (r) => min + median * Math.exp(sigma * r.normal()),
  describe: () => `lognormal median ${fmtNs(median)} sigma ${sigma}${min > 0 ? ` + ${fmtNs(min)}` : ''}`,
});

export const exponential = (mean: number, min = 0): Distribution => ({
  sample(r) {
    let u = r.next();
    while (u === 0) u = r.next();
    return min - mean * Math.log(u);
  },
  describe: () => `${fmtNs(min)} + exponential mean ${fmtNs(mean)}`,
});

/** Entry and response latencies drawn independently from distributions. */
export class RandomLatency implements LatencyModel {
  private readonly rng: Rng;
  constructor(
    private readonly entryDist: Distribution,
    private readonly responseDist: Distribution,
    readonly seed = 1,
  ) {
    this.rng = new Rng(seed);
  }
  entry(_ts: number): number {
    return Math.max(0, Math.round(this.entryDist.sample(this.rng)));
  }
  response(_ts: number): number {
    return Math.max(0, Math.round(this.responseDist.sample(this.rng)));
  }
  describe(): string {
    return `random entry ${this.entryDist.describe()}, response ${this.responseDist.describe()}, seed ${this.seed}`;
  }
}

/** Recorded order round trips: request sent (local), processed by the venue, answer received (local). */
export interface LatencyRecords {
  reqTs: Float64Array;
  exchTs: Float64Array;
  respTs: Float64Array;
}

/**
 * Latency interpolated from recorded order round trips (hftbacktest's IntpOrderLatency): entry at
 * time t interpolates `exch − req` over request times, response interpolates `resp − exch` over
 * venue times; flat beyond the first and last record.
 */
export class InterpolatedLatency implements LatencyModel {
  private readonly eT: Float64Array;
  private readonly eV: Float64Array;
  private readonly rT: Float64Array;
  private readonly rV: Float64Array;
  private ei = 0;
  private ri = 0;

  constructor(
    rec: LatencyRecords,
    private readonly source = 'records',
  ) {
    const n = rec.reqTs.length;
    if (n === 0) throw new UsageError(`${source}: no latency records`);
    const byReq = order(rec.reqTs);
    const byExch = order(rec.exchTs);
    this.eT = new Float64Array(n);
    this.eV = new Float64Array(n);
    this.rT = new Float64Array(n);
    this.rV = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const i = byReq[k];
      this.eT[k] = rec.reqTs[i];
      this.eV[k] = rec.exchTs[i] - rec.reqTs[i];
      const j = byExch[k];
      this.rT[k] = rec.exchTs[j];
      this.rV[k] = rec.respTs[j] - rec.exchTs[j];
    }
  }

  entry(ts: number): number {
    this.ei = seek(this.eT, ts, this.ei);
    return Math.round(interp(this.eT, this.eV, ts, this.ei));
  }

  response(ts: number): number {
    this.ri = seek(this.rT, ts, this.ri);
    return Math.round(interp(this.rT, this.rV, ts, this.ri));
  }

  describe(): string {
    const n = this.eT.length;
    let se = 0;
    let sr = 0;
    for (let i = 0; i < n; i++) (se += this.eV[i]), (sr += this.rV[i]);
    return `interpolated from ${n} recorded orders (${this.source}; mean entry ${fmtNs(se / n)}, response ${fmtNs(sr / n)})`;
  }
}

function order(a: Float64Array): Int32Array {
  const idx = new Int32Array(a.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((x, y) => a[x] - a[y] || x - y);
}

/** Index i with t[i] <= ts < t[i+1] (clamped), starting from a hint (queries mostly move forward). */
function seek(t: Float64Array, ts: number, hint: number): number {
  const n = t.length;
  let i = hint < n ? hint : n - 1;
  if (t[i] > ts) {
    // binary search from the start
    let lo = 0;
    let hi = i;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t[mid] <= ts) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  while (i + 1 < n && t[i + 1] <= ts) i++;
  return i;
}

function interp(t: Float64Array, v: Float64Array, ts: number, i: number): number {
  if (ts <= t[0]) return v[0];
  if (i + 1 >= t.length) return v[t.length - 1];
  const t0 = t[i];
  const t1 = t[i + 1];
  if (t1 === t0) return v[i + 1];
  return v[i] + ((v[i + 1] - v[i]) * (ts - t0)) / (t1 - t0);
}

/**
 * Recorded order latencies from text: CSV with a header naming `req_ts`, `exch_ts`, `resp_ts`
 * (integer ns, any column order, other columns ignored) or JSON lines with those keys.
 */
export function parseLatencyRecords(text: string, file: string): LatencyRecords {
  const lines = text.split(/\r?\n/);
  const req: number[] = [];
  const exch: number[] = [];
  const resp: number[] = [];
  const check = (r: number, e: number, s: number, line: number) => {
    for (const [v, f] of [
      [r, 'req_ts'],
      [e, 'exch_ts'],
      [s, 'resp_ts'],
    ] as const) {
      if (!Number.isFinite(v) || v <= 0) throw new InputError(`expected a positive integer ns timestamp`, { file, line, field: f });
    }
    if (e < r) throw new InputError(`exch_ts ${e} is before req_ts ${r}`, { file, line, field: 'exch_ts' });
    if (s < e) throw new InputError(`resp_ts ${s} is before exch_ts ${e}`, { file, line, field: 'resp_ts' });
    req.push(r);
    exch.push(e);
    resp.push(s);
  };
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  if (first === lines.length) throw new InputError('empty latency file', { file });
  if (lines[first].trimStart().startsWith('{')) {
    for (let i = first; i < lines.length; i++) {
      const l = lines[i].trim();
      if (l === '') continue;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(l) as Record<string, unknown>;
      } catch (e) {
        throw new InputError(`bad JSON: ${(e as Error).message}`, { file, line: i + 1 });
      }
      check(Number(o.req_ts), Number(o.exch_ts), Number(o.resp_ts), i + 1);
    }
  } else {
    const head = lines[first].split(',').map((h) => h.trim());
    const ci = ['req_ts', 'exch_ts', 'resp_ts'].map((n) => head.indexOf(n));
    if (ci.some((c) => c < 0)) throw new InputError(`CSV header must name req_ts, exch_ts, resp_ts; got ${JSON.stringify(lines[first])}`, { file, line: first + 1 });
    for (let i = first + 1; i < lines.length; i++) {
      const l = lines[i].trim();
      if (l === '') continue;
      const f = l.split(',');
      check(Number(f[ci[0]]), Number(f[ci[1]]), Number(f[ci[2]]), i + 1);
    }
  }
  if (req.length === 0) throw new InputError('no latency records', { file });
  return { reqTs: Float64Array.from(req), exchTs: Float64Array.from(exch), respTs: Float64Array.from(resp) };
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, min: 60e9, h: 3600e9 };

/** "5ms", "250us", "1.5s", "0" → ns. */
export function parseDuration(s: string, what = 'duration'): number {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|min|h)?\s*$/.exec(s);
  if (!m || (m[2] === undefined && Number(m[1]) !== 0)) throw new UsageError(`${what}: expected a duration like 5ms, 250us, 1.5s; got ${JSON.stringify(s)}`);
  const v = Number(m[1]) * (m[2] ? UNITS[m[2]] : 1);
  return Math.round(v);
}

export function fmtNs(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 1e9) return `${+(ns / 1e9).toFixed(3)}s`;
  if (a >= 1e6) return `${+(ns / 1e6).toFixed(3)}ms`;
  if (a >= 1e3) return `${+(ns / 1e3).toFixed(3)}us`;
  return `${Math.round(ns)}ns`;
}

/** `kind:k=v,k=v` → kind and params (a bare value after the colon is param `_`). */
export function splitSpec(spec: string, what: string): { kind: string; params: Map<string, string> } {
  const colon = spec.indexOf(':');
  const kind = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const params = new Map<string, string>();
  if (colon >= 0) {
    for (const kv of spec.slice(colon + 1).split(',')) {
      const t = kv.trim();
      if (t === '') continue;
      const eq = t.indexOf('=');
      if (eq < 0) {
        if (params.has('_')) throw new UsageError(`${what}: cannot read ${JSON.stringify(t)} in ${JSON.stringify(spec)}`);
        params.set('_', t);
      } else params.set(t.slice(0, eq).trim(), t.slice(eq + 1).trim());
    }
  }
  return { kind, params };
}

function take(p: Map<string, string>, key: string, what: string, def?: string): string {
  const v = p.get(key) ?? def;
  if (v === undefined) throw new UsageError(`${what}: missing ${key}=`);
  p.delete(key);
  return v;
}

function done(p: Map<string, string>, what: string): void {
  if (p.size > 0) throw new UsageError(`${what}: unknown parameter(s) ${[...p.keys()].join(', ')}`);
}

function distribution(kind: string, p: Map<string, string>, what: string): Distribution {
  const d = (k: string, def?: string) => parseDuration(take(p, k, what, def), `${what} ${k}`);
  switch (kind) {
    case 'uniform':
      return uniform(d('min'), d('max'));
    case 'normal':
      return normal(d('mean'), d('sd'), d('min', '0'));
    case 'lognormal': {
      const median = d('median');
      const sigma = Number(take(p, 'sigma', what));
      if (!(sigma >= 0)) throw new UsageError(`${what}: sigma must be a number >= 0`);
      return lognormal(median, sigma, d('min', '0'));
    }
    case 'exponential':
      return exponential(d('mean'), d('min', '0'));
    default:
      throw new UsageError(`${what}: unknown latency kind ${JSON.stringify(kind)} (constant, uniform, normal, lognormal, exponential, file)`);
  }
}

/**
 * Parses a latency spec:
 *   `constant:5ms` (entry and response) or `constant:entry=3ms,response=2ms`
 *   `uniform:min=1ms,max=9ms`  `normal:mean=5ms,sd=1ms`  `lognormal:median=5ms,sigma=0.4`
 *   `exponential:mean=2ms,min=1ms` — random models take `seed=N` (default 1)
 *   `file:<path>` — interpolated from recorded order latencies (`records` must be given: the
 *   caller reads the file; this module does no I/O).
 */
export function parseLatencySpec(spec: string, what = '--latency', records?: (path: string) => LatencyRecords): LatencyModel {
  if (spec.startsWith('file:')) {
    const path = spec.slice(5);
    if (!records) throw new UsageError(`${what}: file latencies need a reader`);
    return new InterpolatedLatency(records(path), path);
  }
  const { kind, params: p } = splitSpec(spec, what);
  if (kind === 'constant') {
    if (p.has('_')) {
      const v = parseDuration(take(p, '_', what), what);
      done(p, what);
      return new ConstantLatency(v, v);
    }
    const e = parseDuration(take(p, 'entry', what), `${what} entry`);
    const r = parseDuration(take(p, 'response', what), `${what} response`);
    done(p, what);
    return new ConstantLatency(e, r);
  }
  const seed = Number(take(p, 'seed', what, '1'));
  if (!Number.isInteger(seed)) throw new UsageError(`${what}: seed must be an integer`);
  const dist = distribution(kind, p, what);
  done(p, what);
  return new RandomLatency(dist, dist, seed);
}
