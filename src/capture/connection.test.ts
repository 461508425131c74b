import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { ADAPTERS } from './adapters.ts';
import { ManualClock } from './clock.ts';
import { VenueConnection } from './connection.ts';
import { ConnStats } from './metrics.ts';

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

test('stale watchdog, backoff with jitter and a planned reconnect, driven by an injected clock', async (t) => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const server: WebSocket[] = [];
  const received: string[] = [];
  wss.on('connection', (ws) => {
    server.push(ws);
    ws.on('message', (d) => received.push(String(d)));
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v5/public/linear`;
  const clock = new ManualClock(Date.parse('2024-01-01T00:00:00Z'));
  const opened: string[] = [];
  const closed: string[] = [];
  const stats = new ConnStats('bybit-linear', 'bybit-linear-0', url);
  const conn = new VenueConnection(
    'bybit-linear-0',
    url,
    ['BTCUSDT'],
    ADAPTERS['bybit-linear'],
    clock,
    { staleMs: 1000, backoffBaseMs: 100, backoffMaxMs: 400, maxConnAgeMs: 60_000, random: () => 0 },
    { onOpen: (c) => opened.push(c.connId), onFrame: () => undefined, onClose: (_c, reason) => closed.push(reason) },
    stats,
  );
  t.after(async () => {
    await conn.stop();
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
  });
  conn.start();
  await until(() => opened.length === 1 && server.length === 1, 'the first connection');
  assert.deepEqual(opened, ['bybit-linear-0#1']);

  // Keep-alive: Bybit's application ping after 20 s of the injected clock.
  clock.advance(20_000);
  server[0].send('{"op":"pong"}'); // the venue answers: the connection is alive
  await new Promise((r) => setTimeout(r, 20));
  conn.tick(clock.nowMs());
  await until(() => received.includes('{"op":"ping"}'), 'a ping');

  // Nothing received for longer than staleMs, on two ticks: dropped as stale.
  clock.advance(1500);
  conn.tick(clock.nowMs());
  assert.equal(closed.length, 0, 'one stale tick is not enough (the process may just have been starved)');
  conn.tick(clock.nowMs());
  await until(() => closed.length === 1, 'the stale drop');
  assert.match(closed[0], /^stale: nothing received for \d+ ms \(limit 1000 ms\)$/);
  assert.equal(stats.reconnects, 1);
  // Backoff: first delay in [base/2, base] = 50 ms with random 0; nothing before it.
  clock.advance(49);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(server.length, 1);
  clock.advance(1);
  await until(() => opened.length === 2 && server.length === 2, 'the reconnection');

  // A connection that closes at once: the delay doubles (100 ms, then 200 ms).
  server[1].close(1011, 'bye');
  await until(() => closed.length === 2, 'the second drop');
  clock.advance(99);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(server.length, 2, 'no reconnection before 100 ms');
  clock.advance(1);
  await until(() => server.length === 3, 'the third connection');
  assert.match(closed[1], /closed by the venue \(code 1011: bye\)/);

  // Planned reconnect at the connection age limit: immediate, counted apart.
  await until(() => opened.length === 3, 'the third open');
  clock.advance(60_000);
  server[2].send('{"op":"pong"}');
  await new Promise((r) => setTimeout(r, 20));
  conn.tick(clock.nowMs());
  await until(() => closed.length === 3, 'the planned close');
  assert.match(closed[2], /^planned reconnect after 60 s/);
  clock.advance(0);
  await until(() => server.length === 4, 'the planned reconnection');
  assert.equal(stats.plannedReconnects, 1);
  assert.equal(stats.reconnects, 2);
});
