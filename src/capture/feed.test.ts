import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Limiter } from './feed.ts';

test('REST limiter: at most n at once, in order', async () => {
  const l = new Limiter(2);
  let active = 0;
  let peak = 0;
  const order: number[] = [];
  const task = (i: number) => async () => {
    active++;
    peak = Math.max(peak, active);
    await new Promise((r) => setImmediate(r));
    order.push(i);
    active--;
    return i;
  };
  const got = await Promise.all([0, 1, 2, 3, 4].map((i) => l.run(task(i))));
  assert.deepEqual(got, [0, 1, 2, 3, 4]);
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
});

test('REST limiter: at most perMinute started in any minute (venue weight budgets)', async () => {
  let now = 0;
  const l = new Limiter(10, 3, () => now);
  const started: number[] = [];
  const ps = [0, 1, 2, 3, 4].map((i) => l.run(async () => started.push(i)));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2], 'three in the first minute');
  assert.equal(l.waiting, 2);
  now = 60_001;
  // The limiter's own timer would fire about now; nudge it by running another task.
  const extra = l.run(async () => started.push(5));
  await Promise.all([...ps, extra]);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
});
