import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Measures } from './measure.ts';
import { TOLERANCE, compareMeasures } from './validate.ts';

const real: Measures = {
  venue: 'binance-usdm',
  symbol: 'BTCUSDT',
  seconds: 345,
  tick: 0.1,
  lot: 0.001,
  rates: { diffsPerS: 19, levelChangesPerS: 1174, tickersPerS: 191.7, tradesPerS: 61.8 },
  spread: { one: 0.991, two: 0.001, wider: 0.008, meanTicks: 1.14 },
  queues: { median: [3.1, 0.023, 0.052, 0.067, 0.092], mean: [3.7, 0.64, 0.33, 0.33, 0.65] },
  tradeSizes: [0.002, 0.003, 0.016, 0.081, 0.265, 1.146],
  volatilityBps: { s1: 1.4, s10: 3.7 },
  acf: [-0.09, -0.04, -0.02, -0.02, -0.05],
  absAcf: [0.14, -0.01, 0.07, 0.04, 0.05],
  ofi: { next: 0.05, same: 0.62, n: 344 },
  signPersistence: 0.9,
  midMoves: { perS: 5.9, meanTicks: 10.9 },
  occupancy: [0.27, 0.16, 0.13, 0.11, 0.12, 0.16, 0.16, 0.17, 0.16, 0.19],
};

test('a simulation equal to the recording passes every claimed statistic; info rows carry no claim', () => {
  const v = compareMeasures([{ ...real }], [real]);
  assert.equal(v.ok, true, JSON.stringify(v.checks.filter((c) => !c.pass)));
  assert.equal(v.checks.filter((c) => !c.info).length, 21);
  assert.deepEqual(v.unmatched, []);
});

test('each claimed statistic fails outside its tolerance and names itself', () => {
  const cases: [string, (m: Measures) => void][] = [
    ['trades / s', (m) => (m.rates.tradesPerS = real.rates.tradesPerS * (TOLERANCE.rateFactor + 0.1))],
    ['share of time at a 1-tick spread', (m) => (m.spread.one = real.spread.one - TOLERANCE.spreadOneAbs - 0.01)],
    ['median queue, level 1 (base units)', (m) => (m.queues.median = [real.queues.median[0] / (TOLERANCE.bestQueueFactor + 1), ...real.queues.median.slice(1)])],
    ['trade size p50 (base units)', (m) => (m.tradeSizes = real.tradeSizes.map((x, k) => (k === 2 ? x * (TOLERANCE.tradeSizeFactor + 1) : x)))],
    ['autocorrelation of 1 s returns, lag 3', (m) => (m.acf = [0, 0, TOLERANCE.acfBeyondLag1 + 0.05, 0, 0])],
    ['volatility clustering: mean autocorrelation of |1 s returns|, lags 1-5', (m) => (m.absAcf = [0, 0, 0, 0, 0])],
    ['corr(order-flow imbalance over 1 s, next 1 s mid move)', (m) => (m.ofi = { ...real.ofi, next: -0.1 })],
    ['mid volatility, 10 s (bps)', (m) => (m.volatilityBps = { s1: 1, s10: real.volatilityBps.s10 * (TOLERANCE.volatilityFactor + 1) })],
  ];
  for (const [name, mutate] of cases) {
    const sim = structuredClone(real);
    mutate(sim);
    const v = compareMeasures([sim], [real]);
    assert.equal(v.ok, false, name);
    assert.deepEqual(
      v.checks.filter((c) => !c.pass).map((c) => c.name),
      [name],
    );
  }
  // lag 1 is information only, and so are the queue means
  const sim = structuredClone(real);
  sim.acf[0] = 0.9;
  sim.queues.mean = [100, 100, 100, 100, 100];
  assert.equal(compareMeasures([sim], [real]).ok, true);
});

test('instruments present on one side only are listed, not compared', () => {
  const v = compareMeasures([{ ...real, symbol: 'SOLUSDT' }], [real]);
  assert.deepEqual(v.unmatched.sort(), ['BTCUSDT (real only)', 'SOLUSDT (simulated only)']);
  assert.equal(v.ok, false, 'nothing compared is not a pass');
});
