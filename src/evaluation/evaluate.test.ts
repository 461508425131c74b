import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelFrameSync } from '../labels/label-frame.ts';
import { normalizeLabelSpec } from '../labels/spec.ts';
import { midFrame } from '../labels/test-frames.ts';
import { feeScenarios } from './costs.ts';
import { evaluateSignal, labelHorizon } from './evaluate.ts';

function market(n = 3000) {
  let x = 99;
  const z = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5);
  const mid: number[] = [];
  let m = 100;
  for (let i = 0; i < n; i++) {
    m *= 1 + z() * 0.0004;
    mid.push(Math.round(m * 100) / 100);
  }
  const f = midFrame(
    mid.map((_, i) => i * 0.5),
    mid,
    { halfSpread: 0.005 },
  );
  return { frame: labelFrameSync(f, normalizeLabelSpec({ horizons: ['1s', '5s', '30s'], direction: { threshold: { type: 'bps', bps: 1 } } })).frame, z };
}

test('evaluate: per-fold IC, IC decay, trades side by side, oracle, sweep — every number a distribution over folds', () => {
  const { frame, z } = market();
  const ret = frame.col('fwd_ret_5s');
  const peek = Float64Array.from(ret, (v) => (Number.isFinite(v) ? v + 2 * z() : NaN)); // a signal that peeks at the label
  const noise = Float64Array.from(ret, () => z());
  const costs = feeScenarios({ makerBps: 0, takerBps: 0.1 });
  const good = evaluateSignal(frame, peek, { label: 'fwd_ret_5s', split: { kind: 'walk-forward', folds: 4 }, costs });
  assert.equal(good.horizon, 5e9);
  assert.equal(good.folds.length, 4);
  assert.equal(good.summary.ic.perFold.length, 4);
  assert.ok(good.summary.ic.min > 0.5, `peeking signal IC ${good.summary.ic.min}`);
  const decay = good.summary.icDecay.map((d) => d.label);
  assert.deepEqual(decay, ['fwd_ret_1s', 'fwd_ret_5s', 'fwd_ret_30s']);
  assert.ok(good.summary.icDecay[1].ic.median > good.summary.icDecay[2].ic.median, 'IC is highest at the horizon it peeks at');
  const tt = good.summary.trades['taker/taker'];
  assert.ok(tt.honest.bpsPerTrade.median > 0);
  assert.ok(tt.overlapping.trades.median > 5 * tt.honest.trades.median, 'overlapping counts every signal');
  assert.equal(tt.honest.maxConcurrent.max, 1);
  assert.ok(tt.overlapping.maxConcurrent.min > 1);
  tt.oracle.bpsPerTrade.perFold.forEach((o, k) => assert.ok(o >= tt.honest.bpsPerTrade.perFold[k] - 1e-9, `fold ${k}: nothing beats perfect direction at the same entries`));
  assert.deepEqual(tt.oracle.trades.perFold, tt.honest.trades.perFold, 'the oracle trades exactly the model entries');
  assert.deepEqual(good.summary.sweep['taker/taker'].map((r) => r.threshold), good.thresholds);
  assert.equal(good.summary.sweep['taker/taker'][0].tradesPerDay.perFold.length, 4);
  const bad = evaluateSignal(frame, noise, { label: 'fwd_ret_5s', split: { kind: 'purged-kfold', folds: 5, embargo: 5e9 }, costs });
  assert.equal(bad.folds.length, 5);
  assert.ok(Math.abs(bad.summary.ic.median) < 0.1, `noise IC ${bad.summary.ic.median}`);
  assert.ok(bad.summary.trades['taker/taker'].honest.bpsPerTrade.median < 0, 'noise pays the costs');
});

test('evaluate: class probabilities give per-fold classification metrics; a fold column selects out-of-sample rows', () => {
  const { frame } = market();
  const dir = frame.col('fwd_dir_5s');
  const k = 3;
  const proba = new Float64Array(frame.n * k);
  for (let i = 0; i < frame.n; i++) {
    const c = Number.isFinite(dir[i]) ? dir[i] + 1 : 1;
    for (let j = 0; j < k; j++) proba[i * k + j] = j === c ? 0.6 : 0.2;
  }
  const fold = Float64Array.from({ length: frame.n }, (_, i) => (i < 1000 ? NaN : i < 2000 ? 0 : 1));
  const signal = Float64Array.from({ length: frame.n }, (_, i) => proba[i * k + 2] - proba[i * k]);
  const r = evaluateSignal(frame, signal, { label: 'fwd_ret_5s', fold, costs: feeScenarios({ makerBps: 0, takerBps: 0 }), proba: { values: proba, k, label: 'fwd_dir_5s' } });
  assert.deepEqual(r.folds.map((f) => [f.fold, f.testRows]), [
    [0, 1000],
    [1, 1000],
  ]);
  const c = r.summary.classification!;
  assert.ok(c.accuracy.min > 0.99, 'probabilities peaked on the true class');
  assert.equal(c.rocAuc.perFold.length, 2);
  assert.equal(labelHorizon('fwd_dir_30s'), 30e9);
  assert.throws(() => evaluateSignal(frame, signal, { label: 'fwd_ret_7s', costs: feeScenarios({ makerBps: 0, takerBps: 0 }) }), /no label column "fwd_ret_7s"/);
});
