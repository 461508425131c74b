import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinanceFeed, F_DEPTH, type FrameKind } from './binance-feed.ts';
import { SimBook } from './book.ts';
import { defaultParams } from './defaults.ts';
import { Rng } from './rng.ts';
import type { SynthVenue } from './params.ts';

function setup(venue: SynthVenue) {
  const p = defaultParams(venue).instruments[0]; // BTCUSDT
  const book = new SimBook(1024, 600_000);
  const frames: { kind: FrameKind; text: string; local: number }[] = [];
  const feed = new BinanceFeed(venue, p, book, new Rng(1), { frame: (local, kind, text) => frames.push({ kind, text, local }) }, Date.UTC(2024, 0, 1));
  feed.enabled = true;
  book.bestBid = 600_100;
  book.bestAsk = 600_101;
  return { p, book, feed, frames };
}

test('a price that changes sides within one window is published on both sides (USD-M: U/u/pu, ascending prices)', () => {
  const { book, feed, frames } = setup('binance-usdm');
  book.set(0, 600_100, 5);
  book.set(0, 600_090, 2);
  book.set(1, 600_101, 7);
  feed.nextId(1e6);
  feed.depth(2e6);
  const first = JSON.parse(frames.at(-1)!.text).data;
  // next window: the best bid goes, its price is taken by an ask
  book.set(0, 600_100, 0);
  book.bestBid = 600_090;
  feed.nextId(3e6);
  book.set(1, 600_100, 4);
  book.bestAsk = 600_100;
  feed.nextId(4e6);
  feed.depth(5e6);
  const f = frames.at(-1)!;
  assert.equal(f.kind, F_DEPTH);
  const d = JSON.parse(f.text).data;
  assert.equal(d.e, 'depthUpdate');
  assert.equal(d.pu, first.u, 'pu chains to the previous diff');
  assert.ok(d.U > d.pu && d.u >= d.U);
  assert.deepEqual(d.b, [['60010.00', '0.000']]);
  assert.deepEqual(d.a, [['60010.00', '0.004']]);
  assert.deepEqual(Object.keys(d), ['e', 'E', 'T', 's', 'U', 'u', 'pu', 'b', 'a'], 'field order as Binance sends it');
  assert.match(f.text, /^\{"stream":"btcusdt@depth@0ms","data":/);
});

test('spot diffs list bids best first, ids contiguous, no pu; an empty window publishes nothing', () => {
  const { book, feed, frames } = setup('binance-spot');
  book.set(0, 600_100, 5);
  book.set(1, 600_101, 7);
  feed.nextId(1e6);
  feed.depth(2e6);
  const first = JSON.parse(frames.at(-1)!.text).data;
  book.set(0, 600_095, 3);
  book.set(0, 600_099, 1);
  book.set(0, 600_080, 2);
  feed.nextId(3e6);
  feed.nextId(3e6);
  feed.nextId(3e6);
  feed.depth(4e6);
  const d = JSON.parse(frames.at(-1)!.text).data;
  assert.equal(d.U, first.u + 1);
  assert.equal(d.u, first.u + 3);
  assert.equal('pu' in d, false);
  assert.deepEqual(
    d.b.map((l: string[]) => l[0]),
    ['6000.99000000', '6000.95000000', '6000.80000000'],
  );
  const n = frames.length;
  feed.depth(5e6);
  assert.equal(frames.length, n, 'no ids used → no diff');
});

test('bookTicker carries the id of the change it shows; trades number up by one', () => {
  const { book, feed, frames } = setup('binance-usdm');
  book.set(0, 600_100, 5);
  book.set(1, 600_101, 7);
  const id = feed.nextId(1e6);
  feed.ticker(1e6);
  const t = JSON.parse(frames.at(-1)!.text).data;
  assert.deepEqual([t.e, t.u, t.b, t.B, t.a, t.A], ['bookTicker', id, '60010.00', '0.005', '60010.10', '0.007']);
  const before = frames.length;
  feed.ticker(2e6);
  assert.equal(frames.length, before, 'unchanged best bid/offer: no bookTicker');
  feed.trade(3e6, 600_101, 2, false);
  feed.trade(3e6, 600_101, 1, false);
  const [a, b] = frames.slice(-2).map((f) => JSON.parse(f.text).data);
  assert.equal(b.t, a.t + 1);
  assert.deepEqual([a.p, a.q, a.m, a.X], ['60010.10', '0.002', false, 'MARKET']);
  for (let i = 1; i < frames.length; i++) assert.ok(frames[i].local > frames[i - 1].local, 'receive times increase');
});

test('a level created and removed within one window is still published: a REST snapshot taken in between may show it', () => {
  const { book, feed, frames } = setup('binance-usdm');
  book.set(0, 600_100, 5);
  book.set(1, 600_101, 7);
  feed.nextId(1e6);
  feed.depth(2e6);
  book.set(0, 600_080, 3); // a bid appears…
  const lid = feed.nextId(3e6);
  const snap = JSON.parse(feed.restSnapshot(3e6, 10, 0)) as { lastUpdateId: number; bids: [string, string][] };
  assert.equal(snap.lastUpdateId, lid);
  assert.ok(snap.bids.some((l) => l[0] === '60008.00'), 'the snapshot shows the transient bid');
  book.set(0, 600_080, 0); // …and goes before the window closes
  feed.nextId(4e6);
  feed.depth(5e6);
  const d = JSON.parse(frames.at(-1)!.text).data;
  assert.ok(d.U <= lid && lid <= d.u, 'the diff straddles the snapshot');
  assert.deepEqual(d.b, [['60008.00', '0.000']], 'its removal reaches a book built from that snapshot');
});
