import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { BookEngine } from '../../src/book/engine.ts';
import type { MarketEvent } from '../../src/core/events.ts';
import { InstrumentTable } from '../../src/core/instrument.ts';
import { CoinbaseParser } from '../../src/venues/coinbase/parse.ts';
import { CoinbaseExchangeParser } from '../../src/venues/coinbase/parse-exchange.ts';
import { getVenue } from '../../src/venues/registry.ts';
import { dataPath } from '../helpers/data.ts';
import { replayFiles } from '../helpers/replay.ts';

test('Coinbase Advanced Trade (COINBASE.jsonl.gz): sequence_num contiguous, snapshot first, never crossed or locked', async (t) => {
  const p = dataPath(t, 'cryptofeed/COINBASE.jsonl.gz');
  if (!p) return;
  const r = await replayFiles([p]);
  assert.equal(r.report.badLines, 0, JSON.stringify(r.report.files[0].examples));
  assert.equal(r.report.files[0].frames, 1031); // 1,030 WebSocket frames + 1 REST product list
  // [book messages incl. the snapshot, trades (updates only), tickers]
  const expected: Record<string, [number, number, number]> = { 'BTC-USD': [400, 47, 73], 'ETH-USD': [375, 32, 87] };
  for (const [symbol, [updates, trades, bbos]] of Object.entries(expected)) {
    const st = r.get(symbol, 'coinbase');
    assert.equal(st.counts.gaps, 0, symbol);
    assert.equal(st.snapshots, 1, symbol);
    assert.equal(st.counts.skippedWhileInvalid, 0, `${symbol}: snapshot first`);
    assert.equal(st.bookUpdates, updates, symbol);
    assert.equal(st.counts.crossed + st.counts.locked, 0, `${symbol}: ${JSON.stringify(st.examples)}`);
    assert.equal(st.counts.unorderedSnapshots + st.counts.disordered, 0, symbol);
    assert.equal(st.trades, trades, symbol);
    assert.equal(st.bbos, bbos, symbol);
    assert.equal(st.valid, true);
  }
  assert.equal(r.engine.states.size, 2);

  // The same frames straight through the parser: one connection, sequence_num 0..1029, no jump.
  const parser = new CoinbaseParser(new InstrumentTable());
  const out: MarketEvent[] = [];
  const seqs: number[] = [];
  for (const line of gunzipSync(readFileSync(p)).toString('utf8').split('\n')) {
    if (!line.startsWith('{"t":"recv"')) continue;
    const rec = JSON.parse(line) as { conn: string; ts: number; data: string };
    seqs.push((JSON.parse(rec.data) as { sequence_num: number }).sequence_num);
    parser.parse(rec.data, rec.ts * 1e9, out, { conn: rec.conn });
  }
  assert.equal(parser.gaps, 0);
  assert.deepEqual([seqs.length, seqs[0], seqs.at(-1)], [1030, 0, 1029]);
  assert.equal(out.filter((e) => e.type === 'gap').length, 0);
});

test('Coinbase Advanced Trade: dropping one frame from the capture is detected as a gap on both books', async (t) => {
  const p = dataPath(t, 'cryptofeed/COINBASE.jsonl.gz');
  if (!p) return;
  const parser = new CoinbaseParser(new InstrumentTable());
  const engine = new BookEngine({ rulesFor: (v) => getVenue(v).sync });
  let n = 0;
  for (const line of gunzipSync(readFileSync(p)).toString('utf8').split('\n')) {
    if (!line.startsWith('{"t":"recv"')) continue;
    if (n++ === 500) continue; // lose one frame mid-capture
    const rec = JSON.parse(line) as { conn: string; ts: number; data: string };
    const out: MarketEvent[] = [];
    parser.parse(rec.data, rec.ts * 1e9, out, { conn: rec.conn });
    for (const e of out) engine.onEvent(e);
  }
  assert.equal(parser.gaps, 1);
  for (const symbol of ['BTC-USD', 'ETH-USD']) {
    const st = engine.state('coinbase', symbol);
    assert.equal(st.counts.gaps, 1, symbol);
    assert.equal(st.valid, false, `${symbol} stays invalid: no new snapshot follows`);
    assert.ok(st.counts.skippedWhileInvalid > 100, symbol);
  }
});

test('Coinbase Exchange legacy level2 (COINBASE.ws.28.0.gz): 10 products, 10 snapshots, 9,719 l2update, never crossed', async (t) => {
  const p = dataPath(t, 'cryptofeed-legacy/COINBASE.ws.28.0.gz');
  if (!p) return;
  const r = await replayFiles([p]); // the file is named COINBASE; its Exchange-dialect frames come out as coinbase-exchange
  assert.equal(r.report.badLines, 0, JSON.stringify(r.report.files[0].examples));
  const states = [...r.engine.states.values()];
  assert.equal(states.length, 10);
  let snapshots = 0;
  let updates = 0;
  let trades = 0;
  for (const st of states) {
    assert.equal(st.venue, 'coinbase-exchange');
    assert.equal(st.snapshots, 1, st.symbol);
    assert.equal(st.counts.skippedWhileInvalid, 0, st.symbol);
    assert.equal(st.counts.crossed + st.counts.locked, 0, `${st.symbol}: ${JSON.stringify(st.examples)}`);
    assert.equal(st.counts.gaps + st.counts.unorderedSnapshots + st.counts.disordered, 0, st.symbol);
    snapshots += st.snapshots;
    updates += st.bookUpdates - st.snapshots;
    trades += st.trades;
  }
  assert.equal(snapshots, 10);
  assert.equal(updates, 9719);
  assert.equal(trades, 107); // 97 match + 10 last_match
  assert.equal(r.get('SKL-USD', 'coinbase-exchange').bookUpdates, 2593);
});

test('Coinbase Exchange snapshot + 12 l2update without timestamps (kraken-v2/coinbase_btcusd.jsonl), fed to the parser', (t) => {
  const p = dataPath(t, 'kraken-v2/coinbase_btcusd.jsonl');
  if (!p) return;
  const parser = new CoinbaseExchangeParser(new InstrumentTable());
  const engine = new BookEngine({ rulesFor: (v) => getVenue(v).sync });
  const lines = readFileSync(p, 'utf8').split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 13);
  lines.forEach((line, i) => {
    const out: MarketEvent[] = [];
    parser.parse(line, i, out);
    for (const e of out) engine.onEvent(e);
  });
  const st = engine.state('coinbase-exchange', 'BTC-USD');
  assert.equal(st.snapshots, 1);
  assert.equal(st.bookUpdates, 13);
  assert.equal(st.counts.crossed + st.counts.locked + st.counts.unorderedSnapshots, 0);
  const b = st.book;
  assert.deepEqual([b.bidCount(), b.askCount()], [44, 46]); // 40 + 40 in the snapshot, then the changes
  assert.deepEqual([b.bestBid(), b.bidSize(0) / 10 ** b.sizeDecimals, b.bestAsk(), b.askSize(0) / 10 ** b.sizeDecimals], [62399.13, 0.27721413, 62399.14, 0.01569901]);
  let found = 0;
  for (let i = 0; i < b.askCount(); i++) {
    if (b.askPrice(i) === 6240114 * 10 ** (b.priceDecimals - 2)) {
      assert.equal(b.askSize(i), 4479069 * 10 ** (b.sizeDecimals - 8)); // last of its two changes wins
      found++;
    }
  }
  assert.equal(found, 1);
});
