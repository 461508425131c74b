import assert from 'node:assert/strict';
import { test } from 'node:test';
import { book, last, MS, run, T0, trade } from '../../../test/helpers/features.ts';
import { pUp } from './cdl.ts';

test('queue_model: λ, μ, θ from queue changes and trades; outputs from the model formulas', () => {
  const ev = [
    book(T0, [[100, 10]], [[101, 10]]),
    book(T0 + 100 * MS, [[100, 14]], [[101, 10]]), // +4 at the bid: limit arrivals
    trade(T0 + 200 * MS, 100, 3, -1), // sell market order of 3 against the bid
    book(T0 + 300 * MS, [[100, 9]], [[101, 10]]), // −5 at the bid: 3 executed, 2 cancelled
  ];
  const f = run({ sampling: { mode: 'event' }, features: [{ op: 'queue_model', tau_ms: 1000, min_unit_obs: 1, cap_s: 600 }] }, ev);
  const mass = 1 - Math.exp(-0.3); // kernel mass observed from t0 = 0 to t = 0.3 s (τ = 1 s)
  const lam = (4 * Math.exp(-0.2)) / mass;
  const mu = (3 * Math.exp(-0.1)) / mass;
  const th = 2 / mass;
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
  close(last(f, 'cdl_lambda_bid'), lam);
  close(last(f, 'cdl_mu_bid'), mu);
  close(last(f, 'cdl_theta_bid'), th);
  assert.equal(last(f, 'cdl_lambda_ask'), 0);
  const alpha = 1 - 2 ** (-1 / 200);
  const unit = 4 + alpha * (5 - 4); // EWMA of |Δq| over 4 and 5
  const xb = Math.round(9 / unit);
  const xa = Math.round(10 / unit);
  close(last(f, 'cdl_p_up'), pUp(xb, xa));
  close(last(f, 'cdl_fill_bid'), 1 - pUp(xb + 1, xa));
  close(last(f, 'cdl_fill_ask'), pUp(xb, xa + 1));
  const depB = 9 / (mu + th - lam);
  close(last(f, 'cdl_t_deplete_bid'), depB);
  assert.equal(last(f, 'cdl_t_deplete_ask'), 600); // no flow at the ask: capped
  const fillB = 9 / (mu + th) + unit / mu;
  close(last(f, 'cdl_t_fill_bid'), fillB);
  assert.equal(last(f, 'cdl_t_fill_ask'), 600);
  const move = 1 / (1 / depB + 1 / 600);
  close(last(f, 'cdl_t_move'), move);
  close(last(f, 'cdl_health_bid'), (lam - mu - th) / (lam + mu + th));
  assert.equal(last(f, 'cdl_health_ask'), 0);
  close(last(f, 'cdl_adverse_bid'), fillB / (fillB + move));
  assert.equal(last(f, 'warm'), 0); // τ = 1 s not yet observed
});
