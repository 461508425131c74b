import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findVenue, venueOfFrames } from '../registry.ts';
import { bybitInverse, bybitLinear, bybitSpot } from './index.ts';

const linearTicker = '{"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","markPrice":"65117.44","fundingRate":"0.0001","bid1Price":"65114.20"},"cs":1,"ts":1}';
const inverseTicker = '{"topic":"tickers.BTCUSD","type":"snapshot","data":{"symbol":"BTCUSD","markPrice":"65117.44","fundingRate":"0.0001"},"cs":1,"ts":1}';
const spotTicker = '{"topic":"tickers.BTCUSDT","ts":1,"type":"snapshot","cs":1,"data":{"symbol":"BTCUSDT","lastPrice":"65140.5","usdIndexPrice":"65091.459221"}}';
const book = '{"topic":"orderbook.200.BTCUSDT","ts":1,"type":"delta","data":{"s":"BTCUSDT","b":[],"a":[],"u":2,"seq":3},"cts":1}';
const ack = '{"success":true,"ret_msg":"subscribe","conn_id":"x","op":"subscribe"}';

test('cryptofeed exchange name BYBIT resolves to bybit-linear (the parser splits spot connections off by address)', () => {
  assert.equal(findVenue('BYBIT'), bybitLinear);
  assert.equal(findVenue('bybit-spot'), bybitSpot);
  assert.equal(findVenue('bybit-inverse'), bybitInverse);
});

test('raw captures: tickers tell the category; book-only captures are claimed by nobody (folder name or --venue decides)', () => {
  assert.equal(venueOfFrames([ack, book, linearTicker]), bybitLinear);
  assert.equal(venueOfFrames([book, spotTicker]), bybitSpot);
  assert.equal(venueOfFrames([book, inverseTicker]), bybitInverse);
  assert.equal(venueOfFrames([ack, book]), undefined);
  assert.equal(bybitLinear.claimsRaw?.(['{"stream":"btcusdt@depth","data":{}}']), false);
});
