import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../core/errors.ts';
import { gauss, rng } from '../../test/helpers/features.ts';
import { RollingMinMax, SlidingZScore, normalizerFromJSON, type ZScoreState } from './normalize.ts';

function brute(xs: number[]): { mean: number; std: number } {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean: m, std: Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length) };
}

test('SlidingZScore: windowed Welford matches a two-pass computation, even on values with a large offset', () => {
  const g = gauss(rng(3));
  const z = new SlidingZScore(50);
  const all: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const x = 1e6 + g() * 1e-3; // a price-like level with tiny moves: naive Σx²/n − mean² would cancel catastrophically
    const got = z.update(x);
    all.push(x);
    const w = all.slice(-50);
    const { mean, std } = brute(w);
    assert.ok(Math.abs(z.getMean() - mean) < 1e-6, `mean at ${i}`);
    assert.ok(Math.abs(z.std() - std) < 1e-9 + 1e-6 * std, `std at ${i}: ${z.std()} vs ${std}`);
    if (i > 0) assert.ok(Math.abs(got - (x - mean) / std) < 1e-5, `z at ${i}: ${got} vs ${(x - mean) / std}`);
  }
});

test('SlidingZScore: warm-up flag, std floor, non-finite inputs ignored', () => {
  const z = new SlidingZScore(4, 0.5, 3);
  z.update(1);
  z.update(1);
  assert.equal(z.warm, false);
  assert.equal(z.update(1), 0); // constant: std floored at 0.5, z = 0
  assert.equal(z.warm, true);
  assert.equal(z.update(2), (2 - 1.25) / 0.5); // std of [1,1,1,2] = 0.433 < 0.5 floor
  assert.equal(z.update(NaN), NaN);
  assert.equal(z.count, 4);
});

test('SlidingZScore: state round-trips through JSON and continues bit-identically', () => {
  const g = gauss(rng(11));
  const a = new SlidingZScore(37, 1e-9, 10);
  for (let i = 0; i < 500; i++) a.update(g() * 3 + 7);
  const json = JSON.parse(JSON.stringify(a.toJSON())) as ZScoreState;
  const b = SlidingZScore.fromJSON(json);
  for (let i = 0; i < 300; i++) {
    const x = g() * 3 + 7;
    assert.ok(Object.is(a.update(x), b.update(x)), `diverged at ${i}`);
  }
  assert.deepEqual(b.toJSON(), a.toJSON());
});

test('RollingMinMax: matches brute force, flat window → 0.5, JSON round trip', () => {
  const u = rng(5);
  const m = new RollingMinMax(20);
  const all: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const x = Math.round(u() * 30);
    const got = m.update(x);
    all.push(x);
    const w = all.slice(-20);
    const lo = Math.min(...w);
    const hi = Math.max(...w);
    assert.equal(m.min(), lo);
    assert.equal(m.max(), hi);
    assert.equal(got, hi > lo ? (x - lo) / (hi - lo) : 0.5);
  }
  const c = normalizerFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  for (let i = 0; i < 100; i++) {
    const x = u();
    assert.equal(c.update(x), m.update(x));
  }
  const flat = new RollingMinMax(3, 1);
  assert.equal(flat.update(4), 0.5);
});

test('normalizer state: a malformed state is a clear InputError', () => {
  assert.throws(() => normalizerFromJSON({ kind: 'zscore', window: 5, minStd: 0, minCount: 5, values: [1, 'x' as unknown as number], mean: 0, m2: 0, since: 0 }), InputError);
  assert.throws(() => SlidingZScore.fromJSON({ kind: 'minmax' } as unknown as ZScoreState), /expected a zscore normalizer state/);
});
