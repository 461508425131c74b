import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distribution, summarizeFolds } from './folds.ts';

test('fold results become distributions: median, min, max, per fold; NaN folds listed, not summarised', () => {
  const d = distribution([2.32, 0.93, -0.4, NaN, 1.1]);
  assert.equal(d.median, (0.93 + 1.1) / 2);
  assert.equal(d.min, -0.4);
  assert.equal(d.max, 2.32);
  assert.equal(d.n, 4);
  assert.deepEqual(d.perFold, [2.32, 0.93, -0.4, NaN, 1.1]);
  const s = summarizeFolds([
    { bps: 2, trades: { n: 10 }, per: [1, 2] },
    { bps: 0.5, trades: { n: 30 }, per: [3, 4] },
    { bps: 1, trades: { n: 20 } },
  ]);
  assert.equal(s.bps.median, 1);
  assert.equal(s['trades.n'].max, 30);
  assert.deepEqual(s['per.1'].perFold, [2, 4, NaN]);
});
