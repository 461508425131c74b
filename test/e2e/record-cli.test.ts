import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MetricsSnapshot } from '../../src/capture/metrics.ts';
import { lobkit } from '../helpers/cli.ts';
import { dataPaths } from '../helpers/data.ts';
import { captureFiles, isMarkerLine, markers, readCapture, startRecorder, startSim, waitDone, waitFor, waitSubscribed } from '../helpers/record.ts';

const dir = mkdtempSync(join(tmpdir(), 'lobkit-record-cli-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('malformed configuration: one clear line naming file, line and field; exit 2; nothing started', () => {
  const cases: [string[], RegExp][] = [
    [['--config', file('a.yaml', 'streams:\n  - venue: okx\n    symbols: [BTC-USDT\n')], /^lobkit: .*a\.yaml:\d+: not valid YAML: /],
    [['--config', file('b.yaml', 'streams:\n  - venue: okx\n    symbols: [BTC-USDT]\n    depht: 5\n')], /^lobkit: .*b\.yaml:4 field "streams\.0\.depht": unknown key \(known: venue, symbols, channels, depth, baseUrl\)/],
    [['--config', file('c.json', '{"streams":[{"venue":"binance-spot","symbols":"BTCUSDT"}]}')], /^lobkit: .*c\.json field "streams\.0\.symbols": Invalid input: expected array/],
    [['--config', join(dir, 'none.yaml')], /^lobkit: config file .*none\.yaml: no such file/],
    [['--venue', 'ftx', '--symbols', 'BTC-PERP'], /^lobkit: unknown venue "ftx"; lobkit records binance-spot, binance-usdm/],
    [['--venue', 'okx', '--symbols', 'BTC-USDT', '--rotate-minutes', 'ten'], /^lobkit: --rotate-minutes: expected an integer, got "ten"/],
    [['--venue', 'bybit-spot', '--symbols', 'BTCUSDT', '--depth', '500'], /^lobkit: bybit-spot book depth 500 is not offered; choose one of 1, 50, 200, 1000/],
    [['--venue', 'okx'], /^lobkit: no symbols for okx: give --symbols A,B/],
  ];
  for (const [args, re] of cases) {
    const r = lobkit(['record', ...args, '--check'], { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('--check prints the resolved settings; .env and LOBKIT_* fill the common settings under the flags', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'lobkit-dotenv-'));
  writeFileSync(join(cwd, '.env'), 'LOBKIT_VENUE=binance-usdm\nLOBKIT_SYMBOLS=BTCUSDT,ETHUSDT\nLOBKIT_OUT=/srv/capture\nLOBKIT_ROTATE_MINUTES=30\n');
  const r = lobkit(['record', '--check', '--rotate-minutes', '5'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { out: string; rotateMinutes: number; streams: { venue: string; symbols: string[]; depth: number }[] };
  assert.equal(s.out, '/srv/capture');
  assert.equal(s.rotateMinutes, 5);
  assert.deepEqual(s.streams, [{ venue: 'binance-usdm', symbols: ['BTCUSDT', 'ETHUSDT'], channels: ['book', 'trades', 'bbo'], depth: 1000 }]);
});

test('metrics on a localhost port while recording: Prometheus text and JSON with per-stream messages, lag and connection state', async (t) => {
  const files = dataPaths(t, ['cryptofeed/OKX.jsonl.gz']);
  if (!files) return;
  const out = mkdtempSync(join(tmpdir(), 'lobkit-metrics-'));
  const sim = await startSim(t, 'okx', files);
  const rec = startRecorder(t, ['--venue', 'okx', '--symbols', 'BTC-USDT,UNI-USD-SWAP', '--out', out, '--base-url', sim.url, '--metrics-port', '0']);
  const url = await waitFor(() => /metrics at (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(rec.err)?.[1], 'the metrics URL');
  await waitSubscribed(sim, ['books:BTC-USDT', 'books:UNI-USD-SWAP'], rec);
  await sim.start();
  const done = await waitDone(sim);
  const json = await waitFor(async () => {
    const j = (await (await fetch(`${url}/metrics.json`)).json()) as MetricsSnapshot;
    return j.streams.find((s) => s.symbol === 'BTC-USDT')?.messages === done.deliveredBySymbol['BTC-USDT'] ? j : undefined;
  }, 'the metrics to count every BTC-USDT frame');
  const btc = json.streams.find((s) => s.symbol === 'BTC-USDT')!;
  assert.ok(btc.bytes > 10_000);
  assert.ok(btc.lagMs.max !== null, 'lag measured from exchange timestamps');
  assert.deepEqual(json.connections.map((c) => [c.id, c.up]), [['okx-0', true]]);
  const prom = await (await fetch(`${url}/metrics`)).text();
  assert.match(prom, new RegExp(`lobkit_record_messages_total\\{venue="okx",symbol="BTC-USDT"\\} ${done.deliveredBySymbol['BTC-USDT']}\\n`));
  assert.match(prom, /lobkit_record_connection_up\{venue="okx",connection="okx-0"\} 1\n/);
  // Ctrl-C: a clean stop that completes every file.
  assert.equal(await rec.stop('SIGINT'), 0, rec.err);
  assert.match(rec.err, /SIGINT: closing connections and completing files/);
  assert.deepEqual(captureFiles(out, '.partial'), []);
  assert.ok(captureFiles(out).length > 0);
});

test('planned reconnect before the venue connection lifetime: markers say so, every book resyncs on the new connection, nothing lost on the recorder side', async (t) => {
  const files = dataPaths(t, ['cryptofeed/BYBIT.jsonl.gz']);
  if (!files) return;
  const out = mkdtempSync(join(tmpdir(), 'lobkit-planned-'));
  const syms = ['BTCUSDT', 'ETHUSDT'];
  const keys = syms.map((s) => `orderbook.200.${s}`);
  // ~40 s of recording at x8: about 5 s of playback; the recorder reconnects every 2 s.
  const sim = await startSim(t, 'bybit-linear', files, ['--speed', '8']);
  const rec = startRecorder(t, ['--venue', 'bybit-linear', '--symbols', syms.join(','), '--out', out, '--base-url', sim.url, '--depth', '200', '--max-conn-age-ms', '2000', '--json']);
  await waitSubscribed(sim, keys, rec);
  await sim.start();
  await waitDone(sim);
  assert.equal(await rec.stop(), 0, rec.err);
  const stats = await waitFor(async () => {
    const s = await sim.stats();
    return s.clients.every((c) => !c.open) ? s : undefined;
  }, 'connections closed');
  const m = JSON.parse(rec.out) as MetricsSnapshot;
  assert.ok(m.connections[0].plannedReconnects >= 1, JSON.stringify(m.connections));
  assert.equal(m.connections[0].reconnects, 0, 'no unplanned reconnect');
  const lines = captureFiles(out).flatMap(readCapture);
  const d = markers(lines, 'disconnect');
  assert.ok(d.length >= 2);
  for (const x of d) assert.match(x.reason!, /planned reconnect after \d+ s/);
  for (const k of keys) assert.ok(stats.subscribeCounts[k] >= 2, k);
  assert.ok(stats.clients.every((c) => c.closeInfo === ''), 'the simulator never closed a connection itself');
  assert.equal(lines.filter((l) => !isMarkerLine(l)).length, stats.totals.data + stats.totals.control);
  const r = lobkit(['replay', ...captureFiles(out), '--json', '--allow-gaps']);
  assert.equal(JSON.parse(r.stdout).totals.failures, 0);
});
