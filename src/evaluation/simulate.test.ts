import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Frame } from '../core/frame.ts';
import { midFrame } from '../labels/test-frames.ts';
import { feeScenarios, type Costs } from './costs.ts';
import { oracleDirection, simulateBoth, simulateTrades, thresholdSweep } from './simulate.ts';

const S = 1e9;
const near = (a: number, b: number, what: string, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} != ${b}`);
const costs = (p: Partial<Costs>): Costs => ({ name: 'test', makerBps: 0, takerBps: 0, entry: 'taker', exit: 'taker', size: 0, ...p });

test('fees and spread reduce P&L exactly as computed by hand', () => {
  // mid 100 → 101 after 1 s, spread 0.02 (bid/ask = mid ∓ 0.01)
  const f = midFrame([0, 1, 2], [100, 101, 101], { halfSpread: 0.01 });
  const long = simulateTrades([1, 0, 0], f, costs({ takerBps: 5 }), { horizon: S });
  assert.equal(long.trades, 1);
  const t = long.list![0];
  assert.equal(t.entryPx, 100.01, 'long buys at the ask');
  assert.equal(t.exitPx, 100.99, 'and sells at the bid');
  // by hand: 100.99 × 0.9995 = 100.939505; 100.01 × 1.0005 = 100.060005; (0.8795 / 100.01) × 1e4
  near(t.netBps, 87.94120587941206, 'net bps');
  near(t.grossBps, 100, 'mid to mid');
  near(t.touchBps, (0.98 / 100.01) * 1e4, 'at the touch');
  near(long.costBps.spread, 100 - (0.98 / 100.01) * 1e4, 'spread paid');
  near(long.costBps.fees, (0.98 / 100.01) * 1e4 - 87.94120587941206, 'fees paid');
  // the same trade as a short with maker legs (sells at the ask 100.01, buys back at the bid 100.99), maker fee 2 bps:
  // (100.01 × 0.9998 − 100.99 × 1.0002) / 100.01 × 1e4 = (99.989998 − 101.010198) / 100.01 × 1e4
  const short = simulateTrades([-1, 0, 0], f, costs({ makerBps: 2, entry: 'maker', exit: 'maker' }), { horizon: S });
  near(short.list![0].netBps, ((99.989998 - 101.010198) / 100.01) * 1e4, 'short maker net');
  // no costs at all: net = the touch return
  const free = simulateTrades([1, 0, 0], midFrame([0, 1, 2], [100, 101, 101], { halfSpread: 0 }), costs({}), { horizon: S });
  near(free.list![0].netBps, 100, 'zero spread, zero fees');
});

/**
 * The trap: mids chosen so the trades a real account could take (one at a time) lose, while
 * counting every overlapping signal "earns". Signal long on rows 0..9 (one a second), hold 5 s.
 */
function trapFrame(): Frame {
  const mid = [100, 100, 100, 100, 100, 99, 101, 101, 101, 101, 98, 102, 102, 102, 102, 102, 102];
  return midFrame(
    mid.map((_, i) => i),
    mid,
    { halfSpread: 0.001 },
  );
}

test('non-overlapping never holds two positions at once; overlapping does and invents profit', () => {
  const f = trapFrame();
  const signal = Float64Array.from({ length: f.n }, (_, i) => (i <= 9 ? 1 : 0));
  const { honest, overlapping } = simulateBoth(signal, f, costs({ takerBps: 0.5 }), { horizon: 5 * S });
  // honest: in at 0 (100 → 99 at 5 s), in at 5 (99 → 98 at 10 s); signals at 1-4 and 6-9 blocked
  assert.equal(honest.trades, 2);
  assert.equal(honest.blocked, 8);
  assert.equal(honest.maxConcurrent, 1);
  const L = honest.list!;
  for (let k = 1; k < L.length; k++) assert.ok(L[k].entryTs >= L[k - 1].exitTs, 'a position opens only after the previous one closed');
  // overlapping: 10 positions, 5 open at once, and the 1-4 / 6-9 entries all "win"
  assert.equal(overlapping.trades, 10);
  assert.equal(overlapping.maxConcurrent, 5);
  assert.ok(honest.totalBps < -200, `honest total ${honest.totalBps}`);
  assert.ok(overlapping.totalBps > 500, `overlapping total ${overlapping.totalBps}`);
  assert.ok(overlapping.tradesPerDay === 5 * honest.tradesPerDay);
});

test('threshold sweep: higher thresholds take fewer, stronger signals', () => {
  const f = trapFrame();
  const signal = new Float64Array(f.n);
  signal[0] = 0.2; // → 99 at 5 s
  signal[6] = 0.9; // 101 → 102 at 11 s
  signal[11] = -0.5; // 102 → 102: flat
  const rows = thresholdSweep(signal, f, costs({}), { horizon: 5 * S, thresholds: [0, 0.3, 0.6, 1] });
  assert.deepEqual(
    rows.map((r) => [r.threshold, r.trades]),
    [
      [0, 3],
      [0.3, 2],
      [0.6, 1],
      [1, 0],
    ],
  );
  near(rows[2].bpsPerTrade, ((102 - 0.001 - (101 + 0.001)) / 101.001) * 1e4, 'the 0.9 signal alone');
  near(rows[0].totalBps, rows[0].bpsPerTrade * 3, 'total = trades × bps/trade');
});

test('oracle direction: the model entries, traded the way the mid really went', () => {
  const f = trapFrame();
  const signal = Float64Array.from({ length: f.n }, (_, i) => (i <= 9 ? 1 : 0));
  const c = costs({ takerBps: 0.5 });
  const model = simulateTrades(signal, f, c, { horizon: 5 * S });
  const oracle = oracleDirection(signal, f, c, { horizon: 5 * S });
  assert.equal(oracle.trades, model.trades);
  assert.deepEqual(
    oracle.list!.map((t) => [t.entry, t.side]),
    [
      [0, -1],
      [5, -1],
    ],
  );
  assert.ok(oracle.bpsPerTrade > 0 && model.bpsPerTrade < 0);
});

test('slippage by walking the book, unfillable sizes counted, and no silent guess without depth', () => {
  const base = midFrame([0, 1, 2], [100, 100.02, 100.02], { halfSpread: 0.01 });
  // ask levels at row 0: 100.01 × 1, 100.02 × 2, 100.05 × 5; bid levels at row 1: 100.01 × 3, ...
  const d = (vals: number[]) => Float64Array.from(vals);
  const f = base.with(
    ['ask_px_1', 'ask_sz_1', 'ask_px_2', 'ask_sz_2', 'ask_px_3', 'ask_sz_3', 'bid_px_1', 'bid_sz_1', 'bid_px_2', 'bid_sz_2', 'bid_px_3', 'bid_sz_3'],
    [d([100.01, 0, 0]), d([1, 0, 0]), d([100.02, 0, 0]), d([2, 0, 0]), d([100.05, 0, 0]), d([5, 0, 0]), d([99.99, 100.01, 100.01]), d([1, 3, 3]), d([99.98, 100, 100]), d([1, 1, 1]), d([99.9, 99.9, 99.9]), d([1, 1, 1])],
  );
  const r = simulateTrades([1, 0, 0], f, costs({ size: 2.5 }), { horizon: S });
  const t = r.list![0];
  near(t.entryPx, (1 * 100.01 + 1.5 * 100.02) / 2.5, 'entry walks two ask levels');
  assert.equal(t.exitPx, 100.01, 'exit fits in the first bid level (3 lots)');
  near(t.slippageBps, ((t.entryPx - 100.01) / t.entryPx) * 1e4, 'slippage beyond the touch');
  const big = simulateTrades([1, 0, 0], f, costs({ size: 9 }), { horizon: S });
  assert.equal(big.trades, 0);
  assert.equal(big.skipped.unfillable, 1, '9 lots exceed the 8 visible');
  assert.throws(() => simulateTrades([1, 0, 0], base, costs({ size: 2.5 }), { horizon: S }), /exceeds the ask touch size 1 at row 0 and the data has no depth columns/);
});

test('trades whose horizon crosses an invalid row or runs past the data are skipped and counted', () => {
  const f = midFrame([0, 1, 2, 3, 4], [100, 100, 100, 100, 100], { invalid: [2] });
  const r = simulateTrades([0, 1, 0, 1, 1], f, costs({}), { horizon: S });
  assert.deepEqual(r.skipped, { incomplete: 1, invalid: 1, unfillable: 0 });
  assert.equal(r.trades, 1);
  assert.deepEqual(
    feeScenarios({ makerBps: 2, takerBps: 5 }).map((c) => c.name),
    ['taker/taker', 'maker/taker', 'maker/maker'],
  );
});
