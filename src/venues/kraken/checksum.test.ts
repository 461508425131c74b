import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BookChange } from '../../core/events.ts';
import { L2Book } from '../../book/l2book.ts';
import { toScaled } from '../../core/decimal.ts';
import { bookChecksum, checksumField, crc32, crc32Table, formatAtPrecision, krakenChecksum, krakenChecksumString, type StringLevel } from './checksum.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');

test('crc32: node:zlib and the table agree on the standard check value', () => {
  assert.equal(crc32(bytes('123456789')), 0xcbf43926);
  assert.equal(crc32Table(bytes('123456789')), 0xcbf43926);
  assert.equal(crc32Table(bytes('123456789xyz'), 9), 0xcbf43926);
  assert.equal(crc32(bytes('123456789xyz'), 9), 0xcbf43926);
  assert.equal(crc32(bytes('')), 0);
});

test('checksum fields drop the point and the leading zeros only', () => {
  assert.equal(checksumField('0.05000'), '5000');
  assert.equal(checksumField('0.00000304'), '304');
  assert.equal(checksumField('45285.2'), '452852');
  assert.equal(checksumField('1000.00100000'), '100000100000');
});

test('the string is the top 10 asks then the top 10 bids, price then size', () => {
  const bids: StringLevel[] = [];
  const asks: StringLevel[] = [];
  for (let i = 0; i < 12; i++) {
    bids.push([`0.0${50 - i}00`, '0.00000500']);
    asks.push([`0.0${60 + i}00`, '1.00000000']);
  }
  const s = krakenChecksumString(bids, asks);
  assert.ok(s.startsWith('6000100000000' + '6100100000000'));
  assert.ok(s.endsWith('4100500'));
  assert.equal(s, asks.slice(0, 10).map(([p, q]) => checksumField(p) + checksumField(q)).join('') + bids.slice(0, 10).map(([p, q]) => checksumField(p) + checksumField(q)).join(''));
  assert.equal(krakenChecksum(bids, asks), crc32Table(bytes(s)));
});

test('v2 numbers are written at the instrument precision exactly', () => {
  assert.equal(formatAtPrecision(62627, 1), '62627.0');
  assert.equal(formatAtPrecision(0.000051, 8), '0.00005100');
  assert.equal(formatAtPrecision(0.3, 8), '0.30000000');
  assert.equal(formatAtPrecision(62622.3, 1), '62622.3');
  assert.throws(() => formatAtPrecision(0.123, 2));
});

/** A book built from string levels at `pd`/`sd` decimals (which may exceed the wire decimals). */
function bookOf(bids: StringLevel[], asks: StringLevel[], pd: number, sd: number): L2Book {
  const levels: number[] = [];
  for (const [p, q] of [...bids, ...asks]) levels.push(toScaled(p, pd), toScaled(q, sd));
  const ev: BookChange = {
    type: 'book_change', venue: 'kraken', symbol: 'X/Y', exchTs: 0, localTs: 0, isSnapshot: true,
    nBids: bids.length, nAsks: asks.length, levels: Float64Array.from(levels), priceDecimals: pd, sizeDecimals: sd,
    seq: NaN, firstSeq: NaN, prevSeq: NaN, checksum: NaN, depth: 0,
  };
  const b = new L2Book();
  b.apply(ev);
  return b;
}

test('book checksum from scaled integers equals the string checksum, whatever decimals the book holds', () => {
  const bids: StringLevel[] = [['354.16000000', '1.40000000'], ['354.15000000', '5.00000000'], ['0.00001000', '0.17106559']];
  const asks: StringLevel[] = [['354.80000000', '1.40000000'], ['355.44000000', '136.38890000']];
  const want = krakenChecksum(bids, asks);
  assert.equal(bookChecksum(bookOf(bids, asks, 8, 8), 8, 8), want);
  // The book may hold fewer decimals than the wire (trailing zeros written back) or more (divided out).
  assert.equal(bookChecksum(bookOf(bids, asks, 10, 12), 8, 8), want);
  assert.notEqual(bookChecksum(bookOf(bids, asks, 8, 8), 7, 8), want);
  // A value that does not fit the wire decimals cannot be written: -1, never a uint32.
  assert.equal(bookChecksum(bookOf([['1.123', '1']], [['2', '1']], 3, 0), 2, 0), -1);
});
