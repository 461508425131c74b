import assert from 'node:assert/strict';
import { test } from 'node:test';
import { book, col, last, MS, run, T0, trade } from '../../../test/helpers/features.ts';

test('intensity: updates and trades per second over the window; periodic updates have burstiness −1', () => {
  const ev = [book(T0, [[100, 1]], [[101, 1]]), book(T0 + 100 * MS, [[100, 2]], [[101, 1]]), trade(T0 + 150 * MS, 101, 1, 1), book(T0 + 200 * MS, [[100, 3]], [[101, 1]]), trade(T0 + 250 * MS, 101, 1, 1), book(T0 + 300 * MS, [[100, 4]], [[101, 1]])];
  const f = run({ sampling: { mode: 'event' }, features: [{ op: 'intensity', windows_ms: [1000], burst_events: 3 }] }, ev);
  assert.equal(last(f, 'rate_book_1s'), 4);
  assert.equal(last(f, 'rate_trade_1s'), 2);
  assert.equal(last(f, 'rate_burstiness'), -1);
  assert.equal(last(f, 'warm'), 0); // 1 s not yet covered
});

test('queue depletion at the best and time since the best prices changed', () => {
  const ev = [
    book(T0, [[100, 10]], [[101, 5]]),
    book(T0 + 100 * MS, [[100, 7]], [[101, 5]]), // bid queue −3 at the same price
    book(T0 + 200 * MS, [[99, 4]], [[101, 5]]), // bid price falls: the 7 left are depleted
    book(T0 + 300 * MS, [[99, 4]], [[102, 1]]), // ask price rises: its 5 are depleted
    book(T0 + 400 * MS, [[99, 6]], [[102, 1]]),
  ];
  const f = run({ sampling: { mode: 'event' }, features: [{ op: 'queue_depletion', windows_ms: [1000] }, { op: 'since_change' }] }, ev);
  assert.deepEqual(col(f, 'qdep_bid_1s'), [0, 3, 10, 10, 10]);
  assert.deepEqual(col(f, 'qdep_ask_1s'), [0, 0, 0, 5, 5]);
  assert.deepEqual(col(f, 'since_bid_ms'), [0, 100, 0, 100, 200]);
  assert.deepEqual(col(f, 'since_ask_ms'), [0, 100, 200, 0, 100]);
});
