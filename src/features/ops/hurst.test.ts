import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gauss, rng } from '../../../test/helpers/features.ts';
import { expectedRS, hurstRS, StreamingRS } from './hurst.ts';

const SCALES = [16, 32, 64, 128, 256, 512];

function ar1(n: number, phi: number, seed: number): Float64Array {
  const g = gauss(rng(seed));
  const x = new Float64Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) x[i] = prev = phi * prev + g();
  return x;
}

test('Anis–Lloyd expected R/S: E[(R/S)_10] from the closed form with exact Γ values', () => {
  let s = 0;
  for (let i = 1; i < 10; i++) s += Math.sqrt((10 - i) / i);
  // Γ(4.5)/(√π·Γ(5)) = (3.5·2.5·1.5·0.5)/24
  const expected = (9.5 / 10) * ((3.5 * 2.5 * 1.5 * 0.5) / 24) * s;
  assert.ok(Math.abs(expectedRS(10) - expected) < 1e-12, `${expectedRS(10)} vs ${expected}`);
  // large n: E[R/S] ~ √(nπ/2) (Feller's asymptote)
  assert.ok(Math.abs(expectedRS(5000) / Math.sqrt((5000 * Math.PI) / 2) - 1) < 0.02);
});

test('Hurst by R/S: a long random walk gives H ≈ 0.5, a trending series H > 0.5, a mean-reverting one H < 0.5', () => {
  const N = 8192;
  const hs: number[] = [];
  for (let seed = 1; seed <= 4; seed++) {
    const h = hurstRS(ar1(N, 0, seed), N, SCALES, true);
    hs.push(h);
    assert.ok(Math.abs(h - 0.5) < 0.08, `random walk (seed ${seed}): H = ${h}`);
  }
  const mean = hs.reduce((a, b) => a + b) / hs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.04, `mean H over seeds ${mean}`);
  // uncorrected R/S is biased upwards at these sample sizes
  assert.ok(hurstRS(ar1(N, 0, 1), N, SCALES, false) > hs[0]);
  const trend = hurstRS(ar1(N, 0.7, 5), N, SCALES, true);
  assert.ok(trend > 0.6, `trending H = ${trend}`);
  const revert = hurstRS(ar1(N, -0.5, 6), N, SCALES, true);
  assert.ok(revert < 0.45, `anti-persistent H = ${revert}`);
});

test('StreamingRS equals the batch estimate when the stream is aligned on every scale', () => {
  const x = ar1(3000, 0.2, 8);
  const N = 1024;
  const s = new StreamingRS(N, SCALES, true);
  for (let i = 0; i < 2048; i++) s.push(x[i]);
  assert.ok(s.ready);
  const batch = hurstRS(x.subarray(2048 - N, 2048), N, SCALES, true);
  assert.ok(Math.abs(s.hurst() - batch) < 1e-12, `${s.hurst()} vs ${batch}`);
  const u = new StreamingRS(N, SCALES, false);
  for (let i = 0; i < 2048; i++) u.push(x[i]);
  assert.ok(Math.abs(u.hurst() - hurstRS(x.subarray(2048 - N, 2048), N, SCALES, false)) < 1e-12);
  assert.equal(new StreamingRS(N, SCALES, true).ready, false);
});
