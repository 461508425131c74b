import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { MarketEvent } from '../core/events.ts';
import { ReadReport } from '../replay/report.ts';
import { replayEvents } from '../replay/open.ts';
import { badMarker, connectMarker, disconnectMarker, fitsOneLine, gapMarker, isMarker, parseMarker } from './markers.ts';

test('markers round-trip and are told from venue frames by their prefix', () => {
  const g = gapMarker('okx', 'BTC-USDT', 'checksum mismatch: venue 1, book 2');
  assert.ok(isMarker(g));
  assert.deepEqual(parseMarker(g), { lobkit: 'gap', venue: 'okx', symbol: 'BTC-USDT', reason: 'checksum mismatch: venue 1, book 2' });
  assert.deepEqual(parseMarker(disconnectMarker('kraken', 'XBT/USD', 'stale')), { lobkit: 'disconnect', venue: 'kraken', symbol: 'XBT/USD', reason: 'stale' });
  assert.deepEqual(parseMarker(connectMarker('coinbase', 'coinbase-0#2', 'ws://x')), { lobkit: 'connect', venue: 'coinbase', conn: 'coinbase-0#2', url: 'ws://x' });
  const b = parseMarker(badMarker('okx', 'binary frame', Buffer.from([0, 1, 255])));
  assert.equal(b.lobkit === 'bad' && Buffer.from(b.base64!, 'base64').toString('hex'), '0001ff');
  assert.equal(parseMarker(badMarker('okx', 'line break', 'a\nb')).lobkit === 'bad' && (parseMarker(badMarker('okx', 'x', 'a\nb')) as { text: string }).text, 'a\nb');
  assert.ok(!isMarker('{"stream":"btcusdt@trade","data":{}}'));
  assert.ok(!fitsOneLine('a\nb') && !fitsOneLine('a\r') && fitsOneLine('{"a":1}'));
  assert.throws(() => parseMarker('{"lobkit":"gap","venue":"okx"}'), /without a string "symbol"/);
  assert.throws(() => parseMarker('{"lobkit":"nope"}'), /unknown lobkit marker kind "nope"/);
  assert.throws(() => parseMarker('{"lobkit":"gap",'), /malformed lobkit marker/);
});

test('lobkit replay reads markers: gap and disconnect invalidate that book until the next snapshot, connect starts a new connection context, bad markers are bad lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-markers-'));
  // A Bybit capture: snapshot, delta, gap marker, delta (skipped while invalid), snapshot (resync).
  const ob = (type: string, u: number, bid: string) => JSON.stringify({ topic: 'orderbook.50.BTCUSDT', type, ts: 1700000000000 + u, data: { s: 'BTCUSDT', b: [[bid, '1']], a: [['101', '1']], u, seq: u }, cts: 1700000000000 + u });
  const t0 = 1700000000000000000;
  const lines = [
    connectMarker('bybit-linear', 'bybit-linear-0#1', 'ws://127.0.0.1:1/v5/public/linear'),
    ob('snapshot', 1, '100'),
    ob('delta', 2, '99'),
    gapMarker('bybit-linear', 'BTCUSDT', 'sequence break after 2: got first=NaN prev=NaN seq=9'),
    ob('delta', 9, '98'),
    ob('snapshot', 10, '97'),
    disconnectMarker('bybit-linear', 'BTCUSDT', 'closed by the venue (code 1006)'),
    badMarker('bybit-linear', 'frame holds a line break', 'x\ny'),
    '{"lobkit":"gap","venue":"bybit-linear"}',
  ].map((f, i) => `${t0 + i * 1000} ${f}`);
  const path = join(dir, 'bybit-linear', '2023-11-14');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(path, { recursive: true });
  const file = join(path, 'bybit-linear-0_20231114_221320.gz');
  writeFileSync(file, gzipSync(lines.join('\n') + '\n'));
  const report = new ReadReport();
  const evs: MarketEvent[] = [];
  for await (const ev of replayEvents([file], report)) evs.push(ev);
  assert.deepEqual(
    evs.map((e) => e.type),
    ['book_change', 'book_change', 'gap', 'book_change', 'book_change', 'disconnect'],
  );
  const gap = evs[2];
  assert.equal(gap.type === 'gap' && gap.reason, 'recorder: sequence break after 2: got first=NaN prev=NaN seq=9');
  assert.equal(gap.symbol, 'BTCUSDT');
  assert.equal(gap.venue, 'bybit-linear');
  assert.equal(gap.localTs, t0 + 3000);
  const f = report.files[0];
  assert.equal(f.badLines, 2, f.examples.join('; '));
  assert.match(f.examples[0], /:8: the venue sent a frame that could not be stored as a line \(frame holds a line break\)/);
  assert.match(f.examples[1], /:9: lobkit gap marker without a string "symbol"/);
  assert.equal(f.control, 3);
});
