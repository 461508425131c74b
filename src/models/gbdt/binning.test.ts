import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinMapper, binColumns, binRows, binStride, findBins, MISSING_BIN } from './binning.ts';
import { RadixScratch, radixSortFloat64 } from './radix.ts';

test('every value lands in the bin whose bounds hold it (v ≤ upper[b], v > upper[b−1]); NaN in the missing bin', () => {
  const n = 5000;
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    x[2 * i] = Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453); // spread values
    x[2 * i + 1] = i % 7 === 0 ? NaN : (i % 13) * 0.5;
  }
  const m = findBins(x, n, 2, 32);
  assert.ok(m[0].nBins <= 32 && m[0].nBins >= 30, `quantile bins used: ${m[0].nBins}`);
  assert.equal(m[1].nBins, 13, 'a feature with 13 distinct values gets one bin per value');
  assert.equal(m[1].hasMissing, true);
  assert.equal(m[0].hasMissing, false);
  const stride = binStride(2);
  assert.equal(stride, 4);
  const out = new Uint8Array(n * stride);
  binRows(x, 2, m, stride, out, 0, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < 2; j++) {
      const v = x[i * 2 + j];
      const b: number = out[i * stride + j];
      if (v !== v) {
        assert.equal(b, MISSING_BIN);
        continue;
      }
      assert.equal(b, m[j].bin(v), 'branchless search agrees with binary search');
      assert.ok(v <= m[j].upper[b], `v ${v} ≤ upper[${b}]`);
      if (b > 0) assert.ok(v > m[j].upper[b - 1], `v ${v} > upper[${b - 1}]`);
    }
});

test('a heavily repeated value gets a bin of its own and bins are roughly equally filled', () => {
  const vals: number[] = [];
  for (let i = 0; i < 4000; i++) vals.push(0); // 40% zeros
  for (let i = 0; i < 6000; i++) vals.push(1 + i / 6000);
  const m = BinMapper.fromSorted(Float64Array.from(vals).sort(), false, 10);
  const b0 = m.bin(0);
  assert.equal(m.bin(1), b0 + 1, 'zero is alone in its bin');
  const counts = new Array<number>(m.nBins).fill(0);
  for (const v of vals) counts[m.bin(v)]++;
  assert.equal(counts[b0], 4000);
  assert.equal(m.nBins, 10, 'all 10 bins used');
  for (let b = b0 + 1; b < m.nBins; b++) assert.ok(counts[b] >= 600 && counts[b] <= 750, `bin ${b} holds ${counts[b]} (6000 rows over 9 bins)`);
  // a heavy run in the middle also gets its own bin
  const mid = Float64Array.from([...Array.from({ length: 3000 }, (_, i) => i / 3000), ...new Array<number>(3000).fill(5), ...Array.from({ length: 3000 }, (_, i) => 6 + i / 3000)]);
  const mm = BinMapper.fromSorted(mid, false, 9);
  const c5 = mid.filter((v) => mm.bin(v) === mm.bin(5)).length;
  assert.equal(c5, 3000);
});

test('constant and empty features are trivial; +/-Infinity bin at the ends; JSON round trip', () => {
  const c = BinMapper.fromSorted(Float64Array.of(3, 3, 3), false, 255);
  assert.equal(c.trivial, true);
  const e = BinMapper.fromSorted(new Float64Array(0), true, 255);
  assert.equal(e.trivial, false, 'missing-only feature can still split missing vs not');
  const m = BinMapper.fromSorted(Float64Array.of(1, 2, 3, 4), false, 255);
  assert.equal(m.bin(-Infinity), 0);
  assert.equal(m.bin(Infinity), m.nBins - 1);
  assert.deepEqual(BinMapper.fromJSON(JSON.parse(JSON.stringify(m.toJSON()))).upper, m.upper);
  assert.throws(() => BinMapper.fromSorted(Float64Array.of(1), false, 256), /maxBin must be in 2\.\.255/);
});

test('adjacent floats still get a cut that separates them', () => {
  const a = 1;
  const b = 1 + Number.EPSILON;
  const m = BinMapper.fromSorted(Float64Array.of(a, b), false, 255);
  assert.equal(m.nBins, 2);
  assert.equal(m.bin(a), 0);
  assert.equal(m.bin(b), 1);
});

test('radix sort orders doubles exactly as the comparison sort (signs, zeros, infinities, subnormals)', () => {
  const r = Array.from({ length: 10000 }, (_, i) => {
    const k = i % 9;
    return k === 0 ? -0 : k === 1 ? 0 : k === 2 ? Infinity : k === 3 ? -Infinity : k === 4 ? 5e-324 * (i % 5) : k === 5 ? -Math.sin(i) * 1e300 : Math.sin(i * 7.3) * 10 ** (i % 20 - 10);
  });
  const a = Float64Array.from(r);
  const want = a.slice().sort();
  const got = radixSortFloat64(a);
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]) || (got[i] === 0 && want[i] === 0), `index ${i}: ${got[i]} vs ${want[i]}`);
  assert.equal(a[0], -0, 'input untouched');
});

test('column-major copy holds the same bins', () => {
  const n = 1000;
  const p = 5;
  const x = Float64Array.from({ length: n * p }, (_, i) => Math.sin(i * 0.37) * 100);
  const m = findBins(x, n, p, 64);
  const stride = binStride(p);
  const rowsMajor = new Uint8Array(n * stride);
  binRows(x, p, m, stride, rowsMajor, 0, n);
  const cols = binColumns(rowsMajor, n, stride, p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) assert.equal(cols[j * n + i], rowsMajor[i * stride + j]);
});

test('a feature has a missing bin when any row is NaN, sampled for the bounds or not', () => {
  const n = 1000;
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) x.set([i, -i], 2 * i);
  x[2 * 5] = NaN; // row 5 is not among the 100 evenly spaced sample rows (0, 10, 20, ...)
  const sampled = findBins(x, n, 2, 16, 100);
  assert.equal(sampled[0].hasMissing, true);
  assert.equal(sampled[1].hasMissing, false);
  const all = findBins(x, n, 2, 16, n);
  assert.equal(all[0].hasMissing, true);
  assert.equal(all[1].hasMissing, false);
});

test('radix sort: runs of equal high words (values differing only in low mantissa bits) are fully ordered, with or without scratch', () => {
  const n = 20000;
  const a = new Float64Array(n);
  const w = new Uint32Array(a.buffer);
  for (let i = 0; i < n; i++) {
    w[2 * i + 1] = [0x3ff00000, 0xbff00000, 0x40000000][i % 3]; // 1.x, −1.x, 2.x with a zero top mantissa
    w[2 * i] = Math.imul(i, 2654435761) >>> 0; // scrambled low words
  }
  a[7] = 5; // a few lone values between the runs
  a[8] = -0;
  a[9] = 0;
  const want = a.slice().sort();
  const scratch = new RadixScratch();
  // a scratch result is a view valid until the next sort: each is checked before the next call
  for (const sort of [() => radixSortFloat64(a), () => radixSortFloat64(a, scratch), () => radixSortFloat64(a.subarray(1), scratch)]) {
    const got = sort();
    const ref = got.length === n ? want : a.subarray(1).slice().sort();
    for (let i = 0; i < ref.length; i++) assert.ok(Object.is(got[i], ref[i]), `index ${i}: ${got[i]} vs ${ref[i]}`);
  }
});
