import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gauss, last, midPath, rng, run, T0, MS } from '../../../test/helpers/features.ts';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

const SECOND = { mode: 'time', interval_ms: 1000 };

test('realized and Parkinson volatility over bars of the mid path, and their blend', () => {
  // bar 0: 100 → 102 → 99 (O 100 H 102 L 99 C 99); bar 1: 99 → 101; bar 2: 101 → 100
  const ev = midPath([[0, 100], [300, 102], [600, 99], [1500, 101], [2200, 100], [3500, 100]]);
  const f = run({ sampling: SECOND, features: [{ op: 'volatility', bar_ms: 1000, bars: 2, blend_weight: 0.5 }] }, ev);
  assert.equal(f.col('ts')[f.n - 1], T0 + 3000 * MS);
  const rv = Math.log(101 / 99) ** 2 + Math.log(100 / 101) ** 2;
  const pk = (Math.log(101 / 99) ** 2 + Math.log(101 / 100) ** 2) / (4 * Math.log(2));
  close(last(f, 'vol_rv_bps_1sx2'), Math.sqrt(rv) * 1e4);
  close(last(f, 'vol_parkinson_bps_1sx2'), Math.sqrt(pk) * 1e4);
  close(last(f, 'vol_blend_bps_1sx2'), Math.sqrt(0.5 * rv + 0.5 * pk) * 1e4);
  assert.equal(last(f, 'warm'), 1);
  assert.equal(f.col('warm')[1], 0); // at 1 s: one bar, no return yet
});

test('OU fit: rolling OLS of x_i on x_{i−1} gives θ, μ, σ; z, half-life and the Hurst gate', () => {
  const g = gauss(rng(4));
  const b = 0.8;
  const pts: [number, number][] = [];
  let x = 0;
  for (let k = 0; k < 400; k++) {
    x = b * x + 0.002 * g();
    pts.push([k * 1000 + 500, Math.round(10_000 * Math.exp(x) * 100) / 100]);
  }
  pts.push([400_200, pts[pts.length - 1][1]]);
  const ev = midPath(pts);
  const W = 300;
  const f = run({ sampling: SECOND, features: [{ op: 'ou', bar_ms: 1000, window: W, hurst_window: 256, scales: [8, 16, 32, 64], hurst_gate: 0.5 }] }, ev);
  // independent fit on the last W closes (log relative to the first close)
  const closes = pts.slice(0, 400).map((p) => Math.log(p[1]) - Math.log(pts[0][1]));
  const xs = closes.slice(-W);
  const px = xs.slice(0, -1);
  const py = xs.slice(1);
  const n = px.length;
  const mx = px.reduce((a, v) => a + v) / n;
  const my = py.reduce((a, v) => a + v) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) ((sxy += (px[i] - mx) * (py[i] - my)), (sxx += (px[i] - mx) ** 2), (syy += (py[i] - my) ** 2));
  const bh = sxy / sxx;
  const a = my - bh * mx;
  const resid = (syy - bh * sxy) / (n - 2);
  const theta = -Math.log(bh);
  const mu = a / (1 - bh);
  const z = (xs[xs.length - 1] - mu) / Math.sqrt(resid / (1 - bh * bh));
  close(last(f, 'ou_theta'), theta, 1e-7);
  close(last(f, 'ou_half_life_s'), Math.LN2 / theta, 1e-7);
  close(last(f, 'ou_z'), z, 1e-6);
  assert.ok(Math.abs(theta - -Math.log(b)) < 0.08, `θ̂ = ${theta} vs ${-Math.log(b)}`);
  // the series mean-reverts: its Hurst exponent is below the gate, so the gated z is the z
  assert.equal(last(f, 'ou_z_gated'), last(f, 'ou_z'));
  const closed = run({ sampling: SECOND, features: [{ op: 'ou', bar_ms: 1000, window: W, hurst_window: 256, scales: [8, 16, 32, 64], hurst_gate: 0 }] }, ev);
  assert.equal(last(closed, 'ou_z_gated'), 0);
});

test('hurst operator: NaN and not warm until the window of bar returns is full', () => {
  const pts: [number, number][] = [];
  const u = rng(1);
  let m = 1000;
  for (let k = 0; k < 40; k++) pts.push([k * 100 + 50, (m = Math.round((m + (u() < 0.5 ? -0.5 : 0.5)) * 100) / 100)]);
  const f = run({ sampling: { mode: 'time', interval_ms: 100 }, features: [{ op: 'hurst', bar_ms: 100, window: 16, scales: [4, 8] }] }, midPath(pts));
  const h = Array.from(f.col('hurst_100ms'));
  const w = Array.from(f.col('warm'));
  const firstWarm = w.indexOf(1);
  assert.ok(firstWarm > 10, `warm at row ${firstWarm}`);
  assert.ok(h.slice(0, firstWarm).every((v) => v !== v));
  assert.ok(h.slice(firstWarm).every((v) => v > 0 && v < 1.5));
});
