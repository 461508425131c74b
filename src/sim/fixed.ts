/**
 * Exact decimal amounts for the ledger: a bigint mantissa and a count of decimals
 * (`v / 10^d`). Cash, fees, funding and P&L are sums of products of exact prices, sizes and
 * rates; float64 would drift and scaled integers can pass 2^53, so the ledger adds in bigints.
 * It runs once per fill, never per market event.
 */
export class Fixed {
  constructor(
    readonly v: bigint,
    readonly d: number,
  ) {}

  static readonly ZERO = new Fixed(0n, 0);

  /** From a scaled integer held exactly in a float64. */
  static of(scaled: number, d: number): Fixed {
    return new Fixed(BigInt(scaled), d);
  }

  /** A decimal string ("0.0002", "-1.5e-4") or finite number (its shortest round-trip text), exactly. */
  static parse(s: string | number): Fixed {
    const text = typeof s === 'number' ? numberText(s) : s.trim();
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`not a decimal number: ${JSON.stringify(String(s))}`);
    const frac = m[3] ?? '';
    let d = frac.length - Number(m[4] ?? 0);
    let v = BigInt((m[2] || '0') + frac);
    if (d < 0) {
      v *= 10n ** BigInt(-d);
      d = 0;
    }
    return new Fixed(m[1] === '-' ? -v : v, d).trim();
  }

  /** The same value with `d` decimals (d must not be below what the value needs). */
  at(d: number): bigint {
    if (d === this.d) return this.v;
    if (d > this.d) return this.v * 10n ** BigInt(d - this.d);
    const f = 10n ** BigInt(this.d - d);
    if (this.v % f !== 0n) throw new Error(`Fixed.at: ${this.toString()} needs more than ${d} decimals`);
    return this.v / f;
  }

  add(o: Fixed): Fixed {
    const d = Math.max(this.d, o.d);
    return new Fixed(this.at(d) + o.at(d), d);
  }

  sub(o: Fixed): Fixed {
    const d = Math.max(this.d, o.d);
    return new Fixed(this.at(d) - o.at(d), d);
  }

  mul(o: Fixed): Fixed {
    return new Fixed(this.v * o.v, this.d + o.d);
  }

  neg(): Fixed {
    return new Fixed(-this.v, this.d);
  }

  sign(): number {
    return this.v > 0n ? 1 : this.v < 0n ? -1 : 0;
  }

  cmp(o: Fixed): number {
    const d = Math.max(this.d, o.d);
    const a = this.at(d);
    const b = o.at(d);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  eq(o: Fixed): boolean {
    return this.cmp(o) === 0;
  }

  /** Drops trailing zero decimals (canonical form: equal values print the same). */
  trim(): Fixed {
    let v = this.v;
    let d = this.d;
    while (d > 0 && v % 10n === 0n) {
      v /= 10n;
      d--;
    }
    return d === this.d ? this : new Fixed(v, d);
  }

  /** Nearest float (display, reports). */
  toNumber(): number {
    if (this.d === 0) return Number(this.v);
    // split to keep precision for large mantissas
    const f = 10n ** BigInt(this.d);
    const q = this.v / f;
    const r = this.v % f;
    return Number(q) + Number(r) / Number(f);
  }

  /** Exact decimal text ("-12.5", "0.00021"). */
  toString(): string {
    const t = this.trim();
    const neg = t.v < 0n;
    let s = (neg ? -t.v : t.v).toString();
    if (t.d > 0) {
      if (s.length <= t.d) s = '0'.repeat(t.d - s.length + 1) + s;
      s = s.slice(0, s.length - t.d) + '.' + s.slice(s.length - t.d);
    }
    return neg ? '-' + s : s;
  }
}

/** Shortest round-trip text of a finite float, without exponent surprises for Fixed.parse. */
function numberText(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return String(x);
}

/** A running exact sum (avoids an allocation per add when decimals do not change). */
export class FixedSum {
  v = 0n;
  d = 0;

  add(x: Fixed): void {
    if (x.d > this.d) {
      this.v *= 10n ** BigInt(x.d - this.d);
      this.d = x.d;
    }
    this.v += x.d === this.d ? x.v : x.v * 10n ** BigInt(this.d - x.d);
  }

  /** Adds the product a·b of two scaled values (mantissas and decimals). */
  addProduct(a: bigint, ad: number, b: bigint, bd: number): void {
    const d = ad + bd;
    if (d > this.d) {
      this.v *= 10n ** BigInt(d - this.d);
      this.d = d;
    }
    const p = a * b;
    this.v += d === this.d ? p : p * 10n ** BigInt(this.d - d);
  }

  get value(): Fixed {
    return new Fixed(this.v, this.d);
  }
}
