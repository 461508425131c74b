import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metrics, formatSnapshot, prometheusText, serveMetrics } from './metrics.ts';

test('rates cover the interval since the last report; lag is local − exchange time; HTTP readers do not reset the interval', () => {
  let now = 1_000_000;
  const m = new Metrics(() => now);
  const s = m.stream('binance-spot', 'BTCUSDT');
  s.messages += 500;
  s.bytes += 50_000;
  s.gaps = 1;
  s.resyncs = 1;
  s.lag(12);
  s.lag(30);
  m.conn('binance-spot', 'binance-spot-0', 'ws://x').reconnects = 2;
  now += 2000;
  const peek = m.snapshot(false);
  assert.equal(peek.streams[0].messagesPerSecond, 250);
  const a = m.snapshot(true);
  assert.equal(a.streams[0].messagesPerSecond, 250);
  assert.equal(a.streams[0].bytesPerSecond, 25_000);
  assert.deepEqual(a.streams[0].lagMs, { last: 30, mean: 21, max: 30 });
  assert.equal(a.totals.reconnects, 2);
  assert.equal(a.totals.gaps, 1);
  s.messages += 100;
  now += 1000;
  const b = m.snapshot(true);
  assert.equal(b.streams[0].messagesPerSecond, 100);
  assert.deepEqual(b.streams[0].lagMs, { last: 30, mean: null, max: null }, 'lag statistics restart each interval');
  assert.match(formatSnapshot(b), /record binance-spot: 1 symbols, 100 msg\/s, .* gaps 1, resyncs 1, lag -, connections 0\/1 up, reconnects 2/);
});

test('Prometheus text: HELP/TYPE per metric, escaped labels, lag in seconds', () => {
  let now = 0;
  const m = new Metrics(() => now);
  m.stream('kraken', 'XBT/"USD"').messages = 7;
  m.stream('kraken', 'XBT/"USD"').lag(1500);
  now = 1000;
  const text = prometheusText(m.snapshot(false));
  assert.match(text, /# TYPE lobkit_record_messages_total counter\nlobkit_record_messages_total\{venue="kraken",symbol="XBT\/\\"USD\\""\} 7\n/);
  assert.match(text, /lobkit_record_lag_seconds\{venue="kraken",symbol="XBT\/\\"USD\\"",stat="max"\} 1\.5\n/);
  assert.match(text, /# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes \d+/);
  for (const line of text.trim().split('\n')) assert.match(line, /^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+]+)$/, line);
});

test('the metrics server answers /metrics and /metrics.json on localhost, 404 elsewhere', async () => {
  const m = new Metrics(() => Date.now());
  m.stream('okx', 'BTC-USDT').messages = 3;
  const { server, url } = await serveMetrics(() => m.snapshot(false), '127.0.0.1', 0);
  try {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const prom = await fetch(`${url}/metrics`);
    assert.match(prom.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/);
    assert.match(await prom.text(), /lobkit_record_messages_total\{venue="okx",symbol="BTC-USDT"\} 3/);
    const json = (await (await fetch(`${url}/metrics.json`)).json()) as { streams: { messages: number }[] };
    assert.equal(json.streams[0].messages, 3);
    assert.equal((await fetch(`${url}/nope`)).status, 404);
  } finally {
    await new Promise((r) => server.close(r));
  }
});
