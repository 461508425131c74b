import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { constants as Z, gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { lobkit } from '../helpers/cli.ts';
import { dataPaths } from '../helpers/data.ts';
import { captureFiles, readCapture, startRecorder, startSim, waitFor, waitSubscribed, within } from '../helpers/record.ts';

const SPOT = ['binance-hftbacktest/spot/btcusdt_20240808.gz', 'binance-hftbacktest/spot/ethusdt_20240808.gz'];

/**
 * Complete lines of a file a crash left (a gzip stream without its trailer). Z_SYNC_FLUSH as the
 * finishing flush: a missing end is not an error, so exactly what the last flush made decodable
 * comes out (an incomplete last line is dropped), independent of stream timing.
 */
function crashed(path: string): string[] {
  const text = gunzipSync(readFileSync(path), { finishFlush: Z.Z_SYNC_FLUSH }).toString('utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').slice(0, -1);
}

const btcFrames = (lines: string[]): string[] => lines.map((l) => l.slice(l.indexOf(' ') + 1)).filter((f) => f.startsWith('{"stream":"btcusdt@'));

test('kill -9 mid-write: the partial files hold, up to a line boundary, a prefix of exactly what the venue sent (bounded flush), and a restart completes them', async (t) => {
  const files = dataPaths(t, SPOT);
  if (!files) return;
  const out = mkdtempSync(join(tmpdir(), 'lobkit-kill9-'));
  // Recorded pace x20: the recorder keeps up, so what the simulator delivered is what it has read.
  const sim = await startSim(t, 'binance-spot', files, ['--speed', '20']);
  const rec = startRecorder(t, ['--venue', 'binance-spot', '--symbols', 'BTCUSDT,ETHUSDT', '--out', out, '--base-url', sim.url, '--flush-ms', '100']);
  await waitSubscribed(sim, ['btcusdt@depth@100ms', 'ethusdt@depth@100ms'], rec);
  await sim.start();
  // Bounded flush: while the file is still open (10-minute rotation), what the simulator delivered
  // reaches the disk. Wait on the file itself, not on a timer: a loaded machine only makes it slower.
  const before = await waitFor(async () => {
    const s = await sim.stats();
    return (s.deliveredBySymbol.BTCUSDT ?? 0) > 3000 ? s.deliveredBySymbol.BTCUSDT : undefined;
  }, '3000 BTCUSDT frames');
  await waitFor(() => {
    try {
      const done = captureFiles(out).filter((f) => f.includes('/btcusdt_'));
      const open = captureFiles(out, '.partial').filter((f) => f.includes('/btcusdt_'));
      const lines = [...done.flatMap((f) => readCapture(f).map((l) => `${l.ts} ${l.frame}`)), ...open.flatMap(crashed)];
      return btcFrames(lines).length >= before;
    } catch {
      return false; // a file renamed at rotation while being read: look again
    }
  }, `the ${before} BTCUSDT frames delivered to be readable in the open file`);
  rec.child.kill('SIGKILL');
  await rec.exited;
  assert.equal(rec.signal, 'SIGKILL');

  // The files open at the kill are partial; a run that straddles a rotation boundary (every 10
  // minutes of wall time) also completed the earlier ones, which hold the first lines.
  const btc = captureFiles(out, '.partial').find((p) => p.includes('/btcusdt_'));
  assert.ok(btc !== undefined, 'the BTCUSDT file open at the kill is a .partial');
  const earlier = captureFiles(out).filter((f) => f.includes('/btcusdt_'));
  const got = crashed(btc);
  for (const l of got) assert.match(l, /^\d{19} \{.*\}$/, 'every readable line is complete');
  const all = [...earlier.flatMap(readCapture).map((l) => `${l.ts} ${l.frame}`), ...got];
  // Exactly the recording's BTCUSDT frames, in order, from the first: nothing lost, reordered or doubled before the crash point.
  const want = gunzipSync(readFileSync(files[0]))
    .toString()
    .split('\n')
    .filter((l) => l.includes('"stream":"'))
    .map((l) => l.slice(l.indexOf(' ') + 1));
  const frames = btcFrames(all);
  assert.ok(frames.length >= before, `the partial file holds ${frames.length} frames, at least the ${before} delivered before the kill`);
  assert.deepEqual(frames, want.slice(0, frames.length));
  assert.equal(all.filter((l) => l.includes('{"lastUpdateId"')).length, 1, 'the REST snapshot line');

  // A restart recovers the partial files into complete ones, closed with disconnect markers.
  const rec2 = startRecorder(t, ['--venue', 'binance-spot', '--symbols', 'BTCUSDT,ETHUSDT', '--out', out, '--base-url', sim.url]);
  await waitFor(() => /recovered .*btcusdt_\d{8}_\d{6}\.gz \(\d+ lines\)/.test(rec2.err), 'the recovery message');
  await waitFor(async () => ((await sim.stats()).subscribeCounts['btcusdt@depth@100ms'] ?? 0) >= 2, 'the restarted recorder to subscribe');
  assert.equal(await rec2.stop('SIGTERM'), 0, rec2.err);
  // The recovered file (the partial's name without .partial) is every readable line of the partial
  // one, then one disconnect marker for BTCUSDT and nothing else; the restarted recorder's data
  // went to a new file.
  const recoveredPath = btc.slice(0, -'.partial'.length);
  const lines = readCapture(recoveredPath).map((l) => `${l.ts} ${l.frame}`);
  assert.deepEqual(lines.slice(0, got.length), got, 'the recovered file starts with every readable line of the partial one');
  const tail = lines.slice(got.length);
  assert.equal(tail.length, 1, tail.join('\n'));
  assert.match(tail[0], /^\d{19} \{"lobkit":"disconnect","venue":"binance-spot","symbol":"BTCUSDT","reason":"recorder stopped without closing this file/);
  assert.equal(tail[0].slice(0, 19), got[got.length - 1].slice(0, 19), 'the marker carries the time of the last line it follows');
  assert.ok(
    captureFiles(out).some((f) => f.includes('/btcusdt_') && f !== recoveredPath),
    'the restarted recorder wrote BTCUSDT to a new file',
  );
  assert.deepEqual(captureFiles(out, '.partial'), [], 'every partial file was recovered or completed');
  const r = lobkit(['replay', ...captureFiles(out), '--json', '--allow-gaps']);
  const rj = JSON.parse(r.stdout) as { totals: { badLines: number; fileErrors: number } };
  assert.equal(rj.totals.badLines, 0);
  assert.equal(rj.totals.fileErrors, 0);
});

test('an output folder that cannot be created (a file in its place): a clear error and exit 1 at start, before connecting', async (t) => {
  const files = dataPaths(t, SPOT);
  if (!files) return;
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-notdir-'));
  const out = join(dir, 'data');
  writeFileSync(out, 'a file, not a folder');
  const sim = await startSim(t, 'binance-spot', files);
  const rec = startRecorder(t, ['--venue', 'binance-spot', '--symbols', 'BTCUSDT', '--out', out, '--base-url', sim.url]);
  const code = await within(rec.exited, 60_000);
  assert.equal(code, 1, rec.err);
  assert.match(rec.err, /^lobkit: cannot create folder .*\/data: (ENOTDIR|EEXIST) \(.*\)$/m);
  assert.doesNotMatch(rec.err, /internal error|\n\s+at /);
});

/** A 256 KiB tmpfs (root), else a read-only folder (non-root), else none. */
function smallDisk(): { dir: string; kind: string; cleanup(): void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-full-'));
  if (process.getuid?.() === 0) {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'ignore' });
      return { dir, kind: 'ENOSPC', cleanup: () => execFileSync('umount', ['-l', dir], { stdio: 'ignore' }) };
    } catch {
      return undefined;
    }
  }
  mkdirSync(join(dir, 'ro'));
  chmodSync(join(dir, 'ro'), 0o555);
  return { dir: join(dir, 'ro'), kind: 'EACCES', cleanup: () => undefined };
}

test('disk full (a tiny tmpfs) or unwritable folder: a clear error naming the file and errno, exit 1, no hang', async (t) => {
  const files = dataPaths(t, SPOT);
  if (!files) return;
  const disk = smallDisk();
  if (disk === undefined) {
    t.skip('cannot mount a tmpfs here (root without mount permission)');
    return;
  }
  t.after(() => disk.cleanup());
  const sim = await startSim(t, 'binance-spot', files);
  const rec = startRecorder(t, ['--venue', 'binance-spot', '--symbols', 'BTCUSDT,ETHUSDT', '--out', disk.dir, '--base-url', sim.url, '--flush-ms', '50', '--gzip-level', '0']);
  await waitSubscribed(sim, ['btcusdt@depth@100ms', 'ethusdt@depth@100ms'], rec);
  await sim.start();
  const code = await within(rec.exited, 90_000);
  assert.equal(code, 1, `exit code (stderr: ${rec.err})`);
  const re = disk.kind === 'ENOSPC' ? /lobkit: cannot write .*\.gz\.partial: ENOSPC \(no space left on device\)/ : /lobkit: cannot (create folder|write) .*: EACCES \(permission denied\)/;
  assert.match(rec.err, re);
  assert.doesNotMatch(rec.err, /internal error/);
});
