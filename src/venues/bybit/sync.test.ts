import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BookEngine } from '../../book/engine.ts';
import { change } from '../../book/test-events.ts';
import type { MarketEvent } from '../../core/events.ts';
import { InstrumentTable } from '../../core/instrument.ts';
import { APPLY, GAP, STALE } from '../venue.ts';
import { BybitParser } from './parse.ts';
import { bybitSync } from './sync.ts';

const frame = (type: string, u: number, b: [string, string][] = [], a: [string, string][] = []) =>
  JSON.stringify({ topic: 'orderbook.50.XRPUSDT', type, ts: 1733011200000 + u, data: { s: 'XRPUSDT', b, a, u, seq: 1000 + u }, cts: 1733011200000 + u });

/** Feeds Bybit frames through the parser and an engine with Bybit's rules. */
function run(frames: string[]) {
  const parser = new BybitParser('bybit-linear', new InstrumentTable());
  const engine = new BookEngine({ rulesFor: () => bybitSync });
  const st = engine.state('bybit-linear', 'XRPUSDT');
  const out: MarketEvent[] = [];
  const validAfter: boolean[] = [];
  for (const f of frames) {
    out.length = 0;
    parser.parse(f, 0, out);
    for (const ev of out) engine.onEvent(ev);
    validAfter.push(st.valid);
  }
  const top = () => [st.book.bids.price(0), st.book.bids.size(0), st.book.asks.price(0), st.book.asks.size(0)];
  return { st, validAfter, top };
}

test('rules: contiguous u from the snapshot and between deltas; older or equal is stale, a jump is a gap', () => {
  assert.equal(bybitSync.bufferUntilSnapshot, false);
  assert.equal(bybitSync.sortedSnapshots, true);
  assert.equal(bybitSync.first(10, change({ seq: 11 })), APPLY);
  assert.equal(bybitSync.first(10, change({ seq: 10 })), STALE);
  assert.equal(bybitSync.first(10, change({ seq: 12 })), GAP);
  assert.equal(bybitSync.next(11, change({ seq: 12 })), APPLY);
  assert.equal(bybitSync.next(11, change({ seq: 11 })), STALE);
  assert.equal(bybitSync.next(11, change({ seq: 9 })), STALE);
  assert.equal(bybitSync.next(11, change({ seq: 13 })), GAP);
});

test('a u gap is counted and the book stays invalid (deltas skipped) until the next snapshot', () => {
  const { st, validAfter, top } = run([
    frame('snapshot', 10, [['1.9531', '100']], [['1.9535', '200']]),
    frame('delta', 11, [['1.9532', '5']]),
    frame('delta', 13, [['1.9533', '7']]), // 12 missing
    frame('delta', 14, [['1.9534', '9']]),
    frame('snapshot', 20, [['1.9530', '1']], [['1.9536', '2']]),
    frame('delta', 21, [], [['1.9536', '3']]),
  ]);
  assert.deepEqual(validAfter, [true, true, false, false, true, true]);
  assert.equal(st.counts.gaps, 1);
  assert.equal(st.counts.skippedWhileInvalid, 1, 'u=14 arrives while the book is invalid');
  assert.equal(st.counts.resyncs, 1);
  assert.equal(st.snapshots, 2);
  assert.equal(st.bookUpdates, 4, 'snapshot, 11, snapshot, 21');
  assert.deepEqual(top(), [19530, 1, 19536, 3]);
  assert.equal(st.book.bids.n, 1, 'levels from before the gap are gone');
});

test('a message with u == 1 resets the book (service restart), then u continues from 1', () => {
  const { st, validAfter, top } = run([
    frame('snapshot', 500, [['1.9531', '100'], ['1.9530', '50']], [['1.9535', '200']]),
    frame('delta', 501, [['1.9532', '5']]),
    frame('delta', 1, [['1.9000', '11']], [['1.9100', '12']]), // sent as delta type: still a full book
    frame('delta', 2, [['1.9001', '13']]),
  ]);
  assert.deepEqual(validAfter, [true, true, true, true]);
  assert.equal(st.snapshots, 2);
  assert.equal(st.counts.gaps + st.counts.stale, 0);
  assert.equal(st.book.bids.n, 2);
  assert.equal(st.book.asks.n, 1);
  assert.deepEqual(top(), [19001, 13, 19100, 12]);
});

test('a duplicate u is dropped, never applied twice, and is no gap', () => {
  const { st, validAfter, top } = run([
    frame('snapshot', 10, [['1.9531', '100']], [['1.9535', '200']]),
    frame('delta', 10, [['1.9531', '999']]), // repeats the snapshot's u
    frame('delta', 11, [['1.9531', '101']]),
    frame('delta', 11, [['1.9531', '999']]), // repeats the last delta's u
    frame('delta', 12, [], [['1.9535', '201']]),
  ]);
  assert.deepEqual(validAfter, [true, true, true, true, true]);
  assert.equal(st.counts.gaps, 0);
  assert.equal(st.counts.stale, 1, 'the snapshot already covers u=10');
  assert.equal(st.counts.outOfOrder, 1, 'u=11 again after u=11 was applied');
  assert.equal(st.bookUpdates, 3);
  assert.deepEqual(top(), [19531, 101, 19535, 201]);
});

test('deltas before the first snapshot are skipped, not buffered', () => {
  const { st, validAfter } = run([frame('delta', 9, [['1.9', '1']]), frame('snapshot', 10, [['1.9531', '100']], [['1.9535', '200']]), frame('delta', 11)]);
  assert.deepEqual(validAfter, [false, true, true]);
  assert.equal(st.counts.skippedWhileInvalid, 1);
  assert.equal(st.counts.gaps + st.counts.stale, 0);
  assert.equal(st.book.bids.price(0), 19531);
});
