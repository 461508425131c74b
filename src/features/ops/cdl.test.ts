import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../../../test/helpers/features.ts';
import { CDL_EXACT_MAX, pUp, pUp3 } from './cdl.ts';

test('Cont–de Larrard p_up: boundary values, symmetry, and the discrete Laplace equation it must solve', () => {
  for (let n = 1; n <= 60; n += 7) {
    assert.equal(pUp(0, n), 0); // bid queue empty: the price moves down
    assert.equal(pUp(n, 0), 1); // ask queue empty: up
    assert.ok(Math.abs(pUp(n, n) - 0.5) < 1e-12, `p(${n},${n})`);
  }
  // the embedded jump chain moves one of the two queues by ±1 with probability 1/4 each (λ = μ + θ):
  // p(x, y) = ¼[p(x+1, y) + p(x−1, y) + p(x, y+1) + p(x, y−1)]; with the boundary values above this characterizes p
  for (const [x, y] of [[1, 1], [1, 5], [3, 2], [7, 19], [30, 12], [60, 90], [200, 150]]) {
    const lhs = pUp(x, y);
    const rhs = 0.25 * (pUp(x + 1, y) + pUp(x - 1, y) + pUp(x, y + 1) + pUp(x, y - 1));
    assert.ok(Math.abs(lhs - rhs) < 1e-10, `harmonic at (${x},${y}): ${lhs} vs ${rhs}`);
    assert.ok(Math.abs(pUp(x, y) + pUp(y, x) - 1) < 1e-10, `symmetry at (${x},${y})`);
  }
  // more bids than asks → the ask queue likely depletes first
  assert.ok(pUp(10, 2) > 0.8 && pUp(2, 10) < 0.2);
});

test('p_up agrees with a simulation of the queue race', () => {
  const u = rng(9);
  const trials = 20_000;
  let up = 0;
  for (let t = 0; t < trials; t++) {
    let x = 3;
    let y = 5;
    while (x > 0 && y > 0) {
      const r = u();
      if (r < 0.25) x++;
      else if (r < 0.5) x--;
      else if (r < 0.75) y++;
      else y--;
    }
    if (y === 0) up++;
  }
  const sd = Math.sqrt(0.25 / trials);
  assert.ok(Math.abs(up / trials - pUp(3, 5)) < 4 * sd, `simulated ${up / trials} vs ${pUp(3, 5)}`);
});

test('p_up: the diffusion limit takes over smoothly for very long queues; pUp3 = three pUp calls', () => {
  const x = CDL_EXACT_MAX - 40;
  const y = 500;
  assert.ok(Math.abs(pUp(x, y) - (2 / Math.PI) * Math.atan(x / y)) < 2e-3);
  for (const [a, b] of [[5, 9], [100, 140], [300, 250]]) {
    const p = pUp3(a, b);
    assert.ok(Math.abs(p[0] - pUp(a, b)) < 1e-12 && Math.abs(p[1] - pUp(a + 1, b)) < 1e-12 && Math.abs(p[2] - pUp(a, b + 1)) < 1e-12);
  }
});
