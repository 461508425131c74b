import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, lobkit } from '../helpers/cli.ts';
import { captureFiles, isMarkerLine, isRestLine, markers, readCapture, startRecorder, startSim, waitDone, waitFor, waitSubscribed } from '../helpers/record.ts';

/**
 * `lobkit venue-sim --source synthetic` serves lobkit's synthetic Binance USD-M market (needs no
 * recording); `lobkit record` records it; `lobkit replay` of the files rebuilds the books with 0
 * integrity failures. A dropped BTCUSDT diff forces a REST resync mid-stream, so the simulator has
 * to answer it from the synthetic book as it stands, not from the market's opening snapshot.
 */
const SPEC = { venue: 'binance-usdm' as const, symbols: ['BTCUSDT', 'ETHUSDT'], hours: 0.02, seed: 7 };

interface Depth {
  lastUpdateId: number;
  bids: [string, string][];
  asks: [string, string][];
}
type Side = Map<number, number>;

/**
 * The synthetic market's own BTCUSDT book after the diff whose `u` is `id`, from the frames
 * regenerated with the same spec and seed, by Binance's documented procedure: diffs that arrive
 * before the REST snapshot are buffered, those it covers (u <= lastUpdateId) dropped.
 */
function syntheticBookAt(frames: { symbol: string; kind: string; frame: string }[], id: number): { bids: Side; asks: Side } {
  const bids: Side = new Map();
  const asks: Side = new Map();
  const apply = (side: Side, levels: [string, string][]): void => {
    for (const [p, q] of levels) {
      if (Number(q) === 0) side.delete(Number(p));
      else side.set(Number(p), Number(q));
    }
  };
  type Diff = { u: number; b: [string, string][]; a: [string, string][] };
  let early: Diff[] | undefined = [];
  for (const f of frames) {
    if (f.symbol !== 'BTCUSDT') continue;
    if (f.kind === 'snapshot') {
      const s = JSON.parse(f.frame) as Depth;
      apply(bids, s.bids);
      apply(asks, s.asks);
      if (s.lastUpdateId === id) return { bids, asks };
      for (const d of early ?? []) {
        if (d.u <= s.lastUpdateId) continue;
        apply(bids, d.b);
        apply(asks, d.a);
        if (d.u === id) return { bids, asks };
      }
      early = undefined;
    } else if (f.kind === 'depth') {
      const d = (JSON.parse(f.frame) as { data: Diff }).data;
      if (early !== undefined) {
        early.push(d);
        continue;
      }
      apply(bids, d.b);
      apply(asks, d.a);
      if (d.u === id) return { bids, asks };
    }
  }
  throw new Error(`no BTCUSDT diff with u=${id} in the synthetic market`);
}

const levels = (side: Side, desc: boolean, n: number): [number, number][] => [...side].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).slice(0, n);

test('venue-sim --source synthetic (Binance USD-M) → record → replay: 0 integrity failures, every delivered frame on disk once, mid-stream REST snapshot = the synthetic book', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'lobkit-rec-synth-'));
  const sim = await startSim(t, 'binance-usdm', ['synthetic'], ['--symbols', SPEC.symbols.join(','), '--hours', String(SPEC.hours), '--seed', String(SPEC.seed), '--fault', 'drop:symbol=BTCUSDT,after=3000']);
  const rec = startRecorder(t, ['--venue', 'binance-usdm', '--symbols', SPEC.symbols.join(','), '--channels', 'book,trades,bbo,funding', '--out', out, '--base-url', sim.url, '--resync-timeout-ms', '600000']);
  await waitSubscribed(sim, ['btcusdt@depth@0ms', 'ethusdt@depth@0ms', 'btcusdt@bookticker', 'btcusdt@trade'], rec);
  await sim.start();
  await waitDone(sim);
  // The resync's REST request may still be on its way when playback ends (the recorder drains its backlog).
  await waitFor(async () => ((await sim.stats()).restCounts.BTCUSDT ?? 0) >= 2, 'the BTCUSDT resync snapshot');
  assert.equal(await rec.stop('SIGTERM'), 0, rec.err);
  const stats = await waitFor(async () => {
    const s = await sim.stats();
    return s.clients.every((c) => !c.open) ? s : undefined;
  }, 'the simulator to see the connection closed');
  assert.equal(stats.error, undefined);
  assert.equal(stats.faults[0].fired, 1);
  assert.deepEqual(captureFiles(out, '.partial'), []);

  // Every delivered frame on disk once: distinct, each one the synthetic market generated, in its
  // order per symbol, and as many as the simulator delivered.
  // The simulator runs the built synth (dist/): regenerate with the same build, so a synth change
  // between builds cannot make the two disagree.
  const synth = (await import(pathToFileURL(join(ROOT, 'dist/synth/index.js')).href)) as typeof import('../../src/synth/index.ts');
  const generated = [...synth.simulateFrames(SPEC)];
  const lines = captureFiles(out).flatMap(readCapture);
  const data = lines.filter((l) => !isMarkerLine(l) && !isRestLine(l) && l.frame.startsWith('{"stream":"')).map((l) => l.frame);
  assert.ok(stats.totals.data > 10_000, `the simulator delivered ${stats.totals.data} frames`);
  assert.equal(data.length, stats.totals.data, 'data frames on disk = data frames delivered');
  assert.equal(lines.filter((l) => !isMarkerLine(l) && !isRestLine(l)).length, stats.totals.data + stats.totals.control, 'and every control frame (acks)');
  assert.equal(new Set(data).size, data.length, 'no frame written twice');
  const wire = generated.filter((f) => f.kind !== 'snapshot');
  const kinds = (fs: string[]): Record<string, number> => {
    const k: Record<string, number> = {};
    for (const f of fs) k[f.slice(11, f.indexOf('"', 11))] = (k[f.slice(11, f.indexOf('"', 11))] ?? 0) + 1;
    return k;
  };
  const want = kinds(wire.map((f) => f.frame));
  want['btcusdt@depth@0ms']--; // the dropped diff
  assert.deepEqual(kinds(data), want, 'every stream of the synthetic market was recorded');
  assert.equal(data.length, wire.length - 1, 'all the synthetic frames but the one the fault dropped');
  for (const sym of ['btcusdt', 'ethusdt']) {
    const want = wire.filter((f) => f.frame.startsWith(`{"stream":"${sym}@`)).map((f) => f.frame);
    const got = data.filter((f) => f.startsWith(`{"stream":"${sym}@`));
    let i = 0;
    for (const f of got) {
      while (i < want.length && want[i] !== f) i++;
      assert.ok(i < want.length, `${sym}: a recorded frame out of the synthetic order: ${f.slice(0, 120)}`);
      i++;
    }
    assert.equal(got.length, want.length - (sym === 'btcusdt' ? 1 : 0), sym);
  }

  // The drop was seen, marked and resynced for BTCUSDT only, from a REST snapshot of the current book.
  assert.deepEqual(markers(lines, 'gap').map((g) => g.symbol), ['BTCUSDT']);
  assert.deepEqual(stats.restCounts, { BTCUSDT: 2, ETHUSDT: 1 });
  assert.equal(lines.filter(isRestLine).length, 3);
  // A Binance REST snapshot does not name its symbol: it is in that symbol's file, in arrival order.
  const btcSnaps = captureFiles(out).filter((f) => f.includes('/btcusdt_')).flatMap(readCapture).filter(isRestLine).map((l) => JSON.parse(l.frame) as Depth);
  assert.equal(btcSnaps.length, 2);
  const opening = JSON.parse(generated.find((f) => f.symbol === 'BTCUSDT' && f.kind === 'snapshot')!.frame) as Depth;
  assert.equal(btcSnaps[0].lastUpdateId, opening.lastUpdateId, 'before playback: the market\'s opening snapshot');
  const btcResync = btcSnaps[1];
  assert.ok(btcResync.lastUpdateId > opening.lastUpdateId, 'the resync snapshot is from later in the market');
  // The resync snapshot is the synthetic book after the last diff played before the request
  // (lastUpdateId = that diff's u), level for level, cut at the requested 1000 levels; the
  // simulator's book is the one its stream builds (opening snapshot, then every diff), so levels
  // deeper than the opening snapshot that no diff has touched are not in it (nor in any client's).
  const book = syntheticBookAt(generated, btcResync.lastUpdateId);
  const bidFloor = Math.min(...opening.bids.map(([p]) => Number(p)));
  const askCeil = Math.max(...opening.asks.map(([p]) => Number(p)));
  const gotBids = btcResync.bids.map(([p, q]): [number, number] => [Number(p), Number(q)]).filter(([p]) => p >= bidFloor);
  const gotAsks = btcResync.asks.map(([p, q]): [number, number] => [Number(p), Number(q)]).filter(([p]) => p <= askCeil);
  const wantBids = levels(book.bids, true, 100_000).filter(([p]) => p >= bidFloor);
  const wantAsks = levels(book.asks, false, 100_000).filter(([p]) => p <= askCeil);
  assert.ok(gotBids.length > 300 && gotAsks.length > 300, `${gotBids.length} bid and ${gotAsks.length} ask levels compared`);
  assert.deepEqual(gotBids, btcResync.bids.length === 1000 ? wantBids.slice(0, gotBids.length) : wantBids, 'bids = the synthetic book after the last diff delivered');
  assert.deepEqual(gotAsks, btcResync.asks.length === 1000 ? wantAsks.slice(0, gotAsks.length) : wantAsks, 'asks = the synthetic book after the last diff delivered');

  // Replay of what was recorded: the books rebuild with 0 integrity failures; BTCUSDT shows the one loss, resynced.
  const r = lobkit(['replay', ...captureFiles(out), '--json', '--allow-gaps']);
  const rj = JSON.parse(r.stdout) as { totals: { failures: number; badLines: number }; instruments: { symbol: string; gaps: number; resyncs: number; failures: number; fundingEvents: number; bbo: { compared: number; mismatched: number } }[] };
  assert.equal(rj.totals.failures, 0);
  assert.equal(rj.totals.badLines, 0);
  assert.deepEqual(rj.instruments.map((i) => i.symbol).sort(), ['BTCUSDT', 'ETHUSDT']);
  for (const i of rj.instruments) {
    assert.ok(i.bbo.compared > 100 && i.bbo.mismatched === 0, `${i.symbol}: every bookTicker matches the rebuilt book (${i.bbo.compared} compared, ${i.bbo.mismatched} mismatched)`);
    assert.ok(i.fundingEvents > 0, `${i.symbol}: markPrice frames recorded`);
  }
  const btc = rj.instruments.find((i) => i.symbol === 'BTCUSDT')!;
  const eth = rj.instruments.find((i) => i.symbol === 'ETHUSDT')!;
  assert.equal(btc.gaps, 1);
  assert.equal(btc.resyncs, 1);
  assert.equal(eth.gaps, 0);
});
