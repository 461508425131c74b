import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BookChange } from '../core/events.ts';
import { FrameBuilder } from '../core/frame.ts';
import { book, MS, T0 } from '../../test/helpers/features.ts';
import { FeaturePipeline, frameMeta, LiveFeatureRunner } from './pipeline.ts';
import { normalizeSpec } from './spec.ts';

const other = (ev: BookChange): BookChange => ({ ...ev, symbol: 'OTHER' });
const spec = { sampling: { mode: 'time', interval_ms: 100 }, features: [{ op: 'spread' }] };

test('pipeline: one FeatureSet per instrument, rows to each sink; a symbol filter keeps the others out entirely', () => {
  const rows = new Map<string, number>();
  const ev = [book(T0, [[100, 1]], [[101, 1]]), other(book(T0 + 10 * MS, [[50, 1]], [[50.5, 1]])), book(T0 + 250 * MS, [[100, 1]], [[102, 1]]), other(book(T0 + 260 * MS, [[50, 1]], [[51, 1]]))];
  const p = new FeaturePipeline({ spec, sinkFor: (_v, s) => ({ push: () => void rows.set(s, (rows.get(s) ?? 0) + 1) }) });
  for (const e of ev) p.push(e);
  p.finish();
  assert.deepEqual([...rows.entries()].sort(), [['OTHER', 2], ['TEST', 3]]); // grids of their own: OTHER 100, 200 ms; TEST 0, 100, 200 ms
  const q = new FeaturePipeline({ spec, symbols: ['test-venue:test'] });
  for (const e of ev) q.push(e);
  assert.deepEqual(q.instruments().map((i) => i.symbol), ['TEST']);
  assert.equal(q.engine.states.size, 1);
});

test('live runner: tick() emits the time-grid rows of a quiet market without waiting for the next event', () => {
  const got: number[] = [];
  const r = new LiveFeatureRunner({ spec, onRow: (_i, row) => got.push(Math.round((row[0] - T0) / MS)) });
  r.push(book(T0 + 30 * MS, [[100, 1]], [[101, 1]]));
  assert.equal(r.tick(T0 + 350 * MS, T0 + 351 * MS), 3);
  assert.deepEqual(got, [100, 200, 300]);
  r.push(book(T0 + 420 * MS, [[100, 1]], [[101, 1]])); // the 400 ms row is due only after it
  r.push(book(T0 + 510 * MS, [[100, 1]], [[101, 1]]));
  assert.deepEqual(got, [100, 200, 300, 400, 500]);
});

test('frame metadata: venue, symbol, spec hash and the normalized spec', () => {
  const s = normalizeSpec(spec);
  const m = frameMeta('binance-spot', 'BTCUSDT', s);
  assert.equal(m.spec_hash, s.hash);
  assert.equal(normalizeSpec(JSON.parse(m.spec)).hash, s.hash);
  assert.deepEqual(JSON.parse(m.sampling), { mode: 'time', interval_ms: 100, max_gap_ms: 60_000 });
  const b = new FrameBuilder(['ts']);
  b.push([1]);
  assert.equal(b.frame(m).meta.venue, 'binance-spot');
});
