import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findVenue } from '../registry.ts';
import { okx } from './index.ts';

test('registered under its id and the cryptofeed name', () => {
  assert.equal(findVenue('OKX'), okx);
  assert.equal(findVenue('okx'), okx);
});

test('claimsRaw: OKX pushes yes; other venues and bare acks no', () => {
  assert.equal(okx.claimsRaw!(['{"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"}}', '{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[]}']), true);
  assert.equal(okx.claimsRaw!(['{"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"}}']), false);
  assert.equal(okx.claimsRaw!(['{"action":"snapshot","arg":{"instType":"SPOT","channel":"books","instId":"BTCUSDT"},"data":[]}']), false); // Bitget
  assert.equal(okx.claimsRaw!(['{"stream":"btcusdt@depth","data":{}}', '{"channel":"l2_data","sequence_num":1,"events":[]}']), false);
});
