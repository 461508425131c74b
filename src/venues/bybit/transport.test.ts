import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BYBIT_WS, MAX_ARGS_PER_REQUEST, PING_INTERVAL_MS, PING_MESSAGE, subscribeMessages, topics } from './transport.ts';
import { venueOfAddress } from './parse.ts';

test('each v5 public URL maps back to its own venue (the parser attributes frames by address)', () => {
  for (const [venue, url] of Object.entries(BYBIT_WS)) assert.equal(venueOfAddress(url), venue);
});

test('topics: book depth, trades, tickers once for bbo+funding; spot has no tickers channel worth subscribing', () => {
  assert.deepEqual(topics('bybit-linear', ['btcusdt', 'ETHUSDT'], ['book', 'trades', 'bbo', 'funding'], 50), [
    'orderbook.50.BTCUSDT',
    'publicTrade.BTCUSDT',
    'tickers.BTCUSDT',
    'orderbook.50.ETHUSDT',
    'publicTrade.ETHUSDT',
    'tickers.ETHUSDT',
  ]);
  assert.deepEqual(topics('bybit-spot', ['BTCUSDT'], ['book', 'bbo', 'funding']), ['orderbook.200.BTCUSDT']);
  assert.deepEqual(topics('bybit-inverse', ['BTCUSD'], ['book'], 1000), ['orderbook.1000.BTCUSD']);
  assert.throws(() => topics('bybit-spot', ['BTCUSDT'], ['book'], 25), /depth 25 not offered; choose one of 1, 50, 200, 1000/);
  assert.throws(() => topics('bybit-linear', ['BTCUSDT'], ['book'], 500), /depth 500 not offered/);
});

test('subscribe messages hold at most 10 args each; ping is {"op":"ping"} every 20 s', () => {
  const list = Array.from({ length: 23 }, (_, i) => `publicTrade.S${i}`);
  const msgs = subscribeMessages(list, 'r');
  assert.equal(MAX_ARGS_PER_REQUEST, 10);
  assert.equal(msgs.length, 3);
  const parsed = msgs.map((m) => JSON.parse(m) as { op: string; args: string[]; req_id: string });
  assert.deepEqual(parsed.map((m) => m.args.length), [10, 10, 3]);
  assert.deepEqual(parsed.flatMap((m) => m.args), list);
  assert.deepEqual(parsed.map((m) => m.req_id), ['r0', 'r1', 'r2']);
  assert.equal(subscribeMessages(['tickers.BTCUSDT'])[0], '{"op":"subscribe","args":["tickers.BTCUSDT"]}');
  assert.equal(PING_MESSAGE, '{"op":"ping"}');
  assert.equal(PING_INTERVAL_MS, 20000);
});
