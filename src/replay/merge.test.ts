import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Gap, MarketEvent } from '../core/events.ts';
import { mergeByTime } from './merge.ts';

/** An event tagged with its stream and position: `symbol` = "s<stream>.<i>". */
const ev = (ts: number, tag: string): Gap => ({ type: 'gap', venue: 'v', symbol: tag, exchTs: ts, localTs: ts, reason: '', expected: NaN, received: NaN });

async function* stream(id: number, batches: number[][], closed?: number[]): AsyncGenerator<MarketEvent[]> {
  let i = 0;
  try {
    for (const b of batches) yield b.map((ts) => ev(ts, `s${id}.${i++}`));
  } finally {
    closed?.push(id);
  }
}

async function merged(streams: AsyncGenerator<MarketEvent[]>[]): Promise<{ tags: string[]; ts: number[]; batches: number[] }> {
  const tags: string[] = [];
  const ts: number[] = [];
  const batches: number[] = [];
  for await (const b of mergeByTime(streams)) {
    batches.push(b.length);
    for (const e of b) {
      tags.push(e.symbol);
      ts.push(e.localTs);
    }
  }
  return { tags, ts, batches };
}

test('k-way merge by localTs across batch boundaries', async () => {
  const r = await merged([stream(0, [[1, 4], [7, 10]]), stream(1, [[2], [3, 8]]), stream(2, [[5, 6, 9]])]);
  assert.deepEqual(r.ts, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(r.tags, ['s0.0', 's1.0', 's1.1', 's0.1', 's2.0', 's2.1', 's0.2', 's1.2', 's2.2', 's0.3']);
});

test('ties keep stream order, and each stream keeps its own order', async () => {
  const r = await merged([stream(0, [[5, 5]]), stream(1, [[5], [5]]), stream(2, [[1, 5]])]);
  assert.deepEqual(r.tags, ['s2.0', 's0.0', 's0.1', 's1.0', 's1.1', 's2.1']);
});

test('a stream that steps back in time is taken in its own order', async () => {
  const r = await merged([stream(0, [[10, 2, 3]]), stream(1, [[5]])]);
  assert.deepEqual(r.tags, ['s1.0', 's0.0', 's0.1', 's0.2']);
});

test('empty streams, no streams, and empty batches after the first', async () => {
  assert.deepEqual((await merged([])).tags, []);
  assert.deepEqual((await merged([stream(0, []), stream(1, [])])).tags, []);
  const r = await merged([stream(0, []), stream(1, [[1], [], [], [3]]), stream(2, [[2]])]);
  assert.deepEqual(r.tags, ['s1.0', 's2.0', 's1.1']);
});

test('interleaved output is cut into batches once 4096 events have collected', async () => {
  const big = Array.from({ length: 5000 }, (_, i) => 2 * i);
  const r = await merged([stream(0, [big]), stream(1, [big.map((x) => x + 1)])]);
  assert.deepEqual(r.batches, [4096, 4096, 1808]);
  assert.deepEqual(r.ts, Array.from({ length: 10000 }, (_, i) => i));
});

// Regressions: an empty first batch; early exit closes the inputs.
test('a stream whose FIRST batch is empty', async () => {
  const r = await merged([stream(0, [[], [2]]), stream(1, [[1]])]);
  assert.deepEqual(r.tags, ['s1.0', 's0.0']);
});

test('stopping early closes the input streams', async () => {
  const closed: number[] = [];
  const big = Array.from({ length: 5000 }, (_, i) => i);
  for await (const b of mergeByTime([stream(0, [big], closed), stream(1, [big], closed)])) {
    assert.equal(b.length, 4096);
    break;
  }
  assert.deepEqual(closed.sort(), [0, 1]);
});
