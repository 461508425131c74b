import assert from 'node:assert/strict';
import { test } from 'node:test';
import { book, col, MS, run, T0, trade } from '../../../test/helpers/features.ts';
import { LeeReady, RULE_NONE, RULE_QUOTE, RULE_TICK } from '../trade-sign.ts';

test('Lee–Ready: quote rule off the mid, tick rule at the mid (zero ticks inherit), unclassified without history', () => {
  const lr = new LeeReady();
  const c = (p: number, mid: number) => (lr.classify(p, mid), [lr.sign, lr.rule]);
  assert.deepEqual(c(100, 100), [0, RULE_NONE]); // first trade, at the mid: no prior price
  assert.deepEqual(c(101, 100.5), [1, RULE_QUOTE]); // above the mid
  assert.deepEqual(c(100, 100.5), [-1, RULE_QUOTE]); // below the mid
  assert.deepEqual(c(100.5, 100.5), [1, RULE_TICK]); // at the mid, uptick from 100
  assert.deepEqual(c(100.5, 100.5), [1, RULE_TICK]); // zero tick after an uptick: zero-uptick → buy
  assert.deepEqual(c(100.2, 100.2), [-1, RULE_TICK]); // downtick
  assert.deepEqual(c(100.2, NaN), [-1, RULE_TICK]); // no quote: tick rule (zero-downtick)
});

test('trade flow: signed volume and imbalance over a window, signs from the aggressor flag', () => {
  const ev = [book(T0, [[100, 1]], [[101, 1]]), trade(T0 + 1 * MS, 101, 2, 1), trade(T0 + 2 * MS, 100, 0.5, -1), trade(T0 + 3 * MS, 101, 1, 1), trade(T0 + 1500 * MS, 101, 1, 1)];
  const f = run({ sampling: { mode: 'trade' }, features: [{ op: 'trade_flow', windows_ms: [1000] }] }, ev);
  assert.deepEqual(col(f, 'flow_signed_vol_1s'), [2, 1.5, 2.5, 1]);
  assert.deepEqual(col(f, 'flow_imb_1s'), [1, 1.5 / 2.5, 2.5 / 3.5, 1]);
});

test('trade_sign: lee_ready ignores the venue flag; missing flags fall back to Lee–Ready', () => {
  const ev = [book(T0, [[100, 1]], [[101, 1]]), trade(T0 + 1 * MS, 101, 2, -1), trade(T0 + 2 * MS, 100, 1, 0)];
  const lr = run({ sampling: { mode: 'trade' }, trade_sign: 'lee_ready', features: [{ op: 'trade_flow', windows_ms: [1000] }] }, ev);
  assert.deepEqual(col(lr, 'flow_signed_vol_1s'), [2, 1]); // 101 > mid: buy; 100 < mid: sell
  const ag = run({ sampling: { mode: 'trade' }, features: [{ op: 'trade_flow', windows_ms: [1000] }] }, ev);
  assert.deepEqual(col(ag, 'flow_signed_vol_1s'), [-2, -3]); // flag says sell; no flag → LR sell
});

test('CVD and its divergence from the mid', () => {
  const ev = [
    book(T0, [[100, 1]], [[101, 1]]),
    trade(T0 + 100 * MS, 101, 3, 1),
    book(T0 + 200 * MS, [[99, 1]], [[100, 1]]), // mid falls 100.5 → 99.5 while CVD rises: +1
    trade(T0 + 1500 * MS, 99, 5, -1),
    book(T0 + 1600 * MS, [[99.5, 1]], [[100.5, 1]]), // over the last 1 s: mid up 99.5 → 100, CVD down: −1
  ];
  const f = run({ sampling: { mode: 'event' }, features: [{ op: 'cvd', windows_ms: [1000] }] }, ev);
  assert.deepEqual(col(f, 'cvd'), [0, 3, -2]);
  // row 0 has no mid 1 s back; row 1 (t = 200 ms): mid 1 s back unknown too
  assert.deepEqual(col(f, 'cvd_div_1s'), [NaN, NaN, -1]);
  const g = run({ sampling: { mode: 'time', interval_ms: 100 }, features: [{ op: 'cvd', windows_ms: [150] }] }, ev.slice(0, 3).concat(book(T0 + 400 * MS, [[99, 1]], [[100, 1]])));
  // at t = 300 ms: 150 ms back (t = 150 ms) the mid was 100.5, now 99.5; CVD then 3, now 3 (unchanged): 0
  // at t = 200 ms: 150 ms back (50 ms) mid 100.5, CVD 0 → now 99.5 and 3: bullish divergence +1
  const ts = col(g, 'ts').map((t) => Math.round((t - T0) / MS));
  const div = col(g, 'cvd_div_150ms');
  assert.equal(div[ts.indexOf(200)], 1);
  assert.equal(div[ts.indexOf(300)], 0);
});

test('Lee–Ready monitoring: rule counts, agreement with the venue flag, LR-signed volume', () => {
  const ev = [
    book(T0, [[100, 1]], [[101, 1]]),
    trade(T0 + 1 * MS, 101, 1, 1), // quote rule buy, agrees
    trade(T0 + 2 * MS, 100, 2, 1), // quote rule sell, venue says buy: disagrees
    trade(T0 + 3 * MS, 100.5, 4, 0), // at the mid: tick rule (uptick from 100) buy; no venue flag
  ];
  const f = run({ sampling: { mode: 'trade' }, features: [{ op: 'lee_ready', windows_ms: [1000] }] }, ev);
  assert.deepEqual(col(f, 'lr_quote_n_1s'), [1, 2, 2]);
  assert.deepEqual(col(f, 'lr_tick_n_1s'), [0, 0, 1]);
  assert.deepEqual(col(f, 'lr_none_n_1s'), [0, 0, 0]);
  assert.deepEqual(col(f, 'lr_agree_1s'), [1, 0.5, 0.5]);
  assert.deepEqual(col(f, 'lr_signed_vol_1s'), [1, -1, 3]);
});
