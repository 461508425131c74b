import assert from 'node:assert/strict';
import { test } from 'node:test';
import { book, last, run, T0 } from '../../../test/helpers/features.ts';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

// bids 100×2, 99×3, 98×5; asks 101×1, 102×4, 103×6; mid 100.5
const B = book(T0, [[100, 2], [99, 3], [98, 5]], [[101, 1], [102, 4], [103, 6]]);

function rows(features: unknown[]) {
  return run({ sampling: { mode: 'event' }, features }, [B]);
}

test('depth within X bps of the mid, inverse-distance depth, book slope', () => {
  const f = rows([{ op: 'depth_within', bps: [60, 200] }, { op: 'idw_depth', levels: 3, scale_bps: 100 }, { op: 'book_slope', levels: 3 }]);
  // 60 bps: bids ≥ 99.897 → 100×2; asks ≤ 101.103 → 101×1
  assert.equal(last(f, 'depth_bid_60bps'), 2);
  assert.equal(last(f, 'depth_ask_60bps'), 1);
  close(last(f, 'depth_imb_60bps'), 1 / 3);
  // 200 bps: bids ≥ 98.49 → 2 + 3; asks ≤ 102.51 → 1 + 4
  assert.equal(last(f, 'depth_bid_200bps'), 5);
  assert.equal(last(f, 'depth_ask_200bps'), 5);
  assert.equal(last(f, 'depth_imb_200bps'), 0);
  const d = (p: number) => (Math.abs(p - 100.5) / 100.5) * 1e4;
  const idwB = 2 / (1 + d(100) / 100) + 3 / (1 + d(99) / 100) + 5 / (1 + d(98) / 100);
  const idwA = 1 / (1 + d(101) / 100) + 4 / (1 + d(102) / 100) + 6 / (1 + d(103) / 100);
  close(last(f, 'idw_bid'), idwB);
  close(last(f, 'idw_ask'), idwA);
  close(last(f, 'idw_imb'), (idwB - idwA) / (idwB + idwA));
  // slope: OLS of cumulative depth on distance (bps), per side
  const slope = (xs: number[], ys: number[]) => {
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    let num = 0;
    let den = 0;
    xs.forEach((x, i) => ((num += (x - mx) * (ys[i] - my)), (den += (x - mx) ** 2)));
    return num / den;
  };
  const sb = slope([d(100), d(99), d(98)], [2, 5, 10]);
  const sa = slope([d(101), d(102), d(103)], [1, 5, 11]);
  close(last(f, 'slope_bid'), sb);
  close(last(f, 'slope_ask'), sa);
  close(last(f, 'slope_log_ratio'), Math.log(sb / sa));
});

test('VWAP slippage by walking the book, NaN when the book cannot fill', () => {
  const f = rows([{ op: 'slippage', amounts: [150, 10_000] }, { op: 'slippage', name: 'slipq', amounts: [1.5], units: 'size' }]);
  // buy 150 notional: 1 @ 101 (101), then 49/102 @ 102 → VWAP = 150 / (1 + 49/102)
  close(last(f, 'slip_buy_150'), (150 / (1 + 49 / 102) / 100.5 - 1) * 1e4);
  // sell 150 notional: 1.5 @ 100
  close(last(f, 'slip_sell_150'), (1 - 100 / 100.5) * 1e4);
  assert.equal(last(f, 'slip_buy_10k'), NaN);
  // 1.5 units: buy 1 @ 101 + 0.5 @ 102
  close(last(f, 'slipq_buy_1p5'), ((101 + 51) / 1.5 / 100.5 - 1) * 1e4);
  close(last(f, 'slipq_sell_1p5'), (1 - 100 / 100.5) * 1e4);
});

test('depth within X bps on a deeper book: band edges found inside the level arrays, nested bands, whole book', () => {
  // bids 100, 99.9, …, 99.0 with sizes 1..11; asks 100.2, 100.3, …, 101.2 with sizes 2, 4, …, 22; mid 100.1
  const bids: [number, number][] = Array.from({ length: 11 }, (_, i) => [Math.round((100 - 0.1 * i) * 10) / 10, i + 1]);
  const asks: [number, number][] = Array.from({ length: 11 }, (_, i) => [Math.round((100.2 + 0.1 * i) * 10) / 10, 2 * (i + 1)]);
  const f = run({ sampling: { mode: 'event' }, features: [{ op: 'depth_within', bps: [5, 50, 1000] }] }, [book(T0, bids, asks)]);
  // 5 bps: bids ≥ 100.04995 → none; asks ≤ 100.15005 → none
  assert.equal(last(f, 'depth_bid_5bps'), 0);
  assert.equal(last(f, 'depth_ask_5bps'), 0);
  assert.equal(last(f, 'depth_imb_5bps'), 0);
  // 50 bps: bids ≥ 99.5995 → 100 … 99.6 (1+2+3+4+5); asks ≤ 100.6005 → 100.2 … 100.6 (2+4+6+8+10)
  assert.equal(last(f, 'depth_bid_50bps'), 15);
  assert.equal(last(f, 'depth_ask_50bps'), 30);
  // 1000 bps: every level
  assert.equal(last(f, 'depth_bid_1kbps'), 66);
  assert.equal(last(f, 'depth_ask_1kbps'), 132);
  close(last(f, 'depth_imb_1kbps'), (66 - 132) / (66 + 132));
});
