import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BookEngine } from '../../book/engine.ts';
import { ASK, BID, type Bbo, type BookChange, type Gap, type MarketEvent, type Trade } from '../../core/events.ts';
import { InstrumentTable } from '../../core/instrument.ts';
import { getVenue } from '../registry.ts';
import { CoinbaseParser } from './parse.ts';
import { isoToNs } from './time.ts';

const T = '2026-08-09T21:05:48.483587501Z';
const l2 = (seq: number, type: 'snapshot' | 'update', product: string, updates: [side: string, price: string, qty: string][]) =>
  JSON.stringify({
    channel: 'l2_data',
    client_id: '',
    timestamp: T,
    sequence_num: seq,
    events: [{ type, product_id: product, updates: updates.map(([side, price_level, new_quantity]) => ({ side, event_time: '2026-08-09T21:05:48.170326Z', price_level, new_quantity })) }],
  });
const hb = (seq: number) => JSON.stringify({ channel: 'heartbeats', client_id: '', timestamp: T, sequence_num: seq, events: [{ current_time: 'x', heartbeat_counter: seq }] });

function parseAll(frames: [frame: string, conn?: string][], p = new CoinbaseParser(new InstrumentTable())): MarketEvent[] {
  const out: MarketEvent[] = [];
  frames.forEach(([f, conn], i) => p.parse(f, 1000 + i, out, { conn }));
  return out;
}

test('l2_data: offers and bids interleaved in the message come out bids first, in order; exact levels', () => {
  const [ev] = parseAll([[l2(3, 'update', 'BTC-USD', [['offer', '65083.67', '0.5'], ['bid', '65083.66', '0'], ['offer', '65090', '1.25'], ['bid', '65080.1', '2']])]]) as BookChange[];
  assert.equal(ev.venue, 'coinbase');
  assert.equal(ev.isSnapshot, false);
  assert.equal(ev.nBids, 2);
  assert.equal(ev.nAsks, 2);
  assert.equal(ev.priceDecimals, 2);
  assert.equal(ev.sizeDecimals, 2);
  assert.deepEqual([...ev.levels], [6508366, 0, 6508010, 200, 6508367, 50, 6509000, 125]);
  assert.equal(ev.seq, 3);
  assert.equal(ev.exchTs, isoToNs('2026-08-09T21:05:48.170326Z'));
  assert.throws(() => parseAll([[l2(0, 'update', 'BTC-USD', [['ask', '1', '1']])]]), /side "ask"/);
});

test('sequence_num jump on a connection: one gap event per book on that connection, before the frame events', () => {
  const p = new CoinbaseParser(new InstrumentTable());
  const out = parseAll(
    [
      [l2(0, 'snapshot', 'BTC-USD', [['bid', '10', '1'], ['offer', '11', '1']]), 'A'],
      [l2(0, 'snapshot', 'SOL-USD', [['bid', '1', '1'], ['offer', '2', '1']]), 'B'], // another connection, own numbering
      [l2(1, 'snapshot', 'ETH-USD', [['bid', '5', '1'], ['offer', '6', '1']]), 'A'],
      [hb(2), 'A'],
      [hb(1), 'B'],
      [l2(5, 'update', 'BTC-USD', [['bid', '10', '2']]), 'A'], // 3 and 4 lost
    ],
    p,
  );
  assert.equal(p.gaps, 1);
  const gaps = out.filter((e): e is Gap => e.type === 'gap');
  assert.deepEqual(
    gaps.map((g) => [g.symbol, g.expected, g.received]),
    [
      ['BTC-USD', 3, 5],
      ['ETH-USD', 3, 5],
    ],
  );
  assert.match(gaps[0].reason, /connection A went from 2 to 5/);
  assert.equal(out.at(-1)!.type, 'book_change'); // the frame's own update comes after its gaps
});

test('engine: the gap invalidates the connection books until their next snapshot', () => {
  const eng = new BookEngine({ rulesFor: (v) => getVenue(v).sync });
  const events = parseAll([
    [l2(0, 'snapshot', 'BTC-USD', [['bid', '10', '1'], ['offer', '11', '1']]), 'A'],
    [l2(1, 'update', 'BTC-USD', [['bid', '10', '3']]), 'A'],
    [l2(4, 'update', 'BTC-USD', [['bid', '10', '4']]), 'A'], // gap: this update is not applied
    [l2(5, 'update', 'BTC-USD', [['bid', '10', '5']]), 'A'],
    [l2(6, 'snapshot', 'BTC-USD', [['bid', '10', '6'], ['offer', '11', '1']]), 'A'],
    [l2(7, 'update', 'BTC-USD', [['offer', '11', '2']]), 'A'],
  ]);
  const st = eng.state('coinbase', 'BTC-USD');
  for (let i = 0; i < events.length; i++) {
    eng.onEvent(events[i]);
    if (events[i].type === 'gap') assert.equal(st.valid, false);
  }
  assert.equal(st.counts.gaps, 1);
  assert.equal(st.counts.skippedWhileInvalid, 2);
  assert.equal(st.counts.resyncs, 1);
  assert.equal(st.valid, true);
  assert.equal(st.bookUpdates, 4);
  assert.equal(st.book.bidSize(0), 6);
  assert.equal(st.book.askSize(0), 2);
});

test('market_trades: side is the maker side, so BUY → seller-initiated; snapshot history is skipped', () => {
  const trades = (type: string, side: string) =>
    JSON.stringify({
      channel: 'market_trades',
      timestamp: T,
      sequence_num: 0,
      events: [{ type, trades: [{ product_id: 'BTC-USD', trade_id: '1068572091', price: '65083.67', size: '0.01034361', time: '2026-08-09T21:05:48.167634Z', side }] }],
    });
  const out = parseAll([[trades('snapshot', 'SELL')], [trades('update', 'SELL'), 'x'], [trades('update', 'BUY'), 'y']]) as Trade[];
  assert.equal(out.length, 2);
  assert.equal(out[0].aggressor, BID);
  assert.equal(out[1].aggressor, ASK);
  assert.equal(out[0].price, 6508367);
  assert.equal(out[0].size, 1034361);
  assert.equal(out[0].id, '1068572091');
  assert.equal(out[0].exchTs, isoToNs('2026-08-09T21:05:48.167634Z'));
});

test('ticker → Bbo without seq, frame time', () => {
  const [b] = parseAll([
    [
      '{"channel":"ticker","timestamp":"2026-08-09T21:05:48.298032046Z","sequence_num":10,"events":[{"type":"update","tickers":[{"type":"ticker","product_id":"ETH-USD","price":"1919.41","best_bid":"1919.44","best_ask":"1919.49","best_bid_quantity":"0.02858092","best_ask_quantity":"0.07814824"}]}]}',
    ],
  ]) as Bbo[];
  assert.equal(b.type, 'bbo');
  assert.deepEqual([b.bidPrice, b.askPrice, b.priceDecimals, b.bidSize, b.askSize, b.sizeDecimals], [191944, 191949, 2, 2858092, 7814824, 8]);
  assert.ok(Number.isNaN(b.seq));
  assert.equal(b.exchTs, isoToNs('2026-08-09T21:05:48.298032046Z'));
});

test('non-data frames push nothing; errors and unknown channels throw; Exchange-dialect frames are delegated', () => {
  assert.equal(parseAll([[hb(0)], ['{"channel":"subscriptions","timestamp":"' + T + '","sequence_num":1,"events":[{"subscriptions":{"level2":["BTC-USD"]}}]}']]).length, 0);
  const p = new CoinbaseParser(new InstrumentTable());
  const out: MarketEvent[] = [];
  p.parse('{"products":[]}', 0, out, { url: 'https://api.coinbase.com/api/v3/brokerage/market/products' });
  assert.equal(out.length, 0);
  assert.throws(() => p.parse('{}', 0, out, { url: 'https://api.coinbase.com/other' }), /REST/);
  assert.throws(() => parseAll([['{"type":"error","message":"failure to subscribe"}']]), /failure to subscribe/);
  assert.throws(() => parseAll([['{"channel":"nope","timestamp":"' + T + '","sequence_num":0,"events":[]}']]), /unknown Coinbase channel/);
  const [ex] = parseAll([['{"type":"l2update","product_id":"BTC-USD","changes":[["sell","62399.14","0"]],"time":"2026-07-04T09:27:19.164377Z"}']]) as BookChange[];
  assert.equal(ex.venue, 'coinbase-exchange');
  assert.deepEqual([...ex.levels], [6239914, 0]);
});
