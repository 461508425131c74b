import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BookEngine, type InstrumentState } from '../../src/book/engine.ts';
import { syncRulesFor } from '../../src/book/rules.ts';
import type { MarketEvent } from '../../src/core/events.ts';
import { InstrumentTable } from '../../src/core/instrument.ts';
import { getVenue } from '../../src/venues/registry.ts';
import { Market } from '../../src/venue-sim/market.ts';
import { minimalDecimal, type SimConn } from '../../src/venue-sim/protocol.ts';
import { protocolFor } from '../../src/venue-sim/protocols/index.ts';
import { recordingFrames, type SimFrame } from '../../src/venue-sim/source.ts';
import { dataPaths } from '../helpers/data.ts';

/**
 * The simulator's generated snapshots (a resubscription mid-stream, or a Binance REST request)
 * must be what the venue would send at that point: a client that syncs from one holds exactly the
 * simulator's book, and every later recorded update of the real venue applies to it with no gap
 * and, where the venue sends them, matching checksums.
 */
interface Case {
  venue: string;
  files: string[];
  symbol: string;
  subscribe?: string;
  checksums: boolean;
}

const CASES: Case[] = [
  // Not XMR/USD: its book holds an ask at 99999997.00000000, which lobkit's Kraken parser cannot
  // take at 8 decimals once the pair's scale has widened (a parser limit, reported).
  { venue: 'kraken', files: ['cryptofeed/KRAKEN.jsonl.gz'], symbol: 'SC/EUR', subscribe: '{"event":"subscribe","pair":["SC/EUR"],"subscription":{"name":"book","depth":1000}}', checksums: true },
  { venue: 'okx', files: ['cryptofeed/OKX.jsonl.gz'], symbol: 'BTC-USDT', subscribe: '{"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]}', checksums: true },
  { venue: 'bybit-linear', files: ['cryptofeed/BYBIT.jsonl.gz'], symbol: 'ETHUSDT', subscribe: '{"op":"subscribe","args":["orderbook.200.ETHUSDT"]}', checksums: false },
  { venue: 'coinbase', files: ['cryptofeed/COINBASE.jsonl.gz'], symbol: 'ETH-USD', subscribe: '{"type":"subscribe","product_ids":["ETH-USD"],"channel":"level2"}', checksums: false },
  { venue: 'binance-usdm', files: ['binance-hftbacktest/usdm/btcusdt_20240808.gz'], symbol: 'BTCUSDT', checksums: false },
  { venue: 'binance-spot', files: ['binance-hftbacktest/spot/btcusdt_20240808.gz'], symbol: 'BTCUSDT', checksums: false },
];

function levels(st: InstrumentState): string[] {
  const b = st.book;
  const out: string[] = [];
  for (let i = 0; i < b.bids.n; i++) out.push(`b ${minimalDecimal(b.bids.price(i), b.priceDecimals)} ${minimalDecimal(b.bids.size(i), b.sizeDecimals)}`);
  for (let i = 0; i < b.asks.n; i++) out.push(`a ${minimalDecimal(b.asks.price(i), b.priceDecimals)} ${minimalDecimal(b.asks.size(i), b.sizeDecimals)}`);
  return out;
}

for (const c of CASES) {
  test(`${c.venue}: a snapshot the simulator makes mid-stream equals its book, and the rest of the real recording applies to it without a gap${c.checksums ? ' or a checksum failure' : ''}`, async (t) => {
    const paths = dataPaths(t, c.files);
    if (!paths) return;
    const p = protocolFor(c.venue);
    const m = new Market(c.venue);
    const frames: SimFrame[] = [];
    for await (const b of recordingFrames(paths)) frames.push(...b);
    for (const f of frames) {
      if (f.kind !== 'ws' || (p.acceptsAddr && !p.acceptsAddr(f.addr))) continue;
      const r = p.route(f.text);
      if (r !== null) (m.knownKeys.add(r.key), m.knownSymbols.add(r.symbol));
    }
    const ours = (f: SimFrame): boolean => f.kind === 'rest' || !p.acceptsAddr || p.acceptsAddr(f.addr);
    const bookFrames = frames.filter((f) => f.kind === 'ws' && ours(f) && p.route(f.text)?.symbol === c.symbol && p.route(f.text)?.book);
    const cut = frames.indexOf(bookFrames[Math.floor(bookFrames.length / 2)]);
    for (let i = 0; i < cut; i++) if (ours(frames[i])) m.apply(frames[i], frames[i].kind === 'ws' ? p.route(frames[i].text) : null, c.venue !== 'coinbase');
    const simState = m.book(c.symbol)!;
    assert.ok(simState.valid, 'the simulator book is valid halfway through');

    // The client: a fresh parser and engine.
    const sent: { text: string; data: boolean }[] = [];
    const conn: SimConn = { id: 1, subs: new Set(), state: {}, send: (text, data = false) => sent.push({ text, data }), close: () => undefined };
    const venue = getVenue(c.venue);
    const parser = venue.createParser(new InstrumentTable());
    const engine = new BookEngine({ rulesFor: syncRulesFor });
    const out: MarketEvent[] = [];
    const meta = { conn: 'sim', url: c.subscribe === undefined ? `http://sim/depth?symbol=${c.symbol}` : undefined };
    // A subscribed client already holds the last few updates (Binance clients buffer them until the snapshot; others skip them).
    for (const f of bookFrames.slice(bookFrames.indexOf(frames[cut]) - 3, bookFrames.indexOf(frames[cut]))) {
      parser.parse(p.outgoing ? p.outgoing(conn, f.text) : f.text, f.ts, out, { conn: 'sim' });
      for (const ev of out) engine.onEvent(ev);
      out.length = 0;
    }
    // Then the snapshot the simulator makes now (and, on subscription, its acknowledgement).
    const snapshot: string[] = [];
    if (c.subscribe !== undefined) {
      p.onMessage(conn, c.subscribe, m);
      assert.equal(sent.filter((s) => s.data).length, 1, `one snapshot sent (got ${sent.map((s) => s.text.slice(0, 60)).join(' | ')})`);
      snapshot.push(...sent.map((s) => s.text)); // the acknowledgement too: Coinbase numbers it
    } else {
      const path = c.venue === 'binance-spot' ? '/api/v3/depth' : '/fapi/v1/depth';
      const r = p.rest!(path, new URLSearchParams({ symbol: c.symbol, limit: '5000' }), m)!;
      assert.equal(r.status, 200, r.body);
      snapshot.push(r.body);
    }
    for (const text of snapshot) {
      out.length = 0;
      parser.parse(text, 1, out, meta);
      for (const ev of out) engine.onEvent(ev);
    }
    const client = engine.state(c.venue, c.symbol);
    assert.ok(client.valid, 'the client book is valid after the snapshot');
    assert.deepEqual(levels(client), levels(simState), 'the snapshot holds the simulator book exactly');

    // The rest of the recording, as this connection would get it.
    let applied = 0;
    for (let i = cut; i < frames.length; i++) {
      const f = frames[i];
      if (!ours(f)) continue;
      const route = f.kind === 'ws' ? p.route(f.text) : null;
      m.apply(f, route, c.venue !== 'coinbase');
      if (route === null || route.symbol !== c.symbol || !route.book) continue;
      out.length = 0;
      parser.parse(p.outgoing ? p.outgoing(conn, f.text) : f.text, f.ts, out, meta);
      for (const ev of out) engine.onEvent(ev);
      applied++;
    }
    assert.ok(applied > 10, `${applied} recorded updates applied after the snapshot`);
    assert.equal(client.counts.gaps, 0, JSON.stringify(client.examples.slice(0, 3)) + JSON.stringify(sent.map((s) => s.text.slice(0, 100))));
    assert.equal(client.counts.checksum.failed, 0);
    if (c.checksums) assert.ok(client.counts.checksum.checked >= applied - 1, `${client.counts.checksum.checked} checksums verified`);
    assert.ok(client.valid);
    // Level-for-level equal at the end (the venue book keeps only the subscribed depth).
    assert.deepEqual(levels(client), levels(m.book(c.symbol)!));
  });
}
