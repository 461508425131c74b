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

/** The definition: every record and horizon scanned at every call (what advanceFills / observeMid must equal). */
function refAdvance(pending: FillRecord[], t: number, mid: number, c: MetricsConfig): number {
  let w = 0;
  let next = Infinity;
  for (const r of pending) {
    for (let k = 0; k < c.horizons.length; k++) {
      if (r.markMid[k] === r.markMid[k]) continue;
      const due = r.exchTs + c.horizons[k];
      if (due < t) (r.markMid[k] = mid), r.open--;
      else if (due < next) next = due;
    }
    const end = r.exchTs + c.excursion;
    if (r.open > 0 || end >= t) {
      pending[w++] = r;
      if (end < next) next = end;
    }
  }
  pending.length = w;
  return next;
}
function refObserve(pending: FillRecord[], t: number, mid: number, c: MetricsConfig): void {
  for (const r of pending) {
    if (t > r.exchTs + c.excursion) continue;
    const m = ((r.side === BID ? mid - r.price : r.price - mid) / r.price) * 1e4;
    if (m > r.mfeBps) r.mfeBps = m;
    if (m < r.maeBps) r.maeBps = m;
  }
}

test('markouts and excursions over many fills in time order equal a full scan of every record at every call', () => {
  const c: MetricsConfig = { horizons: [10e9, 1e9, 60e9], excursion: 30e9, ttfEdges: [1e9] };
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const fast: FillRecord[] = [];
  const slow: FillRecord[] = [];
  const pairs: [FillRecord, FillRecord][] = [];
  let t = 0;
  let resolvedEarly = 0;
  for (let step = 0; step < 20000; step++) {
    t += Math.floor(rnd() * 0.3e9);
    const mid = 100 + Math.floor(rnd() * 200) / 100;
    if (rnd() < 0.5) {
      const n1 = advanceFills(fast, t, mid, c);
      const n2 = refAdvance(slow, t, mid, c);
      assert.equal(n1, n2, `next due at step ${step}`);
      assert.equal(fast.length, slow.length, `open records at step ${step}`);
    }
    observeMid(fast, t, mid, c);
    refObserve(slow, t, mid, c);
    if (rnd() < 0.1) {
      const make = () => Object.assign(rec(step % 2 === 0 ? BID : ASK, mid, 0, t), { markMid: new Float64Array(3).fill(NaN), open: 3 });
      const a = make();
      const b = make();
      fast.push(a);
      slow.push(b);
      pairs.push([a, b]);
    }
    if (fast.length > 0 && fast[0].open < 3) resolvedEarly++;
  }
  assert.ok(pairs.length > 1500 && resolvedEarly > 0);
  for (const [a, b] of pairs) {
    assert.deepEqual(Array.from(a.markMid), Array.from(b.markMid));
    assert.deepEqual([a.mfeBps, a.maeBps, a.open], [b.mfeBps, b.maeBps, b.open]);
  }
});
