import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BookEngine, type InstrumentState } from '../../src/book/engine.ts';
import type { MarketEvent } from '../../src/core/events.ts';
import { InstrumentTable } from '../../src/core/instrument.ts';
import { openReplay } from '../../src/replay/open.ts';
import { ReadReport } from '../../src/replay/report.ts';
import { getVenue } from '../../src/venues/registry.ts';
import { dataPath } from '../helpers/data.ts';

/** Checksums checked (= book updates after the snapshot) per pair in the Kraken v1 `book-1000` session. */
const CHECKED: Record<string, number> = {
  'XMR/USD': 846,
  'SC/EUR': 818,
  'WAVES/EUR': 576,
  'KSM/XBT': 335,
  'GRT/ETH': 20,
  'ETH/CHF': 317,
  'OCEAN/XBT': 148,
  'OMG/USD': 573,
  'XBT/CHF': 289,
  'ADA/XBT': 347,
};
/** Trades and ticker BBOs in the cryptofeed v3 session (the legacy file holds the book connection only). */
const TRADES: Record<string, number> = { 'XMR/USD': 4, 'SC/EUR': 6 };
const TICKERS: Record<string, number> = { 'XMR/USD': 4, 'SC/EUR': 6 };

async function replay(paths: string[], mutate?: (ev: MarketEvent) => void) {
  const report = new ReadReport();
  const engine = new BookEngine({ rulesFor: (v) => getVenue(v).sync });
  for await (const batch of await openReplay(paths, report)) {
    for (const ev of batch) {
      mutate?.(ev);
      engine.onEvent(ev);
    }
  }
  return { report, engine, states: [...engine.states.values()] };
}

function assertClean(st: InstrumentState): void {
  const c = st.counts;
  const where = `${st.symbol}: ${JSON.stringify(st.examples.slice(0, 3))}`;
  assert.equal(c.checksum.failed, 0, where);
  assert.equal(c.gaps, 0, where);
  assert.equal(c.crossed, 0, where);
  assert.equal(c.locked, 0, where);
  assert.equal(c.unorderedSnapshots, 0, where); // snapshots are best-first on both sides
  assert.equal(c.disordered, 0, where);
  assert.equal(c.skippedWhileInvalid, 0, where);
  assert.equal(st.snapshots, 1, where);
  assert.equal(st.valid, true, where);
}

function assertSession(states: InstrumentState[], withTrades: boolean): void {
  assert.deepEqual(states.map((s) => s.symbol).sort(), Object.keys(CHECKED).sort());
  let checked = 0;
  for (const st of states) {
    assert.equal(st.venue, 'kraken');
    assertClean(st);
    assert.equal(st.counts.checksum.checked, CHECKED[st.symbol], st.symbol);
    assert.equal(st.bookUpdates, CHECKED[st.symbol] + 1, st.symbol);
    assert.equal(st.trades, withTrades ? (TRADES[st.symbol] ?? 0) : 0, st.symbol);
    assert.equal(st.bbos, withTrades ? (TICKERS[st.symbol] ?? 1) : 0, st.symbol);
    checked += st.counts.checksum.checked;
  }
  assert.equal(checked, 4269);
}

test('cryptofeed KRAKEN (WS v1 book-1000, 10 pairs): 4,269 of 4,269 checksums pass, no gap, never crossed', async (t) => {
  const path = dataPath(t, 'cryptofeed/KRAKEN.jsonl.gz');
  if (!path) return;
  const { report, states } = await replay([path]);
  assert.equal(report.files[0].venue, 'kraken');
  assert.equal(report.files[0].format, 'cryptofeed');
  assert.equal(report.badLines, 0, report.files[0].examples.join('\n'));
  assert.equal(report.files[0].frames, 4431);
  assertSession(states, true);
});

test('legacy cryptofeed KRAKEN.ws.50.0.gz (the same session\'s book connection): 4,269 of 4,269 checksums pass', async (t) => {
  const path = dataPath(t, 'cryptofeed-legacy/KRAKEN.ws.50.0.gz');
  if (!path) return;
  const { report, states } = await replay([path]);
  assert.equal(report.files[0].format, 'cryptofeed-legacy');
  assert.equal(report.files[0].venue, 'kraken');
  assert.equal(report.badLines, 0, report.files[0].examples.join('\n'));
  assertSession(states, false);
});

test('a one-lot change planted in a real snapshot fails the next checksum and invalidates only that pair', async (t) => {
  const path = dataPath(t, 'cryptofeed/KRAKEN.jsonl.gz');
  if (!path) return;
  const { states } = await replay([path], (ev) => {
    if (ev.type === 'book_change' && ev.isSnapshot && ev.symbol === 'XMR/USD') ev.levels[1] += 1; // best bid size
  });
  const xmr = states.find((s) => s.symbol === 'XMR/USD')!;
  assert.deepEqual(xmr.counts.checksum, { checked: 1, failed: 1 });
  assert.equal(xmr.valid, false);
  assert.equal(xmr.counts.skippedWhileInvalid, 845);
  assert.equal(xmr.examples[0].kind, 'checksum');
  for (const st of states) if (st !== xmr) assertClean(st);
});

test('raw capture files of Kraken traffic are recognized (claimsRaw) and replay identically', async (t) => {
  const path = dataPath(t, 'cryptofeed/KRAKEN.jsonl.gz');
  if (!path) return;
  const lines: string[] = [];
  for (const line of gunzipSync(readFileSync(path)).toString('utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as { t: string; ts: number; data: string };
    if (r.t === 'recv') lines.push(`${Math.round(r.ts * 1e6) * 1e3} ${r.data}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-kraken-'));
  try {
    const raw = join(dir, 'capture.gz');
    writeFileSync(raw, gzipSync(lines.join('\n') + '\n'));
    const { report, states } = await replay([raw]);
    assert.equal(report.files[0].format, 'raw');
    assert.equal(report.files[0].venue, 'kraken');
    assert.equal(report.badLines, 0, report.files[0].examples.join('\n'));
    assertSession(states, true);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('Kraken WS v2 book (BTC/USD depth 10): 11 of 11 checksums verify at price precision 1, qty precision 8', (t) => {
  const book = dataPath(t, 'kraken-v2/kraken_btcusd_book.jsonl');
  const instrument = dataPath(t, 'kraken-v2/kraken_btcusd_instrument.json');
  if (!book || !instrument) return;
  const parser = getVenue('kraken').createParser(new InstrumentTable());
  const events: MarketEvent[] = [];
  parser.parse(readFileSync(instrument, 'utf8').trim(), 0, events);
  assert.equal(events.length, 0, 'the instrument message sets precisions, no events');
  const lines = readFileSync(book, 'utf8').split('\n').filter((l) => l.length > 0);
  assert.equal(lines.length, 11);
  lines.forEach((line, i) => parser.parse(line, i, events));
  assert.equal(events.length, 11);
  const engine = new BookEngine({ rulesFor: (v) => getVenue(v).sync });
  for (const ev of events) {
    assert.equal(ev.type, 'book_change');
    if (ev.type !== 'book_change') continue;
    assert.equal(ev.depth, 10, 'depth from the snapshot size');
    assert.equal(ev.priceDecimals, 1);
    assert.equal(ev.sizeDecimals, 8);
    engine.onEvent(ev);
  }
  const st = engine.state('kraken', 'BTC/USD');
  assert.deepEqual(st.counts.checksum, { checked: 11, failed: 0 });
  assert.equal(st.snapshots, 1);
  assert.equal(st.bookUpdates, 11);
  assert.equal(st.counts.crossed + st.counts.locked + st.counts.gaps + st.counts.unorderedSnapshots, 0);
  const b = st.book;
  assert.equal(b.bidCount(), 10);
  assert.equal(b.askCount(), 10);
  // Best bid 0.00923841 @ 62622.3, best ask 0.03654491 @ 62622.9, exact.
  assert.deepEqual([b.bidPrice(0), b.bidSize(0), b.askPrice(0), b.askSize(0)], [626223, 923841, 626229, 3654491]);
  assert.deepEqual([b.bidPrice(9), b.askPrice(9)], [626153, 626271]);
});

test('Kraken WS v2: a qty changed by one unit in the real snapshot fails its checksum; updates wait for a new snapshot', (t) => {
  const book = dataPath(t, 'kraken-v2/kraken_btcusd_book.jsonl');
  if (!book) return;
  const parser = getVenue('kraken').createParser(new InstrumentTable());
  const events: MarketEvent[] = [];
  parser.parse('{"channel":"instrument","type":"snapshot","data":{"pairs":[{"symbol":"BTC/USD","price_precision":1,"qty_precision":8}]}}', 0, events);
  const lines = readFileSync(book, 'utf8').split('\n').filter((l) => l.length > 0);
  assert.ok(lines[0].includes('{"price":62622.3,"qty":0.00923841}'));
  lines[0] = lines[0].replace('{"price":62622.3,"qty":0.00923841}', '{"price":62622.3,"qty":0.00923842}');
  lines.forEach((line, i) => parser.parse(line, i, events));
  const engine = new BookEngine({ rulesFor: (v) => getVenue(v).sync });
  for (const ev of events) engine.onEvent(ev);
  const st = engine.state('kraken', 'BTC/USD');
  assert.deepEqual(st.counts.checksum, { checked: 1, failed: 1 });
  assert.equal(st.counts.skippedWhileInvalid, 10);
  assert.equal(st.valid, false);
});
