import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ASK, BID, type Bbo, type BookChange, type MarketEvent, type Trade } from '../../core/events.ts';
import { InstrumentTable } from '../../core/instrument.ts';
import { CoinbaseExchangeParser } from './parse-exchange.ts';
import { isoToNs } from './time.ts';

function parseAll(frames: string[]): MarketEvent[] {
  const p = new CoinbaseExchangeParser(new InstrumentTable());
  const out: MarketEvent[] = [];
  frames.forEach((f, i) => p.parse(f, 1000 + i, out));
  return out;
}

test('snapshot and l2update: bids first, wire trailing zeros do not matter, µs time', () => {
  const out = parseAll([
    '{"type":"snapshot","product_id":"BAND-GBP","asks":[["14.8024","12.77"],["14.8069","12.49"]],"bids":[["14.7550","1.00"],["14.7000","123.10"]]}',
    '{"type":"l2update","product_id":"BAND-GBP","changes":[["sell","14.8024","0.0"],["buy","14.7600","3.5"]],"time":"2021-04-17T16:43:37.075687Z"}',
  ]) as BookChange[];
  const [s, u] = out;
  assert.equal(s.venue, 'coinbase-exchange');
  assert.equal(s.isSnapshot, true);
  assert.ok(Number.isNaN(s.exchTs));
  assert.deepEqual([s.nBids, s.nAsks, s.priceDecimals, s.sizeDecimals], [2, 2, 4, 2]);
  assert.deepEqual([...s.levels], [147550, 100, 147000, 12310, 148024, 1277, 148069, 1249]);
  assert.equal(u.isSnapshot, false);
  assert.deepEqual([u.nBids, u.nAsks, u.sizeDecimals], [1, 1, 2]); // the instrument's scale, grown by the snapshot
  assert.deepEqual([...u.levels], [147600, 350, 148024, 0]);
  assert.equal(u.exchTs, isoToNs('2021-04-17T16:43:37.075687Z'));
  assert.throws(() => parseAll(['{"type":"l2update","product_id":"X","changes":[["bid","1","1"]],"time":"2021-04-17T16:43:37Z"}']), /side "bid"/);
});

test('match / last_match: side is the maker side, so a sell maker means a buyer-initiated trade', () => {
  const out = parseAll([
    '{"type":"match","trade_id":280232,"maker_order_id":"a","taker_order_id":"b","side":"sell","size":"985","price":"0.00001305","product_id":"SKL-BTC","sequence":177100030,"time":"2021-04-17T16:43:37.089723Z"}',
    '{"type":"last_match","trade_id":881613,"maker_order_id":"a","taker_order_id":"b","side":"buy","size":"0.04","price":"14.7775","product_id":"BAND-GBP","sequence":333938798,"time":"2021-04-17T16:43:30.244075Z"}',
  ]) as Trade[];
  assert.equal(out[0].aggressor, BID);
  assert.equal(out[1].aggressor, ASK);
  assert.deepEqual([out[0].price, out[0].priceDecimals, out[0].size, out[0].id], [1305, 8, 985, '280232']);
  assert.equal(out[0].exchTs, isoToNs('2021-04-17T16:43:37.089723Z'));
});

test('ticker → Bbo without seq; sizes NaN when the (pre-2022) ticker has none', () => {
  const [old, now] = parseAll([
    '{"type":"ticker","sequence":333938798,"product_id":"BAND-GBP","price":"14.7775","best_bid":"14.7550","best_ask":"14.8060","side":"buy","time":"2021-04-17T16:43:30.244075Z","trade_id":881613,"last_size":"0.04"}',
    '{"type":"ticker","sequence":1,"product_id":"BTC-USD","price":"1","best_bid":"62399.13","best_bid_size":"0.27721413","best_ask":"62399.14","best_ask_size":"0.01569901","time":"2026-07-04T09:27:19.164377Z"}',
  ]) as Bbo[];
  assert.deepEqual([old.bidPrice, old.askPrice, old.priceDecimals], [14755, 14806, 3]);
  assert.ok(Number.isNaN(old.bidSize) && Number.isNaN(old.askSize) && Number.isNaN(old.seq));
  assert.deepEqual([now.bidPrice, now.bidSize, now.askPrice, now.askSize, now.sizeDecimals], [6239913, 27721413, 6239914, 1569901, 8]);
});

test('subscriptions and heartbeats push nothing; errors and unknown types throw', () => {
  assert.equal(parseAll(['{"type":"subscriptions","channels":[]}', '{"type":"heartbeat","last_trade_id":1,"product_id":"BTC-USD","sequence":2,"time":"2021-04-17T16:43:30.244075Z"}']).length, 0);
  assert.throws(() => parseAll(['{"type":"error","message":"Failed to subscribe","reason":"level2 requires authentication"}']), /requires authentication/);
  assert.throws(() => parseAll(['{"type":"wat"}']), /unknown Coinbase Exchange message type/);
});
