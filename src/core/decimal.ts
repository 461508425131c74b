/**
 * Exact decimal strings <-> scaled integers. Venue prices and sizes arrive as decimal strings
 * ("61737.63000000"); parsing them through a float and back drifts, so they are read digit by
 * digit into an integer mantissa and a count of decimals. A `Scale` holds the decimals an
 * instrument needs; it grows (never shrinks) when a value with more decimals arrives, and callers
 * rescale what they already hold (a rare event, typically within the first messages).
 */

/** Where the last parse stopped (the closing quote's index for `toIntAt`). */
export function parseStop(): number {
  return stop;
}

/** Largest integer a float64 holds exactly. Scaled values must stay below it. */
export const MAX_EXACT = Number.MAX_SAFE_INTEGER;
export const POW10: Float64Array = (() => {
  const p = new Float64Array(23);
  for (let i = 0; i < p.length; i++) p[i] = 10 ** i;
  return p;
})();

export class DecimalError extends Error {
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(message);
    this.name = 'DecimalError';
  }
}

// Results of the last parseDecimal call (module-level to avoid allocating per value).
let mant = 0;
let frac = 0;
let wire = 0;
/** Index where the last parse stopped (end of input, or a closing quote). */
let stop = 0;

function bad(s: string, start: number, end: number, what = 'not a decimal number'): DecimalError {
  let e = start;
  while (e < end && s.charCodeAt(e) !== 34) e++;
  const text = s.slice(start, e);
  return new DecimalError(`${what}: ${JSON.stringify(text)}`, text);
}

/**
 * Parses a decimal string into `mant / 10^frac` with trailing fractional zeros dropped, and
 * `wire` = decimals as written (trailing zeros included). Accepts an optional sign, an optional
 * fraction and an optional exponent. Parsing stops at `end` or at a double quote (so scanners can
 * parse a JSON string value in place); `stop` is where. Throws DecimalError on anything else or
 * on a mantissa beyond 2^53.
 */
function parseDecimal(s: string, start = 0, end = s.length): void {
  const len = end;
  let i = start;
  let neg = false;
  let c = len > start ? s.charCodeAt(start) : 0;
  if (c === 45 /* - */ || c === 43 /* + */) {
    neg = c === 45;
    i = start + 1;
  }
  let n = 0;
  let digits = 0;
  let f = 0; // fractional digits kept in n
  let w = 0; // fractional digits as written
  // integer part
  for (; i < len; i++) {
    c = s.charCodeAt(i);
    const d = c - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
    digits++;
  }
  if (i < len && c === 46 /* . */) {
    i++;
    let pendingZeros = 0;
    for (; i < len; i++) {
      c = s.charCodeAt(i);
      const d = c - 48;
      if (d < 0 || d > 9) break;
      w++;
      if (d === 0) {
        pendingZeros++;
        continue;
      }
      if (pendingZeros > 0) {
        n *= POW10[pendingZeros];
        f += pendingZeros;
        pendingZeros = 0;
      }
      n = n * 10 + d;
      f++;
    }
    digits += w;
  }
  if (digits === 0) throw bad(s, start, end);
  if (i < len && c !== 34 && c !== 101 && c !== 69) throw bad(s, start, end);
  if (i < len && c !== 34) {
    // exponent part
    i++;
    let eneg = false;
    c = s.charCodeAt(i);
    if (c === 45 || c === 43) {
      eneg = c === 45;
      i++;
    }
    let e = 0;
    let edigits = 0;
    for (; i < len; i++) {
      c = s.charCodeAt(i);
      if (c === 34) break;
      if (c < 48 || c > 57) throw bad(s, start, end);
      e = e * 10 + (c - 48);
      edigits++;
    }
    if (edigits === 0 || e > 30) throw bad(s, start, end, 'bad exponent');
    if (eneg) {
      f += e;
      w += e;
    } else {
      f -= e;
      w = Math.max(0, w - e);
      if (f < 0) {
        n *= POW10[-f];
        f = 0;
      }
    }
  }
  if (n > MAX_EXACT) throw bad(s, start, end, 'too many significant digits to hold exactly');
  stop = i;
  mant = neg ? -n : n;
  frac = f;
  wire = w;
}

/** The decimals an instrument's prices (or sizes) are scaled by. Grows as needed, never shrinks. */
export class Scale {
  decimals: number;
  /** Most decimals seen as written by the venue (trailing zeros included), for checksum strings. */
  wireDecimals: number;
  /** Set when the last `toInt` grew `decimals`; the caller rescales values it holds. */
  grew = 0;

  constructor(decimals = 0, wireDecimals = decimals) {
    this.decimals = decimals;
    this.wireDecimals = wireDecimals;
  }

  /** Exact scaled integer of a decimal string (or a JSON number) at this scale. */
  toInt(s: string | number): number {
    parseDecimal(typeof s === 'string' ? s : numberToString(s));
    return this.scaled(s);
  }

  /** As `toInt`, for the characters [start, end) of `s` (no substring allocated). */
  toIntRange(s: string, start: number, end: number): number {
    parseDecimal(s, start, end);
    return this.scaled(s);
  }

  /** As `toInt`, for a JSON string value whose first character is at `start`: stops at the closing quote (see `parseStop`). */
  toIntAt(s: string, start: number): number {
    parseDecimal(s, start, s.length);
    return this.scaled(s);
  }

  private scaled(s: string | number): number {
    if (wire > this.wireDecimals) this.wireDecimals = wire;
    this.grew = 0;
    let d = this.decimals;
    if (frac > d) {
      this.grew = frac - d;
      this.decimals = d = frac;
    }
    const v = frac === d ? mant : mant * POW10[d - frac];
    if (v > MAX_EXACT || v < -MAX_EXACT) {
      const text = typeof s === 'string' && s.length > 40 ? `${mant}e-${frac}` : String(s);
      throw new DecimalError(`value ${JSON.stringify(text)} exceeds exact range at ${d} decimals`, text);
    }
    return v;
  }
}

/** Shortest exact string of a JSON number (JS `String()` round-trips; exponents handled by the parser). */
function numberToString(x: number): string {
  if (!Number.isFinite(x)) throw new DecimalError(`not a finite number: ${x}`, String(x));
  return String(x);
}

/** Parses a decimal string at a fixed number of decimals; throws if it needs more. */
export function toScaled(s: string | number, decimals: number): number {
  parseDecimal(typeof s === 'string' ? s : numberToString(s));
  if (frac > decimals) {
    throw new DecimalError(`${JSON.stringify(String(s))} has more than ${decimals} decimals`, String(s));
  }
  const v = mant * POW10[decimals - frac];
  if (v > MAX_EXACT || v < -MAX_EXACT) throw new DecimalError(`value ${JSON.stringify(String(s))} exceeds exact range`, String(s));
  return v;
}

/** Decimals a string needs (trailing zeros dropped). */
export function decimalsOf(s: string | number): number {
  parseDecimal(typeof s === 'string' ? s : numberToString(s));
  return frac;
}

/** Exact decimal string of `v / 10^decimals`, printed with exactly `outDecimals` decimals (default: `decimals`). */
export function formatScaled(v: number, decimals: number, outDecimals = decimals): string {
  if (!Number.isSafeInteger(v)) throw new DecimalError(`not an exact scaled integer: ${v}`, String(v));
  if (outDecimals > decimals) {
    v *= POW10[outDecimals - decimals];
    decimals = outDecimals;
    if (!Number.isSafeInteger(v)) throw new DecimalError(`value too large to print at ${outDecimals} decimals`, String(v));
  } else if (outDecimals < decimals) {
    const div = POW10[decimals - outDecimals];
    if (v % div !== 0) throw new DecimalError(`value ${v}e-${decimals} does not fit ${outDecimals} decimals`, String(v));
    v /= div;
    decimals = outDecimals;
  }
  const neg = v < 0;
  let digits = String(neg ? -v : v);
  if (decimals === 0) return neg ? '-' + digits : digits;
  if (digits.length <= decimals) digits = '0'.repeat(decimals - digits.length + 1) + digits;
  const cut = digits.length - decimals;
  return (neg ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut);
}

/** Rescales a scaled integer from one number of decimals to a larger one. */
export function rescale(v: number, from: number, to: number): number {
  return to === from ? v : v * POW10[to - from];
}
