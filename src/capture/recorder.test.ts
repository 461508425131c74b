import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { replayFiles } from '../../test/helpers/replay.ts';
import { VenueSim } from '../venue-sim/server.ts';
import type { SimFrame } from '../venue-sim/source.ts';
import { ManualClock } from './clock.ts';
import { resolveSettings } from './config.ts';
import { Recorder } from './recorder.ts';

/** A small Bybit-like stream: a snapshot and `n` contiguous deltas per symbol. */
function frames(symbols: string[], from: number, n: number, t0: number): SimFrame[] {
  const out: SimFrame[] = [];
  for (let i = from; i < from + n; i++) {
    for (const s of symbols) {
      const u = i + 1;
      const px = (100 + (i % 7)).toFixed(1);
      const data = i === 0 ? { s, b: [['99.0', '5'], [px, '1']], a: [['110.0', '5']], u, seq: u } : { s, b: [[px, String(1 + (i % 3))]], a: [['110.0', String(5 + (i % 2))]], u, seq: u };
      out.push({ ts: t0 + i * 1e6, kind: 'ws', text: JSON.stringify({ topic: `orderbook.50.${s}`, type: i === 0 ? 'snapshot' : 'delta', ts: 1700000000000 + i, data, cts: 1700000000000 + i }), addr: undefined });
    }
  }
  return out;
}

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

test('a live recording across a rotation boundary at UTC midnight: two files in two date folders, every delivered frame once, one continuous book on replay', async (t) => {
  const symbols = ['BTCUSDT', 'ETHUSDT'];
  // Playback pauses between the two halves until the test has moved the recorder's clock past midnight.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let calls = 0;
  const source = async function* (): AsyncGenerator<SimFrame[]> {
    const scan = calls++ === 0;
    yield frames(symbols, 0, 200, 1.7e18);
    if (!scan) await gate;
    yield frames(symbols, 200, 200, 1.7e18);
  };
  const sim = new VenueSim({ venue: 'bybit-linear', port: 0, frames: source, speed: Infinity, start: 'paused' });
  const url = await sim.listen();
  t.after(() => sim.close());
  const out = mkdtempSync(join(tmpdir(), 'lobkit-rotation-'));
  const clock = new ManualClock(Date.parse('2024-08-08T23:59:59.000Z'));
  const settings = resolveSettings({ flags: { venue: 'bybit-linear', symbols, depth: 50, channels: ['book'], out, baseUrl: url, metricsIntervalSeconds: 0 }, env: {}, dotenv: {}, recover: false });
  const rec = new Recorder(settings, { clock });
  t.after(() => rec.stop());
  await rec.start();
  const until = async (cond: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 3000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cond(), `timed out waiting for ${what}`);
  };
  await until(() => sim.stats().clients.some((c) => c.subs.length === 2), 'subscriptions');
  sim.begin();
  // connect marker + 400 frames + the subscription acknowledgement
  await until(() => rec.writer.linesIn === 402, 'the first half on the writer');
  clock.set(Date.parse('2024-08-09T00:00:01.000Z'));
  release();
  await until(() => rec.writer.linesIn === 802, 'the second half on the writer');
  await rec.stop();
  const stats = sim.stats();
  const all = files(out).map((f) => relative(out, f));
  assert.deepEqual(all, ['bybit-linear/2024-08-08/bybit-linear-0_20240808_235000.gz', 'bybit-linear/2024-08-09/bybit-linear-0_20240809_000000.gz']);
  const lines = files(out).map((f) => gunzipSync(readFileSync(f)).toString().trim().split('\n'));
  assert.equal(lines[0].length, 402);
  assert.equal(lines[1].length, 400);
  const frameLines = lines.flat().filter((l) => !l.includes('{"lobkit":'));
  assert.equal(frameLines.length, stats.totals.data + stats.totals.control);
  assert.equal(new Set(frameLines).size, frameLines.length, 'no line written twice');
  // Replay both files: each book is continuous across the boundary.
  const r = await replayFiles(files(out));
  for (const s of symbols) {
    const st = r.get(s, 'bybit-linear');
    assert.equal(st.counts.gaps, 0, s);
    assert.equal(st.bookUpdates, 400, `${s}: every update applied`);
    assert.ok(st.valid);
  }
});
