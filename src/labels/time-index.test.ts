import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelFrameSync } from './label-frame.ts';
import { normalizeLabelSpec } from './spec.ts';
import { midFrame } from './test-frames.ts';
import { asOfRow, backRows, horizonRows, RangeTree } from './time-index.ts';

/** Deterministic pseudo-random numbers (xorshift). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

test('horizonRows / backRows / asOfRow agree with a brute-force scan (ties and gaps in time)', () => {
  const r = rng(7);
  const ts = new Float64Array(500);
  for (let i = 1; i < ts.length; i++) ts[i] = ts[i - 1] + (r() < 0.2 ? 0 : Math.floor(r() * 5));
  for (const h of [0, 1, 3, 10, 1e9]) {
    const f = horizonRows(ts, h);
    const b = backRows(ts, h);
    for (let i = 0; i < ts.length; i++) {
      let want = -1;
      if (ts[i] + h <= ts[ts.length - 1]) for (let j = 0; j < ts.length; j++) if (ts[j] <= ts[i] + h) want = j;
      assert.equal(f[i], want, `forward h=${h} row ${i}`);
      let back = -1;
      for (let j = 0; j < ts.length; j++) if (ts[j] <= ts[i] - h) back = j;
      assert.equal(b[i], back, `backward h=${h} row ${i}`);
      assert.equal(asOfRow(ts, ts[i] + h), ts[i] + h <= ts[ts.length - 1] ? want : ts.length - 1);
    }
  }
});

test('RangeTree max/min/first-reaching match brute force', () => {
  const r = rng(11);
  const v = new Float64Array(300).map(() => Math.round(r() * 50));
  v[17] = NaN;
  const t = new RangeTree(v);
  for (let q = 0; q < 2000; q++) {
    const lo = Math.floor(r() * v.length);
    const hi = lo + Math.floor(r() * (v.length - lo));
    const x = Math.round(r() * 50);
    let mx = -Infinity;
    let mn = Infinity;
    let ge = -1;
    let le = -1;
    for (let i = lo; i <= hi; i++) {
      if (v[i] !== v[i]) continue;
      mx = Math.max(mx, v[i]);
      mn = Math.min(mn, v[i]);
      if (ge < 0 && v[i] >= x) ge = i;
      if (le < 0 && v[i] <= x) le = i;
    }
    assert.equal(t.max(lo, hi), mx);
    assert.equal(t.min(lo, hi), mn);
    assert.equal(t.firstAtLeast(lo, hi, x), ge);
    assert.equal(t.firstAtMost(lo, hi, x), le);
  }
});

test('triple barrier and excursions match a brute-force scan on a random walk', () => {
  const r = rng(3);
  const n = 2000;
  const ts: number[] = [];
  const mid: number[] = [];
  let t = 0;
  let m = 100;
  for (let i = 0; i < n; i++) {
    t += 0.05 + r() * 0.2;
    m *= 1 + (r() - 0.5) * 0.002;
    ts.push(t);
    mid.push(m);
  }
  const spec = normalizeLabelSpec({ horizons: [], tripleBarrier: { horizon: '5s', tp: 2, sl: 1, barrier: { type: 'bps', bps: 25 } }, excursion: { horizons: ['5s'] } });
  const f = labelFrameSync(midFrame(ts, mid), spec).frame;
  const T = f.col('ts');
  const hit = f.col('fwd_tb_5s');
  const mfe = f.col('fwd_mfe_5s');
  const mae = f.col('fwd_mae_5s');
  const hits = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const end = T[i] + 5e9;
    if (end > T[n - 1]) {
      assert.ok(Number.isNaN(hit[i]));
      continue;
    }
    let want = 0;
    let hi = -Infinity;
    let lo = Infinity;
    for (let j = i; j < n && T[j] <= end; j++) {
      hi = Math.max(hi, mid[j]);
      lo = Math.min(lo, mid[j]);
      if (j > i && want === 0) {
        if (mid[j] >= mid[i] * (1 + 50 / 1e4)) want = 1;
        else if (mid[j] <= mid[i] * (1 - 25 / 1e4)) want = -1;
      }
    }
    assert.equal(hit[i], want, `row ${i}`);
    hits[want + 1]++;
    assert.ok(Math.abs(mfe[i] - (hi / mid[i] - 1) * 1e4) < 1e-9);
    assert.ok(Math.abs(mae[i] - (lo / mid[i] - 1) * 1e4) < 1e-9);
  }
  assert.ok(hits.every((c) => c > 50), `all three outcomes occur: ${hits}`);
});
