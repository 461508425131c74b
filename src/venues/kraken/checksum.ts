import * as zlib from 'node:zlib';
import type { BookView } from '../../core/book-view.ts';
import { formatScaled, POW10, toScaled } from '../../core/decimal.ts';

/**
 * Kraken's book checksum (v1 and v2): CRC32 of the top 10 asks (best first) then the top 10 bids,
 * each level written as price then size with the '.' removed and leading zeros stripped. v1 uses
 * the strings as sent (fixed decimals per pair); v2 formats its JSON numbers at the instrument's
 * price/qty precision.
 */

export const CHECKSUM_LEVELS = 10;

type Crc32 = (data: Uint8Array, value?: number) => number;
/** node:zlib `crc32` exists from Node 20.15 / 22.2; older runtimes use the table below. */
const nativeCrc32 = (zlib as { crc32?: Crc32 }).crc32;

let table: Uint32Array | undefined;
function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** Table-driven CRC32 (IEEE), uint32. Exported for tests; `crc32` prefers node:zlib. */
export function crc32Table(data: Uint8Array, len = data.length): number {
  const t = crcTable();
  let c = 0xffffffff;
  for (let i = 0; i < len; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC32 (IEEE) of the first `len` bytes, uint32. */
export function crc32(data: Uint8Array, len = data.length): number {
  if (nativeCrc32 !== undefined) return nativeCrc32(len === data.length ? data : data.subarray(0, len)) >>> 0;
  return crc32Table(data, len);
}

/** "0.05000" → "5000": the '.' removed, then leading zeros. */
export function checksumField(s: string): string {
  let out = '';
  let lead = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) continue;
    if (lead && c === 48 /* 0 */) continue;
    lead = false;
    out += s[i];
  }
  return out;
}

export type StringLevel = readonly [price: string, size: string];

/** The string Kraken feeds to CRC32, from best-first string levels (as sent, or formatted at precision). */
export function krakenChecksumString(bids: readonly StringLevel[], asks: readonly StringLevel[]): string {
  let s = '';
  const na = Math.min(asks.length, CHECKSUM_LEVELS);
  for (let i = 0; i < na; i++) s += checksumField(asks[i][0]) + checksumField(asks[i][1]);
  const nb = Math.min(bids.length, CHECKSUM_LEVELS);
  for (let i = 0; i < nb; i++) s += checksumField(bids[i][0]) + checksumField(bids[i][1]);
  return s;
}

/** Kraken's checksum (uint32) of best-first string levels. */
export function krakenChecksum(bids: readonly StringLevel[], asks: readonly StringLevel[]): number {
  return crc32(Buffer.from(krakenChecksumString(bids, asks), 'latin1'));
}

/** A v2 JSON number written at a fixed precision ("62627.0", "0.00005100"), exactly (no float arithmetic). */
export function formatAtPrecision(x: number, decimals: number): string {
  return formatScaled(toScaled(x, decimals), decimals);
}

// Scratch buffer for the book checksum: 40 numbers of at most ~40 digits each.
const BUF = new Uint8Array(4096);

/**
 * Writes the checksum digits of scaled integer `v` (held at `have` decimals) as the venue writes it
 * at `want` decimals: the integer's digits (leading zeros are gone by construction) and, when the
 * venue writes more decimals than the book holds, that many trailing zeros. Returns the new
 * position, or -1 if `v` has non-zero digits beyond `want` decimals.
 */
function put(v: number, have: number, want: number, pos: number): number {
  if (want < have) {
    const div = POW10[have - want];
    if (v % div !== 0) return -1;
    v /= div;
  }
  if (v > 0) {
    let digits = 1;
    while (digits < 22 && v >= POW10[digits]) digits++;
    let end = pos + digits;
    for (let i = end - 1; i >= pos; i--) {
      const q = Math.floor(v / 10);
      BUF[i] = 48 + (v - q * 10);
      v = q;
    }
    pos = end;
    if (want > have) {
      end = pos + (want - have);
      for (; pos < end; pos++) BUF[pos] = 48;
    }
  }
  return pos;
}

/**
 * Kraken's checksum of a book whose venue writes prices with `priceDecimals` and sizes with
 * `sizeDecimals` decimals (v1: as sent; v2: the instrument precision). Returns -1 (never a uint32)
 * when a value does not fit those decimals, so the comparison fails instead of throwing.
 */
export function bookChecksum(book: BookView, priceDecimals: number, sizeDecimals: number): number {
  const pd = book.priceDecimals;
  const sd = book.sizeDecimals;
  let pos = 0;
  const na = Math.min(book.askCount(), CHECKSUM_LEVELS);
  for (let i = 0; i < na && pos >= 0; i++) {
    pos = put(book.askPrice(i), pd, priceDecimals, pos);
    if (pos >= 0) pos = put(book.askSize(i), sd, sizeDecimals, pos);
  }
  const nb = Math.min(book.bidCount(), CHECKSUM_LEVELS);
  for (let i = 0; i < nb && pos >= 0; i++) {
    pos = put(book.bidPrice(i), pd, priceDecimals, pos);
    if (pos >= 0) pos = put(book.bidSize(i), sd, sizeDecimals, pos);
  }
  return pos < 0 ? -1 : crc32(BUF, pos);
}
