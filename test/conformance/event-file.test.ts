/**
 * lobkit-events files on real Binance traffic (../shared/data/binance-hftbacktest spot + usdm):
 * `replay --events-out` then replaying the .lobev gives the same per-instrument integrity summary,
 * the same event stream (every field of every event, `where` included), and a backtest on it
 * the same result as on the raw files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { backtestCommand } from '../../src/cli/commands/backtest.ts';
import { replayCommand } from '../../src/cli/commands/replay.ts';
import type { MarketEvent } from '../../src/core/events.ts';
import { readEventFileHeader } from '../../src/replay/event-file.ts';
import { replayEvents } from '../../src/replay/open.ts';
import { dataPaths } from '../helpers/data.ts';

const FILES = ['spot/btcusdt_20240808.gz', 'spot/btcusdt_20240809.gz', 'spot/ethusdt_20240808.gz', 'spot/ethusdt_20240809.gz', 'usdm/btcusdt_20240808.gz', 'usdm/ethusdt_20240808.gz'].map((f) => `binance-hftbacktest/${f}`);

const dir = mkdtempSync(join(tmpdir(), 'lobkit-evfile-conf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const replayFlags = { progress: false, json: true };

function sameEvent(a: MarketEvent, b: MarketEvent, i: number): void {
  const ka = Object.keys(a);
  assert.deepEqual(Object.keys(b), ka, `event ${i} (${a.type}): keys`);
  for (const k of ka) {
    const x = (a as unknown as Record<string, unknown>)[k];
    const y = (b as unknown as Record<string, unknown>)[k];
    if (x instanceof Float64Array) {
      assert.ok(y instanceof Float64Array && y.length === x.length, `event ${i}.${k}: length`);
      for (let j = 0; j < x.length; j++) if (!Object.is(x[j], y[j])) assert.fail(`event ${i}.${k}[${j}]: ${x[j]} vs ${y[j]}`);
    } else if (typeof x === 'number') {
      if (!Object.is(x, y)) assert.fail(`event ${i} (${a.type}).${k}: ${x} vs ${String(y)}`);
    } else assert.deepEqual(y, x, `event ${i}.${k}`);
  }
}

test('replay --events-out, then replaying the .lobev: same integrity summary, same events, same backtest', async (t) => {
  const raw = dataPaths(t, FILES);
  if (!raw) return;
  const lobev = join(dir, 'binance.lobev');

  const fromRaw = await replayCommand(raw, { ...replayFlags, eventsOut: lobev });
  assert.equal(fromRaw.ok, true);
  assert.ok(fromRaw.totals.messages > 300_000, `only ${fromRaw.totals.messages} messages`);
  assert.equal(fromRaw.eventsOut?.events, fromRaw.totals.messages, 'every event read is written');
  const header = await readEventFileHeader(lobev);
  assert.equal(header.complete, true);
  assert.deepEqual(header.venues, ['binance-spot', 'binance-usdm']);
  assert.deepEqual(header.sources, raw);

  const fromEvents = await replayCommand([lobev], replayFlags);
  assert.equal(fromEvents.ok, true);
  assert.deepEqual(fromEvents.instruments, fromRaw.instruments, 'per-instrument integrity summary (messages, book updates, checks, issues with file:line)');
  assert.equal(fromEvents.files[0].format, 'lobkit-events');
  assert.equal(fromEvents.files[0].lines, fromRaw.totals.messages, 'the report counts records');
  assert.ok(fromRaw.instruments.some((i) => i.issues.some((e) => e.file?.endsWith('.gz'))), 'issues name the original raw file');

  // Event by event, every field.
  const a = replayEvents(raw);
  const b = replayEvents([lobev]);
  let i = 0;
  for (;;) {
    const [x, y] = await Promise.all([a.next(), b.next()]);
    assert.equal(y.done, x.done, `stream lengths differ at event ${i}`);
    if (x.done || y.done) break;
    sameEvent(x.value, y.value, i++);
  }
  assert.equal(i, fromRaw.totals.messages);

  // A backtest on both: identical summary (ledger totals, fills, P&L, markouts).
  const bt = (data: string[]) =>
    backtestCommand({
      data,
      strategy: 'maker',
      param: [],
      latency: 'constant:5ms',
      feedLatency: 'recorded',
      queue: 'risk-averse',
      fees: 'default',
      out: false,
      json: true,
      equityInterval: '1s',
      horizons: '1s,10s,60s',
      ttfBuckets: '1s,5s,30s,120s',
      progress: false,
    });
  const btRaw = await bt(raw);
  const btEv = await bt([lobev]);
  assert.ok(JSON.stringify(btRaw.summary).length > 100);
  assert.deepEqual(btEv.summary, btRaw.summary);
  assert.deepEqual(btEv.data.books, btRaw.data.books);
});
