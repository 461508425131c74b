import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binColumns, binJob, binRows, binStride, findBins, jobMappers, MISSING_BIN, runBinBlock, binBlocks } from './binning.ts';
import { HistPool } from './hist-pool.ts';

/** Rows with spread, repeated, missing and infinite values; p = 21 makes a partial last block of 8. */
function data(n: number, p: number, seed: number): Float64Array {
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) {
      const u = Math.sin((i + 1) * 12.9898 + (j + 1) * 78.233 + seed) * 43758.5453;
      const f = u - Math.floor(u);
      x[i * p + j] = j % 5 === 0 ? Math.floor(f * 6) : j % 5 === 1 ? (f < 0.1 ? NaN : f * 1e3) : j % 5 === 2 ? (f < 0.01 ? -Infinity : Math.log(f)) : j % 5 === 3 ? 7 : f - 0.5;
    }
  return x;
}

async function run(threads: number, x: Float64Array, n: number, p: number, vx: Float64Array, nv: number, sampleRows: number) {
  const job = binJob(x, n, p, 63, sampleRows, { x: vx, n: nv }, threads > 1);
  const shared = (len: number) => new SharedArrayBuffer(len);
  const pool = await HistPool.create({ bins: job.bins, stride: job.stride, rows: new Int32Array(shared(n * 4)), g: new Float64Array(shared(n * 8)), h: new Float64Array(shared(n * 8)), binJob: job }, threads);
  try {
    pool.bin();
  } finally {
    await pool.close();
  }
  return { job, mappers: jobMappers(job) };
}

for (const sampleRows of [3000, 700]) {
  test(`parallel binning: 1, 2 and 3 threads give the same cuts and bins as findBins + binRows (sample ${sampleRows} of 3000 rows)`, async () => {
    const n = 3000;
    const p = 21;
    const nv = 500;
    const x = new Float64Array(new SharedArrayBuffer(n * p * 8));
    x.set(data(n, p, 1));
    x[(n - 1) * p + 4] = NaN; // feature 4 missing only in a row the 700-row sample skips (step 3000/700)
    const vx = new Float64Array(new SharedArrayBuffer(nv * p * 8));
    vx.set(data(nv, p, 2));
    assert.equal(binBlocks(p).count, 3);
    const ref = findBins(x, n, p, 63, sampleRows);
    const stride = binStride(p);
    const refBins = new Uint8Array(n * stride);
    binRows(x, p, ref, stride, refBins, 0, n);
    const refCols = binColumns(refBins, n, stride, p);
    const refV = new Uint8Array(nv * stride);
    binRows(vx, p, ref, stride, refV, 0, nv);
    assert.ok(ref[4].hasMissing && ref[1].hasMissing && !ref[0].hasMissing, 'data has features with and without missing values');
    assert.ok(ref[3].trivial && ref[2].nBins > 30, 'constant and spread features');
    for (const threads of [1, 2, 3]) {
      const { job, mappers } = await run(threads, x, n, p, vx, nv, sampleRows);
      assert.equal(mappers.length, p);
      for (let j = 0; j < p; j++) {
        assert.deepEqual(mappers[j].upper, ref[j].upper, `${threads} threads: cuts of feature ${j}`);
        assert.equal(mappers[j].hasMissing, ref[j].hasMissing, `${threads} threads: missing flag of feature ${j}`);
      }
      assert.deepEqual(job.bins, refBins, `${threads} threads: row-major bins`);
      assert.deepEqual(job.binCols, refCols, `${threads} threads: column-major bins`);
      assert.deepEqual(job.vBins, refV, `${threads} threads: validation bins`);
      assert.equal(job.bins[(n - 1) * stride + 4], MISSING_BIN);
    }
  });
}

test('a binning job run block by block in any order gives the same result', () => {
  const n = 400;
  const p = 21;
  const x = data(n, p, 3);
  const a = binJob(x, n, p, 16, n, undefined, false);
  const b = binJob(x, n, p, 16, n, undefined, false);
  for (const k of [0, 1, 2]) runBinBlock(a, k);
  for (const k of [2, 0, 1]) runBinBlock(b, k);
  assert.deepEqual(a.bins, b.bins);
  assert.deepEqual(a.upper, b.upper);
  assert.throws(() => binJob(x, n, p, 256, n, undefined, false), /maxBin must be in 2\.\.255/);
});
