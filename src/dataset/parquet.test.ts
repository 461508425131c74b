import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Frame, FrameBuilder } from '../core/frame.ts';
import { readParquet, writeParquet } from './parquet.ts';

test('a frame round-trips through Parquet exactly, NaN as NULL, ns timestamps as BIGINT, metadata kept', async () => {
  const b = new FrameBuilder(['ts', 'mid', 'fwd_ret_1s']);
  const n = 5000;
  for (let i = 0; i < n; i++) b.push([1723161253937085768 + i * 1e6, 61000 + i * 0.01, i % 7 === 0 ? NaN : Math.sin(i)]);
  const f = b.frame({ venue: 'binance-spot', symbol: 'BTCUSDT', spec_hash: 'abc123' });
  const path = join(mkdtempSync(join(tmpdir(), 'lobkit-pq-')), 'x', 'f.parquet');
  await writeParquet(path, f);
  const g = await readParquet(path);
  assert.deepEqual(g.names, f.names);
  assert.equal(g.n, n);
  assert.deepEqual(g.meta, f.meta);
  for (const name of f.names) assert.deepStrictEqual(g.col(name), f.col(name), name);
  const some = await readParquet(path, 'mid > 61040');
  assert.equal(some.n, n - 4001);
});

test('frame helpers: select, with, slice, take, matrix; mismatched columns are a clear error', () => {
  const f = new Frame(['a', 'b'], [new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6])], 3);
  assert.deepEqual([...f.matrix(['b', 'a'])], [4, 1, 5, 2, 6, 3]);
  assert.deepEqual([...f.slice(1, 3).col('a')], [2, 3]);
  assert.deepEqual([...f.take([2, 0]).col('b')], [6, 4]);
  assert.deepEqual(f.with(['c'], [new Float64Array(3)]).names, ['a', 'b', 'c']);
  assert.throws(() => f.col('z'), /no column "z"/);
  assert.throws(() => new Frame(['a'], [new Float64Array(2)], 3), /has 2 rows, expected 3/);
});
