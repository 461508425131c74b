import assert from 'node:assert/strict';
import { test } from 'node:test';
import { book, col, last, MS, run, T0, trade } from '../../../test/helpers/features.ts';

const SECOND = { mode: 'time', interval_ms: 1000 };
const regime = { op: 'regime', bar_ms: 1000, window: 5, min_bars: 3, levels: 1, z_threshold: 1 };

test('regime: a spread five times wider than the last bars is "wide" (z = 2), multiplier 0.5', () => {
  const ev = [];
  for (let k = 0; k < 5; k++) ev.push(book(T0 + (k * 1000 + 500) * MS, [[100, 2]], [[100.02, 2]]));
  ev.push(book(T0 + 5500 * MS, [[99.96, 2]], [[100.06, 2]])); // spread 0.02 → 0.10
  ev.push(book(T0 + 6500 * MS, [[99.96, 2]], [[100.06, 2]]));
  const f = run({ sampling: SECOND, features: [regime] }, ev);
  // the row at 6 s sees bar 5 (closed at 6 s) with the wide spread: z of log spread over [s,s,s,s,S] is exactly 2
  const i = col(f, 'ts').indexOf(T0 + 6000 * MS);
  assert.deepEqual([f.col('regime_spread')[i], f.col('regime_depth')[i], f.col('regime_activity')[i], f.col('regime_mult')[i]], [1, 0, 0, 0.5]);
  assert.deepEqual([f.col('regime_spread')[i - 1], f.col('regime_mult')[i - 1]], [0, 1]);
});

test('regime: a thin book (depth z = −2) is coded −1; busy bars are "active"', () => {
  const ev = [];
  for (let k = 0; k < 5; k++) ev.push(book(T0 + (k * 1000 + 500) * MS, [[100, 2]], [[100.02, 2]]));
  ev.push(book(T0 + 5500 * MS, [[100, 0.2]], [[100.02, 0.2]]));
  for (let j = 0; j < 50; j++) ev.push(trade(T0 + (5500 + j) * MS, 100.02, 0.01, 1));
  ev.push(book(T0 + 6500 * MS, [[100, 2]], [[100.02, 2]]));
  const f = run({ sampling: SECOND, features: [regime] }, ev);
  const i = col(f, 'ts').indexOf(T0 + 6000 * MS);
  assert.equal(f.col('regime_depth')[i], -1);
  assert.equal(f.col('regime_activity')[i], 1);
  assert.equal(f.col('regime_mult')[i], 0.5 * 0.75); // thin book × hectic activity
});

test('resilience: depth over its EWMA drops on a sweep (shock flag) and recovers', () => {
  const ev = [book(T0, [[100, 5]], [[100.02, 5]]), book(T0 + 60_000 * MS, [[100, 2]], [[100.02, 2]]), book(T0 + 60_050 * MS, [[100, 2]], [[100.02, 2]]), book(T0 + 200_000 * MS, [[100, 2]], [[100.02, 2]])];
  const f = run({ sampling: { mode: 'event' }, features: [{ op: 'resilience', levels: 1, tau_ms: 10_000, drop: 0.5 }] }, ev);
  const r = col(f, 'resilience_depth_ratio');
  // at 60.05 s the EWMA still ≈ 10 (depth was 10 for 60 s = 6τ): ratio ≈ 0.4 < 0.5 → shock
  const m0 = 1 - Math.exp(-6); // kernel mass of the first 60 s
  const a = Math.exp(-0.005);
  const want = 4 / ((10 * m0 * a + 4 * (1 - a)) / (m0 * a + (1 - a)));
  assert.ok(Math.abs(r[2] - want) < 1e-7, `${r[2]} vs ${want}`); // ns timestamps near 1.7e18 are exact to 256 ns
  assert.deepEqual(col(f, 'resilience_depth_shock'), [0, 1, 1, 0]);
  assert.ok(Math.abs(r[3] - 1) < 1e-5); // 140 s later the average has caught up
});
