import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASK } from '../core/events.ts';
import { Backtest } from '../sim/engine.ts';
import { parseFeeSpec } from '../sim/fees.ts';
import { ConstantLatency } from '../sim/latency.ts';
import { parseQueueSpec } from '../sim/queue.ts';
import { MS, T0, Tape } from '../sim/test-market.ts';
import { MakerStrategy } from './maker.ts';
import { Params } from './params.ts';

function run(tape: Tape, params: string) {
  const s = MakerStrategy.fromParams(Params.parse([params], 'maker'));
  const bt = new Backtest(s, { latency: new ConstantLatency(1 * MS, 1 * MS), queue: parseQueueSpec('risk-averse'), fees: parseFeeSpec('zero') });
  for (const ev of tape.events) bt.onEvent(ev);
  bt.finish();
  return { s, bt, orders: bt.orders.map((o) => ({ side: o.req.side, price: o.req.price, size: o.req.size, tif: o.req.tif, sent: Math.round((o.sentTs - T0) / 1e3) / 1e3, status: o.status })) };
}

test('maker quotes around the microprice, post-only, never crossing', () => {
  // micro = (100·9 + 102·1) / 10 = 100.2 → bid floor(99.7) = 99, ask ceil(100.7) = 101
  const tape = new Tape().snapshot(0, [[100, 1]], [[102, 9]]).delta(50, [[100, 2]]);
  const { orders } = run(tape, 'size=2,max_position=10');
  assert.deepEqual(orders.slice(0, 2), [
    { side: 0, price: 99, size: 2, tif: 'post_only', sent: 0, status: 'open' },
    { side: 1, price: 101, size: 2, tif: 'post_only', sent: 0, status: 'open' },
  ]);
  // a microprice hugging the ask: the bid still stays below the ask
  const t2 = new Tape().snapshot(0, [[100, 100]], [[101, 1]]).delta(50, [[100, 99]]);
  const r2 = run(t2, 'size=1,half_spread=0,max_position=10');
  assert.ok(r2.orders.every((o) => (o.side === 0 ? o.price <= 100 : o.price >= 101)), JSON.stringify(r2.orders));
});

test('maker requotes when the fair price moves, and stops buying at its inventory limit', () => {
  const tape = new Tape()
    .snapshot(0, [[100, 5]], [[102, 5]]) // micro 101 → bid 100, ask 102
    .trade(10, 100, 7, ASK) // our bid (2, behind 5) fills
    .delta(10, [[100, 0], [99, 5]]) // micro 100.5 → ask 101: replace
    .delta(20, [[99, 5]], [[102, 5]])
    .delta(30, [[99, 5]], [[102, 1]]) // micro 101.5 → ask 102: replace
    .delta(40, [[99, 6]]); // micro 101.57 → ask 103
  const { orders, bt } = run(tape, 'size=2,max_position=2,skew=0');
  assert.equal(bt.instruments[0].ledger.position.toString(), '2');
  const bids = orders.filter((o) => o.side === 0);
  assert.equal(bids.length, 1, 'no bid after reaching the limit: ' + JSON.stringify(orders));
  const asks = orders.filter((o) => o.side === 1);
  assert.deepEqual(
    asks.map((o) => [o.price, o.status]),
    [
      [102, 'canceled'],
      [101, 'canceled'],
      [103, 'open'],
    ],
    'ask replaced after the move (cancel confirmed, then the new quote)',
  );
});
