import { UsageError } from '../core/errors.ts';
import { Fixed } from '../sim/fixed.ts';
import { parseDuration } from '../sim/latency.ts';

/**
 * Strategy parameters from `key=value` pairs (the CLI's `--param`). Each getter consumes its key;
 * `done()` fails on keys nobody asked for, so a typo is an error, not a silently ignored setting.
 */
export class Params {
  private readonly left: Map<string, string>;

  constructor(
    readonly values: ReadonlyMap<string, string>,
    private readonly owner: string,
  ) {
    this.left = new Map(values);
  }

  static parse(pairs: string[], owner: string): Params {
    const m = new Map<string, string>();
    for (const p of pairs) {
      // commas separate pairs only before another key=, so lists (symbol=A,B) stay whole
      for (const kv of p.split(/,(?=\s*[A-Za-z_][\w.-]*=)/)) {
        const t = kv.trim();
        if (t === '') continue;
        const eq = t.indexOf('=');
        if (eq <= 0) throw new UsageError(`--param: expected key=value, got ${JSON.stringify(t)}`);
        m.set(t.slice(0, eq).trim(), t.slice(eq + 1).trim());
      }
    }
    return new Params(m, owner);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  str(key: string, def?: string): string {
    const v = this.values.get(key) ?? def;
    this.left.delete(key);
    if (v === undefined) throw new UsageError(`${this.owner}: missing parameter ${key}= (--param ${key}=...)`);
    return v;
  }

  opt(key: string): string | undefined {
    this.left.delete(key);
    return this.values.get(key);
  }

  num(key: string, def?: number): number {
    const raw = this.opt(key);
    if (raw === undefined) {
      if (def === undefined) throw new UsageError(`${this.owner}: missing parameter ${key}=`);
      return def;
    }
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new UsageError(`${this.owner}: ${key} must be a number, got ${JSON.stringify(raw)}`);
    return v;
  }

  /** Duration in ns ("5s", "250ms"). */
  dur(key: string, def: string): number {
    return parseDuration(this.str(key, def), `${this.owner} ${key}`);
  }

  /** An exact decimal (sizes, ticks). */
  decimal(key: string): Fixed | undefined {
    const raw = this.opt(key);
    if (raw === undefined) return undefined;
    try {
      return Fixed.parse(raw);
    } catch {
      throw new UsageError(`${this.owner}: ${key} must be a decimal number, got ${JSON.stringify(raw)}`);
    }
  }

  done(): void {
    if (this.left.size > 0) throw new UsageError(`${this.owner}: unknown parameter(s) ${[...this.left.keys()].join(', ')}`);
  }
}

/** `BTCUSDT,binance-usdm:ETHUSDT` → a matcher (empty list: every instrument). */
export function symbolFilter(list: string | undefined): (venue: string, symbol: string) => boolean {
  if (list === undefined || list.trim() === '') return () => true;
  const items = list.split(/[,\s]+/).filter((s) => s.length > 0);
  return (venue, symbol) => items.some((it) => (it.includes(':') ? it.toLowerCase() === `${venue}:${symbol}`.toLowerCase() : it.toLowerCase() === symbol.toLowerCase()));
}

/** `x · 10^d` as an integer, or NaN when x has more decimals than d. */
export function scaled(x: Fixed, d: number): number {
  if (x.d > d) {
    const t = x.trim();
    if (t.d > d) return NaN;
    return Number(t.at(d));
  }
  return Number(x.at(d));
}
