import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FifoQueue, ProbQueue, logProb, parseQueueSpec, powerProb } from './queue.ts';

const st = () => ({ ahead: 0, cumTrade: 0, behind: null as Set<string> | null });

test('probabilistic queue: a cancel splits between front and back by f(back) / (f(back) + f(front))', () => {
  const q = new ProbQueue('power:2', powerProb(2));
  const o = st();
  q.join(o, 10);
  // level 10 → 40: growth joins the back; then 40 → 30: 10 canceled, front 10, back 30
  q.depth(o, 10, 40, 1);
  assert.equal(o.ahead, 10);
  q.depth(o, 40, 30, 1);
  // p(back) = 900 / (900 + 100) = 0.9 → front loses 0.1 × 10 = 1
  assert.ok(Math.abs(o.ahead - 9) < 1e-12, String(o.ahead));
  // a trade of 4 at the level: the front advances by 4 and the following size decrease of 4 is not counted again
  assert.equal(q.trade(o, 4), 0);
  assert.ok(Math.abs(o.ahead - 5) < 1e-12);
  q.depth(o, 30, 26, 1);
  assert.ok(Math.abs(o.ahead - 5) < 1e-12, 'the decrease was the trade');
  // log queue function, in base units
  const l = new ProbQueue('log', logProb);
  const o2 = st();
  l.join(o2, 100);
  l.depth(o2, 300, 200, 100); // front 1 unit, back 2 units (×100), 1 unit canceled
  const p = Math.log1p(2) / (Math.log1p(2) + Math.log1p(1));
  assert.ok(Math.abs(o2.ahead - (100 - (1 - p) * 100)) < 1e-9);
});

test('the probabilistic estimate is never above the risk-averse one, but is not monotone in the start position', () => {
  const q = new ProbQueue('power:3', powerProb(3));
  for (let front = 0; front <= 10; front++) {
    for (let chg = 1; chg <= 10; chg++) {
      const o = st();
      q.join(o, front);
      q.depth(o, 10, 10 - chg, 1);
      assert.ok(o.ahead <= Math.min(front, 10 - chg) + 1e-12);
    }
  }
  // hftbacktest's estimator: an order further back can come out closer to the front after a big cancel
  const est = (front: number) => {
    const o = st();
    q.join(o, front);
    q.depth(o, 10, 1, 1);
    return o.ahead;
  };
  assert.ok(est(4) > est(5), `est(4) = ${est(4)}, est(5) = ${est(5)}`);
});

test('FIFO: cancels of orders that joined later do not advance the order; earlier ones do', () => {
  const q = new FifoQueue();
  const o = st();
  q.join(o, 10);
  assert.equal(q.message(o, 'add', 'later', 5), 0);
  q.message(o, 'cancel', 'later', 2);
  assert.equal(o.ahead, 10);
  q.message(o, 'delete', 'later', 3);
  assert.equal(o.ahead, 10);
  q.message(o, 'delete', 'old', 4);
  assert.equal(o.ahead, 6);
  q.message(o, 'cancel', 'old2', 1);
  assert.equal(o.ahead, 5);
  assert.equal(q.message(o, 'execute', 'old3', 7), 2, 'executions take the front first');
  assert.equal(o.ahead, 0);
});

test('queue specs', () => {
  assert.equal(parseQueueSpec('risk-averse').name, 'risk-averse');
  assert.equal(parseQueueSpec('power').name, 'power:3');
  assert.equal(parseQueueSpec('power:2').name, 'power:2');
  assert.equal(parseQueueSpec('log').name, 'log');
  assert.equal(parseQueueSpec('fifo').orderLevel, true);
  assert.throws(() => parseQueueSpec('magic'), /unknown model/);
  assert.throws(() => parseQueueSpec('power:-1'), /exponent/);
  assert.throws(() => parseQueueSpec('log:2'), /takes no parameters/);
});
