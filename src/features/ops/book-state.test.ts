import assert from 'node:assert/strict';
import { test } from 'node:test';
import { book, last, run, T0 } from '../../../test/helpers/features.ts';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

// bids 100×2, 99×3, 98×5; asks 101×1, 102×4, 103×6; mid 100.5
const B = book(T0, [[100, 2], [99, 3], [98, 5]], [[101, 1], [102, 4], [103, 6]]);

function rows(features: unknown[]) {
  return run({ sampling: { mode: 'event' }, features }, [B]);
}

test('spread, microprice and weighted mid from their formulas', () => {
  const f = rows([{ op: 'spread' }, { op: 'microprice' }, { op: 'weighted_mid', levels: [1, 3] }]);
  assert.equal(last(f, 'mid'), 100.5);
  assert.equal(last(f, 'spread'), 1);
  close(last(f, 'spread_bps'), (1 / 100.5) * 1e4);
  // microprice = (b·Qa + a·Qb)/(Qa + Qb) = (100·1 + 101·2)/3
  close(last(f, 'microprice'), 302 / 3);
  close(last(f, 'microprice_dev_bps'), (302 / 3 / 100.5 - 1) * 1e4);
  close(last(f, 'wmid_1_dev_bps'), last(f, 'microprice_dev_bps'));
  // top 3: VWAP_bid = 987/10, Q_b = 10; VWAP_ask = 1127/11, Q_a = 11
  const w = ((987 / 10) * 11 + (1127 / 11) * 10) / 21;
  close(last(f, 'wmid_3_dev_bps'), (w / 100.5 - 1) * 1e4);
});

test('level sizes (0 beyond the book), per-level and cumulative depth imbalance', () => {
  const f = rows([{ op: 'level_sizes', levels: 4 }, { op: 'level_imbalance', levels: 4 }, { op: 'depth_imbalance', levels: [1, 2, 3, 4] }]);
  assert.deepEqual(
    ['size_bid_1', 'size_bid_2', 'size_bid_3', 'size_bid_4', 'size_ask_1', 'size_ask_2', 'size_ask_3', 'size_ask_4'].map((n) => last(f, n)),
    [2, 3, 5, 0, 1, 4, 6, 0],
  );
  close(last(f, 'imb_l1'), 1 / 3);
  close(last(f, 'imb_l2'), -1 / 7);
  close(last(f, 'imb_l3'), -1 / 11);
  assert.equal(last(f, 'imb_l4'), 0);
  close(last(f, 'depth_imb_1'), 1 / 3);
  assert.equal(last(f, 'depth_imb_2'), 0);
  close(last(f, 'depth_imb_3'), -1 / 21);
  close(last(f, 'depth_imb_4'), -1 / 21);
});

test('book features are NaN while the book is invalid or one-sided', () => {
  const f = run({ sampling: { mode: 'event' }, features: [{ op: 'spread' }, { op: 'depth_within', bps: [10] }] }, [book(T0, [[100, 1]], [])]);
  assert.equal(last(f, 'spread'), NaN);
  assert.equal(last(f, 'depth_bid_10bps'), NaN);
  assert.equal(last(f, 'mid'), NaN);
});
