import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { constants as Z, createGzip, gunzipSync } from 'node:zlib';
import { completeLines, findPartials, recoverPartial } from './recover.ts';

/** A gzip stream as the writer leaves it at a kill -9: `flushed` lines sync-flushed, then `more` lines compressed but not flushed, no trailer. */
async function crashedGzip(flushed: string[], more: string[]): Promise<Buffer> {
  const gz = createGzip({ level: 1 });
  const chunks: Buffer[] = [];
  gz.on('data', (c: Buffer) => chunks.push(c));
  gz.write(flushed.map((l) => l + '\n').join(''));
  await new Promise<void>((r) => gz.flush(Z.Z_SYNC_FLUSH, () => r()));
  gz.write(more.map((l) => l + '\n').join(''));
  await new Promise<void>((r) => gz.flush(Z.Z_NO_FLUSH, () => r()));
  return Buffer.concat(chunks);
}

async function collect(path: string, slow: boolean): Promise<{ lines: string[]; rest: string }> {
  const lines: string[] = [];
  const it = completeLines(path);
  for (;;) {
    const r = await it.next();
    if (r.done === true) return { lines, rest: r.value.rest };
    lines.push(...r.value);
    if (slow) await new Promise((res) => setTimeout(res, 5));
  }
}

const line = (i: number): string => `${1723161253937085768 + i} {"stream":"btcusdt@depth@100ms","data":{"u":${i},"pad":"${'x'.repeat(i % 97)}"}}`;

test('completeLines: a file cut anywhere after the last flush yields every flushed line, only complete lines, the same with a slow consumer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-recover-'));
  // Several MB of output, so the reader sees many chunks (a slow consumer leaves them buffered).
  const flushed = Array.from({ length: 60_000 }, (_, i) => line(i));
  const full = await crashedGzip(flushed, Array.from({ length: 500 }, (_, i) => line(60_000 + i)));
  const syncEnd = (await crashedGzip(flushed, [])).length;
  for (const cut of [syncEnd, syncEnd + 1, syncEnd + 7, Math.floor((syncEnd + full.length) / 2), full.length]) {
    const p = join(dir, `cut-${cut}.gz.partial`);
    writeFileSync(p, full.subarray(0, cut));
    const fast = await collect(p, false);
    const slow = await collect(p, true);
    assert.deepEqual(slow, fast, `cut at ${cut}: the consumer's pace changes nothing`);
    assert.ok(fast.lines.length >= flushed.length, `cut at ${cut}: ${fast.lines.length} lines`);
    const all = [...flushed, ...Array.from({ length: 500 }, (_, i) => line(60_000 + i))];
    assert.deepEqual(fast.lines, all.slice(0, fast.lines.length), 'complete lines, in order');
  }
});

test('recoverPartial: the readable lines, then a disconnect marker per book, into the completed name; the partial is removed', async () => {
  const out = mkdtempSync(join(tmpdir(), 'lobkit-recover-'));
  const folder = join(out, 'binance-spot', '2024-08-09');
  mkdirSync(folder, { recursive: true });
  const frames = [
    '1723161253937085768 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161253936,"s":"BTCUSDT","U":1,"u":2,"b":[["60000.00","1.0"]],"a":[]}}',
    '1723161253937095768 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161253936,"s":"BTCUSDT","t":1,"p":"60000.00","q":"0.1","T":1723161253936,"m":true,"M":true}}',
  ];
  const partial = join(folder, 'btcusdt_20240809_000000.gz.partial');
  writeFileSync(partial, await crashedGzip(frames, ['1723161253937105768 {"stream":"btcusdt@depth@100ms","data":{"e":"dep']));
  assert.deepEqual(findPartials(out), [partial]);
  const r = await recoverPartial(partial);
  assert.equal(r.path, partial.slice(0, -'.partial'.length));
  assert.equal(r.lines, 2);
  assert.deepEqual(r.symbols, ['BTCUSDT']);
  assert.equal(existsSync(partial), false);
  const lines = gunzipSync(readFileSync(r.path)).toString().split('\n');
  assert.deepEqual(lines.slice(0, 2), frames);
  assert.match(lines[2], /^1723161253937095768 \{"lobkit":"disconnect","venue":"binance-spot","symbol":"BTCUSDT","reason":"recorder stopped without closing this file/);
  assert.deepEqual(lines.slice(3), ['']);
});
