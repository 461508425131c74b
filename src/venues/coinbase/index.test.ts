import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findVenue } from '../registry.ts';
import { coinbase, coinbaseExchange } from './index.ts';

const AT = '{"channel":"l2_data","client_id":"","timestamp":"2026-08-09T21:05:48.483587501Z","sequence_num":13,"events":[{"type":"snapshot","product_id":"BTC-USD","updates":[]}]}';
const EX = '{"type":"l2update","product_id":"SKL-BTC","changes":[["sell","0.00001306","660.5"]],"time":"2021-04-17T16:43:37.075687Z"}';
const EX_SPACED = '{"type": "snapshot", "product_id": "BTC-USD", "asks": [], "bids": []}';
const KRAKEN_V2 = '{"channel":"book","type":"snapshot","data":[{"symbol":"BTC/USD","bids":[],"asks":[],"checksum":1}]}';
const GEMINI = '{"type":"l2_updates","symbol":"BTCUSD","changes":[]}';

test('registered: COINBASE is Advanced Trade, coinbase-pro the Exchange feed', () => {
  assert.equal(findVenue('COINBASE'), coinbase);
  assert.equal(findVenue('coinbase-exchange'), coinbaseExchange);
  assert.equal(findVenue('coinbase-pro'), coinbaseExchange);
});

test('claimsRaw tells the two dialects apart and leaves look-alikes alone', () => {
  assert.equal(coinbase.claimsRaw!([AT]), true);
  assert.equal(coinbase.claimsRaw!([EX, KRAKEN_V2]), false);
  assert.equal(coinbaseExchange.claimsRaw!([EX]), true);
  assert.equal(coinbaseExchange.claimsRaw!([EX_SPACED]), true);
  assert.equal(coinbaseExchange.claimsRaw!([AT, KRAKEN_V2, GEMINI, '{"type":"subscriptions","channels":[]}']), false);
});
