import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findVenue } from '../venues/registry.ts';
import type { SyncRules } from '../venues/venue.ts';
import { BookEngine, GENERIC_SYNC } from './engine.ts';
import { auditBook, failureCount } from './integrity.ts';
import { L2Book } from './l2book.ts';
import { bbo, change } from './test-events.ts';

const spot = findVenue('binance-spot')!.sync;
const futures = findVenue('binance-usdm')!.sync;
const engineWith = (rules: SyncRules) => new BookEngine({ rulesFor: () => rules });

test('Binance spot: diffs before the snapshot are buffered, stale ones dropped, the straddling one applied', () => {
  const e = engineWith(spot);
  e.onEvent(change({ first: 95, seq: 99, bids: [[10, 1]] })); // u <= lastUpdateId: dropped
  e.onEvent(change({ first: 100, seq: 102, bids: [[10, 2]] })); // straddles 101
  e.onEvent(change({ first: 103, seq: 103, asks: [[12, 5]] }));
  const st = e.state('binance-spot', 'TEST');
  assert.equal(st.valid, false);
  assert.equal(st.buffer.length, 3);
  e.onEvent(change({ snapshot: true, seq: 100, bids: [[10, 1], [9, 1]], asks: [[11, 1]] }));
  assert.equal(st.valid, true);
  assert.equal(st.counts.stale, 1);
  assert.equal(st.lastSeq, 103);
  assert.equal(st.book.bidSize(0), 2);
  assert.equal(st.book.askPrice(0), 11);
  assert.equal(st.book.askCount(), 2);
  assert.equal(st.counts.gaps, 0);
});

test('Binance spot: a missing diff is a gap; the book stays invalid until the next snapshot (a resync)', () => {
  const e = engineWith(spot);
  e.onEvent(change({ snapshot: true, seq: 100, bids: [[10, 1]], asks: [[11, 1]] }));
  e.onEvent(change({ first: 101, seq: 105, bids: [[10, 3]] }));
  e.onEvent(change({ first: 107, seq: 110, bids: [[10, 4]] })); // 106 missing
  const st = e.state('binance-spot', 'TEST');
  assert.equal(st.counts.gaps, 1);
  assert.equal(st.valid, false);
  assert.equal(st.book.bidSize(0), 3, 'the diff after the gap is not applied');
  e.onEvent(change({ first: 111, seq: 111, bids: [[10, 9]] })); // buffered while invalid
  e.onEvent(change({ snapshot: true, seq: 110, bids: [[10, 4]], asks: [[11, 1]] }));
  assert.equal(st.valid, true);
  assert.equal(st.counts.resyncs, 1);
  assert.equal(st.book.bidSize(0), 9);
  assert.equal(failureCount(st.counts, st.bookUpdates, false), 1);
  assert.equal(failureCount(st.counts, st.bookUpdates, true), 0);
});

test('Binance futures: pu chaining, first diff must cover lastUpdateId', () => {
  const e = engineWith(futures);
  e.onEvent(change({ snapshot: true, seq: 100, bids: [[10, 1]], asks: [[11, 1]] }));
  e.onEvent(change({ first: 90, seq: 99, prev: 89, bids: [[10, 5]] })); // u < lastUpdateId: stale
  e.onEvent(change({ first: 98, seq: 104, prev: 97, bids: [[10, 2]] })); // U <= 100 <= u
  e.onEvent(change({ first: 105, seq: 108, prev: 104, bids: [[10, 3]] }));
  e.onEvent(change({ first: 110, seq: 112, prev: 109, bids: [[10, 4]] })); // pu != 108
  const st = e.state('binance-spot', 'TEST');
  assert.equal(st.counts.stale, 1);
  assert.equal(st.counts.gaps, 1);
  assert.equal(st.book.bidSize(0), 3);
});

test('crossed and locked books are counted', () => {
  const e = engineWith(GENERIC_SYNC);
  e.onEvent(change({ snapshot: true, bids: [[10, 1]], asks: [[11, 1]] }));
  e.onEvent(change({ bids: [[11, 1]] }));
  e.onEvent(change({ bids: [[12, 1]] }));
  const st = e.state('binance-spot', 'TEST');
  assert.equal(st.counts.locked, 1);
  assert.equal(st.counts.crossed, 1);
});

test('venue BBO is compared at the matching update id, also when it arrives before the diff', () => {
  const e = engineWith(spot);
  e.onEvent(change({ snapshot: true, seq: 100, bids: [[10, 1]], asks: [[11, 1]] }));
  e.onEvent(bbo(101, [10, 2], [11, 1])); // pending until u=101 is applied
  e.onEvent(bbo(102, [10, 2], [11, 1])); // never a final u: uncomparable
  e.onEvent(change({ first: 101, seq: 101, bids: [[10, 2]] }));
  e.onEvent(change({ first: 102, seq: 103, bids: [[10, 3]] }));
  e.onEvent(bbo(103, [10, 3], [11, 7])); // wrong ask size: mismatch
  e.onEvent(bbo(101, [10, 2], [11, 1])); // late, found in history
  const st = e.state('binance-spot', 'TEST');
  assert.deepEqual(st.counts.bbo, { compared: 3, mismatched: 1, uncomparable: 1 });
});

test('checksum hook: a mismatch is counted and invalidates the book until a snapshot', () => {
  const rules: SyncRules = { ...GENERIC_SYNC, checksum: (b) => b.bidSize(0) + b.askSize(0) };
  const e = engineWith(rules);
  e.onEvent(change({ snapshot: true, bids: [[10, 1]], asks: [[11, 1]], checksum: 2 }));
  e.onEvent(change({ bids: [[10, 5]], checksum: 6 }));
  e.onEvent(change({ bids: [[10, 6]], checksum: 6 }));
  const st = e.state('binance-spot', 'TEST');
  assert.deepEqual(st.counts.checksum, { checked: 3, failed: 1 });
  assert.equal(st.valid, false);
  assert.equal(st.counts.gaps, 0);
});

test('venue depth: the book is truncated to the subscribed depth after each message', () => {
  const e = engineWith(GENERIC_SYNC);
  e.onEvent(change({ snapshot: true, depth: 2, bids: [[10, 1], [9, 1], [8, 1]], asks: [[11, 1], [12, 1], [13, 1]] }));
  const st = e.state('binance-spot', 'TEST');
  assert.equal(st.book.bidCount(), 2);
  e.onEvent(change({ depth: 2, bids: [[10, 0]] }));
  assert.equal(st.book.bidCount(), 1, 'a deleted level is not refilled from beyond the venue depth');
  assert.equal(st.book.bidPrice(0), 9);
});

test('snapshots not in best-first order are flagged', () => {
  const e = engineWith(spot);
  e.onEvent(change({ snapshot: true, seq: 1, bids: [[9, 1], [10, 1]], asks: [[11, 1]] }));
  assert.equal(e.state('binance-spot', 'TEST').counts.unorderedSnapshots, 1);
});

test('scale growth mid-stream rescales the book exactly', () => {
  const b = new L2Book();
  b.apply(change({ snapshot: true, bids: [[615, 3]], asks: [[616, 1]], priceDecimals: 1, sizeDecimals: 0 }));
  b.apply(change({ bids: [[6155, 25]], priceDecimals: 2, sizeDecimals: 1 }));
  assert.equal(b.priceDecimals, 2);
  assert.equal(b.bidPrice(0), 6155);
  assert.equal(b.bidPrice(1), 6150);
  assert.equal(b.bidSize(1), 30);
  assert.equal(b.askPrice(0), 6160);
  b.apply(change({ asks: [[616, 0]], priceDecimals: 1 })); // older event at fewer decimals
  assert.equal(b.askCount(), 0);
});

test('auditBook catches a view whose depth index runs from the wrong end', () => {
  const b = new L2Book();
  b.apply(change({ snapshot: true, bids: [[10, 1], [9, 2], [8, 3]], asks: [[11, 1], [12, 2]] }));
  assert.equal(auditBook(b, 10), null);
  const reversed = {
    priceDecimals: 0,
    sizeDecimals: 0,
    bidCount: () => b.bidCount(),
    askCount: () => b.askCount(),
    bidPrice: (i: number) => b.bidPrice(b.bidCount() - 1 - i),
    bidSize: (i: number) => b.bidSize(b.bidCount() - 1 - i),
    askPrice: (i: number) => b.askPrice(i),
    askSize: (i: number) => b.askSize(i),
  };
  assert.match(auditBook(reversed, 10) ?? '', /bid level 1 \(9\) is not below level 0 \(8\)/);
});
