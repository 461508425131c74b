import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureCount, spreadSanityFailed } from '../../src/book/integrity.ts';
import type { BookChange, MarketEvent } from '../../src/core/events.ts';
import { dataPath } from '../helpers/data.ts';
import { replayFiles } from '../helpers/replay.ts';

// The three bugs that cost the seed systems months, planted into a real Binance recording:
// each must be caught by the always-on checks. The same file replays clean without the plant.
const FILE = 'binance-hftbacktest/spot/btcusdt_20240808.gz';

const onBook = (f: (ev: BookChange) => void) => (ev: MarketEvent) => {
  if (ev.type === 'book_change') f(ev);
};

test('control: the unmodified recording has no integrity failure', async (t) => {
  const p = dataPath(t, FILE);
  if (!p) return;
  const st = (await replayFiles([p])).get('BTCUSDT');
  assert.equal(failureCount(st.counts, st.bookUpdates, false), 0);
  assert.equal(st.counts.bbo.compared, 564);
});

test('bug 1, inverted bid/ask: crossed books and BBO mismatches', async (t) => {
  const p = dataPath(t, FILE);
  if (!p) return;
  const st = (
    await replayFiles([p], {
      mutate: onBook((ev) => {
        const nb = ev.nBids;
        const lv = ev.levels;
        const swapped = new Float64Array(lv.length);
        swapped.set(lv.subarray(2 * nb), 0);
        swapped.set(lv.subarray(0, 2 * nb), 2 * ev.nAsks);
        ev.levels = swapped;
        ev.nBids = ev.nAsks;
        ev.nAsks = nb;
      }),
    })
  ).get('BTCUSDT');
  assert.equal(st.counts.crossed, st.bookUpdates, 'every update leaves a crossed book');
  assert.equal(st.counts.bbo.mismatched, st.counts.bbo.compared);
  assert.ok(st.counts.bbo.compared > 500);
  assert.equal(st.counts.unorderedSnapshots, 1);
});

test('bug 2, deltas applied as snapshots: spread sanity fails and the BBO oracle disagrees', async (t) => {
  const p = dataPath(t, FILE);
  if (!p) return;
  const st = (
    await replayFiles([p], {
      mutate: onBook((ev) => {
        ev.isSnapshot = true;
      }),
    })
  ).get('BTCUSDT');
  assert.ok(spreadSanityFailed(st.counts, st.bookUpdates), `spread outliers ${st.counts.spreadOutliers} of ${st.bookUpdates}`);
  assert.ok(st.counts.bbo.mismatched > 100, `bbo mismatches ${st.counts.bbo.mismatched}`);
  const p95 = st.spreadBps.quantile(0.95);
  assert.ok(p95 > 1000 * st.spreadBps.quantile(0.05), `inflated spread p95 ${p95} bps`);
});

test('bug 3, wrong depth index (snapshot levels taken worst-first): flagged as an unordered snapshot', async (t) => {
  const p = dataPath(t, FILE);
  if (!p) return;
  const st = (
    await replayFiles([p], {
      mutate: onBook((ev) => {
        if (!ev.isSnapshot) return;
        const lv = ev.levels;
        const nb = ev.nBids;
        const n = nb + ev.nAsks;
        const rev = new Float64Array(lv.length);
        for (let i = 0; i < nb; i++) rev.set(lv.subarray(2 * (nb - 1 - i), 2 * (nb - i)), 2 * i);
        for (let i = nb; i < n; i++) rev.set(lv.subarray(2 * (n - 1 - (i - nb)), 2 * (n - (i - nb))), 2 * i);
        ev.levels = rev;
      }),
    })
  ).get('BTCUSDT');
  assert.equal(st.counts.unorderedSnapshots, 1);
  assert.ok(failureCount(st.counts, st.bookUpdates, false) > 0);
});
