import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADAPTERS, withBase } from './adapters.ts';

test('base URL override keeps the venue paths (WebSocket and REST on the simulator host)', () => {
  assert.equal(ADAPTERS['binance-spot'].wsUrl(undefined), 'wss://stream.binance.com:9443/stream');
  assert.equal(ADAPTERS['binance-spot'].wsUrl('http://127.0.0.1:8080'), 'ws://127.0.0.1:8080/stream');
  assert.equal(ADAPTERS['binance-usdm'].snapshotUrl!('http://127.0.0.1:8080', 'BTCUSDT', 500), 'http://127.0.0.1:8080/fapi/v1/depth?symbol=BTCUSDT&limit=500');
  assert.equal(ADAPTERS['binance-coinm'].snapshotUrl!(undefined, 'BTCUSD_PERP', 1000), 'https://dapi.binance.com/dapi/v1/depth?symbol=BTCUSD_PERP&limit=1000');
  assert.equal(ADAPTERS['bybit-spot'].wsUrl('ws://127.0.0.1:9'), 'ws://127.0.0.1:9/v5/public/spot');
  assert.equal(ADAPTERS.okx.wsUrl('wss://sim.local:8443'), 'wss://sim.local:8443/ws/v5/public');
  assert.equal(ADAPTERS.kraken.wsUrl('http://127.0.0.1:7'), 'ws://127.0.0.1:7');
  assert.equal(withBase('https://api.binance.com/api/v3/depth?symbol=X', 'ws://h:1', false), 'http://h:1/api/v3/depth?symbol=X');
});

test('subscriptions and per-symbol book resyncs as each venue documents them', () => {
  assert.deepEqual(ADAPTERS['binance-spot'].subscribe(['BTCUSDT'], ['book', 'trades', 'bbo'], 1000).map((m) => JSON.parse(m)), [
    { method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms', 'btcusdt@trade', 'btcusdt@bookTicker'], id: 1 },
  ]);
  // 250 symbols x 1 stream: two requests of at most 200 streams.
  const many = ADAPTERS['binance-usdm'].subscribe(Array.from({ length: 250 }, (_, i) => `S${i}USDT`), ['book'], 1000).map((m) => JSON.parse(m) as { params: string[]; id: number });
  assert.deepEqual(many.map((m) => [m.params.length, m.id]), [[200, 1], [50, 2]]);
  assert.deepEqual(ADAPTERS['bybit-linear'].resubscribeBook!('BTCUSDT', 50).map((m) => JSON.parse(m)), [
    { op: 'unsubscribe', args: ['orderbook.50.BTCUSDT'] },
    { op: 'subscribe', args: ['orderbook.50.BTCUSDT'] },
  ]);
  assert.deepEqual(ADAPTERS.kraken.resubscribeBook!('XBT/USD', 10).map((m) => JSON.parse(m)), [
    { event: 'unsubscribe', pair: ['XBT/USD'], subscription: { name: 'book', depth: 10 } },
    { event: 'subscribe', pair: ['XBT/USD'], subscription: { name: 'book', depth: 10 } },
  ]);
  assert.deepEqual(ADAPTERS.okx.resubscribeBook!('BTC-USDT', 400).map((m) => JSON.parse(m)), [
    { op: 'unsubscribe', args: [{ channel: 'books', instId: 'BTC-USDT' }] },
    { op: 'subscribe', args: [{ channel: 'books', instId: 'BTC-USDT' }] },
  ]);
  assert.deepEqual(ADAPTERS.coinbase.resubscribeBook!('BTC-USD', 0).map((m) => JSON.parse(m)), [
    { type: 'unsubscribe', product_ids: ['BTC-USD'], channel: 'level2' },
    { type: 'subscribe', product_ids: ['BTC-USD'], channel: 'level2' },
  ]);
  assert.equal(ADAPTERS['binance-spot'].resubscribeBook, undefined, 'Binance resyncs by REST snapshot');
  // Connection sharding follows the venues' stream limits: USD-M 200 streams / 3 per symbol.
  assert.equal(ADAPTERS['binance-usdm'].symbolsPerConnection(['book', 'trades', 'bbo']), 66);
  assert.equal(ADAPTERS['binance-spot'].symbolsPerConnection(['book', 'trades', 'bbo']), 341);
});

test('frames are attributed to symbols and told book from other frames without parsing', () => {
  const b = ADAPTERS['binance-spot'];
  assert.equal(b.frameSymbol('{"stream":"btcusdt@depth@100ms","data":{}}'), 'BTCUSDT');
  assert.equal(b.frameSymbol('{"result":null,"id":1}'), undefined);
  assert.ok(b.isBookFrame('{"stream":"btcusd_perp@depth@0ms","data":{}}'));
  assert.ok(!b.isBookFrame('{"stream":"btcusdt@bookTicker","data":{"u":1}}'));
  assert.equal(ADAPTERS['bybit-linear'].frameSymbol('{"topic":"orderbook.200.BTCUSDT","type":"delta"}'), 'BTCUSDT');
  assert.ok(ADAPTERS['bybit-linear'].isBookFrame('{"topic":"orderbook.200.BTCUSDT","type":"delta"}'));
  assert.equal(ADAPTERS.kraken.frameSymbol('[1920,{"b":[["0.1","1","1.0"]],"c":"1"},"book-1000","SC/EUR"]'), 'SC/EUR');
  assert.ok(ADAPTERS.kraken.isBookFrame('[1920,{"b":[]},"book-1000","SC/EUR"]'));
  assert.ok(!ADAPTERS.kraken.isBookFrame('{"event":"heartbeat"}'));
  assert.equal(ADAPTERS.okx.frameSymbol('{"arg":{"channel":"books","instId":"BTC-USDT"},"data":[]}'), 'BTC-USDT');
  assert.equal(ADAPTERS.coinbase.frameSymbol('{"channel":"l2_data","events":[{"product_id":"ETH-USD"}]}'), 'ETH-USD');
  assert.ok(ADAPTERS.coinbase.parseAll, 'Coinbase numbers frames across channels: every frame is parsed');
});
