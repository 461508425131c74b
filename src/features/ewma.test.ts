import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateEwma, TimeEwma } from './ewma.ts';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('TimeEwma: time average of a step function with an exponential kernel, normalized by the kernel mass seen', () => {
  const e = new TimeEwma(1000); // τ = 1 s
  e.update(0, 10);
  close(e.value(0), 10);
  e.update(1e9, 20); // 10 held for 1 s
  // after 1 more second holding 20: weights of the two seconds are e^{-1}(1 − e^{-1}) and (1 − e^{-1})
  const a = Math.exp(-1);
  const expected = (10 * (1 - a) * a + 20 * (1 - a)) / ((1 - a) * a + (1 - a));
  close(e.value(2e9), expected);
});

test('RateEwma: a steady rate is recovered exactly at any time, including the start', () => {
  const r = new RateEwma(2000);
  r.start(0);
  // 5 units every 10 ms = 500 units/s; the discrete kernel sum deviates from the continuous one by O(Δt/τ)
  for (let i = 1; i <= 1000; i++) r.add(i * 1e7, 5);
  close(r.rate(1000 * 1e7), 500, 0.01);
  assert.ok(!r.warm(0.5e9) && r.warm(2e9));
  // early on too (no start-up bias towards zero)
  const s = new RateEwma(60_000);
  s.start(0);
  for (let i = 1; i <= 100; i++) s.add(i * 1e7, 5);
  close(s.rate(100 * 1e7), 500, 0.01);
});

test('RateEwma: with no events the rate decays, and is 0 (not NaN) once started', () => {
  const r = new RateEwma(1000);
  assert.equal(r.rate(5), NaN);
  r.start(0);
  assert.equal(r.rate(1e9), 0);
});
