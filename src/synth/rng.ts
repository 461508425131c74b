/**
 * Seedable pseudo-random numbers for the simulator.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), 128-bit state, period 2^128 − 1, 32-bit
 * outputs; it passes BigCrush and needs only 32-bit integer operations, which V8 runs natively
 * (Math.imul, >>>) — several times faster than 64-bit generators emulated with BigInt.
 * Seeding: the user's seed (any integer or string) is hashed with a stream name (e.g. the symbol)
 * through splitmix32 into the four state words, so every symbol draws from its own independent
 * stream and its output does not depend on which other symbols are simulated alongside it.
 *
 * `counterNormal(key, i)` is counter-based (a stateless hash of (key, i)): the common market
 * factor is read at arbitrary, possibly lagged, steps by every symbol without sharing state.
 */

/** 32-bit finalizer of MurmurHash3 (full avalanche). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a string, finalized: a stable 32-bit key for seeds and stream names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** A seed as given on the command line (integer or text) → 32-bit key. */
export function seedKey(seed: number | string): number {
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    return fmix32(lo ^ fmix32(hi + 0x9e3779b9));
  }
  return hashString(String(seed));
}

const INV32 = 1 / 4294967296;

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Second Box–Muller deviate, kept for the next call. */
  private spare = 0;
  private hasSpare = false;

  /** State from a 32-bit seed key and a stream name, expanded with splitmix32. */
  constructor(seed: number | string, stream = '') {
    let x = (seedKey(seed) ^ hashString(stream)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  /** A generator with the given raw state (test vectors; normal use seeds through the constructor). */
  static fromState(a: number, b: number, c: number, d: number): Rng {
    const r = new Rng(0);
    r.a = a >>> 0;
    r.b = b >>> 0;
    r.c = c >>> 0;
    r.d = d >>> 0;
    return r;
  }

  /** Next 32-bit output (unsigned). */
  nextU32(): number {
    const b = this.b;
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= b;
    this.b = b ^ this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() * INV32;
  }

  /** Uniform in (0, 1]: safe for log(). */
  uniformPos(): number {
    return (this.nextU32() + 1) * INV32;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Exponential with rate 1. */
  exp(): number {
    return -Math.log(this.uniformPos());
  }

  /** Standard normal (Marsaglia polar method; the second deviate is cached). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform in (0, 1) from a stateless hash of (key, i, lane). */
function counterUniform(key: number, i: number, lane: number): number {
  const lo = i >>> 0;
  const hi = Math.floor(i / 4294967296) | 0;
  let h = fmix32(key ^ Math.imul(lo, 0x9e3779b1));
  h = fmix32(h ^ Math.imul(hi + lane * 0x632be5ab, 0x85ebca77));
  h = fmix32(h + lane + 0x27d4eb2f);
  return (h + 0.5) * INV32;
}

/** Standard normal at integer step `i` (any sign) of the stream `key`: stateless, reproducible. */
export function counterNormal(key: number, i: number): number {
  const u1 = counterUniform(key, i, 1);
  const u2 = counterUniform(key, i, 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
