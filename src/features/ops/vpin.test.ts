import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarketEvent } from '../../core/events.ts';
import { book, col, MS, rng, run, T0, trade } from '../../../test/helpers/features.ts';

const vpin = (extra: Record<string, unknown>) => ({ sampling: { mode: 'trade' }, features: [{ op: 'vpin', ...extra }] });

test('VPIN: equal-volume buckets, a trade spilling over buckets, Σ|V_S − V_B|/(n·V), CDF regime and size multiplier', () => {
  const ev = [
    book(T0, [[100, 1]], [[101, 1]]),
    trade(T0 + 1 * MS, 101, 6, 1),
    trade(T0 + 2 * MS, 100, 4, -1), // bucket 1 full: |6 − 4| = 2; only 1 bucket < n = 2
    trade(T0 + 3 * MS, 101, 15, 1), // bucket 2: 10 buys (|10 − 0| = 10) → VPIN = (2 + 10)/20; 5 spill into bucket 3
    trade(T0 + 4 * MS, 100, 5, -1), // bucket 3: 5 buys, 5 sells → VPIN = (10 + 0)/20
  ];
  const f = run(vpin({ bucket_volume: 10, window: 2, cdf_window: 2, cdf_min: 1 }), ev);
  assert.deepEqual(col(f, 'vpin'), [NaN, NaN, 0.6, 0.5]);
  // CDF over the last 2 VPINs: [0.6] → 1 (Extreme), [0.6, 0.5] → 0.5 (Medium at thresholds 0.5/0.75/0.9)
  assert.deepEqual(col(f, 'vpin_cdf'), [NaN, NaN, 1, 0.5]);
  assert.deepEqual(col(f, 'vpin_regime'), [NaN, NaN, 3, 1]);
  assert.deepEqual(col(f, 'vpin_size_mult'), [NaN, NaN, 0, 0.75]);
  assert.deepEqual(col(f, 'warm'), [0, 0, 1, 1]);
  const v = run(vpin({ bucket_volume: 10, window: 2, cdf_min: 1, regime_on: 'value' }), ev);
  assert.deepEqual(col(v, 'vpin_regime'), [NaN, NaN, 2, 2]); // 0.6 and 0.5 ≥ 0.5, < 0.7
});

test('VPIN stays in [0, 1] on random flow, with trade signs and with bulk volume classification', () => {
  const u = rng(42);
  const ev: MarketEvent[] = [book(T0, [[100, 1]], [[101, 1]])];
  let p = 100;
  for (let i = 1; i <= 5000; i++) {
    p += (u() - 0.5) * 0.2;
    const side = u() < 0.3 ? 1 : u() < 0.5 ? -1 : 0;
    ev.push(trade(T0 + i * 37 * MS, Math.round(p * 100) / 100, Math.round(u() * 50 * 1e4) / 1e4 + 0.0001, side as 1 | -1 | 0));
  }
  for (const extra of [{ bucket_volume: 3, window: 10 }, { classify: 'bvc', bvc_bar_ms: 500, auto_calibrate_ms: 10_000, auto_bucket_ms: 3000, window: 20 }]) {
    const f = run(vpin({ ...extra, cdf_min: 1 }), ev);
    const x = col(f, 'vpin').filter((v) => v === v);
    assert.ok(x.length > 100, `${x.length} VPIN values`);
    for (const v of x) assert.ok(v >= 0 && v <= 1, `VPIN ${v}`);
    assert.ok(Math.max(...x) > Math.min(...x), 'VPIN moves');
  }
});

test('VPIN bucket calibration: the volume of the first calibration period, scaled to the bucket length', () => {
  const ev: MarketEvent[] = [book(T0, [[100, 1]], [[101, 1]])];
  // 2 units every 100 ms: 20 units/s. Calibrate over 1 s, buckets of 500 ms → V = 10.
  for (let i = 0; i < 40; i++) ev.push(trade(T0 + i * 100 * MS, 101, 2, 1));
  const f = run(vpin({ auto_calibrate_ms: 1000, auto_bucket_ms: 500, window: 2, cdf_min: 1 }), ev);
  // all buys: every bucket has |V_B − V_S| = V → VPIN = 1 once two buckets are full
  const x = col(f, 'vpin');
  assert.equal(x[x.length - 1], 1);
  // calibration: trades 0..9 (20 units in the first 1 s); trade 10 (at 1 s) sets V = 20·500/1000 = 10 and
  // starts filling; buckets of 10 fill every 5 trades, so the second bucket (n = 2) completes at trade 19
  assert.equal(x.findIndex((v) => v === v), 19);
});
