import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { readLines } from '../replay/lines.ts';
import { F_TRADE } from './binance-feed.ts';
import { DayFileWriter } from './day-writer.ts';

test('lines "<localTsNs> <frame>" split by UTC day of the receive time, as concatenated gzip members lobkit reads back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-daywriter-'));
  const start = Date.UTC(2024, 0, 1, 23, 59, 59);
  const w = new DayFileWriter(dir, 'BTCUSDT', start, 1);
  const frames: string[] = [];
  const n = 60_000; // > 1 MiB of text: several gzip members per file
  for (let i = 0; i < n; i++) {
    const f = `{"stream":"btcusdt@trade","data":{"i":${i},"pad":"${'x'.repeat(20 + (i % 7))}"}}`;
    frames.push(f);
    w.frame(i * 50_000 + 123, F_TRADE, f); // 50 µs apart: crosses midnight after 1 s
    if (i % 10_000 === 0) await w.drain();
  }
  await w.close();
  assert.deepEqual(readdirSync(dir).sort(), ['btcusdt_20240101.gz', 'btcusdt_20240102.gz']);
  const lines: string[] = [];
  for (const f of ['btcusdt_20240101.gz', 'btcusdt_20240102.gz']) for await (const b of readLines(join(dir, f))) lines.push(...b.lines);
  assert.equal(lines.length, n);
  assert.equal(lines[0], `${start}000123 ${frames[0]}`);
  assert.equal(lines[12345], `${start + 617}250123 ${frames[12345]}`, "exact ns digits, no float rounding");
  const day1 = gunzipSync(readFileSync(join(dir, 'btcusdt_20240101.gz'))).toString().trim().split('\n');
  assert.equal(day1.length, 20_000, 'exactly the lines received before midnight');
  assert.ok(Number(day1.at(-1)!.split(' ')[0]) < Date.UTC(2024, 0, 2) * 1e6);
  assert.equal(w.files.reduce((a, f) => a + f.lines, 0), n);
  assert.ok(w.files.every((f) => f.bytes > 0 && f.bytes < f.rawBytes / 3));
});

test('an unwritable output is a clear error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-daywriter-'));
  writeFileSync(join(dir, 'usdm'), 'a file where the folder should be');
  assert.throws(() => new DayFileWriter(join(dir, 'usdm'), 'BTCUSDT', 0, 1), /EEXIST|ENOTDIR/);
  mkdirSync(join(dir, 'x_19700101.gz')); // a folder where the day file should go
  const w = new DayFileWriter(dir, 'X', 0, 1);
  assert.throws(() => w.frame(0, F_TRADE, '{}'), (e: unknown) => e instanceof Error && e.message.includes('x_19700101.gz') && /EISDIR/.test(e.message));
});
