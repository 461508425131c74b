import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ASK, BID, type BookChange, type Bbo, type MarketEvent, type Trade } from '../../core/events.ts';
import { InstrumentTable } from '../../core/instrument.ts';
import { KrakenParser, isoToNs, secToNs } from './parse.ts';

function parseAll(frames: string[], p = new KrakenParser(new InstrumentTable())): MarketEvent[] {
  const out: MarketEvent[] = [];
  frames.forEach((f, i) => p.parse(f, i, out));
  return out;
}

const SNAP_V1 =
  '[992,{"as":[["354.80000000","1.40000000","1618678133.020508"],["354.84000000","6.88212752","1618678132.100000"]],' +
  '"bs":[["354.16000000","1.40000000","1618678133.049115"],["354.15000000","5.00000000","1618678120.000000"]]},"book-1000","XMR/USD"]';

test('v1 snapshot: bids first, wire decimals kept (trailing zeros), depth from the channel name, latest level time', () => {
  const [ev] = parseAll([SNAP_V1]) as BookChange[];
  assert.equal(ev.type, 'book_change');
  assert.equal(ev.isSnapshot, true);
  assert.equal(ev.symbol, 'XMR/USD');
  assert.equal(ev.venue, 'kraken');
  assert.equal(ev.nBids, 2);
  assert.equal(ev.nAsks, 2);
  // "354.80000000" needs 1 decimal, but Kraken writes 8: events carry the wire decimals.
  assert.equal(ev.priceDecimals, 8);
  assert.equal(ev.sizeDecimals, 8);
  assert.deepEqual([...ev.levels], [35416000000, 140000000, 35415000000, 500000000, 35480000000, 140000000, 35484000000, 688212752]);
  assert.equal(ev.depth, 1000);
  assert.ok(Number.isNaN(ev.checksum));
  assert.ok(Number.isNaN(ev.seq));
  assert.equal(ev.exchTs, 1618678133049115000);
});

test('v1 update carrying both a and b objects: one event, bids first, checksum from the last object', () => {
  const out = parseAll([
    SNAP_V1,
    '[1920,{"a":[["0.042990","364630.28272081","1618678145.920470"]]},{"b":[["0.042990","0.00000000","1618678145.920708"]],"c":"4105471083"},"book-1000","SC/EUR"]',
  ]);
  const ev = out[1] as BookChange;
  assert.equal(ev.isSnapshot, false);
  assert.equal(ev.symbol, 'SC/EUR');
  assert.equal(ev.nBids, 1);
  assert.equal(ev.nAsks, 1);
  assert.equal(ev.priceDecimals, 6);
  assert.deepEqual([...ev.levels], [42990, 0, 42990, 36463028272081]);
  assert.equal(ev.checksum, 4105471083);
  assert.equal(ev.exchTs, 1618678145920708000);
});

test('v1 republished levels ("r") parse like any update; an unknown flag is an error', () => {
  const [ev] = parseAll(['[1,{"a":[["5541.20000","0.15850568","1534614057.321597","r"]],"c":"123"},"book-10","XBT/USD"]']) as BookChange[];
  assert.equal(ev.nAsks, 1);
  assert.deepEqual([...ev.levels], [554120000, 15850568]);
  assert.equal(ev.depth, 10);
  assert.equal(ev.checksum, 123);
  assert.throws(() => parseAll(['[1,{"a":[["5541.20000","0.15850568","1534614057.321597","x"]],"c":"1"},"book-10","XBT/USD"]']), /unknown flag/);
});

test('v1 trades: taker side b → BID, s → ASK, exact price and time', () => {
  const out = parseAll(['[993,[["354.04000000","0.28245396","1618678150.826417","s","m",""],["354.55000000","1.25690315","1618678145.715785","b","l",""]],"trade","XMR/USD"]']);
  assert.equal(out.length, 2);
  const [a, b] = out as Trade[];
  assert.equal(a.type, 'trade');
  assert.equal(a.aggressor, ASK);
  assert.equal(b.aggressor, BID);
  assert.equal(a.price, 35404);
  assert.equal(a.priceDecimals, 2);
  assert.equal(a.size, 28245396);
  assert.equal(a.exchTs, 1618678150826417000);
});

test('v1 ticker → venue BBO with lot volumes, no update id', () => {
  const [ev] = parseAll([
    '[996,{"a":["355.24000000",27,"27.19106411"],"b":["354.32000000",6,"6.87748868"],"c":["355.23000000","1.20454360"],"v":["1","2"],"p":["1","2"],"t":[1,2],"l":["1","2"],"h":["1","2"],"o":["1","2"]},"ticker","XMR/USD"]',
  ]) as Bbo[];
  assert.equal(ev.type, 'bbo');
  assert.equal(ev.bidPrice, 35432);
  assert.equal(ev.askPrice, 35524);
  assert.equal(ev.bidSize, 687748868);
  assert.equal(ev.askSize, 2719106411);
  assert.ok(Number.isNaN(ev.seq));
});

test('v1 events and REST instrument lists push nothing; errors and unknown frames throw', () => {
  const p = new KrakenParser(new InstrumentTable());
  const out: MarketEvent[] = [];
  p.parse('{"event":"heartbeat"}', 0, out);
  p.parse('{"connectionID":18239578009413566319,"event":"systemStatus","status":"online","version":"1.8.3"}', 0, out);
  p.parse('{"channelID":1665,"channelName":"trade","event":"subscriptionStatus","pair":"WAVES/EUR","status":"subscribed","subscription":{"name":"trade"}}', 0, out);
  p.parse('{"event":"pong","reqid":42}', 0, out);
  p.parse('{"error":[],"result":{"XXBTZUSD":{"wsname":"XBT/USD","pair_decimals":1}}}', 0, out, { url: 'https://api.kraken.com/0/public/AssetPairs' });
  p.parse('[1,[1.5,2,3],"ohlc-5","XBT/USD"]', 0, out);
  assert.equal(out.length, 0);
  assert.throws(() => p.parse('{"event":"subscriptionStatus","status":"error","errorMessage":"Currency pair not supported","pair":"X/Y"}', 0, out), /Currency pair not supported/);
  assert.throws(() => p.parse('{"event":"bogus"}', 0, out), /unknown Kraken v1 event/);
  assert.throws(() => p.parse('[1,{"x":[]},"book-10","XBT/USD"]', 0, out), /without "a" or "b"/);
  assert.throws(() => p.parse('[1,{"a":[]},"book-x","XBT/USD"]', 0, out), /bad Kraken book channel/);
  assert.throws(() => p.parse('[1,[],"candles","XBT/USD"]', 0, out), /unknown Kraken v1 channel/);
  assert.throws(() => p.parse('{"error":["EQuery:Unknown asset pair"],"result":{}}', 0, out), /EQuery/);
  assert.throws(() => p.parse('{"foo":1}', 0, out), /unknown Kraken message/);
});

const INSTRUMENT_V2 = '{"channel":"instrument","type":"snapshot","data":{"pairs":[{"symbol":"BTC/USD","price_precision":1,"qty_precision":8}]}}';
const SNAP_V2 =
  '{"channel":"book","type":"snapshot","data":[{"symbol":"BTC/USD","bids":[{"price":62622.3,"qty":0.5},{"price":62621.9,"qty":0.00005100}],' +
  '"asks":[{"price":62627.0,"qty":0.19021714}],"checksum":814493173,"timestamp":"2026-07-05T10:37:38.932102Z"}]}';

test('v2 book: JSON numbers scaled exactly at the instrument precision; checksum and time', () => {
  const [ev] = parseAll([INSTRUMENT_V2, SNAP_V2]) as BookChange[];
  assert.equal(ev.isSnapshot, true);
  assert.equal(ev.symbol, 'BTC/USD');
  assert.equal(ev.priceDecimals, 1);
  assert.equal(ev.sizeDecimals, 8);
  assert.deepEqual([...ev.levels], [626223, 50000000, 626219, 5100, 626270, 19021714]);
  assert.equal(ev.checksum, 814493173);
  assert.equal(ev.exchTs, isoToNs('2026-07-05T10:37:38.932102Z'));
});

test('v2 depth: from the subscribe ack when seen, else the snapshot size rounded up to a valid depth', () => {
  const bySnapshot = parseAll([INSTRUMENT_V2, SNAP_V2]) as BookChange[];
  assert.equal(bySnapshot[0].depth, 10);
  const byAck = parseAll([
    '{"method":"subscribe","result":{"channel":"book","depth":25,"snapshot":true,"symbol":"BTC/USD"},"success":true,"time_in":"2023-10-06T17:35:55.219022Z","time_out":"2023-10-06T17:35:55.219067Z"}',
    SNAP_V2,
    '{"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[],"asks":[{"price":62623.4,"qty":0.07892262}],"checksum":1,"timestamp":"2026-07-05T10:37:39.090964Z"}]}',
  ]) as BookChange[];
  assert.equal(byAck[0].depth, 25);
  assert.equal(byAck[1].depth, 25);
  assert.equal(byAck[1].isSnapshot, false);
  assert.throws(() => parseAll(['{"method":"subscribe","success":false,"error":"Currency pair not supported"}']), /Currency pair not supported/);
});

test('v2 trades, ticker, heartbeat, status, pong', () => {
  const out = parseAll([
    '{"channel":"heartbeat"}',
    '{"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":1,"system":"online","version":"2.0.0"}]}',
    '{"method":"pong","req_id":101,"time_in":"2023-09-24T14:10:23.799685Z","time_out":"2023-09-24T14:10:23.799703Z"}',
    '{"channel":"trade","type":"update","data":[{"symbol":"MATIC/USD","side":"sell","price":0.5117,"qty":40.0,"ord_type":"market","trade_id":4665906,"timestamp":"2023-09-25T07:49:37.708706Z"}]}',
    '{"channel":"ticker","type":"update","data":[{"symbol":"ALGO/USD","bid":0.10025,"bid_qty":740.0,"ask":0.10035,"ask_qty":740.0,"last":0.10035}]}',
  ]);
  assert.equal(out.length, 2);
  const t = out[0] as Trade;
  assert.equal(t.aggressor, ASK);
  assert.equal(t.price, 5117);
  assert.equal(t.priceDecimals, 4);
  assert.equal(t.size, 40);
  assert.equal(t.id, '4665906');
  assert.equal(t.exchTs, 1695628177708706000);
  const b = out[1] as Bbo;
  assert.equal(b.bidPrice, 10025);
  assert.equal(b.askPrice, 10035);
  assert.equal(b.priceDecimals, 5);
  assert.throws(() => parseAll(['{"channel":"level3","type":"update","data":[]}']), /unknown Kraken v2 channel/);
});

test('timestamps: epoch seconds and RFC 3339 to ns', () => {
  assert.equal(secToNs('1618678133.365913'), 1618678133365913000);
  assert.equal(secToNs('1618678133'), 1618678133e9);
  assert.throws(() => secToNs('16x'), /bad Kraken timestamp/);
  assert.equal(isoToNs('2023-09-25T07:49:37.708706Z'), 1695628177708706000);
  assert.equal(isoToNs('2023-09-25T07:49:37Z'), 1695628177000000000);
  assert.ok(Number.isNaN(isoToNs(undefined)));
  assert.throws(() => isoToNs('2023-09-25 07:49:37'), /bad Kraken timestamp/);
});
