import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lobkit } from '../helpers/cli.ts';
import { dataPaths } from '../helpers/data.ts';

const USDM = ['btcusdt_20240808.gz', 'ethusdt_20240808.gz'].map((f) => `binance-hftbacktest/usdm/${f}`);
const dir = mkdtempSync(join(tmpdir(), 'lobkit-evfile-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('lobkit replay --events-out writes a .lobev that replays and backtests like the raw files', async (t) => {
  const raw = dataPaths(t, USDM);
  if (!raw) return;
  const out = join(dir, 'usdm.lobev');
  const w = lobkit(['replay', ...raw, '--events-out', out, '--json', '--no-progress']);
  assert.equal(w.code, 0, w.stderr);
  const fromRaw = JSON.parse(w.stdout);
  assert.equal(fromRaw.totals.eventsWritten, fromRaw.totals.messages);
  assert.match(w.stderr, new RegExp(`wrote ${fromRaw.totals.messages} events in \\d+ chunks to ${out} \\(\\d+\\.\\d MB\\)`));
  assert.equal(fromRaw.eventsOut.bytes, statSync(out).size);
  assert.ok(!existsSync(out + '.partial'));

  const r = lobkit(['replay', out, '--json', '--no-progress']);
  assert.equal(r.code, 0, r.stderr);
  const fromEv = JSON.parse(r.stdout);
  assert.deepEqual(fromEv.instruments, fromRaw.instruments);
  assert.equal(fromEv.files[0].format, 'lobkit-events');
  assert.equal(fromEv.files[0].venue, 'binance-usdm');

  const text = lobkit(['replay', out, '--no-progress']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /binance-usdm\s+BTCUSDT/);
  assert.match(text.stdout, /1 files, 2 instruments, \d+ messages: OK\n$/);

  // An existing output is not replaced without --force.
  const again = lobkit(['replay', ...raw, '--events-out', out, '--no-progress']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, new RegExp(`${out} exists; pass --force to replace it`));
  assert.equal(lobkit(['replay', ...raw, '--events-out', out, '--force', '--no-progress', '--json']).code, 0);
  const self = lobkit(['replay', out, '--events-out', out, '--force', '--no-progress']);
  assert.equal(self.code, 2);
  assert.match(self.stderr, /is also an input file/);

  const bt = (data: string[]) => lobkit(['backtest', '--data', ...data, '--strategy', 'maker', '--no-out', '--json', '--no-progress']);
  const a = bt(raw);
  const b = bt([out]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.ok(JSON.parse(a.stdout).summary);
  assert.deepEqual(JSON.parse(b.stdout).summary, JSON.parse(a.stdout).summary);
});

test('a truncated .lobev: exit 1 and a message naming the file, the chunk and the byte offset', async (t) => {
  const raw = dataPaths(t, USDM.slice(0, 1));
  if (!raw) return;
  const full = join(dir, 'full.lobev');
  assert.equal(lobkit(['replay', ...raw, '--events-out', full, '--json', '--no-progress']).code, 0);
  const cut = join(dir, 'cut.lobev');
  copyFileSync(full, cut);
  truncateSync(cut, statSync(full).size - 1000);
  const r = lobkit(['replay', cut, '--no-progress']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`${cut}: 0 bad records; ${cut}: truncated: chunk \\d+ at byte offset \\d+: needs \\d+ bytes, the file ends after \\d+ \\(writer killed\\?\\); \\d+ events before it were read`));
  assert.match(r.stdout, /FAILED \(0 integrity failures, 0 bad lines, 1 unreadable files\)/);
  const b = lobkit(['backtest', '--data', cut, '--strategy', 'maker', '--no-out', '--json', '--no-progress']);
  assert.equal(b.code, 1);
  assert.match(b.stderr, new RegExp(`lobkit: ${cut}: ${cut}: truncated: chunk`));
  assert.match(JSON.parse(b.stdout).data.files[0].error, /truncated: chunk \d+ at byte offset \d+/);
});
