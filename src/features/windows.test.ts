import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../../test/helpers/features.ts';
import { Lagged, Rolling, TimeWindows, ols } from './windows.ts';

test('TimeWindows: sums over (t − W, t] match brute force for several windows, through ring growth', () => {
  const u = rng(7);
  const tw = new TimeWindows(2, [50, 10, 200], 4);
  const recs: { ts: number; a: number; b: number }[] = [];
  let ts = 0;
  for (let i = 0; i < 5000; i++) {
    ts += Math.floor(u() * 3) * 1e6; // 0..2 ms apart, with ties
    const a = Math.round(u() * 100) / 7;
    const b = -Math.round(u() * 50);
    tw.push(ts);
    tw.set(0, a);
    tw.set(1, b);
    recs.push({ ts, a, b });
    if (i % 37 === 0) {
      const now = ts + Math.floor(u() * 20) * 1e6;
      tw.advance(now);
      for (const [w, ms] of [10, 50, 200].entries()) {
        let sa = 0;
        let sb = 0;
        let n = 0;
        for (const r of recs) {
          if (r.ts > now - ms * 1e6 && r.ts <= now) {
            sa += r.a;
            sb += r.b;
            n++;
          }
        }
        assert.equal(tw.count(w), n, `count w=${ms}`);
        assert.ok(Math.abs(tw.sum(w, 0) - sa) < 1e-9, `sum a w=${ms}: ${tw.sum(w, 0)} vs ${sa}`);
        assert.equal(tw.sum(w, 1), sb);
      }
    }
  }
});

test('TimeWindows: an emptied window sums to exactly 0 (no round-off residue)', () => {
  const tw = new TimeWindows(1, [1]);
  for (let i = 0; i < 100; i++) {
    tw.push(i * 1e5);
    tw.set(0, 0.1 * (i % 7) + 1e-9);
  }
  tw.advance(1e12);
  assert.equal(tw.count(0), 0);
  assert.equal(tw.sum(0, 0), 0);
});

test('Lagged: value in force at now − lag', () => {
  const l = new Lagged(10); // 10 ms
  l.push(0, 1);
  l.push(5e6, 2);
  l.push(12e6, 3);
  assert.equal(l.at(9e6), NaN); // now − lag = −1 ms: nothing known that old
  assert.equal(l.at(10e6), 1); // 0 ms: value 1 (pushed at 0)
  assert.equal(l.at(16e6), 2); // 6 ms: value 2
  assert.equal(l.at(22e6), 3); // 12 ms: value 3
  assert.equal(l.at(100e6), 3);
});

test('Rolling: count window keeps the last n values, mean and population variance', () => {
  const r = new Rolling(3);
  for (const x of [1, 2, 3, 4, 10]) r.push(x);
  assert.deepEqual([r.get(0), r.get(1), r.get(2)], [3, 4, 10]);
  assert.equal(r.mean(), 17 / 3);
  const m = 17 / 3;
  assert.ok(Math.abs(r.variance() - ((3 - m) ** 2 + (4 - m) ** 2 + (10 - m) ** 2) / 3) < 1e-12);
  assert.equal(r.last(), 10);
});

test('ols: slope, intercept, R² and residual variance by hand', () => {
  // y = 1 + 2x + e, e = [+1, −1, −1, +1] at x = 0..3
  const xs = [0, 1, 2, 3];
  const ys = [2, 2, 4, 8];
  const f = ols(xs, ys, 4, { slope: 0, intercept: 0, r2: 0, residVar: 0 });
  assert.equal(f.slope, 2);
  assert.equal(f.intercept, 1);
  // SSE = 4, SST = Σ(y − 4)² = 4 + 4 + 0 + 16 = 24 → R² = 1 − 4/24
  assert.ok(Math.abs(f.r2 - (1 - 4 / 24)) < 1e-12);
  assert.equal(f.residVar, 4 / 2);
});
