import assert from 'node:assert/strict';
import { test } from 'node:test';
import { book, col, gap, MS, run, T0 } from '../../../test/helpers/features.ts';

const spec = { sampling: { mode: 'event' }, features: [{ op: 'ofi', levels: 2, windows_ms: [1000], pca_min_rows: 1 }] };

// Each step, with e_n = 1{Pb ≥ Pb'}·qb − 1{Pb ≤ Pb'}·qb' − 1{Pa ≤ Pa'}·qa + 1{Pa ≥ Pa'}·qa' per level:
const steps = [
  book(T0, [[100, 2], [99, 3]], [[101, 1], [102, 4]]), // first state: no diff
  book(T0 + 1 * MS, [[100, 5], [99, 3]], [[101, 1], [102, 4]]), // L1 bid size 2 → 5 at the same price: +3
  book(T0 + 2 * MS, [[100.5, 1], [100, 5]], [[101, 1], [102, 4]]), // bid improves: L1 +1 (new queue), L2 +5 (99 → 100 with 5)
  book(T0 + 3 * MS, [[100.5, 1], [100, 5]], [[100.8, 2], [101, 1]]), // ask improves: L1 −2, L2 −1 (102×4 → 101×1)
  book(T0 + 4 * MS, [[100.5, 1], [100, 5]], [[101, 1], [102, 4]]), // ask 100.8 gone: L1 +2 (old queue), L2 +1 (old 101×1)
  book(T0 + 5 * MS, [[100, 5], [99, 3]], [[101, 1], [102, 4]]), // bid 100.5 gone: L1 −1, L2 −5
];

test('OFI per level: Cont–Kukanov–Stoikov e_n summed over the window, by hand', () => {
  const f = run(spec, steps);
  assert.deepEqual(col(f, 'ofi_l1_1s'), [0, 3, 4, 2, 4, 3]);
  assert.deepEqual(col(f, 'ofi_l2_1s'), [0, 0, 5, 4, 5, 0]);
});

test('OFI: events leave the window after W; no diff across a resync', () => {
  const later = book(T0 + 1500 * MS, [[100, 5], [99, 3]], [[101, 1], [102, 4]]);
  const f = run(spec, [...steps, later]);
  assert.equal(f.col('ofi_l1_1s')[6], 0);
  assert.equal(f.col('ofi_l2_1s')[6], 0);
  // After a gap the book is invalid; the next snapshot is a resync: its jump is not order flow.
  const g = run(spec, [steps[0], gap(T0 + 1 * MS), book(T0 + 2 * MS, [[90, 50]], [[91, 50]]), book(T0 + 3 * MS, [[90, 52]], [[91, 50]])]);
  assert.deepEqual(col(g, 'ofi_l1_1s'), [0, 0, 2]);
});

test('integrated OFI: level OFIs normalized by the average depth, weighted by the first principal component', () => {
  const f = run(spec, steps.slice(0, 2));
  // Row 1: x = (ofi_1, ofi_2)/Q with Q = ((5 + 1)/2 + (3 + 4)/2)/2 = 3.25 over the window's one message.
  // The covariance so far is rank one along level 1, so w₁ = (1, 0) and ofi^I = x_1.
  assert.ok(Math.abs(f.col('ofi_int_1s')[1] - 3 / 3.25) < 1e-12, String(f.col('ofi_int_1s')[1]));
});
