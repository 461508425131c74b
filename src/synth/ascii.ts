import { formatScaled } from '../core/decimal.ts';

/**
 * A growable byte buffer for building ASCII frames without intermediate strings: integers and
 * scaled decimals are written digit by digit, constant pieces are copied from pre-encoded bytes.
 * The output of `scaled(v, d, 10 ** d)` is exactly `formatScaled(v, d)` of src/core/decimal.ts for
 * non-negative safe integers (fixed `d` decimals, `0.` before a small fraction).
 */
export class AsciiBuffer {
  buf: Buffer;
  pos = 0;

  constructor(size = 1 << 14) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  byte(c: number): void {
    if (this.pos >= this.buf.length) this.room(1);
    this.buf[this.pos++] = c;
  }

  /** Pre-encoded bytes (short constants: a plain loop beats a native copy call). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.pos + n > this.buf.length) this.room(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = bytes[i];
    this.pos = p;
  }

  /** A latin1 string (rare pieces only: this goes through a native call). */
  text(s: string): void {
    this.room(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  /** A non-negative safe integer in decimal. */
  uint(n: number): void {
    if (this.pos + 20 > this.buf.length) this.room(20);
    if (n < 2147483648) {
      this.pos = writeSmall(this.buf, this.pos, n);
      return;
    }
    const hi = Math.floor(n / 1e9);
    const p = writeSmall(this.buf, this.pos, hi); // hi < 2^53 / 1e9 < 2^31
    this.pos = writePadded(this.buf, p, n - hi * 1e9, 9);
  }

  /** A non-negative scaled integer `v` as a decimal with exactly `decimals` digits after the point. */
  scaled(v: number, decimals: number, pow: number): void {
    if (decimals === 0) return this.uint(v);
    if (decimals > 9) return this.text(formatScaled(v, decimals)); // the fraction would not fit int32 digit math
    const ip = Math.floor(v / pow);
    this.uint(ip);
    if (this.pos + decimals + 1 > this.buf.length) this.room(decimals + 1);
    this.buf[this.pos++] = 46; // '.'
    this.pos = writePadded(this.buf, this.pos, v - ip * pow, decimals);
  }
}

/** Writes 0 ≤ n < 2^31; returns the new position. */
function writeSmall(b: Buffer, p: number, n: number): number {
  let len = 1;
  for (let x = n; x >= 10; x = (x / 10) | 0) len++;
  let q = p + len;
  const end = q;
  do {
    const d = (n / 10) | 0;
    b[--q] = 48 + n - d * 10;
    n = d;
  } while (n > 0);
  return end;
}

/** Writes 0 ≤ n < 10^width (n < 2^31) zero-padded to `width` digits. */
function writePadded(b: Buffer, p: number, n: number, width: number): number {
  for (let q = p + width - 1; q >= p; q--) {
    const d = (n / 10) | 0;
    b[q] = 48 + n - d * 10;
    n = d;
  }
  return p + width;
}

/** Latin1 bytes of a constant. */
export function ascii(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}
