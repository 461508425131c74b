import zlib from 'node:zlib';
import type { BookView } from '../../core/book-view.ts';

/**
 * OKX order book checksum: the top 25 levels interleaved best-first as
 * "bidPx:bidSz:askPx:askSz:..." (a side that runs out is simply skipped), CRC32, read as a signed
 * 32-bit integer, which is what OKX sends.
 */

const TOP = 25;

/** Table CRC32 (IEEE), for Node versions before zlib.crc32 (added in 20.15). Strings are ASCII here. */
const TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export function tableCrc32(s: string): number {
  let c = -1;
  for (let i = 0; i < s.length; i++) c = TABLE[(c ^ s.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const crc32: (s: string) => number = typeof zlib.crc32 === 'function' ? (s) => zlib.crc32(s) : tableCrc32;

/** Signed CRC32 of the checksum string, as OKX sends it. */
export function okxCrc(s: string): number {
  return crc32(s) | 0;
}

/** The string OKX feeds to CRC32, from best-first [price, size] strings as OKX wrote them. */
export function okxChecksumString(bids: readonly (readonly [string, string])[], asks: readonly (readonly [string, string])[]): string {
  let s = '';
  for (let i = 0; i < TOP; i++) {
    if (i < bids.length) s += (s.length > 0 ? ':' : '') + bids[i][0] + ':' + bids[i][1];
    if (i < asks.length) s += (s.length > 0 ? ':' : '') + asks[i][0] + ':' + asks[i][1];
  }
  return s;
}

/** OKX checksum (signed 32-bit) of best-first string levels. */
export function okxChecksum(bids: [string, string][], asks: [string, string][]): number {
  return okxCrc(okxChecksumString(bids, asks));
}

/**
 * A scaled integer written the way OKX writes numbers: shortest exact decimal, no trailing
 * fractional zeros, no trailing point ("30316", "0.0012029"). Measured: of 16,528 level strings in
 * the OKX captures none carries a trailing zero, so this reproduces every string OKX sent without
 * keeping the strings.
 */
export function okxNumber(v: number, decimals: number): string {
  while (decimals > 0 && v % 10 === 0) {
    v /= 10;
    decimals--;
  }
  if (decimals === 0) return String(v);
  let digits = String(v);
  if (digits.length <= decimals) digits = '0'.repeat(decimals - digits.length + 1) + digits;
  const cut = digits.length - decimals;
  return digits.slice(0, cut) + '.' + digits.slice(cut);
}

/** OKX checksum of a book (signed 32-bit), rebuilt from its scaled integers. */
export function okxBookChecksum(book: BookView): number {
  const pd = book.priceDecimals;
  const sd = book.sizeDecimals;
  const nb = Math.min(book.bidCount(), TOP);
  const na = Math.min(book.askCount(), TOP);
  let s = '';
  for (let i = 0; i < TOP; i++) {
    if (i < nb) s += (s.length > 0 ? ':' : '') + okxNumber(book.bidPrice(i), pd) + ':' + okxNumber(book.bidSize(i), sd);
    if (i < na) s += (s.length > 0 ? ':' : '') + okxNumber(book.askPrice(i), pd) + ':' + okxNumber(book.askSize(i), sd);
  }
  return okxCrc(s);
}
