import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MISSING_BIN } from './binning.ts';
import { CHUNKS, HistPool } from './hist-pool.ts';
import { objectiveFor } from './objective.ts';

test('partition: the stable split of a segment, identical for 1, 2 and 3 threads and for serial and chunked segments', async () => {
  const n = 5000;
  const p = 3;
  const sab = (bytes: number) => new SharedArrayBuffer(bytes);
  const binCols = new Uint8Array(sab(n * p));
  for (let i = 0; i < n * p; i++) binCols[i] = i % 17 === 0 ? MISSING_BIN : (i * 2654435761) % 251;
  // a shuffled, not sorted, segment: rows keep their relative order on each side
  const start0 = Array.from({ length: n }, (_, i) => (i * 7919) % n);
  const cases: [number, number, number, number, boolean][] = [
    [0, n, 1, 120, true],
    [137, 4321, 2, 30, false],
    [10, 10 + CHUNKS + 3, 0, 200, true], // fewer rows than chunks × 2: some chunks hold one row
    [500, 500, 0, 10, false], // empty segment
  ];
  for (const [start, end, feature, bin, defaultLeft] of cases) {
    const seg = start0.slice(start, end);
    const goLeft = (r: number) => {
      const b = binCols[feature * n + r];
      return b === MISSING_BIN ? defaultLeft : b <= bin;
    };
    const want = [...start0.slice(0, start), ...seg.filter(goLeft), ...seg.filter((r) => !goLeft(r)), ...start0.slice(end)];
    const wantMid = start + seg.filter(goLeft).length;
    for (const threads of [1, 2, 3])
      for (const minRows of [1, 1e9]) {
        const rows = new Int32Array(sab(n * 4));
        rows.set(start0);
        const pool = await HistPool.create({ bins: new Uint8Array(sab(n * 4)), stride: 4, rows, g: new Float64Array(sab(n * 8)), h: new Float64Array(sab(n * 8)), binCols }, threads, minRows);
        try {
          const mid = pool.partition(start, end, feature, bin, defaultLeft);
          assert.equal(mid, wantMid, `${threads} threads, min rows ${minRows}: split point`);
          assert.deepEqual(Array.from(rows), want, `${threads} threads, min rows ${minRows}: rows`);
        } finally {
          await pool.close();
        }
      }
  }
});

test('gradients: chunked across 2 and 3 threads equal the objective run on all rows (binary, regression, weighted)', async () => {
  const n = 3001;
  const sab = (len: number) => new Float64Array(new SharedArrayBuffer(len * 8));
  for (const objective of ['binary', 'regression'] as const) {
    const score = sab(n);
    const y = sab(n);
    const w = sab(n);
    for (let i = 0; i < n; i++) {
      score[i] = Math.sin(i * 0.731) * 4;
      y[i] = objective === 'binary' ? i % 3 === 0 ? 1 : 0 : Math.cos(i);
      w[i] = 0.5 + (i % 7) / 3;
    }
    const want = { g: new Float64Array(n), h: new Float64Array(n) };
    objectiveFor(objective, 1).gradients(score, y, w, n, want.g, want.h);
    for (const threads of [1, 2, 3]) {
      const g = sab(n);
      const h = sab(n);
      const pool = await HistPool.create({ bins: new Uint8Array(new SharedArrayBuffer(n * 4)), stride: 4, rows: new Int32Array(new SharedArrayBuffer(n * 4)), g, h, grad: { objective, groups: 1, score, y, w } }, threads, 100);
      try {
        pool.gradients();
      } finally {
        await pool.close();
      }
      assert.deepEqual(g, want.g, `${objective}, ${threads} threads: g`);
      assert.deepEqual(h, want.h, `${objective}, ${threads} threads: h`);
    }
  }
});
