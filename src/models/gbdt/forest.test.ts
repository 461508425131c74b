import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { loadModelFile } from '../import/load.ts';
import { syntheticData } from '../synthetic.ts';
import { Forest } from './forest.ts';
import type { TreeModel } from './model.ts';
import { trainGbdt } from './train.ts';

/** Compiled prediction must equal the array walk bit for bit, on every kind of forest. */
function assertSamePaths(forest: Forest, x: Float64Array, n: number, p: number): void {
  const a = new Float64Array(forest.nGroups);
  const b = new Float64Array(forest.nGroups);
  for (let i = 0; i < n; i++) {
    a.fill(0.25);
    b.fill(0.25);
    forest.addRaw(x, i * p, a, 0);
    forest.walk(x, i * p, b, 0);
    assert.deepEqual(Array.from(a), Array.from(b), `row ${i}`);
  }
}

test('compiled forests predict exactly as the array walk: lobkit binary and multiclass with NaN', async () => {
  const d = syntheticData(3000, 12, { seed: 1, missing: 0.2 });
  const bin = await trainGbdt(d, { rounds: 30, numLeaves: 15 });
  const x = Float64Array.from(d.x, (v, i) => (i % 17 === 0 ? NaN : i % 23 === 0 ? Infinity : v));
  assertSamePaths(bin.model.forest, x, d.n, 12);
  const mc = await trainGbdt(syntheticData(3000, 12, { seed: 2, task: 'multiclass' }), { rounds: 10, numLeaves: 7 });
  assert.equal(mc.model.forest.nGroups, 3);
  assertSamePaths(mc.model.forest, x, d.n, 12);
});

test('compiled forests predict exactly as the array walk: imported XGBoost (float32) and LightGBM (zero as missing)', () => {
  const dir = new URL('../import/fixtures/', import.meta.url);
  const files = readdirSync(dir).filter((f) => /^(xgboost|lightgbm)-.*\.(json|txt)$/.test(f) && !f.endsWith('expected.json'));
  assert.ok(files.length >= 8);
  const x = Float64Array.from({ length: 500 * 5 }, (_, i) => (i % 11 === 0 ? NaN : i % 13 === 0 ? 0 : Math.sin(i * 1.7) * 2));
  for (const f of files) {
    const m = loadModelFile(new URL(f, dir).pathname) as TreeModel;
    assertSamePaths(m.forest, x, 500, 5);
  }
});

test('single-leaf trees and stumps', () => {
  const f = new Forest(
    [
      { feature: [], threshold: [], defaultLeft: [], left: [], right: [], leafValue: [0.5] },
      { feature: [0], threshold: [1], defaultLeft: [true], left: [~0], right: [~1], leafValue: [-1, 2] },
    ],
    [0, 0],
    1,
    'le',
  );
  const out = new Float64Array(1);
  for (const [v, want] of [
    [0, -0.5],
    [1, -0.5],
    [1.5, 2.5],
    [NaN, -0.5],
  ] as const) {
    out[0] = 0;
    f.addRaw([v], 0, out, 0);
    assert.equal(out[0], want, `x=${v}`);
  }
  assert.throws(() => new Forest([{ feature: [0], threshold: [1], defaultLeft: [true], left: [~0], right: [~5], leafValue: [1, 2] }], [0], 1, 'le'), /refers to leaf 5 of 2/);
});
