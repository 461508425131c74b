import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASK, BID, type Side } from '../core/events.ts';
import { advanceFills, byTimeToFill, equityStats, observeMid, type FillRecord, type MetricsConfig } from './metrics.ts';

const cfg: MetricsConfig = { horizons: [1e9, 10e9], excursion: 10e9, ttfEdges: [1e9, 5e9] };

function rec(side: Side, price: number, ttf: number, ts = 0): FillRecord {
  return { orderId: 1, instIdx: 0, side, price, qty: 2, maker: true, fee: 0.01, realized: 0, exchTs: ts, localTs: ts, timeToFill: ttf, midAtFill: price, markMid: new Float64Array(2).fill(NaN), mfeBps: 0, maeBps: 0, open: 2, positionAfter: 0 };
}

test('markouts resolve at their horizons with the mid held until then; excursions track the window', () => {
  const a = rec(BID, 100, 0.5e9);
  const pending = [a];
  observeMid(pending, 0.5e9, 99, cfg); // −100 bps
  observeMid(pending, 0.8e9, 100.5, cfg); // +50 bps
  assert.equal(advanceFills(pending, 1e9, 100.5, cfg), 1e9, 'at exactly 1 s the horizon is not past yet');
  advanceFills(pending, 1.2e9, 100.5, cfg);
  assert.equal(a.markMid[0], 100.5);
  assert.ok(Number.isNaN(a.markMid[1]));
  assert.equal(a.mfeBps, 50);
  assert.equal(a.maeBps, -100);
  observeMid(pending, 11e9, 90, cfg); // after the window: ignored
  assert.equal(a.maeBps, -100);
  advanceFills(pending, 11e9, 90, cfg);
  assert.equal(a.markMid[1], 90);
  assert.equal(pending.length, 0);
});

test('P&L by time to fill: markout P&L net of fees per bucket, adverse share', () => {
  const fast = rec(BID, 100, 0.2e9);
  fast.markMid.set([99, 98]);
  const slow = rec(ASK, 100, 7e9);
  slow.markMid.set([99, 99]);
  const b = byTimeToFill([fast, slow], cfg);
  assert.deepEqual(
    b.map((x) => x.bucket),
    ['<1s', '1s-5s', '>=5s'],
  );
  assert.equal(b[0].fills, 1);
  assert.deepEqual(b[0].pnl, [-2.01, -4.01]);
  assert.deepEqual(b[0].markoutBps, [-100, -200]);
  assert.equal(b[0].adverseShare, 1);
  assert.equal(b[1].fills, 0);
  assert.deepEqual(b[1].pnl, [null, null]);
  assert.deepEqual(b[2].pnl, [1.99, 1.99]);
  assert.equal(b[2].adverseShare, 0);
});

test('equity stats: drawdown from the running peak, Sharpe-like ratio of P&L steps', () => {
  const e = Float64Array.of(0, 2, 1, 3, -1, 1);
  const s = equityStats(e, e.length, 1e9);
  assert.equal(s.maxDrawdown, 4);
  assert.equal(s.peak, 3);
  assert.equal(s.final, 1);
  const d = [2, -1, 2, -4, 2];
  const mean = 0.2;
  const sd = Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / 4);
  assert.ok(Math.abs(s.sharpeLike! - (mean / sd) * Math.sqrt(365 * 86400)) < 1e-9);
  assert.ok(s.sharpeLike! > 0);
  assert.equal(equityStats(Float64Array.of(1, 1, 1), 3, 1e9).sharpeLike, null, 'no variation: undefined');
});
