import assert from 'node:assert/strict';
import { test } from 'node:test';
import { last, midPath, run } from '../../../test/helpers/features.ts';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

// One mid change per 1 s bar: bar k closes at c[k] (and opens at c[k − 1]).
const C = [100, 101, 103, 102, 104, 101, 102];
const ev = midPath([...C.map((c, k) => [k * 1000 + 500, c] as [number, number]), [7200, 102]]);
const spec = (op: Record<string, unknown>) => ({ sampling: { mode: 'time', interval_ms: 1000 }, features: [{ bar_ms: 1000, ...op }] });

test('RSI (Wilder, period 3) by hand', () => {
  const f = run(spec({ op: 'rsi', period: 3 }), ev);
  // changes +1 +2 −1 +2 −3 +1; seed avg gain 1, loss 1/3; then gain 4/3, 8/9, 25/27 and loss 2/9, 31/27, 62/81
  const rs = 25 / 27 / (62 / 81);
  close(last(f, 'rsi_3_1s'), 100 - 100 / (1 + rs));
  close(f.col('rsi_3_1s')[4], 100 - 100 / (1 + 4 / 3 / (2 / 9))); // after the 4th change (bar 4 closes at 5 s: row 4, rows start at 1 s)
});

test('EMA deviations, MACD and its histogram, with SMA-seeded EMAs', () => {
  const f = run(spec({ op: 'ema', periods: [3], fast: 2, slow: 3, signal: 2 }), ev);
  const ema = (xs: number[], n: number) => {
    const out: number[] = [];
    let e = NaN;
    xs.forEach((x, i) => {
      if (i === n - 1) e = xs.slice(0, n).reduce((a, b) => a + b) / n;
      else if (i >= n) e += (2 / (n + 1)) * (x - e);
      out.push(e);
    });
    return out;
  };
  const e3 = ema(C, 3);
  const e2 = ema(C, 2);
  close(last(f, 'ema_3_dev_bps_1s'), ((102 - e3[6]) / e3[6]) * 1e4);
  const macd = C.map((_, i) => ((e2[i] - e3[i]) / e3[i]) * 1e4).slice(2);
  const sig = ema(macd, 2);
  close(last(f, 'ema_macd_bps_1s'), macd[macd.length - 1]);
  close(last(f, 'ema_macd_hist_bps_1s'), macd[macd.length - 1] - sig[sig.length - 1]);
});

test('ATR (Wilder, period 2) and Bollinger (3, k = 2) by hand', () => {
  const f = run({ sampling: { mode: 'time', interval_ms: 1000 }, features: [{ op: 'atr', bar_ms: 1000, period: 2 }, { op: 'bollinger', bar_ms: 1000, period: 3, k: 2 }] }, ev);
  // one move per bar: TR_k = |c_k − c_{k−1}| = 1, 2, 1, 2, 3, 1 → seed (1 + 2)/2, then (a + TR)/2
  let atr = 1.5;
  for (const tr of [1, 2, 3, 1]) atr = (atr * 1 + tr) / 2;
  close(last(f, 'atr_2_bps_1s'), (atr / 102) * 1e4);
  const w = [104, 101, 102];
  const m = w.reduce((a, b) => a + b) / 3;
  const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / 3);
  close(last(f, 'bb_width_1s'), (4 * sd) / m);
  close(last(f, 'bb_pctb_1s'), (102 - (m - 2 * sd)) / (4 * sd));
});
