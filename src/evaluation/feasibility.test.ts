import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelFrameSync } from '../labels/label-frame.ts';
import { normalizeLabelSpec } from '../labels/spec.ts';
import { midFrame } from '../labels/test-frames.ts';
import { computeFeasibility, measureFeasibility } from './feasibility.ts';

const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} != ${b}`);

test('feasibility: edge − fees − spread − adverse selection − slippage per scenario, by hand', () => {
  const f = computeFeasibility({ fees: { makerBps: 2, takerBps: 5 }, spreadBps: 1, adverseBps: 0.5, slippageBps: 0.3, edgeBps: 9, moves: [{ horizon: '10s', meanAbsBps: 20, medianAbsBps: 15, n: 100 }] });
  const [tt, mt, mm] = f.scenarios;
  // taker/taker: 5 + 5 fees, 0.5 + 0.5 half spreads, 0.3 + 0.3 slippage
  near(tt.costBps, 11.6, 'taker/taker');
  // maker/taker: 2 + 5 fees, −0.5 + 0.5 spread, 0.5 adverse on the maker leg, 0.3 slippage on the taker leg
  near(mt.costBps, 7.8, 'maker/taker');
  // maker/maker: 2 + 2 fees, −1 spread earned, 2 × 0.5 adverse
  near(mm.costBps, 4, 'maker/maker');
  near(tt.netEdgeBps!, 9 - 11.6, 'edge − cost');
  near(tt.horizons[0].oracleNetBps, 20 - 11.6, 'oracle');
  near(tt.horizons[0].breakevenHitRate, 0.5 + 11.6 / 40, 'break-even hit rate');
  assert.equal(f.notes.length, 1, 'adverse selection was given');
  assert.match(computeFeasibility({ fees: { makerBps: 0, takerBps: 0 }, spreadBps: 1 }).notes[0], /adverse selection unknown/);
});

test('feasibility measured from labelled data: median spread, mean |move| per horizon', () => {
  const mid = [100, 101, 100, 102, 100, 100, 99];
  const f = labelFrameSync(midFrame([0, 1, 2, 3, 4, 5, 6], mid, { halfSpread: 0.01 }), normalizeLabelSpec({ horizons: ['1s', '2s'] })).frame;
  const m = measureFeasibility(f, { fees: { makerBps: 1, takerBps: 2 } });
  near(m.spreadBps, (0.02 / 100) * 1e4, 'median spread (the mid 100 rows dominate)');
  assert.deepEqual(
    m.moves!.map((x) => x.horizon),
    ['1s', '2s'],
  );
  const abs1 = [100, (1 / 101) * 1e4, 200, (2 / 102) * 1e4, 0, 100];
  near(m.moves![0].meanAbsBps, abs1.reduce((a, b) => a + b, 0) / 6, 'mean |1 s move|');
  assert.equal(m.adverseBps, undefined, 'no maker labels, no adverse selection claimed');
});
