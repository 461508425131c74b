import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findVenue, venueOfFrames } from '../registry.ts';
import { kraken } from './index.ts';

const V1 = [
  '{"connectionID":17843232920108168701,"event":"systemStatus","status":"online","version":"1.8.3"}',
  '{"channelID":1664,"channelName":"book-1000","event":"subscriptionStatus","pair":"WAVES/EUR","status":"subscribed","subscription":{"depth":1000,"name":"book"}}',
  '{"event":"heartbeat"}',
  '[992,{"b":[["354.15000000","5.00000000","1618678133.365913"]],"c":"2583817756"},"book-1000","XMR/USD"]',
  '[993,[["354.11000000","0.89594024","1618678142.557535","s","l",""]],"trade","XMR/USD"]',
];
const V2 = [
  '{"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":1,"system":"online","version":"2.0.0"}]}',
  '{"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[],"asks":[{"price":62623.4,"qty":0.07892262}],"checksum":643939250,"timestamp":"2026-07-05T10:37:39.090964Z"}]}',
];

test('registered as "kraken" with the cryptofeed name KRAKEN', () => {
  assert.equal(findVenue('KRAKEN'), kraken);
  assert.equal(findVenue('kraken'), kraken);
  assert.equal(findVenue('KRAKEN_FUTURES'), undefined);
});

test('claims raw captures of v1 and v2 (any one recognizable frame), not other venues', () => {
  for (const f of [...V1.filter((f) => f !== '{"event":"heartbeat"}'), ...V2]) assert.equal(kraken.claimsRaw?.([f]), true, f);
  assert.equal(venueOfFrames(V1), kraken);
  assert.equal(venueOfFrames(V2), kraken);
  const others = [
    '{"event":"heartbeat"}',
    '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":[],"a":[]}}',
    '{"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":0,"events":[]}',
    '{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[]}',
    '{"topic":"orderbook.200.BTCUSDT","type":"snapshot","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":1,"seq":1}}',
    '[17082,"hb"]',
  ];
  assert.equal(kraken.claimsRaw?.(others), false);
});
