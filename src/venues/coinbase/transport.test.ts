import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coinbaseExchangeSubscribe, coinbaseSubscribeMessages } from './transport.ts';

test('Advanced Trade: one subscribe per channel, heartbeats always added', () => {
  assert.deepEqual(coinbaseSubscribeMessages(['BTC-USD', 'ETH-USD'], ['book', 'trades', 'bbo']), [
    '{"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"level2"}',
    '{"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"market_trades"}',
    '{"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"ticker"}',
    '{"type":"subscribe","channel":"heartbeats"}',
  ]);
});

test('Exchange: one message, public level2_batch for the book, heartbeat added', () => {
  assert.equal(
    coinbaseExchangeSubscribe(['BTC-USD'], ['book', 'trades', 'bbo']),
    '{"type":"subscribe","product_ids":["BTC-USD"],"channels":["level2_batch","matches","ticker","heartbeat"]}',
  );
});
