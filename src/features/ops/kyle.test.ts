import assert from 'node:assert/strict';
import { test } from 'node:test';
import { last, midPath, MS, run, T0, trade } from '../../../test/helpers/features.ts';

test("Kyle's lambda: bar returns proportional to bar signed volume give λ and R² = 1", () => {
  const ev = [];
  let c = 10_000;
  ev.push(...midPath([[500, c]]));
  const qs = [3, -2, 5, 1, -4, 2, -1, 6];
  qs.forEach((q, k) => {
    const t = (k + 1) * 1000 + 300;
    ev.push(trade(T0 + t * MS, c, Math.abs(q), q > 0 ? 1 : -1));
    c = Math.round(c * Math.exp((0.5 * q) / 1e4) * 100) / 100; // 0.5 bps per unit
    ev.push(...midPath([[t + 100, c]]));
  });
  ev.push(...midPath([[10_000, c]]));
  const f = run({ sampling: { mode: 'time', interval_ms: 1000 }, features: [{ op: 'kyle_lambda', bar_ms: 1000, bars: 8 }] }, ev);
  assert.ok(Math.abs(last(f, 'kyle_lambda_1sx8') - 0.5) < 0.005, String(last(f, 'kyle_lambda_1sx8')));
  assert.ok(last(f, 'kyle_r2_1sx8') > 0.999);
});
