import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng, counterNormal, seedKey } from './rng.ts';

test('xoshiro128** matches the reference implementation (state 1, 2, 3, 4)', () => {
  // outputs of Blackman & Vigna's C code (xoshiro128starstar.c) from s = {1, 2, 3, 4}
  const r = Rng.fromState(1, 2, 3, 4);
  const got = Array.from({ length: 8 }, () => r.nextU32());
  assert.deepEqual(got, [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
});

test('same seed and stream → same sequence; other seed or stream → another', () => {
  const draw = (seed: number | string, stream: string) => {
    const r = new Rng(seed, stream);
    return Array.from({ length: 16 }, () => r.nextU32());
  };
  assert.deepEqual(draw(42, 'BTCUSDT/book'), draw(42, 'BTCUSDT/book'));
  assert.notDeepEqual(draw(42, 'BTCUSDT/book'), draw(43, 'BTCUSDT/book'));
  assert.notDeepEqual(draw(42, 'BTCUSDT/book'), draw(42, 'ETHUSDT/book'));
  assert.deepEqual(draw('abc', ''), draw('abc', ''));
  assert.notEqual(seedKey(1), seedKey(2 ** 32 + 1), 'high bits of an integer seed count');
});

test('uniform, exponential and normal draws have the right moments', () => {
  const r = new Rng(7, 'moments');
  const n = 200_000;
  let su = 0;
  let se = 0;
  let sn = 0;
  let sn2 = 0;
  let min = 1;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    min = Math.min(min, r.uniformPos());
    su += u;
    se += r.exp();
    const z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  assert.ok(Math.abs(su / n - 0.5) < 0.005, `uniform mean ${su / n}`);
  assert.ok(Math.abs(se / n - 1) < 0.01, `exponential mean ${se / n}`);
  assert.ok(Math.abs(sn / n) < 0.01, `normal mean ${sn / n}`);
  assert.ok(Math.abs(sn2 / n - 1) < 0.015, `normal variance ${sn2 / n}`);
  assert.ok(min > 0, 'uniformPos never returns 0');
});

test('counterNormal is a stateless function of (key, step), standard normal across steps', () => {
  assert.equal(counterNormal(5, 123456789), counterNormal(5, 123456789));
  assert.notEqual(counterNormal(5, 1), counterNormal(6, 1));
  assert.equal(counterNormal(5, -3), counterNormal(5, -3));
  let s = 0;
  let s2 = 0;
  let lag = 0;
  const n = 100_000;
  let prev = counterNormal(9, 17_000_000_000);
  for (let i = 1; i <= n; i++) {
    const z = counterNormal(9, 17_000_000_000 + i);
    s += z;
    s2 += z * z;
    lag += z * prev;
    prev = z;
  }
  assert.ok(Math.abs(s / n) < 0.015 && Math.abs(s2 / n - 1) < 0.02, `mean ${s / n} var ${s2 / n}`);
  assert.ok(Math.abs(lag / n) < 0.015, `consecutive steps uncorrelated: ${lag / n}`);
});
