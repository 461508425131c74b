import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GENERIC_SYNC } from '../../src/book/engine.ts';
import { syncRulesFor } from '../../src/book/rules.ts';
import type { Bbo, BookChange, MarketEvent, Trade } from '../../src/core/events.ts';
import { identify, openReplay } from '../../src/replay/open.ts';
import { ReadReport } from '../../src/replay/report.ts';
import { getVenue } from '../../src/venues/registry.ts';
import { dataPath } from '../helpers/data.ts';
import { replayFiles } from '../helpers/replay.ts';

async function events(path: string): Promise<{ evs: MarketEvent[]; report: ReadReport }> {
  const report = new ReadReport();
  const evs: MarketEvent[] = [];
  for await (const b of await openReplay([path], report)) evs.push(...b);
  return { evs, report };
}

const us = (x: number) => x * 1000;

test('tardis book_snapshot_25: 10 full-depth snapshots, exact levels, µs timestamps as ns', async (t) => {
  const p = dataPath(t, 'tardis-csv/binance-futures_book_snapshot_25_BTCUSDT.csv');
  if (!p) return;
  assert.equal((await identify([p]))[0].format.id, 'tardis');
  const { evs, report } = await events(p);
  assert.equal(report.badLines, 0);
  assert.deepEqual([report.files[0].lines, report.files[0].frames, report.files[0].control, report.files[0].venue], [11, 10, 1, 'tardis:binance-futures']);
  assert.equal(evs.length, 10);
  const b = evs as BookChange[];
  for (const e of b) {
    assert.equal(e.type, 'book_change');
    assert.equal(e.isSnapshot, true);
    assert.deepEqual([e.nBids, e.nAsks, e.depth, e.venue, e.symbol], [25, 25, 25, 'tardis:binance-futures', 'BTCUSDT']);
    assert.ok(Number.isNaN(e.seq));
  }
  assert.deepEqual([b[0].exchTs, b[0].localTs], [us(1598918403696000), us(1598918403810979)]);
  assert.deepEqual([b[9].exchTs, b[9].localTs], [us(1598918404005000), us(1598918404009468)]);
  assert.deepEqual([b[0].priceDecimals, b[0].sizeDecimals], [2, 3]);
  // bids best first, then asks best first: 11657.07 x 10.896 / 11657.08 x 1.714
  assert.deepEqual([...b[0].levels.slice(0, 4)], [1165707, 10896, 1165697, 200]);
  assert.deepEqual([...b[0].levels.slice(50, 52)], [1165708, 1714]);
  const last = b[9].levels;
  assert.deepEqual([...last.slice(0, 2), ...last.slice(48, 52), ...last.slice(98, 100)], [1165707, 10881, 1165325, 1003, 1165708, 1475, 1165928, 60]);
  assert.equal(b[5].where?.line, 7);
});

test('tardis book_snapshot_5 through the engine: generic sync rules, book = last row', async (t) => {
  const p = dataPath(t, 'tardis-csv/binance-futures_book_snapshot_5_BTCUSDT.csv');
  if (!p) return;
  const r = await replayFiles([p]);
  const st = r.get('BTCUSDT', 'tardis:binance-futures');
  assert.equal(st.rules, GENERIC_SYNC);
  assert.equal(syncRulesFor('tardis:binance-futures'), GENERIC_SYNC);
  assert.equal(syncRulesFor('BINANCE'), getVenue('binance-spot').sync); // registry venues (and aliases) keep their rules
  assert.deepEqual([st.snapshots, st.bookUpdates, st.counts.gaps, st.counts.crossed, st.counts.locked], [10, 10, 0, 0, 0]);
  const bk = st.book;
  assert.deepEqual([bk.bidCount(), bk.askCount()], [5, 5]);
  assert.deepEqual([bk.bidPrice(0), bk.bidSize(0), bk.askPrice(0), bk.askSize(0)], [1165707, 10881, 1165708, 1393]);
  assert.deepEqual([bk.bidPrice(4), bk.bidSize(4), bk.askPrice(4), bk.askSize(4)], [1165570, 188, 1165792, 918]);
  assert.equal(st.lastLocalTs, us(1598918404289427));
});

test('tardis trades: 10 seller-initiated trades, exact price and size, UUID ids', async (t) => {
  const p = dataPath(t, 'tardis-csv/bitmex_trades_XBTUSD.csv');
  if (!p) return;
  const { evs, report } = await events(p);
  assert.equal(report.badLines, 0);
  const tr = evs as Trade[];
  assert.equal(tr.length, 10);
  assert.ok(tr.every((e) => e.type === 'trade' && e.aggressor === 1 && e.price === 85315 && e.priceDecimals === 1 && e.sizeDecimals === 0));
  assert.deepEqual([tr[0].size, tr[0].id, tr[0].exchTs, tr[0].localTs, tr[0].venue, tr[0].symbol], [2152, 'ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf', us(1583020803145000), us(1583020803307160), 'tardis:bitmex', 'XBTUSD']);
  assert.deepEqual([tr[9].size, tr[9].id, tr[9].exchTs, tr[9].localTs], [1, '7cae8d7b-b69d-025b-cc3c-84b911f37a8a', us(1583020803276000), us(1583020803336743)]);
  assert.equal(tr.reduce((s, e) => s + e.size, 0), 2161);
});

test('tardis incremental_book_L2: 15 snapshot rows of one message are one snapshot BookChange', async (t) => {
  const p = dataPath(t, 'tardis-csv/deribit_incremental_book_L2_BTC-PERPETUAL.csv');
  if (!p) return;
  const { evs, report } = await events(p);
  assert.equal(report.badLines, 0);
  assert.equal(report.files[0].frames, 15);
  assert.equal(evs.length, 1);
  const e = evs[0] as BookChange;
  assert.deepEqual([e.type, e.isSnapshot, e.nBids, e.nAsks, e.depth, e.venue, e.symbol], ['book_change', true, 0, 15, 0, 'tardis:deribit', 'BTC-PERPETUAL']);
  assert.deepEqual([e.exchTs, e.localTs, e.priceDecimals, e.sizeDecimals], [us(1585699200245000), us(1585699200355684), 1, 0]);
  assert.deepEqual([...e.levels.slice(0, 4)], [64215, 18640, 64220, 1190]);
  assert.deepEqual([...e.levels.slice(28)], [64285, 39950]);
  assert.deepEqual(e.where?.line, 2);
  const r = await replayFiles([p]);
  const st = r.get('BTC-PERPETUAL');
  assert.deepEqual([st.snapshots, st.book.askCount(), st.book.bidCount(), st.valid], [1, 15, 0, true]);
});

test('tardis quotes: Bbo events, columns read by name (ask_amount comes first), no update id', async (t) => {
  const p = dataPath(t, 'tardis-csv/huobi-dm-swap_quotes_BTC-USD.csv');
  if (!p) return;
  const { evs, report } = await events(p);
  assert.equal(report.badLines, 0);
  const q = evs as Bbo[];
  assert.equal(q.length, 10);
  assert.ok(q.every((e) => e.type === 'bbo' && Number.isNaN(e.seq) && e.priceDecimals === 1 && e.sizeDecimals === 0 && e.venue === 'tardis:huobi-dm-swap' && e.symbol === 'BTC-USD'));
  assert.deepEqual([q[0].bidPrice, q[0].bidSize, q[0].askPrice, q[0].askSize, q[0].exchTs, q[0].localTs], [86292, 806, 86293, 5494, us(1588291201099000), us(1588291201234268)]);
  assert.deepEqual([q[9].bidPrice, q[9].bidSize, q[9].askPrice, q[9].askSize, q[9].exchTs, q[9].localTs], [86292, 847, 86293, 5411, us(1588291201814000), us(1588291201927888)]);
});

test('tardis files together merge by local timestamp; --venue overrides the exchange column', async (t) => {
  const a = dataPath(t, 'tardis-csv/bitmex_trades_XBTUSD.csv');
  const b = dataPath(t, 'tardis-csv/huobi-dm-swap_quotes_BTC-USD.csv');
  if (!a || !b) return;
  const report = new ReadReport();
  const evs: MarketEvent[] = [];
  for await (const x of await openReplay([b, a], report, { venue: 'tardis:x' })) evs.push(...x);
  assert.equal(evs.length, 20);
  assert.ok(evs.every((e) => e.venue === 'tardis:x'));
  // bitmex (2020-03-01) is older than huobi (2020-05-01): all trades come first
  assert.deepEqual([...new Set(evs.map((e) => e.type))], ['trade', 'bbo']);
  for (let i = 1; i < evs.length; i++) assert.ok(evs[i].localTs >= evs[i - 1].localTs);
});
