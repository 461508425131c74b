import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auc, logLoss, mse, multiLogLoss } from './metrics.ts';
import { rng } from './random.ts';

/** AUC by definition: the fraction of (positive, negative) pairs ranked correctly, ties half. */
function pairwiseAuc(s: number[], y: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < s.length; i++)
    for (let j = 0; j < s.length; j++)
      if (y[i] === 1 && y[j] === 0) {
        den++;
        num += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
  return num / den;
}

test('AUC equals the pairwise definition, ties included', () => {
  const r = rng(1);
  const s = Array.from({ length: 300 }, () => Math.round(r() * 20) / 20);
  const y = s.map((v) => (r() < v ? 1 : 0));
  assert.ok(Math.abs(auc(s, y) - pairwiseAuc(s, y)) < 1e-12);
  assert.equal(auc([0.1, 0.9], [0, 1]), 1);
  assert.equal(auc([0.5, 0.5], [0, 1]), 0.5);
  assert.ok(Number.isNaN(auc([0.1, 0.2], [1, 1])));
  // integer weights = repeated rows
  assert.ok(Math.abs(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], [2, 1, 1, 3]) - pairwiseAuc([0.1, 0.1, 0.4, 0.35, 0.8, 0.8, 0.8], [0, 0, 0, 1, 1, 1, 1])) < 1e-12);
});

test('log loss, multiclass log loss and MSE by hand', () => {
  assert.ok(Math.abs(logLoss([0.8, 0.3], [1, 0]) - -(Math.log(0.8) + Math.log(0.7)) / 2) < 1e-15);
  assert.ok(Math.abs(multiLogLoss([0.2, 0.5, 0.3, 0.6, 0.2, 0.2], 3, [1, 0]) - -(Math.log(0.5) + Math.log(0.6)) / 2) < 1e-15);
  assert.equal(mse([1, 2], [0, 4]), 2.5);
  assert.equal(mse([1, 2], [0, 4], [3, 1]), (3 + 4) / 4);
});
