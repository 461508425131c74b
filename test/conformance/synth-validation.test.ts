import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatValidation } from '../../src/cli/commands/simulate.ts';
import { compareMeasures, measureFiles, simulateToFiles, TOLERANCE } from '../../src/synth/index.ts';
import { dataPaths } from '../helpers/data.ts';

/**
 * The shipped parameter sets against the recordings they were calibrated from: 40 simulated
 * minutes of BTCUSDT and ETHUSDT per venue, measured exactly like the real files, every claimed
 * statistic within the tolerances of src/synth/validate.ts (TOLERANCE):
 *   event rates (diffs, level changes, bookTickers, trades) within ×1.5;
 *   time at a one-tick spread within ±0.05, mean spread within ×2;
 *   median queue at level 1 within ×3, levels 2–5 within ×12 (the model's are 2–10× too large);
 *   trade size p50/p75/p90 within ×2.5; 10 s volatility within ×2;
 *   1 s mid-return autocorrelation |ρ| ≤ 0.1 at lags 2–5;
 *   mean autocorrelation of |1 s returns| over lags 1–5 > 0.05 (volatility clustering);
 *   corr(1 s order-flow imbalance, next 1 s mid move) > 0.03.
 * On failure the whole comparison table is printed (it is also what `lobkit simulate validate` prints).
 */
const cases = [
  { venue: 'binance-usdm' as const, dir: 'usdm', files: ['btcusdt_20240808.gz', 'ethusdt_20240808.gz'] },
  { venue: 'binance-spot' as const, dir: 'spot', files: ['btcusdt_20240808.gz', 'btcusdt_20240809.gz', 'ethusdt_20240808.gz', 'ethusdt_20240809.gz'] },
];

for (const c of cases) {
  test(`${c.venue}: simulated statistics match the real recordings within the stated tolerances`, async (t) => {
    const real = dataPaths(t, c.files.map((f) => `binance-hftbacktest/${c.dir}/${f}`));
    if (!real) return;
    const out = mkdtempSync(join(tmpdir(), 'lobkit-synth-validation-'));
    const s = await simulateToFiles({ out, venue: c.venue, hours: 40 / 60, seed: 1 });
    const [sim, rm] = [await measureFiles(s.files), await measureFiles(real)];
    assert.deepEqual(sim.map((m) => m.symbol).sort(), ['BTCUSDT', 'ETHUSDT']);
    const v = compareMeasures(sim, rm);
    assert.deepEqual(v.unmatched, []);
    assert.ok(v.ok, `outside tolerance:\n${formatValidation(v)}`);
    // the properties models rely on, stated once more without the table
    for (const m of sim) {
      assert.ok(m.ofi.next > TOLERANCE.ofiNextMin, `${m.symbol}: OFI predicts the next mid move (${m.ofi.next})`);
      assert.ok(m.acf.slice(1).every((x) => Math.abs(x) <= TOLERANCE.acfBeyondLag1), `${m.symbol}: no return autocorrelation beyond lag 1 (${m.acf})`);
      assert.ok(m.absAcf.every((x) => x > 0), `${m.symbol}: |returns| positively autocorrelated at every lag (${m.absAcf})`);
    }
  });
}
