import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultParams } from './defaults.ts';
import { SymbolModel } from './model.ts';
import { Rng } from './rng.ts';

function check(m: SymbolModel): void {
  const b = m.book;
  assert.ok(b.bestBid < b.bestAsk, `bid ${b.bestBid} < ask ${b.bestAsk}`);
  assert.ok(b.at(b.bestBid) > 0 && b.at(b.bestAsk) > 0, 'the bests hold a queue');
  let bids = 0;
  let asks = 0;
  for (let i = 0; i < b.width; i++) {
    const q = b.q[i];
    if (q === 0) continue;
    assert.ok(q > 0 && Number.isInteger(q), `whole lots: ${q}`);
    const p = i + b.base;
    if (p <= b.bestBid) bids++;
    else if (p >= b.bestAsk) asks++;
    else assert.fail(`a level inside the spread at ${p}`);
  }
  assert.deepEqual([bids, asks], [...b.occupied], 'occupied counts');
}

for (const venue of ['binance-usdm', 'binance-spot'] as const) {
  test(`${venue}: the book stays consistent (uncrossed, whole lots, counts) through ${venue === 'binance-usdm' ? 'BTC' : 'ETH'}-like trading`, () => {
    const p = defaultParams(venue).instruments[venue === 'binance-usdm' ? 0 : 1];
    const m = new SymbolModel(p, new Rng(1, 'model-test'), null);
    check(m);
    for (let s = 1; s <= 60; s++) {
      m.runUntil(s * 1e9);
      m.book.clearDirty();
      if (s % 10 === 0) check(m);
    }
    assert.ok(m.events > 10_000, `events ${m.events}`);
    assert.ok(m.trades > 100 && m.marketOrders > 50);
  });
}

test('the mid follows the latent efficient price up and down (the flow leans toward it)', () => {
  const p = defaultParams('binance-usdm').instruments[0];
  const m = new SymbolModel(p, new Rng(2, 'model-test'), null);
  m.runUntil(5e9);
  const mid = () => 0.5 * (m.book.bestBid + m.book.bestAsk);
  const start = mid();
  m.x = start + 300;
  m.runUntil(20e9);
  const up = mid() - start;
  assert.ok(up > 150, `mid rose ${up} ticks toward +300`);
  const top = mid();
  m.x = top - 300;
  m.runUntil(35e9);
  const down = top - mid();
  assert.ok(down > 150, `mid fell ${down} ticks toward −300`);
});

test('same seed → same path; the rate of events scales with the regime activity', () => {
  const p = defaultParams('binance-usdm').instruments[1];
  const run = (seed: number, activity: number) => {
    const m = new SymbolModel(p, new Rng(seed, 'model-test'), null);
    m.activity = activity;
    m.runUntil(30e9);
    return { events: m.events, bid: m.book.bestBid, ask: m.book.bestAsk };
  };
  assert.deepEqual(run(3, 1), run(3, 1));
  const calm = run(3, 0.5).events;
  const busy = run(3, 2).events;
  assert.ok(busy > 3 * calm, `activity ×4 → events ${calm} → ${busy}`);
});
