import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASK, BID, type Bbo, type BookChange, type Funding, type MarketEvent, type Trade } from '../../core/events.ts';
import { InstrumentTable } from '../../core/instrument.ts';
import { BybitParser, venueOfAddress } from './parse.ts';

const LINEAR = 'wss://stream.bybit.com/v5/public/linear';
const SPOT = 'wss://stream.bybit.com/v5/public/spot';

const book = (type: string, u: number, b: [string, string][], a: [string, string][], topic = 'orderbook.200.BTCUSDT') =>
  JSON.stringify({ topic, type, ts: 1786310818130, data: { s: topic.split('.')[2], b, a, u, seq: 753843913870 }, cts: 1786310818129 });

function parse(frames: string[], addr?: string, parser = new BybitParser('bybit-linear', new InstrumentTable())): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (const f of frames) parser.parse(f, 5, out, addr === undefined ? undefined : { conn: 'c', addr });
  return out;
}

test('orderbook snapshot: exact levels, bids first, u as seq, cts as exchange time, depth from the topic', () => {
  const [ev] = parse([book('snapshot', 15076952, [['65114.20', '6.054'], ['65114.1', '0.002']], [['65114.30', '10.470']])]) as BookChange[];
  assert.equal(ev.type, 'book_change');
  assert.equal(ev.venue, 'bybit-linear');
  assert.equal(ev.symbol, 'BTCUSDT');
  assert.equal(ev.isSnapshot, true);
  assert.equal(ev.nBids, 2);
  assert.equal(ev.nAsks, 1);
  assert.equal(ev.priceDecimals, 1);
  assert.equal(ev.sizeDecimals, 3);
  assert.deepEqual([...ev.levels], [651142, 6054, 651141, 2, 651143, 10470]);
  assert.equal(ev.seq, 15076952);
  assert.ok(Number.isNaN(ev.firstSeq) && Number.isNaN(ev.prevSeq) && Number.isNaN(ev.checksum));
  assert.equal(ev.depth, 200);
  assert.equal(ev.exchTs, 1786310818129e6);
  assert.equal(ev.localTs, 5);
});

test('orderbook delta is not a snapshot, but a message with u == 1 is (Bybit service restart)', () => {
  const p = new BybitParser('bybit-linear', new InstrumentTable());
  const evs = parse([book('snapshot', 10, [['1', '1']], [['2', '1']]), book('delta', 11, [['1', '0']], []), book('delta', 1, [['1.5', '3']], [['2', '4']])], undefined, p) as BookChange[];
  assert.deepEqual(evs.map((e) => e.isSnapshot), [true, false, true]);
  assert.deepEqual(evs.map((e) => e.seq), [10, 11, 1]);
});

test('the connection address decides the venue: spot and linear BTCUSDT are different instruments', () => {
  const insts = new InstrumentTable();
  const p = new BybitParser('bybit-linear', insts);
  const out: MarketEvent[] = [];
  p.parse(book('snapshot', 1, [['65114.20', '1']], [['65114.30', '1']]), 1, out, { conn: 'ws.2', addr: LINEAR });
  p.parse(book('snapshot', 1, [['65140.4', '0.885797']], [['65140.5', '1']]), 2, out, { conn: 'ws.3', addr: SPOT });
  p.parse(book('snapshot', 1, [['1', '1']], [['2', '1']]), 3, out);
  assert.deepEqual(out.map((e) => e.venue), ['bybit-linear', 'bybit-spot', 'bybit-linear']);
  assert.equal(insts.get('bybit-spot', 'BTCUSDT').size.decimals, 6);
  assert.equal(insts.get('bybit-linear', 'BTCUSDT').size.decimals, 0);
  assert.equal(venueOfAddress('wss://stream-testnet.bybit.com/v5/public/inverse'), 'bybit-inverse');
  assert.throws(() => parse([book('snapshot', 1, [], [])], 'wss://stream.bybit.com/v5/public/option'), /not a Bybit v5 public linear, spot or inverse/);
});

test('publicTrade: one Trade per item, S is the taker side, T in ms, i as id', () => {
  const frame = JSON.stringify({
    topic: 'publicTrade.BTCUSDT',
    type: 'snapshot',
    ts: 1786310819681,
    data: [
      { T: 1786310819680, s: 'BTCUSDT', S: 'Sell', v: '0.004', p: '65114.20', L: 'MinusTick', i: 'a9188a0a', BT: false },
      { T: 1786310819681, s: 'BTCUSDT', S: 'Buy', v: '1.5', p: '65114.3', i: '2280000001739247417', BT: false },
    ],
  });
  const [a, b] = parse([frame]) as Trade[];
  assert.equal(a.aggressor, ASK);
  assert.equal(b.aggressor, BID);
  assert.equal(a.exchTs, 1786310819680e6);
  assert.equal(a.id, 'a9188a0a');
  assert.equal(b.id, '2280000001739247417');
  assert.equal(a.price, 651142);
  assert.equal(a.priceDecimals, 1);
  assert.equal(b.size, 1500);
  assert.equal(b.sizeDecimals, 3);
  assert.throws(() => parse([frame.replace('"Buy"', '"buy"')]), /neither Buy nor Sell/);
});

test('tickers: deltas merge into the last full state; Bbo when a bid/ask field changed, Funding when a funding field did', () => {
  const tick = (type: string, data: object, ts = 1000) => JSON.stringify({ topic: 'tickers.BTCUSDT', type, data: { symbol: 'BTCUSDT', ...data }, cs: 1, ts });
  const snapshot = tick('snapshot', { lastPrice: '65114.30', markPrice: '65117.44', indexPrice: '65137.76', nextFundingTime: '1786320000000', fundingRate: '0.0001', bid1Price: '65114.20', bid1Size: '5.954', ask1Price: '65114.30', ask1Size: '10.470' });
  const evs = parse([
    snapshot,
    tick('delta', { bid1Size: '6.054' }, 2000), // only the bid size changed: the rest comes from the state
    tick('delta', { markPrice: '65117.43', openInterestValue: '1' }, 3000),
    tick('delta', { openInterest: '5' }, 4000), // nothing lobkit keeps changed: no event
    tick('delta', { ask1Price: '65114.40', fundingRate: '-0.00005' }, 5000),
  ]);
  assert.deepEqual(evs.map((e) => e.type), ['bbo', 'funding', 'bbo', 'funding', 'bbo', 'funding']);
  const b1 = evs[2] as Bbo;
  assert.deepEqual([b1.bidPrice, b1.bidSize, b1.askPrice, b1.askSize, b1.priceDecimals, b1.sizeDecimals], [651142, 6054, 651143, 10470, 1, 3]);
  assert.ok(Number.isNaN(b1.seq));
  assert.equal(b1.exchTs, 2000e6);
  const f = evs[3] as Funding;
  assert.deepEqual([f.markPrice, f.indexPrice, f.fundingRate, f.nextFundingTs, f.exchTs], [65117.43, 65137.76, 0.0001, 1786320000000e6, 3000e6]);
  const b2 = evs[4] as Bbo;
  assert.deepEqual([b2.bidSize, b2.askPrice], [6054, 651144]);
  assert.equal((evs[5] as Funding).fundingRate, -0.00005);
  // A new snapshot replaces the state: a delta before any bid/ask is known yields no Bbo.
  const fresh = parse([tick('snapshot', { markPrice: '1', indexPrice: '1' }), tick('delta', { bid1Price: '1' })]);
  assert.deepEqual(fresh.map((e) => e.type), ['funding']);
});

test('spot tickers carry no best bid/offer or funding: nothing pushed', () => {
  const frame = JSON.stringify({ topic: 'tickers.BTCUSDT', ts: 1786310819126, type: 'snapshot', cs: 112488546160, data: { symbol: 'BTCUSDT', lastPrice: '65140.5', usdIndexPrice: '65091.459221' } });
  assert.equal(parse([frame], SPOT).length, 0);
});

test('acks, pongs, REST replies and kline push nothing; refusals and unknown frames throw', () => {
  const quiet = [
    '{"success":true,"ret_msg":"","conn_id":"d8bu1olkndm7crnfs1e0-j6akw","req_id":"","op":"subscribe"}',
    '{"success":true,"ret_msg":"pong","conn_id":"x","op":"ping"}',
    '{"op":"pong","args":["1675418560633"],"conn_id":"x"}',
    '{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[]}}',
    '{"topic":"kline.1.BTCUSDT","data":[{"start":1,"end":2,"interval":"1","open":"1","close":"1","high":"1","low":"1","volume":"1","turnover":"1","confirm":false,"timestamp":1}],"ts":1,"type":"snapshot"}',
  ];
  assert.equal(parse(quiet).length, 0);
  assert.throws(() => parse(['{"success":false,"ret_msg":"error:handler not found","op":"subscribe"}']), /refused "subscribe": error:handler not found/);
  assert.throws(() => parse(['{"retCode":10001,"retMsg":"params error"}']), /REST error 10001/);
  assert.throws(() => parse(['{"topic":"foo.BTCUSDT","type":"snapshot","data":{}}']), /unknown Bybit topic/);
  assert.throws(() => parse(['{"hello":1}']), /unknown Bybit message/);
  assert.throws(() => parse(['[1,2]']), /unknown Bybit message/);
  assert.throws(() => parse(['{"topic":"orderbook.200.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[]}}']), /without data.s\/u\/b\/a/);
  assert.throws(() => parse([book('update', 2, [], [])]), /neither snapshot nor delta/);
  assert.throws(() => parse([book('delta', 2, [['1', 'x']], [])]), /not a decimal number/);
});

test('two depths of one instrument are refused (they would feed one book with two u sequences)', () => {
  const p = new BybitParser('bybit-linear', new InstrumentTable());
  parse([book('snapshot', 1, [['1', '1']], [], 'orderbook.50.BTCUSDT')], undefined, p);
  assert.throws(() => parse([book('snapshot', 1, [['1', '1']], [], 'orderbook.200.BTCUSDT')], undefined, p), /already has an orderbook.50 stream/);
  // The same depth on spot is a different instrument.
  assert.equal(parse([book('snapshot', 1, [['1', '1']], [], 'orderbook.200.BTCUSDT')], SPOT, p).length, 1);
});

test('a value with more decimals mid-message rescales the rows already collected', () => {
  const [ev] = parse([book('snapshot', 5, [['100', '1'], ['99.5', '2.25']], [['100.25', '1']])]) as BookChange[];
  assert.equal(ev.priceDecimals, 2);
  assert.equal(ev.sizeDecimals, 2);
  assert.deepEqual([...ev.levels], [10000, 100, 9950, 225, 10025, 100]);
});
