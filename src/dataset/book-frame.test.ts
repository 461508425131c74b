import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { change } from '../book/test-events.ts';
import type { MarketEvent } from '../core/events.ts';
import { Frame } from '../core/frame.ts';
import { bookFramesFromEvents } from './book-frame.ts';
import { readFrames } from './frames.ts';
import { writeParquet } from './parquet.ts';

const S = 1e9;
const ev = (t: number, p: Parameters<typeof change>[0]) => change({ venue: 'synthetic', symbol: 'X', ts: t * S, ...p });
const gap = (t: number): MarketEvent => ({ type: 'gap', venue: 'synthetic', symbol: 'X', exchTs: t * S, localTs: t * S, reason: 'test', expected: 2, received: 5 });

function events(): MarketEvent[][] {
  return [
    [ev(0, { snapshot: true, bids: [[100, 5], [99, 7]], asks: [[101, 4], [102, 9]] })],
    [ev(1, { bids: [[100, 3]] })],
    [gap(2)],
    [ev(2.5, { bids: [[100, 1]] })], // ignored: the book is invalid until the next snapshot
    [ev(3, { snapshot: true, bids: [[98, 2]], asks: [[99, 1]] })],
    [ev(4.2, { asks: [[99, 6]] })],
  ];
}

test('book frames: a row per update, a valid = 0 row when the book breaks, depth columns level 1 = best', async () => {
  const { frames } = await bookFramesFromEvents(events(), { depth: 2 });
  const f = frames[0];
  assert.deepEqual(Array.from(f.col('ts')), [0, 1, 2, 3, 4.2].map((t) => t * S));
  assert.deepEqual(Array.from(f.col('valid')), [1, 1, 0, 1, 1]);
  assert.deepEqual(Array.from(f.col('bid_size')).slice(0, 2), [5, 3]);
  assert.deepEqual(Array.from(f.col('mid')), [100.5, 100.5, NaN, 98.5, 98.5]);
  assert.deepEqual([f.col('bid_px_2')[0], f.col('bid_sz_2')[0], f.col('ask_px_2')[0], f.col('ask_sz_2')[0]], [99, 7, 102, 9]);
  assert.ok(Number.isNaN(f.col('bid_px_2')[3]), 'one level after the resync');
  assert.deepEqual(Array.from(f.col('warm')), [1, 1, 1, 1, 1], 'nothing to warm up');
  assert.deepEqual({ venue: f.meta.venue, symbol: f.meta.symbol }, { venue: 'synthetic', symbol: 'X' });
});

test('book frames on a time grid: the book as of each grid time, invalid stretches as valid = 0 rows', async () => {
  const { frames } = await bookFramesFromEvents(events(), { sample: S });
  const f = frames[0];
  // grid from 0 s (the snapshot) to 4 s (the last grid time before the last event)
  assert.deepEqual(Array.from(f.col('ts')), [0, 1, 2, 3, 4].map((t) => t * S));
  assert.deepEqual(Array.from(f.col('valid')), [1, 1, 0, 1, 1]);
  assert.deepEqual(Array.from(f.col('bid_size')).slice(0, 2), [5, 3], 'the 1 s update is in the 1 s row');
  assert.equal(f.col('ask_size')[4], 1, 'the 4.2 s update is not in the 4 s row');
});

test('reading Parquet frames: parts of one instrument concatenated in time; overlaps and mixed feature specs refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-frames-'));
  const part = (a: number, b: number, hash = 'h1') => new Frame(['ts', 'x'], [Float64Array.from({ length: b - a }, (_, i) => (a + i) * S), new Float64Array(b - a)], b - a, { venue: 'v', symbol: 'X', spec_hash: hash });
  await writeParquet(join(dir, 'ok', 'venue=v/symbol=X/date=2024-01-02/part-0.parquet'), part(10, 20));
  await writeParquet(join(dir, 'ok', 'venue=v/symbol=X/date=2024-01-01/part-0.parquet'), part(0, 10));
  const [one] = await readFrames([join(dir, 'ok')]);
  assert.equal(one.frame.n, 20);
  assert.deepEqual(Array.from(one.frame.col('ts')).slice(8, 12), [8, 9, 10, 11].map((t) => t * S));
  await writeParquet(join(dir, 'overlap', 'a.parquet'), part(0, 10));
  await writeParquet(join(dir, 'overlap', 'b.parquet'), part(5, 15));
  await assert.rejects(() => readFrames([join(dir, 'overlap')]), /b\.parquet: rows overlap in time with .*a\.parquet/);
  await writeParquet(join(dir, 'mixed', 'a.parquet'), part(0, 10));
  await writeParquet(join(dir, 'mixed', 'b.parquet'), part(10, 20, 'h2'));
  await assert.rejects(() => readFrames([join(dir, 'mixed')]), /feature spec hash h2 differs from h1/);
});
