import assert from 'node:assert/strict';
import { test } from 'node:test';
import { L2Book } from './l2book.ts';
import { change } from './test-events.ts';

const levels = (b: L2Book) => ({
  bids: Array.from({ length: b.bids.n }, (_, i) => [b.bids.price(i), b.bids.size(i)]),
  asks: Array.from({ length: b.asks.n }, (_, i) => [b.asks.price(i), b.asks.size(i)]),
});

test('capturePrev records each row’s previous size in message order; undoing newest first restores the book', () => {
  const book = new L2Book();
  book.apply(change({ snapshot: true, bids: [[100, 5], [99, 7], [98, 1]], asks: [[101, 4], [102, 6]] }));
  const before = levels(book);
  // update, insert, delete, missing delete, and the same price twice in one message
  const ev = change({ bids: [[100, 9], [97, 3], [99, 0], [50, 0], [100, 2]], asks: [[101, 0], [103, 8]] });
  const cap = new Float64Array(16).fill(-1);
  book.capturePrev = cap;
  book.apply(ev);
  book.capturePrev = null;
  assert.deepEqual([...cap.subarray(0, 7)], [5, 0, 7, 0, 9, 4, 0]);
  assert.equal(book.missingDeletes, 1);
  assert.equal(cap[7], -1, 'nothing written past the message’s rows');
  assert.deepEqual(levels(book), { bids: [[100, 2], [98, 1], [97, 3]], asks: [[102, 6], [103, 8]] });
  // the backtester's delayed view: replay the undo newest first
  const lv = ev.levels;
  for (let i = ev.nBids + ev.nAsks - 1; i >= 0; i--) (i < ev.nBids ? book.bids : book.asks).set(lv[2 * i], cap[i]);
  assert.deepEqual(levels(book), before);
});

test('capturePrev writes previous sizes in the book’s scale when the message has fewer decimals', () => {
  const book = new L2Book();
  book.apply(change({ snapshot: true, bids: [[1000, 50]], asks: [[1010, 40]], priceDecimals: 1, sizeDecimals: 1 }));
  const cap = new Float64Array(4);
  book.capturePrev = cap;
  book.apply(change({ bids: [[100, 7]], asks: [[101, 0]], priceDecimals: 0, sizeDecimals: 0 }));
  book.capturePrev = null;
  assert.deepEqual([...cap.subarray(0, 2)], [50, 40]);
  assert.deepEqual(levels(book), { bids: [[1000, 70]], asks: [] });
});
