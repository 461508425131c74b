import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataPath } from '../helpers/data.ts';
import { replayFiles } from '../helpers/replay.ts';

// OKX v5 `books` (2022 format: checksum, no seqId), trades and tickers for three instruments.
// Per instrument: [book messages incl. the snapshot, checksums verified, trades, tickers].
const EXPECTED: Record<string, [number, number, number, number]> = {
  'BTC-USD-220527': [99, 99, 4, 2],
  'UNI-USD-SWAP': [93, 93, 1, 1],
  'BTC-USDT': [98, 98, 69, 25],
};

for (const rel of ['cryptofeed/OKX.jsonl.gz', 'cryptofeed-legacy/OKX.ws.1.0.gz']) {
  test(`OKX ${rel}: 290 of 290 checksums match, no gap, never crossed or locked`, async (t) => {
    const p = dataPath(t, rel);
    if (!p) return;
    const r = await replayFiles([p]);
    assert.equal(r.report.badLines, 0, JSON.stringify(r.report.files[0].examples));
    assert.equal(r.report.fileErrors, 0);
    let checked = 0;
    for (const [symbol, [updates, checksums, trades, bbos]] of Object.entries(EXPECTED)) {
      const st = r.get(symbol, 'okx');
      assert.equal(st.snapshots, 1, symbol);
      assert.equal(st.bookUpdates, updates, symbol);
      assert.deepEqual(st.counts.checksum, { checked: checksums, failed: 0 }, `${symbol}: ${JSON.stringify(st.examples)}`);
      assert.equal(st.counts.gaps, 0, symbol);
      assert.equal(st.counts.crossed + st.counts.locked, 0, symbol);
      assert.equal(st.counts.stale + st.counts.outOfOrder + st.counts.skippedWhileInvalid, 0, symbol);
      assert.equal(st.counts.unorderedSnapshots + st.counts.disordered, 0, symbol);
      assert.equal(st.trades, trades, symbol);
      assert.equal(st.bbos, bbos, symbol);
      assert.equal(st.valid, true);
      checked += st.counts.checksum.checked;
    }
    assert.equal(checked, 290);
    assert.equal(r.engine.states.size, 3);
  });
}

test('OKX: one lot planted on the best bid of the snapshot is caught by its checksum', async (t) => {
  const p = dataPath(t, 'cryptofeed/OKX.jsonl.gz');
  if (!p) return;
  const r = await replayFiles([p], {
    mutate(ev) {
      if (ev.type === 'book_change' && ev.isSnapshot && ev.symbol === 'BTC-USDT') ev.levels[1] += 1;
    },
  });
  const st = r.get('BTC-USDT', 'okx');
  assert.equal(st.counts.checksum.failed, 1);
  assert.equal(st.counts.checksum.checked, 1); // nothing is applied (or checked) until a new snapshot
  assert.equal(st.counts.skippedWhileInvalid, 97);
  assert.equal(st.valid, false);
  assert.deepEqual(r.get('UNI-USD-SWAP', 'okx').counts.checksum, { checked: 93, failed: 0 });
});
