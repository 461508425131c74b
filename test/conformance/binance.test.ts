import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataPaths } from '../helpers/data.ts';
import { replayFiles } from '../helpers/replay.ts';

const MIDNIGHT = Date.UTC(2024, 7, 9) * 1e6;

// Oracle: every bookTicker whose u equals the final u of an applied diff must equal the
// reconstructed best bid/ask (price and size). Counts are exact for these recordings.
const cases = [
  { dir: 'spot', venue: 'binance-spot', files: ['btcusdt_20240808.gz', 'btcusdt_20240809.gz', 'ethusdt_20240808.gz', 'ethusdt_20240809.gz'], compared: { BTCUSDT: 1072, ETHUSDT: 1056 }, midnight: true },
  { dir: 'usdm', venue: 'binance-usdm', files: ['btcusdt_20240808.gz', 'ethusdt_20240808.gz'], compared: { BTCUSDT: 629, ETHUSDT: 551 }, midnight: false },
  { dir: 'cm', venue: 'binance-coinm', files: ['btcusd_perp_20240808.gz', 'btcusd_perp_20240809.gz', 'ethusd_perp_20240808.gz', 'ethusd_perp_20240809.gz'], compared: { BTCUSD_PERP: 1885, ETHUSD_PERP: 2278 }, midnight: true },
];

for (const c of cases) {
  test(`Binance ${c.dir}: bookTicker oracle matches the book at every comparable update, no gaps${c.midnight ? ', across midnight' : ''}`, async (t) => {
    const paths = dataPaths(t, c.files.map((f) => `binance-hftbacktest/${c.dir}/${f}`));
    if (!paths) return;
    const r = await replayFiles(paths);
    assert.equal(r.report.badLines, 0);
    assert.equal(r.report.fileErrors, 0);
    for (const [symbol, compared] of Object.entries(c.compared)) {
      const st = r.get(symbol, c.venue);
      assert.equal(st.counts.gaps, 0, `${symbol} gaps`);
      assert.equal(st.counts.bbo.mismatched, 0, `${symbol} bookTicker mismatches: ${JSON.stringify(st.examples)}`);
      assert.equal(st.counts.bbo.compared, compared, `${symbol} bookTickers compared`);
      assert.equal(st.counts.crossed + st.counts.locked, 0);
      assert.equal(st.counts.checksum.checked, 0);
      assert.equal(st.counts.unorderedSnapshots + st.counts.disordered, 0);
      assert.equal(st.snapshots, 1, 'one REST snapshot per instrument (first-day file)');
      assert.equal(st.valid, true);
      if (c.midnight) assert.ok(st.firstTs < MIDNIGHT && st.lastTs > MIDNIGHT + 60e9, 'spans midnight');
    }
  });
}

test('Binance spot day files read as one stream: same result as concatenating the days in order', async (t) => {
  const paths = dataPaths(t, ['binance-hftbacktest/spot/btcusdt_20240809.gz', 'binance-hftbacktest/spot/btcusdt_20240808.gz']);
  if (!paths) return;
  const r = await replayFiles(paths); // given out of order on purpose
  const st = r.get('BTCUSDT');
  assert.equal(st.counts.gaps, 0);
  assert.equal(st.messages, 41249 + 58325);
});

test('cryptofeed Binance recordings (spot, USD-M, COIN-M, Binance.US): REST snapshot straddled, no gap, BBO oracle holds', async (t) => {
  const files = ['BINANCE', 'BINANCE_FUTURES', 'BINANCE_DELIVERY', 'BINANCE_US'].map((x) => `cryptofeed/${x}.jsonl.gz`);
  const paths = dataPaths(t, files);
  if (!paths) return;
  const r = await replayFiles(paths);
  assert.equal(r.report.badLines, 0);
  const states = [...r.engine.states.values()].filter((s) => s.bookUpdates > 0);
  assert.equal(states.length, 22);
  let compared = 0;
  for (const st of states) {
    assert.equal(st.counts.gaps, 0, `${st.venue}:${st.symbol}`);
    assert.equal(st.counts.bbo.mismatched, 0, `${st.venue}:${st.symbol}`);
    assert.equal(st.counts.crossed + st.counts.locked, 0);
    assert.equal(st.snapshots, 1);
    compared += st.counts.bbo.compared;
  }
  assert.equal(compared, 346);
});

test('cryptofeed legacy text files: ws + http files merge by time so the snapshot lands where it was received', async (t) => {
  const paths = dataPaths(t, ['cryptofeed-legacy/BINANCE.ws.1.0.gz', 'cryptofeed-legacy/BINANCE.http.0.0.gz', 'cryptofeed-legacy/BINANCE_FUTURES.ws.1.0.gz', 'cryptofeed-legacy/BINANCE_FUTURES.http.0.0.gz']);
  if (!paths) return;
  const r = await replayFiles(paths);
  assert.equal(r.report.badLines, 0);
  const nkn = r.get('NKNUSDT', 'binance-spot');
  assert.equal(nkn.bookUpdates, 150);
  assert.equal(nkn.counts.gaps, 0);
  const sushi = r.get('SUSHIUSDT', 'binance-usdm');
  assert.equal(sushi.bookUpdates, 253);
  assert.equal(sushi.counts.gaps, 0);
});
