import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BookEngine } from '../book/engine.ts';
import { syncRulesFor } from '../book/rules.ts';
import { change } from '../book/test-events.ts';
import type { MarketEvent, Trade } from '../core/events.ts';
import { Frame } from '../core/frame.ts';
import { labelFrame } from './label-frame.ts';
import { normalizeLabelSpec, type LabelSpecInput } from './spec.ts';

const S = 1e9;
const V = 'synthetic';
const SYM = 'TEST';
const BUYER = 0;
const SELLER = 1;

const snap = (t: number, bids: [number, number][], asks: [number, number][]) => change({ snapshot: true, bids, asks, ts: t * S, venue: V, symbol: SYM, sizeDecimals: 1 });
const delta = (t: number, bids: [number, number][], asks: [number, number][], symbol = SYM) => change({ bids, asks, ts: t * S, venue: V, symbol, sizeDecimals: 1 });
const trade = (t: number, price: number, size: number, aggressor: 0 | 1 | -1, symbol = SYM): Trade => ({ type: 'trade', venue: V, symbol, exchTs: t * S, localTs: t * S, price, size: size * 10, priceDecimals: 0, sizeDecimals: 1, aggressor, id: '' });
const gap = (t: number): MarketEvent => ({ type: 'gap', venue: V, symbol: SYM, exchTs: t * S, localTs: t * S, reason: 'test', expected: 1, received: 3 });
/** Sizes in the events carry one decimal: 5 → 50. */
const sz = (xs: [number, number][]) => xs.map(([p, s]) => [p, s * 10] as [number, number]);

/**
 * The market of the hand-worked scenario (times in seconds; prices in ticks, spread 1 tick):
 *   0    book: bids 100×5, 99×10 / asks 101×5, 102×10
 *   2    bid 100 → 2 (cancels)
 *   3    seller trades 2.5 @100; bid 100 gone (best bid 99×10)
 *   3.5  ask 101 gone (best ask 102×10)
 *   5    seller trades 4 @99; bid 99 → 6
 *   6    seller trades 1 @98 (through 99); bids 99 gone, 97×3 appears
 *   7    buyer trades 11 @102; ask 102 gone, 103×4 appears
 *   7.5  unknown-aggressor trade 100 @97
 *   9    bid 97 → 2
 *   20   ask 103 → 5 (the stream's last event)
 */
function market(): MarketEvent[] {
  return [
    snap(0, sz([[100, 5], [99, 10]]), sz([[101, 5], [102, 10]])),
    delta(2, sz([[100, 2]]), []),
    trade(3, 100, 2.5, SELLER),
    delta(3, sz([[100, 0]]), []),
    delta(3.5, [], sz([[101, 0]])),
    trade(5, 99, 4, SELLER),
    delta(5, sz([[99, 6]]), []),
    trade(6, 98, 1, SELLER),
    delta(6, sz([[99, 0], [97, 3]]), []),
    trade(7, 102, 11, BUYER),
    delta(7, [], sz([[102, 0], [103, 4]])),
    trade(7.5, 97, 100, -1),
    delta(9, sz([[97, 2]]), []),
    delta(20, [], sz([[103, 5]])),
  ];
}

const ROWS = [1, 2.5, 4, 5.5, 6.5, 8, 10, 15, 20];

/** Frame rows sampled from the same events: the book as of each row time (as feature frames would be). */
function sampleFrame(events: MarketEvent[], times: number[]): Frame {
  const engine = new BookEngine({ rulesFor: syncRulesFor });
  const names = ['ts', 'valid', 'bid', 'ask', 'bid_size', 'ask_size', 'mid'];
  const cols = names.map(() => new Float64Array(times.length));
  let e = 0;
  times.forEach((t, r) => {
    while (e < events.length && events[e].exchTs <= t * S) engine.onEvent(events[e++]);
    const st = engine.states.get(`${V}:${SYM}`)!;
    const b = st.book;
    const bid = b.bids.price(0);
    const ask = b.asks.price(0);
    const vals = [t * S, st.valid ? 1 : 0, bid, ask, b.bids.size(0) / 10, b.asks.size(0) / 10, (bid + ask) / 2];
    vals.forEach((v, j) => (cols[j][r] = v));
  });
  return new Frame(names, cols, times.length, { venue: V, symbol: SYM });
}

async function* batches(events: MarketEvent[]): AsyncGenerator<MarketEvent[]> {
  for (const ev of events) yield [ev];
}

async function label(maker: Partial<NonNullable<LabelSpecInput['maker']>>, events = market(), frame = sampleFrame(events, ROWS)) {
  const spec = normalizeLabelSpec({ horizons: [], maker: { horizon: '4s', markout: '1s', fees: 1, ...maker } });
  return labelFrame(frame, spec, { events: batches(events) });
}

const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} != ${b}`);

test('maker outcomes, hand-worked: queue consumed, price traded through, untouched, markout, adverse move, edge', async () => {
  const l = await label({});
  const c = (name: string) => Array.from(l.frame.col(name));
  // rows at 1, 2.5, 4, 5.5, 6.5, 8, 10, 15, 20 s
  assert.deepEqual(c('fwd_mkb_fill_4s'), [1, 1, 1, 1, 0, 0, 0, 0, NaN]);
  assert.deepEqual(c('fwd_mka_fill_4s'), [0, 0, 1, 1, 1, 0, 0, 0, NaN]);
  // row 1 s: queue 5 capped to 2 by the cancels at 2 s; 2.5 sold at 3 s reaches the order
  // row 4 s: a 4 lot at 99 leaves 6 ahead; the 98 print at 6 s trades through 99
  assert.deepEqual(c('fwd_mkb_ttf_4s').slice(0, 4), [2, 0.5, 2, 0.5]);
  // asks: row 4 s fills when 11 lots lift 102 at 7 s (10 ahead); row 6.5 s likewise
  assert.deepEqual(c('fwd_mka_ttf_4s').slice(2, 5), [3, 1.5, 0.5]);
  const mkb = c('fwd_mkb_markout_4s');
  near(mkb[0], ((100.5 - 100) / 100) * 1e4, 'row 1 s bought @100, mid 100.5 one second after the fill (row 4 s)');
  near(mkb[2], ((99.5 - 99) / 99) * 1e4, 'row 4 s bought @99 at 6 s, mid at 7 s = 99.5 (row 6.5 s)');
  const adv = c('fwd_mkb_adv_4s');
  near(adv[2], ((99.5 - 100.5) / 100.5) * 1e4, 'mid went from 100.5 (at the fill) to 99.5: adverse');
  const mka = c('fwd_mka_markout_4s');
  near(mka[2], ((102 - 100) / 102) * 1e4, 'row 4 s sold @102 at 7 s, mid at 8 s = 100');
  near(c('fwd_mka_adv_4s')[2], ((99.5 - 100) / 99.5) * 1e4, 'mid rose 99.5 → 100 after the sale: adverse');
  const edge = c('fwd_mkb_edge_4s');
  near(edge[2], mkb[2] - 1, 'edge = markout − 1 bps maker fee');
  assert.equal(edge[4], 0, 'unfilled: no trade, edge 0');
  assert.ok(Number.isNaN(c('fwd_mkb_markout_4s')[4]));
  // end times: fill + markout, or the end of the resting window
  assert.deepEqual(c('fwd_end_ts_mkb_4s').slice(0, 6), [4 * S, 4 * S, 7 * S, 7 * S, 10.5 * S, 12 * S]);
  assert.deepEqual(l.maker && { aligned: l.maker.aligned, misaligned: l.maker.misaligned, trades: l.maker.trades }, { aligned: 8, misaligned: 0, trades: 5 });
});

test('trades-only queue: cancels never move the order up (a later through-trade fills it); an unknown aggressor never counts', async () => {
  const l = await label({ queue: 'trades-only' });
  const fill = Array.from(l.frame.col('fwd_mkb_fill_4s'));
  const ttf = Array.from(l.frame.col('fwd_mkb_ttf_4s'));
  // row 1 s: 5 ahead and only 2.5 traded at 100, so no fill at 3 s (risk-averse: filled at 3 s);
  // the seller printing 99 at 5 s trades through 100
  assert.equal(fill[0], 1);
  assert.equal(ttf[0], 4);
  assert.equal(ttf[1], 0.5, 'row 2.5 s: 2 ahead, 2.5 traded');
  assert.equal(fill[4], 0, 'row 6.5 s: the 100-lot print @97 has no aggressor');
});

test('order size: a fill needs the queue ahead plus the order traded at the price (a through-trade fills it whole)', async () => {
  const l = await label({ size: 1 });
  // rows 1 s and 2.5 s: only 0.5 traded beyond the queue at 100 (3 s); filled by the 99 print at 5 s
  assert.deepEqual(Array.from(l.frame.col('fwd_mkb_ttf_4s')).slice(0, 4), [4, 2.5, 2, 0.5]);
  assert.deepEqual(Array.from(l.frame.col('fwd_mka_fill_4s')).slice(2, 5), [1, 1, 1], '11 lifted with 10 ahead: exactly queue + 1');
  const l2 = await label({ size: 1.5 });
  assert.deepEqual(Array.from(l2.frame.col('fwd_mka_fill_4s')).slice(2, 5), [0, 0, 0]);
});

test('latency delays when the order goes live; events exactly at the row time never count', async () => {
  // with 0.6 s latency, row 2.5 s's buy @100 arrives at 3.1 s, after the 3 s trade emptied 100:
  // it joins an empty level (queue 0) and the 99 print at 5 s trades through it
  const l = await label({ latency: '600ms' });
  assert.equal(l.frame.col('fwd_mkb_ttf_4s')[1], 2.5);
  assert.equal(l.maker?.misaligned, 0, 'rows are checked against the book at their own time, not on arrival');
  // a trade at exactly the row's time belongs to the row's past
  const ev = [snap(0, sz([[100, 1]]), sz([[101, 1]])), trade(1, 100, 2, SELLER), delta(10, [], sz([[101, 2]]))];
  const l2 = await label({}, ev, sampleFrame(ev, [0.5, 1, 10]));
  assert.deepEqual(Array.from(l2.frame.col('fwd_mkb_fill_4s')), [1, 0, NaN]);
});

test('a gap during the window makes the outcome unknown (NaN), and other instruments are ignored', async () => {
  const ev = market();
  ev.splice(5, 0, gap(4.5), snap(4.6, sz([[100, 5], [99, 10]]), sz([[102, 10]])));
  ev.splice(2, 0, trade(2.7, 50, 1000, SELLER, 'OTHER'), delta(2.7, sz([[1, 1]]), sz([[2, 1]]), 'OTHER'));
  const frame = sampleFrame(ev, [1, 2.5, 4, 5, 20]);
  const l = await label({}, ev, frame);
  const fill = Array.from(l.frame.col('fwd_mkb_fill_4s'));
  assert.equal(fill[0], 1, 'filled at 3 s, before the gap');
  assert.ok(Number.isNaN(l.frame.col('fwd_mka_fill_4s')[0]), 'row 1 s ask: still resting at the gap');
  assert.ok(Number.isNaN(fill[2]), 'row 4 s: window (4, 8] holds the gap at 4.5 s');
  assert.equal(fill[3], 1, 'row 5 s: after the resync, 98 trades through 99 at 6 s');
  assert.equal(l.maker?.unknown, 4, 'asks of rows 1 s and 2.5 s, both orders of row 4 s');
});

test('frame and events from different markets are refused', async () => {
  const ev = market();
  const frame = sampleFrame(ev, ROWS);
  const bid = frame.col('bid');
  for (let i = 0; i < frame.n; i++) bid[i] -= 1;
  await assert.rejects(() => label({}, ev, frame), /frame and events disagree: 8 of 8 rows/);
  await assert.rejects(
    () => labelFrame(sampleFrame(ev, ROWS), normalizeLabelSpec({ maker: { horizon: '4s', fees: 0 } }), { events: batches(ev.filter((e) => e.type !== 'trade')) }),
    /maker-outcome labels need trades/,
  );
});
