import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BookChange, MarketEvent } from '../../src/core/events.ts';
import { identify, openReplay } from '../../src/replay/open.ts';
import { ReadReport } from '../../src/replay/report.ts';
import { dataPaths } from '../helpers/data.ts';
import { replayFiles } from '../helpers/replay.ts';

const SNAP = 'kraken-v2/binance_btcusdt_snapshot.json';
const DELTAS = 'kraken-v2/binance_btcusdt_deltas.jsonl';

test('JSON frames: Binance spot REST snapshot + 18 diffs merge snapshot first and sync with no gap', async (t) => {
  const paths = dataPaths(t, [SNAP, DELTAS]);
  if (!paths) return;
  const files = await identify(paths);
  assert.deepEqual(files.map((f) => f.format.id), ['jsonl', 'jsonl']);
  // Given in either order, the snapshot (no venue time: localTs = its line number, 1) sorts
  // before the diffs (localTs = their `E`).
  for (const order of [paths, [...paths].reverse()]) {
    const report = new ReadReport();
    const evs: MarketEvent[] = [];
    for await (const b of await openReplay(order, report)) evs.push(...b);
    assert.equal(report.badLines, 0);
    assert.deepEqual(report.files.map((f) => f.venue), ['binance-spot', 'binance-spot']);
    assert.equal(evs.length, 19);
    const first = evs[0] as BookChange;
    assert.deepEqual([first.isSnapshot, first.seq, first.localTs, first.symbol, first.nBids, first.nAsks], [true, 96935779456, 1, 'BTCUSDT', 50, 50]);
    assert.ok(Number.isNaN(first.exchTs));
    const diffs = evs.slice(1) as BookChange[];
    assert.deepEqual([diffs[0].localTs, diffs[17].localTs], [1783157230714e6, 1783157232414e6]);
    assert.ok(diffs.every((e) => e.localTs === e.exchTs && !e.isSnapshot));
  }
  const r = await replayFiles(paths);
  const st = r.get('BTCUSDT', 'binance-spot');
  // 9 diffs end at or before lastUpdateId 96935779456 (stale); the 10th (U=...457) straddles it; 8 more follow contiguously
  assert.deepEqual([st.snapshots, st.bookUpdates, st.counts.stale, st.counts.gaps, st.counts.skippedWhileInvalid], [1, 10, 9, 0, 0]);
  assert.deepEqual([st.counts.crossed, st.counts.locked, st.counts.unorderedSnapshots], [0, 0, 0]);
  assert.equal(st.lastSeq, 96935779609);
  // final book computed independently (Python, exact decimals): 59 bids, 52 asks
  const b = st.book;
  assert.deepEqual([b.bidCount(), b.askCount(), b.priceDecimals, b.sizeDecimals], [59, 52, 2, 5]);
  assert.deepEqual([b.bidPrice(0), b.bidSize(0), b.bidPrice(1), b.bidSize(1)], [6246000, 341544, 6245999, 883]);
  assert.deepEqual([b.askPrice(0), b.askSize(0), b.askPrice(1), b.askSize(1)], [6246001, 38929, 6246002, 134]);
});

test('JSON frames: Kraken v2 book with its instrument message, 11/11 checksums', async (t) => {
  const paths = dataPaths(t, ['kraken-v2/kraken_btcusd_instrument.json', 'kraken-v2/kraken_btcusd_book.jsonl']);
  if (!paths) return;
  const r = await replayFiles(paths);
  assert.equal(r.report.badLines, 0);
  assert.deepEqual(r.report.files.map((f) => [f.venue, f.frames]), [['kraken', 1], ['kraken', 11]]);
  const st = r.get('BTC/USD', 'kraken');
  assert.deepEqual([st.counts.checksum.checked, st.counts.checksum.failed, st.counts.gaps, st.snapshots, st.bookUpdates], [11, 0, 0, 1, 11]);
  assert.deepEqual([st.book.bidCount(), st.book.askCount()], [10, 10]);
  assert.deepEqual([st.book.priceDecimals, st.book.sizeDecimals], [1, 8]);
  // every event has the venue's own timestamp, so localTs = exchTs
  assert.equal(st.firstLocalTs, Date.parse('2026-07-05T10:37:38.932Z') * 1e6 + 102000);
  assert.equal(st.lastLocalTs, Date.parse('2026-07-05T10:37:39.395Z') * 1e6 + 457000);
});

test('JSON frames: Coinbase Exchange snapshot + 12 l2update', async (t) => {
  const paths = dataPaths(t, ['kraken-v2/coinbase_btcusd.jsonl']);
  if (!paths) return;
  const r = await replayFiles(paths);
  assert.equal(r.report.badLines, 0);
  const st = r.get('BTC-USD');
  assert.equal(st.venue, r.report.files[0].venue);
  assert.deepEqual([st.snapshots, st.bookUpdates, st.counts.gaps, st.counts.crossed, st.counts.locked], [1, 13, 0, 0, 0]);
  // final book computed independently (Python, exact decimals): 44 bids, 46 asks, 62399.13 / 62399.14
  const b = st.book;
  assert.deepEqual([b.bidCount(), b.askCount()], [44, 46]);
  assert.deepEqual([b.bidPrice(0), b.bidSize(0), b.askPrice(0), b.askSize(0), b.priceDecimals, b.sizeDecimals], [6239913, 27721413, 6239914, 1569901, 2, 8]);
});
