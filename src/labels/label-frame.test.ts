import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelFrameSync, LABEL_END } from './label-frame.ts';
import { normalizeLabelSpec } from './spec.ts';
import { midFrame } from './test-frames.ts';

const S = 1e9;
const bps = (a: number, b: number) => (b / a - 1) * 1e4;
const close = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${msg ?? ''}: ${a} != ${b}`);

// rows every second; mids chosen so each label's outcome can be worked out by hand
const MID = [100, 101, 102, 101, 99, 100, 103, 103, 104, 100];
const T = MID.map((_, i) => i);

test('time returns use the quote prevailing at ts + h; NaN past the data; end time ts + h', () => {
  const l = labelFrameSync(midFrame(T, MID), normalizeLabelSpec({ horizons: ['2s'] }));
  const r = l.frame.col('fwd_ret_2s');
  close(r[0], 200, 'row 0: 100 -> 102');
  close(r[7], bps(103, 100), 'row 7: 103 -> 100');
  assert.ok(Number.isNaN(r[8]) && Number.isNaN(r[9]), 'rows 8, 9: the window runs past the last row');
  const end = l.frame.col('fwd_end_ts_2s');
  assert.equal(end[0], 2 * S);
  assert.ok(Number.isNaN(end[8]));
  assert.deepEqual(l.labels, ['fwd_ret_2s']);
  assert.equal(l.endOf.fwd_ret_2s, 'fwd_end_ts_2s');
  // irregular rows: the last row at or before ts + h
  const g = labelFrameSync(midFrame([0, 1, 1.5, 4], [100, 110, 120, 130]), normalizeLabelSpec({ horizons: ['2s'] })).frame.col('fwd_ret_2s');
  close(g[0], 2000, 'row 0: last row <= 2 s is row 2 (120)');
  close(g[1], bps(110, 120), 'row 1: last row <= 3 s is row 2');
  close(g[2], 0, 'row 2: nothing new before 3.5 s');
  assert.ok(Number.isNaN(g[3]));
});

test('an invalid row inside a window makes the label NaN (a gap hides what happened)', () => {
  const r = labelFrameSync(midFrame(T, MID, { invalid: [4] }), normalizeLabelSpec({ horizons: ['2s'] })).frame.col('fwd_ret_2s');
  close(r[0], 200);
  close(r[1], bps(101, 101));
  for (const i of [2, 3, 4]) assert.ok(Number.isNaN(r[i]), `row ${i} window holds row 4`);
  close(r[5], bps(100, 103));
});

test('event returns, and 3-class direction with fixed-bps and k×spread thresholds', () => {
  const spec = normalizeLabelSpec({ horizons: ['1s'], eventHorizons: [3], direction: { threshold: { type: 'bps', bps: 60 } } });
  const f = labelFrameSync(midFrame(T, MID), spec).frame;
  close(f.col('fwd_ret_3ev')[0], 100, 'row 0 -> row 3: 100 -> 101');
  assert.equal(f.col('fwd_end_ts_3ev')[0], 3 * S);
  // 1 s returns: +100, +99, -98, -198, +101, +300, 0, +97, -385 bps
  assert.deepEqual(Array.from(f.col('fwd_dir_1s')), [1, 1, -1, -1, 1, 1, 0, 1, -1, NaN]);
  // k × spread: spread = 1 / mid, so 1.5 × spread ≈ 150 bps: only -198, +300 and -385 pass
  const s2 = normalizeLabelSpec({ horizons: ['1s'], direction: { threshold: { type: 'spread', k: 1.5 } } });
  assert.deepEqual(Array.from(labelFrameSync(midFrame(T, MID), s2).frame.col('fwd_dir_1s')), [0, 0, 0, -1, 0, 1, 0, 0, -1, NaN]);
});

test('volatility-scaled threshold uses only the past: k × rolling std of backward returns', () => {
  const n = 400;
  const mid = Array.from({ length: n }, (_, i) => 100 * Math.exp(0.001 * Math.sin(i * 0.7) + 0.0005 * ((i * 7919) % 13)));
  const t = mid.map((_, i) => i);
  const spec = normalizeLabelSpec({ horizons: ['1s'], direction: { threshold: { type: 'vol', k: 1, window: 50 } } });
  const f = labelFrameSync(midFrame(t, mid), spec).frame;
  const dir = f.col('fwd_dir_1s');
  const ret = f.col('fwd_ret_1s');
  // reference: std over the 50 backward 1 s returns ending at row i (sample std)
  for (const i of [60, 123, 250, 398]) {
    const back: number[] = [];
    for (let j = i - 49; j <= i; j++) back.push(bps(mid[j - 1], mid[j]));
    const m = back.reduce((a, b) => a + b, 0) / back.length;
    const sd = Math.sqrt(back.reduce((a, b) => a + (b - m) ** 2, 0) / (back.length - 1));
    assert.equal(dir[i], ret[i] > sd ? 1 : ret[i] < -sd ? -1 : 0, `row ${i}`);
  }
  assert.ok(Number.isNaN(dir[10]), 'no threshold before half a window of history');
  // changing the future does not change the threshold of earlier rows (backward-looking only)
  const mid2 = [...mid];
  for (let j = 200; j < n; j++) mid2[j] *= 1.05 + 0.01 * (j % 3);
  const f2 = labelFrameSync(midFrame(t, mid2), spec).frame;
  for (let i = 0; i < 199; i++) assert.ok(Object.is(f2.col('fwd_dir_1s')[i], dir[i]), `row ${i}`);
});

test('DeepLOB smoothed label: mean of the next k mids against the previous k (current included)', () => {
  const f = labelFrameSync(midFrame(T, MID), normalizeLabelSpec({ horizons: [], smoothed: { k: [2], threshold: { type: 'bps', bps: 50 } } })).frame;
  const r = f.col('fwd_sret_2ev');
  assert.ok(Number.isNaN(r[0]), 'row 0 has no previous k');
  close(r[1], bps((100 + 101) / 2, (102 + 101) / 2));
  close(r[4], bps((101 + 99) / 2, (100 + 103) / 2));
  assert.ok(Number.isNaN(r[8]));
  assert.equal(f.col('fwd_sdir_2ev')[1], 1);
  assert.equal(f.col('fwd_end_ts_s2ev')[1], 3 * S);
});

test('triple barrier: first touch wins, exit return and end time; timeout ends at ts + h', () => {
  const mid = [100, 100.5, 101.2, 100, 99, 100, 100.2, 99.9, 100.1, 100];
  const spec = normalizeLabelSpec({ horizons: [], tripleBarrier: { horizon: '3s', tp: 1, sl: 1.5, barrier: { type: 'bps', bps: 100 } } });
  const f = labelFrameSync(midFrame(T, mid), spec).frame;
  const hit = f.col('fwd_tb_3s');
  const ret = f.col('fwd_tb_ret_3s');
  const end = f.col('fwd_end_ts_tb_3s');
  // row 0: take-profit at 101 first reached by row 2 (101.2)
  assert.equal(hit[0], 1);
  close(ret[0], bps(100, 101.2));
  assert.equal(end[0], 2 * S);
  // row 2 (101.2): stop-loss at 101.2 × 0.985 = 99.682, row 4 (99) touches it before any take-profit
  assert.equal(hit[2], -1);
  close(ret[2], bps(101.2, 99));
  assert.equal(end[2], 4 * S);
  // row 5 (100): rows 6..8 stay within (98.5, 101): timeout, exit at the horizon's quote
  assert.equal(hit[5], 0);
  close(ret[5], bps(100, 100.1));
  assert.equal(end[5], 8 * S);
  assert.ok(Number.isNaN(hit[7]), 'window past the data');
});

test('MFE / MAE of a long within the horizon', () => {
  const f = labelFrameSync(midFrame(T, MID), normalizeLabelSpec({ horizons: [], excursion: { horizons: ['3s'] } })).frame;
  close(f.col('fwd_mfe_3s')[0], 200);
  close(f.col('fwd_mae_3s')[0], 0);
  close(f.col('fwd_mfe_3s')[3], bps(101, 103));
  close(f.col('fwd_mae_3s')[3], bps(101, 99));
});

test('every label column is fwd_*, fwd_end_ts is the max of the end columns, spec stored in metadata', () => {
  const spec = normalizeLabelSpec({ horizons: ['1s', '3s'], eventHorizons: [2], direction: {}, smoothed: { k: [2] }, tripleBarrier: { horizon: '3s', barrier: { type: 'bps', bps: 50 } }, excursion: { horizons: ['2s'] } });
  const l = labelFrameSync(midFrame(T, MID), spec);
  for (const name of [...l.labels, ...l.endColumns]) assert.ok(name.startsWith('fwd_'), name);
  const all = l.frame.col(LABEL_END);
  for (let i = 0; i < l.frame.n; i++) {
    let m = NaN;
    for (const e of l.endColumns.slice(0, -1)) {
      const v = l.frame.col(e)[i];
      if (v === v && !(m >= v)) m = v;
    }
    assert.ok(Object.is(all[i], m), `row ${i}`);
  }
  assert.equal(all[0], 3 * S);
  assert.equal(l.frame.meta.label_spec_hash, l.specHash);
  assert.throws(() => labelFrameSync(l.frame, spec), /already holds label columns/);
  assert.throws(() => labelFrameSync(midFrame([0, 2, 1], [1, 1, 1]), spec), /not in time order: row 2/);
  assert.throws(() => labelFrameSync(midFrame(T, MID), normalizeLabelSpec({ maker: { horizon: '5s', fees: 0 } })), /need the market events/);
});
