import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { InstrumentState } from '../../src/book/engine.ts';
import { formatScaled } from '../../src/core/decimal.ts';
import { dataPath } from '../helpers/data.ts';
import { replayFiles } from '../helpers/replay.ts';

type Level = [string, string];
interface BookMsg {
  topic: string;
  type: string;
  ts: number;
  cts?: number;
  data: { s: string; b: Level[]; a: Level[]; u: number };
}

/** Independent oracle: a plain Map book per topic built from the raw JSON, with its own u check. */
class MapBook {
  bids = new Map<string, string>();
  asks = new Map<string, string>();
  u = NaN;
  deltas = 0;
  snapshots = 0;
  breaks = 0;
  apply(m: BookMsg): void {
    if (m.type === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
      this.snapshots++;
    } else {
      if (m.data.u !== this.u + 1) this.breaks++;
      this.deltas++;
    }
    this.u = m.data.u;
    for (const [p, s] of m.data.b) s === '0' || Number(s) === 0 ? this.bids.delete(canon(p)) : this.bids.set(canon(p), canon(s));
    for (const [p, s] of m.data.a) s === '0' || Number(s) === 0 ? this.asks.delete(canon(p)) : this.asks.set(canon(p), canon(s));
  }
  /** Levels best first, as "price size" strings. */
  side(bids: boolean): string[] {
    const m = bids ? this.bids : this.asks;
    return [...m.keys()].sort((x, y) => (bids ? Number(y) - Number(x) : Number(x) - Number(y))).map((p) => `${p} ${m.get(p)}`);
  }
}

/** Canonical decimal text: no trailing fractional zeros ("65114.20" → "65114.2", "6203" stays). */
function canon(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

function engineSide(st: InstrumentState, bids: boolean): string[] {
  const side = bids ? st.book.bids : st.book.asks;
  const out: string[] = [];
  for (let i = 0; i < side.n; i++) out.push(`${canon(formatScaled(side.price(i), st.book.priceDecimals))} ${canon(formatScaled(side.size(i), st.book.sizeDecimals))}`);
  return out;
}

function gzLines(path: string): string[] {
  return gunzipSync(readFileSync(path)).toString('utf8').split(/\r?\n/).filter((l) => l.length > 0);
}

test('cryptofeed BYBIT: linear and spot kept apart, snapshot first per topic, u contiguous, never crossed, books equal an independent rebuild', async (t) => {
  const path = dataPath(t, 'cryptofeed/BYBIT.jsonl.gz');
  if (!path) return;

  // Oracle from the raw records: the connect records say which connection is which market.
  const venueOfConn = new Map<string, string>();
  const oracle = new Map<string, MapBook>();
  for (const line of gzLines(path)) {
    const r = JSON.parse(line) as { t: string; conn?: string; addr?: string; data?: string };
    if (r.t === 'connect') venueOfConn.set(r.conn!, r.addr!.endsWith('/v5/public/linear') ? 'bybit-linear' : r.addr!.endsWith('/v5/public/spot') ? 'bybit-spot' : '?');
    if (r.t !== 'recv' || !r.data!.startsWith('{"topic":"orderbook.')) continue;
    const m = JSON.parse(r.data!) as BookMsg;
    const key = `${venueOfConn.get(r.conn!)}:${m.data.s}`;
    let b = oracle.get(key);
    if (!b) {
      assert.equal(m.type, 'snapshot', `${key}: first message of the topic is its snapshot`);
      oracle.set(key, (b = new MapBook()));
    }
    b.apply(m);
  }
  assert.deepEqual(Object.fromEntries(venueOfConn), { 'BYBIT.ws.2': 'bybit-linear', 'BYBIT.ws.3': 'bybit-spot' });

  const r = await replayFiles([path]);
  assert.equal(r.report.badLines, 0);
  assert.equal(r.report.fileErrors, 0);
  const fr = r.report.files[0];
  assert.deepEqual([fr.format, fr.lines, fr.frames, fr.control], ['cryptofeed', 3256, 3229, 27]);

  // Per instrument: book updates (1 snapshot + deltas), trades, venue BBOs (linear tickers), funding.
  const expected: Record<string, [book: number, trades: number, bbos: number, fundings: number]> = {
    'bybit-linear:BTCUSDT': [414, 56, 134, 60],
    'bybit-linear:ETHUSDT': [421, 23, 200, 17],
    'bybit-linear:SOLUSDT': [383, 165, 153, 56],
    'bybit-linear:DOGEUSDT': [380, 83, 151, 7],
    'bybit-spot:BTCUSDT': [300, 11, 0, 0],
    'bybit-spot:ETHUSDT': [250, 9, 0, 0],
  };
  assert.deepEqual([...r.engine.states.keys()].sort(), Object.keys(expected).sort());
  assert.deepEqual([...oracle.keys()].sort(), Object.keys(expected).sort());
  for (const [key, [book, trades, bbos, fundings]] of Object.entries(expected)) {
    const st = r.engine.states.get(key)!;
    const o = oracle.get(key)!;
    assert.deepEqual([st.bookUpdates, st.trades, st.bbos, st.fundings], [book, trades, bbos, fundings], key);
    assert.equal(st.snapshots, 1, key);
    assert.deepEqual([o.snapshots, o.deltas, o.breaks], [1, book - 1, 0], `${key}: oracle sees u contiguous`);
    const c = st.counts;
    assert.deepEqual(
      [c.gaps, c.stale, c.outOfOrder, c.skippedWhileInvalid, c.crossed, c.locked, c.unorderedSnapshots, c.disordered, c.emptySide],
      [0, 0, 0, 0, 0, 0, 0, 0, 0],
      `${key}: ${JSON.stringify(st.examples)}`,
    );
    assert.equal(st.valid, true, key);
    assert.equal(st.lastSeq, o.u, `${key}: last u`);
    assert.equal(st.book.bids.n, 200, `${key}: orderbook.200 keeps 200 bids`);
    assert.equal(st.book.asks.n, 200, `${key}: orderbook.200 keeps 200 asks`);
    assert.equal(st.book.missingDeletes, 0, `${key}: every delete names a level the book holds`);
    assert.deepEqual(engineSide(st, true), o.side(true), `${key}: every bid level`);
    assert.deepEqual(engineSide(st, false), o.side(false), `${key}: every ask level`);
  }
  // The same symbol on two markets: two different books.
  assert.equal(oracle.get('bybit-linear:BTCUSDT')!.side(true)[0], '65114.2 5.974');
  assert.equal(oracle.get('bybit-spot:BTCUSDT')!.side(true)[0], '65140.4 0.622237');
  assert.equal(r.engine.states.get('bybit-spot:BTCUSDT')!.book.sizeDecimals, 6);
  assert.equal(r.engine.states.get('bybit-linear:BTCUSDT')!.book.sizeDecimals, 3);
});

test('Bybit archive ob500: 1 snapshot + 49 deltas, u contiguous, never crossed, book equals an independent rebuild', async (t) => {
  const path = dataPath(t, 'bybit-archive/2024-12-01_XRPUSDT_ob500.data.gz');
  if (!path) return;
  const o = new MapBook();
  for (const line of gzLines(path)) o.apply(JSON.parse(line) as BookMsg);
  assert.deepEqual([o.snapshots, o.deltas, o.breaks], [1, 49, 0]);

  const r = await replayFiles([path]);
  assert.equal(r.report.badLines, 0);
  const fr = r.report.files[0];
  assert.deepEqual([fr.format, fr.venue, fr.lines, fr.frames], ['bybit-archive', 'bybit-linear', 50, 50]);
  const st = r.get('XRPUSDT', 'bybit-linear');
  assert.deepEqual([st.snapshots, st.bookUpdates, st.messages], [1, 50, 50]);
  const c = st.counts;
  assert.deepEqual([c.gaps, c.stale, c.outOfOrder, c.skippedWhileInvalid, c.crossed, c.locked, c.unorderedSnapshots, c.disordered], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(st.valid, true);
  assert.equal(st.lastSeq, 20254918);
  // Local time is the message's ts (no receive time in history files); exchange time is cts.
  assert.deepEqual([st.firstLocalTs, st.lastLocalTs], [1733011200691e6, 1733011205490e6]);
  assert.deepEqual([st.firstTs, st.lastTs], [1733011200589e6, 1733011205488e6]);
  // Best bid/ask after the last message, from the raw JSON, and every level of both sides.
  assert.equal(o.side(true)[0], '1.9537 10605');
  assert.equal(o.side(false)[0], '1.9538 6702');
  assert.equal(engineSide(st, true)[0], o.side(true)[0]);
  assert.equal(engineSide(st, false)[0], o.side(false)[0]);
  assert.deepEqual(engineSide(st, true), o.side(true));
  assert.deepEqual(engineSide(st, false), o.side(false));
  assert.deepEqual([st.book.bids.n, st.book.asks.n], [500, 500]);
});

test('Bybit archive honours --venue (the file cannot tell spot from linear)', async (t) => {
  const path = dataPath(t, 'bybit-archive/2024-12-01_XRPUSDT_ob500.data.gz');
  if (!path) return;
  const r = await replayFiles([path], { venue: 'bybit-spot' });
  assert.deepEqual([...r.engine.states.keys()], ['bybit-spot:XRPUSDT']);
  assert.equal(r.report.files[0].venue, 'bybit-spot');
  assert.equal(r.get('XRPUSDT').bookUpdates, 50);
});
