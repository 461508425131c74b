import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { readLines } from '../replay/lines.ts';
import { ManualClock } from './clock.ts';
import { periodOf } from './paths.ts';
import { RawWriter, type WriterError } from './writer.ts';

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const lines = (path: string): string[] => gunzipSync(readFileSync(path)).toString().split('\n').filter((l) => l !== '');
const ns = (iso: string): number => Date.parse(iso) * 1e6;

test('periods: every N minutes from UTC midnight, the last one of a day cut at midnight', () => {
  assert.deepEqual(periodOf(ns('2024-08-08T23:54:17Z'), 10), [ns('2024-08-08T23:50:00Z'), ns('2024-08-09T00:00:00Z')]);
  assert.deepEqual(periodOf(ns('2024-08-09T00:00:00Z'), 10), [ns('2024-08-09T00:00:00Z'), ns('2024-08-09T00:10:00Z')]);
  // 7 does not divide 1440: 23:55 starts a period that midnight cuts after 5 minutes.
  assert.deepEqual(periodOf(ns('2024-08-08T23:57:00Z'), 7), [ns('2024-08-08T23:55:00Z'), ns('2024-08-09T00:00:00Z')]);
  assert.deepEqual(periodOf(ns('2024-08-09T00:06:59Z'), 7), [ns('2024-08-09T00:00:00Z'), ns('2024-08-09T00:07:00Z')]);
});

test('rotation: each line lands in exactly one file, chosen by its own timestamp; files split at the period boundary and at UTC midnight; one folder per venue and date', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-writer-'));
  const clock = new ManualClock(Date.parse('2024-08-08T23:49:00Z'));
  const errors: WriterError[] = [];
  const done: string[] = [];
  const w = new RawWriter({ dir, rotateMinutes: 5, flushMs: 1000, gzipLevel: 1, clock, onFatal: (e) => errors.push(e), onFileDone: (p) => done.push(relative(dir, p)) });
  // 23:49:00 .. 00:11:00, one line every 30 s per stream, across 23:50, 23:55, 00:00 (midnight), 00:05, 00:10.
  const sent: Record<string, string[]> = { btcusdt: [], ethusdt: [] };
  for (let t = Date.parse('2024-08-08T23:49:00Z'); t <= Date.parse('2024-08-09T00:11:00Z'); t += 30_000) {
    clock.set(t);
    for (const s of ['btcusdt', 'ethusdt']) {
      const frame = `{"s":"${s}","t":${t}}`;
      w.write('binance-spot', s, t * 1e6, frame);
      sent[s].push(`${t * 1e6} ${frame}`);
    }
  }
  // While open, the current files are .partial.
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(files(dir).some((f) => f.endsWith('_001000.gz.partial')));
  await w.close();
  assert.deepEqual(errors, []);
  const all = files(dir);
  assert.deepEqual(
    all.filter((f) => f.includes('btcusdt')),
    [
      'binance-spot/2024-08-08/btcusdt_20240808_234500.gz',
      'binance-spot/2024-08-08/btcusdt_20240808_235000.gz',
      'binance-spot/2024-08-08/btcusdt_20240808_235500.gz',
      'binance-spot/2024-08-09/btcusdt_20240809_000000.gz',
      'binance-spot/2024-08-09/btcusdt_20240809_000500.gz',
      'binance-spot/2024-08-09/btcusdt_20240809_001000.gz',
    ],
  );
  assert.equal(done.length, 12);
  for (const s of ['btcusdt', 'ethusdt']) {
    const got = all.filter((f) => f.includes(s)).flatMap((f) => lines(join(dir, f)));
    assert.deepEqual(got, sent[s], `${s}: every line once, in order, across rotations`);
    // No line after its file's period: the first line of 00:00 is in the new day's folder.
    for (const f of all.filter((x) => x.includes(s))) {
      const start = Date.parse(f.replace(/.*_(\d{4})(\d\d)(\d\d)_(\d\d)(\d\d)(\d\d)\.gz$/, '$1-$2-$3T$4:$5:$6Z')) * 1e6;
      for (const l of lines(join(dir, f))) {
        const ts = Number(l.slice(0, l.indexOf(' ')));
        assert.ok(ts >= start && ts < start + 5 * 60e9, `${f}: ${l}`);
      }
    }
  }
  assert.equal(w.linesIn, sent.btcusdt.length * 2);
});

test('an idle stream is completed when its period ends (flush tick), without waiting for a next line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-writer-'));
  const clock = new ManualClock(Date.parse('2024-01-01T00:00:10Z'));
  const w = new RawWriter({ dir, rotateMinutes: 1, flushMs: 500, gzipLevel: 1, clock, onFatal: (e) => assert.fail(e.message) });
  w.write('okx', 'okx-0', clock.nowNs(), '{"a":1}');
  clock.advance(60_000);
  for (let i = 0; i < 500 && !(files(dir)[0] ?? '').endsWith('.gz'); i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(files(dir), ['okx/2024-01-01/okx-0_20240101_000000.gz']);
  await w.close();
});

test('bounded flush: between rotations the partial file decompresses up to its last complete line (what a kill -9 leaves)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-writer-'));
  const clock = new ManualClock(Date.parse('2024-01-01T00:00:00Z'));
  const w = new RawWriter({ dir, rotateMinutes: 10, flushMs: 100, gzipLevel: 6, clock, onFatal: (e) => assert.fail(e.message) });
  const n = 5000;
  for (let i = 0; i < n; i++) w.write('kraken', 'kraken-0', clock.nowNs() + i, `[1,{"b":[["1.0","${i}","1.0"]]},"book-10","XBT/USD"]`);
  clock.advance(100); // flush tick: compress and Z_SYNC_FLUSH
  await w.flush();
  const partial = join(dir, files(dir)[0]);
  assert.ok(partial.endsWith('.gz.partial'));
  // Read it as a crash would leave it: no gzip trailer.
  const got: string[] = [];
  let err: Error | undefined;
  try {
    for await (const b of readLines(partial)) got.push(...b.lines);
  } catch (e) {
    err = e as Error;
  }
  assert.match(String(err?.message), /truncated gzip/);
  assert.equal(got.length, n, 'every line written before the flush is readable');
  assert.match(got[n - 1], /"4999"/);
  await w.close();
});

test('a file where the output folder should be: a clear error naming the path, reported once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-writer-'));
  writeFileSync(join(dir, 'binance-spot'), 'not a folder');
  const errors: WriterError[] = [];
  const w = new RawWriter({ dir, rotateMinutes: 10, flushMs: 1000, gzipLevel: 1, clock: new ManualClock(), onFatal: (e) => errors.push(e) });
  w.write('binance-spot', 'btcusdt', 1.7e18, '{}');
  w.write('binance-spot', 'btcusdt', 1.7e18, '{}');
  await w.close();
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /cannot create folder .*binance-spot\/\d{4}-\d\d-\d\d: (ENOTDIR|EEXIST)/);
});

test('an unwritable folder (not root): EACCES named with the path', { skip: process.getuid?.() === 0 ? 'root ignores permissions' : false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-writer-'));
  chmodSync(dir, 0o555);
  const errors: WriterError[] = [];
  const w = new RawWriter({ dir, rotateMinutes: 10, flushMs: 1000, gzipLevel: 1, clock: new ManualClock(), onFatal: (e) => errors.push(e) });
  w.write('okx', 'okx-0', 1.7e18, '{}');
  await w.close();
  assert.match(errors[0]?.message ?? '', /EACCES \(permission denied\)/);
});

test('a writer that falls behind its limit fails loudly instead of growing without bound', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-writer-'));
  const errors: WriterError[] = [];
  const w = new RawWriter({ dir, rotateMinutes: 10, flushMs: 1000, gzipLevel: 9, clock: new ManualClock(), maxPendingBytes: 1000, onFatal: (e) => errors.push(e) });
  const big = '{"x":"' + 'y'.repeat(5000) + '"}';
  for (let i = 0; i < 50; i++) w.write('okx', 'okx-0', 1.7e18, big);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  await w.close();
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /does not keep up/);
});

test('timestamps are written exactly: writeNs matches the integer digits of the float64 ns value', async () => {
  const { writeNs } = await import('./writer.ts');
  const b = Buffer.alloc(32);
  for (const ns of [0, 7, 999_999_999, 1_000_000_000, 1723161253937085768, 1.7e18 + 256, Date.parse('2024-08-09T00:00:00Z') * 1e6, 2 ** 62]) {
    const end = writeNs(b, 0, ns);
    assert.equal(b.toString('latin1', 0, end), BigInt(ns).toString(), String(ns));
  }
  for (let i = 0; i < 2000; i++) {
    const ns = Math.round(1.7e18 + Math.random() * 1e17);
    assert.equal(b.toString('latin1', 0, writeNs(b, 0, ns)), BigInt(ns).toString());
  }
});
