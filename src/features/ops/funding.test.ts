import assert from 'node:assert/strict';
import { test } from 'node:test';
import { book, col, funding, MS, run, T0 } from '../../../test/helpers/features.ts';

test('funding: rate, sliding z-score, basis, arbitrage direction and annualized carry; absent stream does not block warm', () => {
  const ev = [book(T0, [[100, 1]], [[100.02, 1]]), funding(T0 + 1 * MS, 1e-4, 100.1, 100), funding(T0 + 2 * MS, 2e-4, 100.1, 100), funding(T0 + 3 * MS, 3e-4, 100.2, 100), book(T0 + 4 * MS, [[100, 1]], [[100.02, 1]])];
  const f = run({ sampling: { mode: 'event' }, features: [{ op: 'funding', window: 3, min_count: 2, interval_h: 8 }] }, ev);
  assert.deepEqual(col(f, 'funding_rate'), [NaN, 3e-4]);
  assert.deepEqual(col(f, 'warm'), [1, 1]); // no stream yet → warm; then 3 ≥ min_count 2
  const z = 1e-4 / Math.sqrt((2 / 3) * 1e-8); // mean 2e-4, population sd √(2/3)·1e-4
  assert.ok(Math.abs(f.col('funding_z')[1] - z) < 1e-9);
  assert.ok(Math.abs(f.col('funding_basis_bps')[1] - 20) < 1e-9); // 100.2/100 − 1
  assert.equal(f.col('funding_arb_dir')[1], -1); // positive funding: short the perp
  assert.ok(Math.abs(f.col('funding_arb_bps_annual')[1] - 3e-4 * 3 * 365 * 1e4) < 1e-9);
  const g = run({ sampling: { mode: 'event' }, features: [{ op: 'funding', window: 3, min_count: 2 }] }, [ev[0], ev[1], ev[4]]);
  assert.deepEqual(col(g, 'warm'), [1, 0]); // stream present, one value < min_count
});
