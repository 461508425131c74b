import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lobkit } from '../helpers/cli.ts';
import { dataPaths } from '../helpers/data.ts';

test('lobkit feasibility from figures alone: costs per scenario as computed by hand', () => {
  const r = lobkit(['feasibility', '--fees', 'binance-usdm', '--spread-bps', '0.4', '--adverse-bps', '1', '--move', '10s=3,60s=8', '--edge-bps', '6', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout).instruments[0].scenarios;
  // binance-usdm: maker 2, taker 5 bps
  assert.deepEqual(
    s.map((x: { scenario: string; costBps: number }) => [x.scenario, +x.costBps.toFixed(10)]),
    [
      ['taker/taker', 10.4], // 5 + 5 + 0.2 + 0.2
      ['maker/taker', 8], // 2 + 5 − 0.2 + 0.2 + 1 adverse
      ['maker/maker', 5.6], // 2 + 2 − 0.4 + 2 × 1 adverse
    ],
  );
  assert.equal(+s[2].netEdgeBps.toFixed(10), 0.4);
  assert.equal(+s[0].horizons[1].breakevenHitRate.toFixed(10), 0.5 + 10.4 / 16);
  const text = lobkit(['feasibility', '--fees', 'binance-usdm', '--spread-bps', '0.4', '--move', '10s=3']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /taker\/taker\s+10\.00\s+0\.40\s+0\.00\s+0\.00\s+10\.40\s+-7\.40 \/ impossible/);
  assert.match(text.stdout, /adverse selection unknown/);
  const bad = lobkit(['feasibility', '--fees', 'binance-usdm']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /without data, give at least --spread-bps/);
  const venue = lobkit(['feasibility', '--fees', 'nowhere', '--spread-bps', '1']);
  assert.equal(venue.code, 2);
  assert.match(venue.stderr, /no fee schedule for venue "nowhere"/);
});

test('lobkit feasibility on real data: spread, moves and maker adverse selection measured from the recording', async (t) => {
  const files = dataPaths(t, ['binance-hftbacktest/usdm/btcusdt_20240808.gz']);
  if (!files) return;
  const r = lobkit(['feasibility', ...files, '--horizons', '1s,60s', '--depth', '10', '--size', '0.5', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const inst = JSON.parse(r.stdout).instruments[0];
  assert.equal(inst.venue, 'binance-usdm');
  assert.deepEqual(inst.input.fees, { makerBps: 2, takerBps: 5, source: 'binance-usdm' });
  assert.ok(inst.input.spreadBps > 0 && inst.input.spreadBps < 1, `BTCUSDT futures spread ${inst.input.spreadBps} bps`);
  assert.deepEqual(
    inst.input.moves.map((m: { horizon: string }) => m.horizon),
    ['1s', '60s'],
  );
  assert.ok(inst.input.moves[0].meanAbsBps < inst.input.moves[1].meanAbsBps);
  assert.ok(inst.input.adverseBps > 0, `maker fills are adversely selected: ${inst.input.adverseBps} bps`);
  assert.ok(inst.input.makerFillRate > 0 && inst.input.makerFillRate < 1);
  assert.ok(inst.input.slippageBps >= 0);
  const [tt] = inst.scenarios;
  assert.ok(Math.abs(tt.costBps - (10 + inst.input.spreadBps + 2 * inst.input.slippageBps)) < 1e-9);
});
