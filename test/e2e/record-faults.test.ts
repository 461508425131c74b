import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { MetricsSnapshot } from '../../src/capture/metrics.ts';
import type { SimStats } from '../../src/venue-sim/server.ts';
import { lobkit } from '../helpers/cli.ts';
import { dataPaths } from '../helpers/data.ts';
import { captureFiles, isMarkerLine, isRestLine, markers, readCapture, startRecorder, startSim, waitDone, waitFor, waitSubscribed, type Line, type Sim } from '../helpers/record.ts';

/**
 * Fault suite: the simulator injects each fault class while replaying a real recording; the
 * recorder must recover, mark upstream losses with `gap` markers, resync only the affected book,
 * and write every frame the simulator delivered exactly once (count at the simulator = lines on
 * disk). `lobkit replay --allow-gaps` of the result must show the losses and nothing else.
 */

interface Run {
  stats: SimStats;
  lines: Line[];
  metrics: MetricsSnapshot;
  replay: { ok: boolean; totals: { badLines: number; failures: number }; instruments: { symbol: string; gaps: number; resyncs: number; disconnects: number; outOfOrder: number; failures: number; checksum: { failed: number } }[] };
  err: string;
}

const SPOT = ['binance-hftbacktest/spot/btcusdt_20240808.gz', 'binance-hftbacktest/spot/ethusdt_20240808.gz'];
const SPOT_KEYS = ['btcusdt@depth@100ms', 'ethusdt@depth@100ms'];
const BYBIT_SYMS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'DOGEUSDT'];
const BYBIT_KEYS = BYBIT_SYMS.map((s) => `orderbook.200.${s}`);

async function record(
  t: TestContext,
  o: { venue: string; files: string[]; symbols: string[]; keys: string[]; sim: string[]; rec?: string[]; after?: (sim: Sim) => Promise<unknown> },
): Promise<Run | undefined> {
  const files = dataPaths(t, o.files);
  if (!files) return undefined;
  const out = mkdtempSync(join(tmpdir(), `lobkit-fault-${o.venue}-`));
  // The resync timeout is far beyond any delay a loaded machine causes: a book that is merely slow
  // to get its first snapshot (the simulator starts paused) must not be resubscribed on a timer,
  // so every resync the simulator counts is one the injected fault caused.
  const sim = await startSim(t, o.venue, files, o.sim);
  const rec = startRecorder(t, ['--venue', o.venue, '--symbols', o.symbols.join(','), '--out', out, '--base-url', sim.url, '--json', '--backoff-base-ms', '50', '--backoff-max-ms', '500', '--resync-timeout-ms', '600000', ...(o.rec ?? [])]);
  await waitSubscribed(sim, o.keys, rec);
  await sim.start();
  await waitDone(sim);
  if (o.after) await o.after(sim);
  assert.equal(await rec.stop('SIGTERM'), 0, rec.err);
  const stats = await waitFor(async () => {
    const s = await sim.stats();
    return s.clients.every((c) => !c.open) ? s : undefined;
  }, 'the simulator to see every connection closed');
  const recorded = captureFiles(out);
  assert.deepEqual(captureFiles(out, '.partial'), []);
  const lines = recorded.flatMap(readCapture);
  // Nothing lost or duplicated on the recorder's side.
  const frames = lines.filter((l) => !isMarkerLine(l) && !isRestLine(l)).length;
  assert.equal(frames, stats.totals.data + stats.totals.control, `frames on disk ${frames} = delivered ${stats.totals.data} data + ${stats.totals.control} control`);
  assert.equal(lines.filter(isRestLine).length, Object.values(stats.restCounts).reduce((a, b) => a + b, 0));
  const r = lobkit(['replay', ...recorded, '--json', '--allow-gaps']);
  assert.doesNotMatch(rec.err + r.stderr, /internal error/);
  return { stats, lines, metrics: JSON.parse(rec.out) as MetricsSnapshot, replay: JSON.parse(r.stdout) as Run['replay'], err: rec.err };
}

/** Waits until the simulator has seen the resync (REST snapshots or subscriptions reach `n`): the recorder may still be draining its backlog when playback ends. */
const counted = (field: 'restCounts' | 'subscribeCounts', keys: string[], n = 2) => async (sim: Sim) =>
  waitFor(async () => {
    const s = await sim.stats();
    return keys.every((k) => (s[field][k] ?? 0) >= n) ? true : undefined;
  }, `${field} ${keys.join(', ')} >= ${n}`);

const inst = (run: Run, symbol: string) => run.replay.instruments.find((i) => i.symbol === symbol)!;
const resyncs = (run: Run, symbol: string) => run.metrics.streams.find((s) => s.symbol === symbol)?.resyncs ?? 0;
const gaps = (run: Run, symbol?: string) => markers(run.lines, 'gap').filter((m) => symbol === undefined || m.symbol === symbol);

for (const [kind, reason] of [
  ['drop', /sequence break after \d+: got first=\d+/],
  ['gap', /sequence break after \d+: got first=\d+/],
  ['reorder', /sequence break after \d+/],
  ['corrupt', /unparseable book frame/],
] as const) {
  test(`binance-spot, ${kind} on BTCUSDT: a gap marker, a REST resync of BTCUSDT only, ETHUSDT untouched`, async (t) => {
    const run = await record(t, { venue: 'binance-spot', files: SPOT, symbols: ['BTCUSDT', 'ETHUSDT'], keys: SPOT_KEYS, sim: ['--fault', `${kind}:symbol=BTCUSDT,after=3000`, '--limit', '20000'], after: counted('restCounts', ['BTCUSDT']) });
    if (!run) return;
    assert.equal(run.stats.faults[0].fired, 1);
    const g = gaps(run);
    assert.equal(g.length, 1, JSON.stringify(g));
    assert.equal(g[0].symbol, 'BTCUSDT');
    assert.match(g[0].reason!, reason);
    assert.deepEqual(run.stats.restCounts, { BTCUSDT: 2, ETHUSDT: 1 }, 'one extra REST snapshot, for BTCUSDT');
    assert.equal(resyncs(run, 'BTCUSDT'), 1);
    assert.equal(resyncs(run, 'ETHUSDT'), 0);
    // Replay sees exactly that one loss, resynced, and nothing else wrong.
    assert.equal(inst(run, 'BTCUSDT').gaps, 1);
    assert.equal(inst(run, 'BTCUSDT').resyncs, 1);
    assert.equal(inst(run, 'BTCUSDT').failures, 0);
    assert.equal(inst(run, 'ETHUSDT').gaps, 0);
    assert.equal(run.replay.totals.failures, 0);
    assert.equal(run.replay.totals.badLines, kind === 'corrupt' ? 1 : 0, 'the corrupt frame is kept as received: replay reports it');
  });
}

test('binance-spot, duplicated BTCUSDT diff: no loss, so no marker and no resync; replay drops the stale copy', async (t) => {
  const run = await record(t, { venue: 'binance-spot', files: SPOT, symbols: ['BTCUSDT', 'ETHUSDT'], keys: SPOT_KEYS, sim: ['--fault', 'duplicate:symbol=BTCUSDT,after=3000', '--limit', '20000'] });
  if (!run) return;
  assert.equal(run.stats.faults[0].fired, 1);
  assert.equal(gaps(run).length, 0);
  assert.deepEqual(run.stats.restCounts, { BTCUSDT: 1, ETHUSDT: 1 });
  assert.equal(inst(run, 'BTCUSDT').outOfOrder, 1, 'the copy is a duplicate to replay (kept on disk: the venue sent it)');
  assert.equal(inst(run, 'BTCUSDT').gaps, 0);
});

test('bybit-linear, dropped SOLUSDT delta: a gap marker and a resubscription of orderbook.200.SOLUSDT only', async (t) => {
  const run = await record(t, { venue: 'bybit-linear', files: ['cryptofeed/BYBIT.jsonl.gz'], symbols: BYBIT_SYMS, keys: BYBIT_KEYS, sim: ['--fault', 'drop:symbol=SOLUSDT,after=100'], rec: ['--depth', '200'], after: counted('subscribeCounts', ['orderbook.200.SOLUSDT']) });
  if (!run) return;
  assert.deepEqual(gaps(run).map((g) => g.symbol), ['SOLUSDT']);
  for (const k of BYBIT_KEYS) assert.equal(run.stats.subscribeCounts[k], k.endsWith('SOLUSDT') ? 2 : 1, k);
  assert.equal(resyncs(run, 'SOLUSDT'), 1);
  assert.equal(inst(run, 'SOLUSDT').gaps, 1);
  assert.equal(inst(run, 'SOLUSDT').resyncs, 1);
  assert.equal(run.replay.totals.failures, 0);
});

test('kraken, wrong checksum on SC/EUR: a gap marker naming the mismatch and a resubscription of that book only', async (t) => {
  const pairs = ['SC/EUR', 'OMG/USD', 'ADA/XBT'];
  const run = await record(t, { venue: 'kraken', files: ['cryptofeed/KRAKEN.jsonl.gz'], symbols: pairs, keys: pairs.map((p) => `book-1000:${p}`), sim: ['--fault', 'checksum:symbol=SC/EUR,after=50'], rec: ['--depth', '1000', '--channels', 'book'], after: counted('subscribeCounts', ['book-1000:SC/EUR']) });
  if (!run) return;
  const g = gaps(run);
  assert.deepEqual(g.map((x) => x.symbol), ['SC/EUR']);
  assert.match(g[0].reason!, /checksum mismatch: venue \d+, book \d+/);
  for (const p of pairs) assert.equal(run.stats.subscribeCounts[`book-1000:${p}`], p === 'SC/EUR' ? 2 : 1, p);
  assert.equal(inst(run, 'SC/EUR').resyncs, 1);
  assert.equal(run.replay.totals.failures, 0, 'the frame with the bad checksum follows the marker: replay does not apply it');
});

test('okx, wrong checksum on BTC-USDT: a gap marker and a resubscription of books:BTC-USDT only', async (t) => {
  const syms = ['BTC-USD-220527', 'UNI-USD-SWAP', 'BTC-USDT'];
  const run = await record(t, { venue: 'okx', files: ['cryptofeed/OKX.jsonl.gz'], symbols: syms, keys: syms.map((s) => `books:${s}`), sim: ['--fault', 'checksum:symbol=BTC-USDT,after=20'], after: counted('subscribeCounts', ['books:BTC-USDT']) });
  if (!run) return;
  assert.deepEqual(gaps(run).map((g) => g.symbol), ['BTC-USDT']);
  for (const s of syms) assert.equal(run.stats.subscribeCounts[`books:${s}`], s === 'BTC-USDT' ? 2 : 1, s);
  assert.equal(run.replay.totals.failures, 0);
});

test('coinbase, dropped frame: the per-connection sequence jumps, so every book on that connection is resynced (the venue cannot tell which product lost data)', async (t) => {
  const syms = ['BTC-USD', 'ETH-USD'];
  const run = await record(t, { venue: 'coinbase', files: ['cryptofeed/COINBASE.jsonl.gz'], symbols: syms, keys: syms.map((s) => `l2_data:${s}`), sim: ['--fault', 'drop:symbol=ETH-USD,after=100'], after: counted('subscribeCounts', syms.map((s) => `l2_data:${s}`)) });
  if (!run) return;
  for (const s of syms) {
    assert.equal(run.stats.subscribeCounts[`l2_data:${s}`], 2, s);
    assert.equal(inst(run, s).gaps, 1, `${s}: the jump, as replay sees it from the data`);
    assert.equal(inst(run, s).resyncs, 1);
  }
  assert.equal(gaps(run).length, 0, 'no marker: the sequence jump in the stream already is the Gap on replay');
  assert.equal(run.replay.totals.failures, 0);
});

/** Waits until the recorder is back: every book resubscribed on a new connection. */
const resubscribed = (keys: string[]) => async (sim: Sim) =>
  waitFor(async () => {
    const s = await sim.stats();
    return keys.every((k) => (s.subscribeCounts[k] ?? 0) >= 2) && s.clients.some((c) => c.open && keys.every((k) => c.subs.includes(k)));
  }, 'the recorder to reconnect and resubscribe');

for (const [fault, rec, why] of [
  ['disconnect:after=800', [], /closed by the venue \(code 1001: simulated disconnect\)/],
  ['stall:after=800,ms=4000', ['--stale-ms', '1000'], /stale: nothing received for \d+ ms \(limit 1000 ms\)/],
  ['slow-reader:after=800,ms=300', [], /closed by the venue \(code 1008: slow consumer: \d+ frames queued\)/],
] as const) {
  test(`bybit-linear, ${fault.split(':')[0]}: disconnect markers for every symbol of the connection, reconnect with backoff, every book resynced`, async (t) => {
    const run = await record(t, { venue: 'bybit-linear', files: ['cryptofeed/BYBIT.jsonl.gz'], symbols: BYBIT_SYMS, keys: BYBIT_KEYS, sim: ['--fault', fault], rec: ['--depth', '200', ...rec], after: resubscribed(BYBIT_KEYS) });
    if (!run) return;
    const d = markers(run.lines, 'disconnect');
    assert.deepEqual(d.map((m) => m.symbol).sort(), [...BYBIT_SYMS].sort());
    for (const m of d) assert.match(m.reason!, why);
    assert.equal(markers(run.lines, 'connect').length, 2, 'two connections');
    assert.ok(run.metrics.totals.reconnects >= 1);
    for (const s of BYBIT_SYMS) assert.equal(inst(run, s).disconnects, 1, s);
    assert.equal(run.replay.totals.failures, 0);
    if (fault.startsWith('stall') || fault.startsWith('slow')) assert.ok(run.stats.totals.withheld > 0, 'frames the venue withheld are not on disk (and not counted as delivered)');
  });
}
