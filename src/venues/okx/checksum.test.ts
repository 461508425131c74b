import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { L2Book } from '../../book/l2book.ts';
import type { BookChange } from '../../core/events.ts';
import { dataPath } from '../../../test/helpers/data.ts';
import { okxBookChecksum, okxChecksum, okxChecksumString, okxNumber, tableCrc32 } from './checksum.ts';

interface Vector {
  exchange: string;
  symbol: string;
  checksum_string: string;
  expected_checksum: number;
}

/** The checksum string interleaves bid and ask levels; with 25 of each it splits back into groups of four. */
function levelsOf(s: string): { bids: [string, string][]; asks: [string, string][] } {
  const f = s.split(':');
  assert.equal(f.length % 4, 0);
  const bids: [string, string][] = [];
  const asks: [string, string][] = [];
  for (let i = 0; i < f.length; i += 4) {
    bids.push([f[i], f[i + 1]]);
    asks.push([f[i + 2], f[i + 3]]);
  }
  return { bids, asks };
}

test('the 9 OKX checksum vectors rebuilt from real messages: string and signed CRC32 exact', (t) => {
  const p = dataPath(t, 'checksums/checksum_vectors.jsonl');
  if (!p) return;
  const vectors = readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Vector)
    .filter((v) => v.exchange === 'okx');
  assert.equal(vectors.length, 9);
  let negatives = 0;
  for (const v of vectors) {
    const { bids, asks } = levelsOf(v.checksum_string);
    assert.equal(bids.length, 25);
    assert.equal(okxChecksumString(bids, asks), v.checksum_string);
    assert.equal(okxChecksum(bids, asks), v.expected_checksum, v.symbol);
    assert.equal(tableCrc32(v.checksum_string) | 0, v.expected_checksum);
    if (v.expected_checksum < 0) negatives++;
  }
  assert.equal(negatives, 3); // the signed reading matters
});

test('a side that runs out is skipped in the interleaving (OKX docs example)', () => {
  assert.equal(okxChecksumString([['3366.1', '7']], [['3366.8', '9'], ['3368', '8']]), '3366.1:7:3366.8:9:3368:8');
  assert.equal(okxChecksumString([], [['1', '2']]), '1:2');
  assert.equal(okxChecksum([['3366.1', '7']], [['3366.8', '9'], ['3368', '8']]), zlib.crc32('3366.1:7:3366.8:9:3368:8') | 0);
});

test('only the top 25 levels per side count', () => {
  const bids: [string, string][] = Array.from({ length: 30 }, (_, i) => [String(100 - i), '1']);
  const asks: [string, string][] = Array.from({ length: 30 }, (_, i) => [String(101 + i), '2']);
  assert.equal(okxChecksumString(bids, asks), okxChecksumString(bids.slice(0, 25), asks.slice(0, 25)));
  assert.equal(okxChecksumString(bids, asks).split(':').length, 100);
});

test('table CRC32 equals zlib.crc32', () => {
  for (const s of ['', 'a', '30233.6:3:30238.8:2', '123456789']) assert.equal(tableCrc32(s), zlib.crc32(s));
  assert.equal(tableCrc32('123456789'), 0xcbf43926);
});

test('okxNumber writes the shortest exact decimal, whatever the scale', () => {
  assert.equal(okxNumber(303160, 1), '30316');
  assert.equal(okxNumber(30316000000, 6), '30316');
  assert.equal(okxNumber(12029, 7), '0.0012029');
  assert.equal(okxNumber(120290, 8), '0.0012029');
  assert.equal(okxNumber(5140, 3), '5.14');
  assert.equal(okxNumber(0, 8), '0');
  assert.equal(okxNumber(7, 0), '7');
});

test('book checksum from scaled integers equals the checksum of the strings OKX sent', () => {
  const bids: [string, string][] = [['30243.4', '0.0012029'], ['30236.6', '0.007903'], ['30230', '1']];
  const asks: [string, string][] = [['30243.5', '1.44679'], ['30244', '0.08']];
  // Book held at more decimals than any string needs (a scale grown by another instrument message).
  const pd = 3;
  const sd = 9;
  const flat: number[] = [];
  for (const [p, s] of [...bids, ...asks]) flat.push(Math.round(Number(p) * 10 ** pd), Math.round(Number(s) * 10 ** sd));
  const ev: BookChange = {
    type: 'book_change', venue: 'okx', symbol: 'X', exchTs: 0, localTs: 0, isSnapshot: true, nBids: 3, nAsks: 2,
    levels: Float64Array.from(flat), priceDecimals: pd, sizeDecimals: sd, seq: NaN, firstSeq: NaN, prevSeq: NaN, checksum: NaN, depth: 0,
  };
  const book = new L2Book();
  book.apply(ev);
  assert.equal(okxBookChecksum(book), okxChecksum(bids, asks));
});
