import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combineDirections, directionOf, Ensemble } from './ensemble.ts';
import type { Model } from './model.ts';

test('agreement confidence = max(0, 1 − std/mean|d|), hand-computed', () => {
  // d = 0.2, 0.4, 0.6: mean 0.4, population std sqrt(0.08/3) = 0.163299, mean|d| 0.4 → 0.591752
  const r = combineDirections([0.2, 0.4, 0.6]);
  assert.ok(Math.abs(r.direction - 0.4) < 1e-15);
  assert.ok(Math.abs(r.confidence - (1 - Math.sqrt(0.08 / 3) / 0.4)) < 1e-15);
  assert.equal(r.trade, false, '0.59 < default threshold 0.6');
  assert.equal(r.side, 0);
  assert.equal(combineDirections([0.2, 0.4, 0.6], undefined, 0.5).side, 1);
  // unanimous → 1; split vote → 0 (clamped at 0, never negative)
  assert.equal(combineDirections([0.5, 0.5]).confidence, 1);
  assert.equal(combineDirections([0.5, 0.5]).side, 1);
  assert.equal(combineDirections([1, -1]).confidence, 0);
  assert.equal(combineDirections([0.1, -0.9]).confidence, 0);
  assert.equal(combineDirections([-0.6, -0.6, -0.5]).side, -1);
  // all zero → no confidence, no trade
  const z = combineDirections([0, 0]);
  assert.equal(z.confidence, 0);
  assert.equal(z.trade, false);
});

test('weights: weighted mean, weighted std and mean|d|; NaN members abstain', () => {
  // d = 1 (w 3), 0 (w 1): mean 0.75, var = (3·0.0625 + 1·0.5625)/4 = 0.1875, mean|d| = 0.75
  const r = combineDirections([1, 0], [3, 1]);
  assert.ok(Math.abs(r.direction - 0.75) < 1e-15);
  assert.ok(Math.abs(r.confidence - (1 - Math.sqrt(0.1875) / 0.75)) < 1e-15);
  const same = combineDirections([1, 0, NaN], [3, 1, 5]);
  assert.equal(same.confidence, r.confidence);
  assert.throws(() => combineDirections([1], [-1]), /weight -1/);
  assert.throws(() => combineDirections([1, 2], [1]), /1 weights for 2 directions/);
});

function fixed(task: Model['task'], out: number[]): Model {
  return {
    kind: 'gbdt',
    task,
    features: ['a'],
    classes: task === 'regression' ? [] : task === 'binary' ? [0, 1] : [-1, 0, 1],
    nOutputs: out.length,
    predictRow(_x, _o, o, oo = 0) {
      for (let k = 0; k < out.length; k++) o[oo + k] = out[k];
    },
    predict: () => new Float64Array(0),
    toJSON: () => ({ format: 'lobkit-model', kind: 'gbdt' }),
  };
}

test('directions of binary, multiclass and regression members; the Ensemble gates on the threshold', () => {
  assert.ok(Math.abs(directionOf(fixed('binary', [0.8]), [0.8]) - 0.6) < 1e-15);
  assert.ok(Math.abs(directionOf(fixed('multiclass', [0.1, 0.3, 0.6]), [0.1, 0.3, 0.6]) - 0.5) < 1e-15);
  assert.equal(directionOf(fixed('regression', [3]), [3], 0, 2), 1, 'clipped to 1');
  const e = new Ensemble([{ model: fixed('binary', [0.8]) }, { model: fixed('multiclass', [0.1, 0.3, 0.6]) }, { model: fixed('regression', [0.0011]), scale: 0.002 }]);
  const d = e.decide([0]);
  // d = 0.6, 0.5, 0.55: mean 0.55, std sqrt((0.0025+0.0025+0)/3), confidence ≈ 0.9258
  assert.ok(Math.abs(d.direction - 0.55) < 1e-12);
  assert.ok(Math.abs(d.confidence - (1 - Math.sqrt(0.005 / 3) / 0.55)) < 1e-12);
  assert.equal(d.side, 1);
  const split = new Ensemble([{ model: fixed('binary', [0.9]) }, { model: fixed('binary', [0.2]) }]);
  assert.equal(split.decide([0]).trade, false);
  assert.throws(() => new Ensemble([]), /no members/);
});
