import assert from 'node:assert/strict';
import { test } from 'node:test';
import { book, MS, run, T0 } from '../../test/helpers/features.ts';
import { DeepLobWindow, deepLobTensors } from './deeplob.ts';
import { FeaturePipeline } from './pipeline.ts';

// Books with 3 bid and 2 ask levels: the third ask level is missing (padded neutrally).
const ev = [1, 2, 3, 4, 5].map((k) =>
  book(
    T0 + k * MS,
    [
      [100, k],
      [99, 2 * k],
      [98, 1],
    ],
    [
      [101, 10 - k],
      [102, 3],
    ],
  ),
);
const spec = { sampling: { mode: 'event' }, features: [{ op: 'lob_snapshot', levels: 3, size_window: 3, min_rows: 2 }] };

test('lob_snapshot: prices in bps from the mid, sizes z-scored over past rows only, missing levels 0', () => {
  const f = run(spec, ev);
  assert.deepEqual(f.names.slice(9, 13), ['lob_ask_p_1', 'lob_ask_v_1', 'lob_bid_p_1', 'lob_bid_v_1']);
  const mid = 100.5;
  assert.ok(Math.abs(f.col('lob_ask_p_1')[0] - (101 / mid - 1) * 1e4) < 1e-9);
  assert.ok(Math.abs(f.col('lob_bid_p_2')[0] - (99 / mid - 1) * 1e4) < 1e-9);
  // bid size at level 1 is k = 1..5: z over the last 3 rows including the current one
  const z = (xs: number[], x: number) => {
    const m = xs.reduce((a, b) => a + b) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    return (x - m) / sd;
  };
  assert.ok(Math.abs(f.col('lob_bid_v_1')[4] - z([3, 4, 5], 5)) < 1e-12);
  assert.ok(Math.abs(f.col('lob_bid_v_1')[1] - z([1, 2], 2)) < 1e-12); // only the past is used early on
  assert.deepEqual([f.col('lob_ask_p_3')[2], f.col('lob_ask_v_3')[2]], [0, 0]);
  assert.deepEqual(Array.from(f.col('warm')), [0, 1, 1, 1, 1]);
});

test('DeepLOB tensors: T × levels × 4 windows ending at each sample row, and the live window gives the same numbers', () => {
  const f = run(spec, ev);
  const t = deepLobTensors(f, { T: 2, levels: 3 });
  assert.equal(t.n, 4);
  assert.deepEqual(Array.from(t.rows), [1, 2, 3, 4]);
  assert.equal(t.data.length, 4 * 2 * 3 * 4);
  // sample 3 (ends at row 4), t = 0 is row 3, level 1 channel bid_v (3)
  assert.equal(t.data[((3 * 2 + 0) * 3 + 0) * 4 + 3], Math.fround(f.col('lob_bid_v_1')[3]));
  const padded = deepLobTensors(f, { T: 3, levels: 3, pad: true });
  assert.equal(padded.n, 5);
  assert.ok(padded.data.subarray(0, 2 * 12).every((v) => v === 0)); // sample 0: two missing rows before row 0
  // live: the same rows pushed one by one
  let w: DeepLobWindow | undefined;
  const out = new Float32Array(2 * 12);
  const p = new FeaturePipeline({
    spec,
    onRow: (i, row) => {
      w ??= DeepLobWindow.forNames(i.set.names, 2, 3);
      w.push(row);
    },
  });
  for (let k = 0; k < ev.length; k++) {
    p.push(ev[k]);
    if (k >= 1) {
      w!.copyTo(out);
      assert.deepEqual(Array.from(out), Array.from(t.data.subarray((k - 1) * 24, k * 24)), `window at row ${k}`);
    }
  }
  assert.throws(() => deepLobTensors(f, { T: 2, levels: 4 }), /no column "lob_ask_p_4"/);
});
