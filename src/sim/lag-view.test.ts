import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BookEngine } from '../book/engine.ts';
import { syncRulesFor } from '../book/rules.ts';
import type { BookView } from '../core/book-view.ts';
import type { BookChange, MarketEvent } from '../core/events.ts';
import type { Strategy } from '../strategy/api.ts';
import { Backtest } from './engine.ts';
import { parseFeeSpec } from './fees.ts';
import { ConstantLatency } from './latency.ts';
import { parseQueueSpec } from './queue.ts';
import { Rng } from './rng.ts';
import { MS, T0 } from './test-market.ts';

function book(venue: string, symbol: string, exch: number, local: number, snap: boolean, bids: number[][], asks: number[][], pd: number, depth = 0): BookChange {
  const levels = new Float64Array(2 * (bids.length + asks.length));
  let k = 0;
  for (const [p, s] of [...bids, ...asks]) (levels[k++] = p), (levels[k++] = s);
  return { type: 'book_change', venue, symbol, exchTs: exch, localTs: local, isSnapshot: snap, nBids: bids.length, nAsks: asks.length, levels, priceDecimals: pd, sizeDecimals: 0, seq: NaN, firstSeq: NaN, prevSeq: NaN, checksum: NaN, depth };
}

/** Two instruments, random deltas (price-ordered and not), snapshots, depth-limited messages, a decimals change, trades; random feed latency. */
function randomTape(seed: number): MarketEvent[] {
  const rng = new Rng(seed);
  const out: MarketEvent[] = [];
  let t = T0;
  for (const sym of ['A', 'B']) {
    const bids = Array.from({ length: 30 }, (_, i) => [1000 - i, 1 + i]);
    const asks = Array.from({ length: 30 }, (_, i) => [1001 + i, 1 + i]);
    out.push(book('sim', sym, t, t + MS, true, bids, asks, 0));
  }
  for (let i = 0; i < 3000; i++) {
    t += Math.floor(rng.next() * 3 * MS);
    const local = t + Math.floor(rng.next() * 8 * MS); // feed latency 0-8 ms: many events in flight
    const sym = rng.next() < 0.5 ? 'A' : 'B';
    const pd = sym === 'A' && i >= 1500 ? 1 : 0; // A's prices gain a decimal half-way
    const m = pd === 1 ? 10 : 1;
    const r = rng.next();
    if (r < 0.3) {
      out.push({ type: 'trade', venue: 'sim', symbol: sym, exchTs: t, localTs: local, price: 1000 * m, size: 1, priceDecimals: pd, sizeDecimals: 0, aggressor: 0, id: String(i) });
    } else if (r < 0.31) {
      const bids = Array.from({ length: 25 }, (_, j) => [(995 - j) * m, 2 + j]);
      const asks = Array.from({ length: 25 }, (_, j) => [(1005 + j) * m, 2 + j]);
      out.push(book('sim', sym, t, local, true, bids, asks, pd));
    } else {
      const nb = Math.floor(rng.next() * 6);
      const na = Math.floor(rng.next() * 6);
      const lv = (base: number, dir: number) => Array.from({ length: nb }, () => [(base + dir * Math.floor(rng.next() * 40)) * m, rng.next() < 0.3 ? 0 : 1 + Math.floor(rng.next() * 9)]);
      const b = lv(1000, -1);
      const a = lv(1001, 1).slice(0, na);
      if (rng.next() < 0.5) b.sort((x, y) => y[0] - x[0]); // venues usually send levels in order; not always
      const depth = rng.next() < 0.03 ? 20 : 0;
      out.push(book('sim', sym, t, local, false, b, a, pd, depth));
    }
  }
  out.sort((x, y) => x.localTs - y.localTs); // fed in arrival order
  return out;
}

function dump(b: BookView): string {
  const s: number[] = [b.priceDecimals, b.bidCount(), b.askCount()];
  for (let i = 0; i < b.bidCount(); i++) s.push(b.bidPrice(i), b.bidSize(i));
  for (let i = 0; i < b.askCount(); i++) s.push(b.askPrice(i), b.askSize(i));
  return s.join(',');
}

test("the strategy's book is exactly the venue's book as of the event it receives, read or not, at any latency", () => {
  for (const seed of [1, 2, 3]) {
    const evs = randomTape(seed);
    // reference: the venue's book right after each event, by an independent BookEngine
    const ref = new BookEngine({ rulesFor: syncRulesFor });
    const want = new Map<MarketEvent, string>();
    for (const ev of evs) {
      ref.onEvent(ev);
      const st = ref.state(ev.venue, ev.symbol);
      want.set(ev, st.valid ? dump(st.book) : 'invalid');
    }
    const rng = new Rng(seed + 100);
    let reads = 0;
    let checked = 0;
    const reader: Strategy = {
      name: 'reader',
      init() {},
      onMarket(ev, b) {
        checked++;
        if (b === undefined) return assert.equal(want.get(ev), 'invalid');
        if (rng.next() < 0.6) return; // most events are not read: the view must still be right later
        reads++;
        assert.equal(dump(b), want.get(ev), `seed ${seed}: view at ${ev.type} ${ev.symbol} ${(ev.exchTs - T0) / MS} ms`);
      },
      onOrder() {},
      onTimer() {},
    };
    const bt = new Backtest(reader, { latency: new ConstantLatency(MS, MS), queue: parseQueueSpec('risk-averse'), fees: parseFeeSpec('zero'), warmup: 10 });
    for (const ev of evs) bt.onEvent(ev);
    bt.finish();
    assert.equal(checked, evs.length, 'every event delivered');
    assert.ok(reads > 800, `enough reads (${reads})`);
  }
});
