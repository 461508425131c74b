import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KRAKEN_WS, pingMessage, subscribeMessages, v1Subscribe, v2Subscribe } from './transport.ts';

test('public endpoints', () => {
  assert.equal(KRAKEN_WS[1], 'wss://ws.kraken.com');
  assert.equal(KRAKEN_WS[2], 'wss://ws.kraken.com/v2');
});

test('v1 subscribe messages as documented', () => {
  assert.deepEqual(JSON.parse(v1Subscribe('book', ['XBT/USD', 'ETH/USD'], { depth: 1000 })), { event: 'subscribe', pair: ['XBT/USD', 'ETH/USD'], subscription: { name: 'book', depth: 1000 } });
  assert.deepEqual(JSON.parse(v1Subscribe('trade', ['XBT/USD'], { reqid: 7 })), { event: 'subscribe', reqid: 7, pair: ['XBT/USD'], subscription: { name: 'trade' } });
  assert.deepEqual(JSON.parse(v1Subscribe('book', ['XBT/USD'])).subscription, { name: 'book', depth: 10 });
  assert.throws(() => v1Subscribe('book', ['XBT/USD'], { depth: 50 }), /depth must be one of 10, 25, 100, 500, 1000/);
});

test('v2 subscribe messages as documented', () => {
  assert.deepEqual(JSON.parse(v2Subscribe('book', ['BTC/USD'], { depth: 25, reqId: 3 })), { method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 25 }, req_id: 3 });
  assert.deepEqual(JSON.parse(v2Subscribe('ticker', ['BTC/USD'])), { method: 'subscribe', params: { channel: 'ticker', symbol: ['BTC/USD'] } });
  assert.deepEqual(JSON.parse(v2Subscribe('instrument', [], { snapshot: true })), { method: 'subscribe', params: { channel: 'instrument', snapshot: true } });
});

test('pings: v1 event, v2 method', () => {
  assert.deepEqual(JSON.parse(pingMessage(1, 42)), { event: 'ping', reqid: 42 });
  assert.deepEqual(JSON.parse(pingMessage(2, 101)), { method: 'ping', req_id: 101 });
  assert.deepEqual(JSON.parse(pingMessage(2)), { method: 'ping' });
});

test('lobkit channels map to Kraken channels; v2 asks for instrument precisions first', () => {
  const v1 = subscribeMessages(1, ['XBT/USD'], ['book', 'trades', 'bbo', 'funding'], 100).map((s) => JSON.parse(s).subscription);
  assert.deepEqual(v1, [{ name: 'book', depth: 100 }, { name: 'trade' }, { name: 'ticker' }]);
  const v2 = subscribeMessages(2, ['BTC/USD'], ['book', 'trades'], 10).map((s) => JSON.parse(s).params.channel);
  assert.deepEqual(v2, ['instrument', 'book', 'trade']);
});
