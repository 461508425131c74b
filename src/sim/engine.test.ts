import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASK, BID, type MarketEvent } from '../core/events.ts';
import type { OrderLevelMsg } from './order-level.ts';
import type { OrderUpdate } from '../strategy/api.ts';
import type { BacktestConfig } from './engine.ts';
import { parseFeeSpec } from './fees.ts';
import { Fixed } from './fixed.ts';
import { ConstantLatency } from './latency.ts';
import { RiskAverseQueue, parseQueueSpec, type QueueModel } from './queue.ts';
import { backtestEvents } from './run.ts';
import { MS, ScriptStrategy, T0, Tape, limit, market } from './test-market.ts';
import { Backtest, markOf } from './engine.ts';

function cfg(entryMs = 1, respMs = 1, queue = 'risk-averse'): BacktestConfig {
  return { latency: new ConstantLatency(entryMs * MS, respMs * MS), queue: parseQueueSpec(queue), fees: parseFeeSpec('maker=-1bp,taker=5bp') };
}

/** Runs the tape and returns the strategy, the backtest and its result. */
function run(tape: Tape, strat: ScriptStrategy, c = cfg()) {
  const bt = new Backtest(strat, c);
  for (const ev of tape.events) bt.onEvent(ev);
  bt.finish();
  return bt;
}

const kinds = (us: OrderUpdate[]) => us.map((u) => u.kind);
const ms = (ns: number) => Math.round((ns - T0) / 1e3) / 1e3; // T0 + x ms is exact only to 256 ns

test('a resting bid fills once the volume ahead of it has traded (exact time, price, fee, ledger)', () => {
  const tape = new Tape()
    .snapshot(0, [[100, 5]], [[101, 5]])
    .trade(10, 100, 3, ASK)
    .delta(10, [[100, 2]])
    .delta(15, [[100, 6]]) // orders joining behind us
    .trade(20, 100, 4, ASK)
    .delta(20, [[100, 2]]);
  const s = new ScriptStrategy([{ at: 1, run: (x, ids) => ids.push(x.submit(limit(tape, BID, 100, 2))) }]);
  const bt = run(tape, s);
  assert.deepEqual(kinds(s.updates), ['accepted', 'fill']);
  const f = s.updates[1] as Extract<OrderUpdate, { kind: 'fill' }>;
  assert.equal(ms(f.exchTs), 20, 'fills on the trade at 20 ms (3 traded of 5 ahead at 10 ms: not yet)');
  assert.equal(ms(f.ts), 21, 'heard 1 ms later');
  assert.equal(ms(s.updates[0].ts), 3, 'accepted: sent 1 ms, at the venue 2 ms, heard 3 ms');
  assert.deepEqual([f.price, f.size, f.liquidity, f.done], [100, 2, 'maker', true]);
  assert.equal(f.fee, -0.02, '1 bp rebate on 200');
  const l = bt.instruments[0].ledger;
  assert.equal(l.position.toString(), '2');
  assert.equal(l.cash.value.toString(), '-199.98');
  assert.equal(l.fees.value.toString(), '-0.02');
  const mark = markOf(bt.instruments[0])!;
  assert.equal(mark.toString(), '100.5');
  assert.equal(l.unrealized(mark).toString(), '1');
  assert.equal(l.equity(mark).toString(), '1.02');
  assert.equal(s.exec.order(s.ids[0])!.status, 'filled');
  assert.deepEqual(s.exec.position('sim', 'TEST'), { qty: 2, sizeDecimals: 0 });
});

test('a resting bid that must not fill: too little traded at its price, then the level empties and prices move up', () => {
  const tape = new Tape()
    .snapshot(0, [[100, 5]], [[101, 5]])
    .trade(10, 100, 3, ASK)
    .delta(10, [[100, 2]])
    .trade(20, 100, 1, ASK) // 2 ahead → 1 ahead
    .delta(20, [[100, 1]])
    .trade(30, 101, 4, BID) // buyers lift asks: nothing to do with our bid
    .delta(30, [], [[101, 1]])
    .delta(40, [[100, 0]], [[101, 0], [102, 3]]);
  const s = new ScriptStrategy([{ at: 1, run: (x, ids) => ids.push(x.submit(limit(tape, BID, 100, 2))) }]);
  const bt = run(tape, s);
  assert.deepEqual(kinds(s.updates), ['accepted']);
  assert.equal(bt.instruments[0].ledger.fills, 0);
  assert.equal(s.exec.order(s.ids[0])!.status, 'open');
  assert.equal(bt.instruments[0].resting.length, 1);
  assert.equal(bt.instruments[0].resting[0].ahead, 0, 'the level emptied: nothing ahead any more');
});

test('partial fills: each trade fills what passes the front of the queue', () => {
  const tape = new Tape()
    .snapshot(0, [[100, 5]], [[101, 5]])
    .trade(10, 100, 6, ASK) // 5 ahead, 1 reaches us
    .delta(10, [[100, 2]])
    .trade(20, 100, 1, ASK)
    .trade(30, 100, 5, ASK);
  const s = new ScriptStrategy([
    { at: 1, run: (x, ids) => ids.push(x.submit(limit(tape, BID, 100, 3))) },
    {
      at: 15,
      run: (x, ids) => {
        const o = x.order(ids[0])!;
        assert.equal(o.status, 'open');
        assert.equal(o.filled, 1);
      },
    },
  ]);
  const bt = run(tape, s);
  const fills = s.updates.filter((u) => u.kind === 'fill') as Extract<OrderUpdate, { kind: 'fill' }>[];
  assert.deepEqual(
    fills.map((f) => [ms(f.exchTs), f.size, f.done]),
    [
      [10, 1, false],
      [20, 1, false],
      [30, 1, true],
    ],
  );
  assert.equal(bt.instruments[0].ledger.position.toString(), '3');
  assert.equal(s.exec.order(s.ids[0])!.status, 'filled');
});

test('a cancel racing a fill: with 5 ms latency the fill wins (cancel rejected), with 1 ms the cancel wins', () => {
  const tape = () =>
    new Tape()
      .snapshot(0, [[100, 5]], [[101, 5]])
      .trade(22, 100, 6, ASK)
      .delta(22, [[100, 0]]);
  const script = (t: Tape) =>
    new ScriptStrategy([
      { at: 1, run: (x, ids) => ids.push(x.submit(limit(t, BID, 100, 1))) },
      { at: 20, run: (x, ids) => x.cancel(ids[0]) },
    ]);
  const t1 = tape();
  const slow = script(t1);
  run(t1, slow, cfg(5, 5));
  assert.deepEqual(kinds(slow.updates), ['accepted', 'fill', 'cancel_rejected']);
  assert.equal((slow.updates[2] as { reason: string }).reason, 'already filled');
  assert.deepEqual(
    slow.updates.map((u) => ms(u.ts)),
    [11, 27, 30],
    'accepted at 6+5; filled at 22, heard 27; cancel reached the venue at 25, answer heard at 30',
  );
  assert.equal(slow.exec.order(slow.ids[0])!.status, 'filled');

  const t2 = tape();
  const fast = script(t2);
  const bt = run(t2, fast, cfg(1, 1));
  assert.deepEqual(kinds(fast.updates), ['accepted', 'canceled']);
  assert.equal(ms(fast.updates[1].exchTs), 21);
  assert.equal(bt.instruments[0].ledger.fills, 0);
  assert.equal(fast.exec.order(fast.ids[0])!.status, 'canceled');
});

test('market orders walk the book with slippage; liquidity taken is not taken twice until the data changes', () => {
  const tape = new Tape()
    .snapshot(0, [[99, 5]], [
      [101, 1],
      [102, 2],
      [103, 5],
    ])
    .delta(10, [], [[103, 6]])
    .delta(11, [[99, 5]])
    .delta(20, [[99, 6]]);
  const s = new ScriptStrategy([
    {
      at: 1,
      run: (x, ids) => {
        ids.push(x.submit(market(tape, BID, 4)));
        ids.push(x.submit(market(tape, BID, 5)));
      },
    },
    { at: 12, run: (x, ids) => ids.push(x.submit(market(tape, BID, 3))) },
  ]);
  const bt = run(tape, s);
  const byOrder = (id: number) => s.updates.filter((u) => u.orderId === id).map((u) => (u.kind === 'fill' ? `${u.size}@${u.price}` : u.kind));
  assert.deepEqual(byOrder(s.ids[0]), ['accepted', '1@101', '2@102', '1@103']);
  assert.deepEqual(byOrder(s.ids[1]), ['accepted', '4@103', 'expired'], 'only 4 left at 103 after the first order');
  assert.deepEqual(byOrder(s.ids[2]), ['accepted', '3@103'], 'the level changed to 6 at 10 ms: the data is the truth again');
  const l = bt.instruments[0].ledger;
  assert.equal(l.position.toString(), '11');
  // notional 101 + 204 + 103 + 412 + 309 = 1129, taker 5 bp
  assert.equal(l.fees.value.toString(), '0.5645');
  assert.equal(l.cash.value.toString(), '-1129.5645');
  const o = bt.orders[0];
  assert.equal(o.takerQty, 4);
  assert.equal(o.fillNotional / o.fillQty, 102);
});

test('a bid inside the spread fills when asks come down to it; post-only orders that would cross are rejected', () => {
  const tape = new Tape('TEST', 1)
    .snapshot(0, [[1000, 5]], [[1010, 5]])
    .delta(10, [], [[1005, 3]])
    .delta(20, [], [[1005, 1]])
    .delta(30, [], [[1005, 4]]);
  const s = new ScriptStrategy([
    {
      at: 1,
      run: (x, ids) => {
        ids.push(x.submit(limit(tape, BID, 1005, 5)));
        ids.push(x.submit(limit(tape, BID, 1010, 1, 'post_only')));
      },
    },
  ]);
  const bt = run(tape, s);
  const fills = s.updates.filter((u) => u.kind === 'fill') as Extract<OrderUpdate, { kind: 'fill' }>[];
  assert.deepEqual(
    fills.map((f) => [ms(f.exchTs), f.size, f.price, f.liquidity]),
    [
      [10, 3, 1005, 'maker'],
      [30, 2, 1005, 'maker'],
    ],
    '3 arrive at 10 ms; shrinking to 1 adds nothing; growing to 4 brings 3 new, 2 needed',
  );
  const rej = s.updates.find((u) => u.kind === 'rejected') as { reason: string };
  assert.equal(rej.reason, 'post-only order would take liquidity');
  assert.equal(bt.instruments[0].ledger.position.toString(), '5');
  assert.equal(bt.instruments[0].ledger.cash.value.toString(), '-502.44975', '5 × 100.5 less a 1 bp rebate');
});

test('funding: a long position pays −position · mark · rate at the announced funding time', () => {
  const tape = new Tape()
    .snapshot(0, [[100, 5]], [[101, 5]])
    .funding(5, 100.5, 0.0001, 10)
    .delta(9, [[100, 6]])
    .delta(12, [[100, 7]]);
  const s = new ScriptStrategy([{ at: 1, run: (x) => x.submit(market(tape, BID, 2)) }]);
  const bt = run(tape, s);
  const l = bt.instruments[0].ledger;
  assert.equal(l.funding.value.toString(), '-0.0201');
  assert.equal(l.cash.value.toString(), new Fixed(-202n, 0).sub(Fixed.parse('0.101')).sub(Fixed.parse('0.0201')).toString());
  assert.equal(bt.instruments[0].fundingPayments, 1);
});

test('modify: a smaller size keeps queue priority, a larger one goes to the back', () => {
  const base = () =>
    new Tape()
      .snapshot(0, [[100, 5]], [[101, 5]])
      .trade(5, 100, 3, ASK)
      .delta(5, [[100, 2]])
      .delta(6, [[100, 10]])
      .trade(20, 100, 2, ASK)
      .trade(30, 100, 1, ASK);
  const t1 = base();
  const keep = new ScriptStrategy([
    { at: 1, run: (x, ids) => ids.push(x.submit(limit(t1, BID, 100, 2))) },
    { at: 8, run: (x, ids) => x.modify(ids[0], 100, 1) },
  ]);
  run(t1, keep);
  assert.deepEqual(kinds(keep.updates), ['accepted', 'modified', 'fill']);
  const f = keep.updates[2] as Extract<OrderUpdate, { kind: 'fill' }>;
  assert.deepEqual([ms(f.exchTs), f.size, f.done], [30, 1, true], '2 ahead after the first trade; the 2 traded at 20 ms clear them');

  const t2 = base();
  const grow = new ScriptStrategy([
    { at: 1, run: (x, ids) => ids.push(x.submit(limit(t2, BID, 100, 2))) },
    { at: 8, run: (x, ids) => x.modify(ids[0], 100, 3) },
  ]);
  const bt = run(t2, grow);
  assert.deepEqual(kinds(grow.updates), ['accepted', 'modified'], 'behind the 10 now at the level: no fill');
  assert.equal(bt.instruments[0].resting[0].ahead, 7);
});

test('timeline: the strategy sees each event at its local time, never before the venue has it', () => {
  const tape = new Tape('TEST', 0, 0, 'sim', 3 * MS).snapshot(0, [[100, 5]], [[101, 5]]).delta(10, [[100, 4]]).trade(12, 101, 1, BID);
  const s = new ScriptStrategy([]);
  run(tape, s);
  assert.deepEqual(
    s.seen.map((e) => [e.type, ms(e.ts)]),
    [
      ['book_change', 3],
      ['book_change', 13],
      ['trade', 15],
    ],
  );
  assert.equal(s.seen[1].bestBid, 100);
});

test('the strategy\'s book lags the venue\'s by the feed latency', () => {
  // 5 ms feed latency; a timer at 12 ms must see the book as of 7 ms and earlier
  const tape = new Tape('TEST', 0, 0, 'sim', 5 * MS).snapshot(0, [[100, 5]], [[102, 5]]).delta(6, [[101, 1]]).delta(10, [[101, 0]]).delta(30, [[99, 1]]);
  let seenAt12 = NaN;
  let seenAt16 = NaN;
  const s = new ScriptStrategy([
    { at: 12, run: () => (seenAt12 = s.seen[s.seen.length - 1].bestBid) },
    { at: 16, run: () => (seenAt16 = s.seen[s.seen.length - 1].bestBid) },
  ]);
  run(tape, s);
  assert.equal(seenAt12, 101, 'the delta at 6 ms arrived at 11 ms');
  assert.equal(seenAt16, 100, 'the removal at 10 ms arrived at 15 ms');
});

test('orders on an instrument without a valid book are rejected; bad requests throw', () => {
  const tape = new Tape().snapshot(0, [[100, 5]], [[101, 5]]).delta(10, [[100, 4]]);
  const s = new ScriptStrategy([
    {
      at: 1,
      run: (x, ids) => {
        ids.push(x.submit({ ...limit(tape, BID, 100, 1), symbol: 'OTHER' }));
        assert.throws(() => x.submit({ ...limit(tape, BID, 100, 0) }), /size must be a positive scaled integer/);
        assert.throws(() => x.submit({ ...limit(tape, BID, 100.5, 1) }), /price must be a positive scaled integer/);
        ids.push(x.submit({ ...limit(tape, BID, 1005, 1), priceDecimals: 1 }));
      },
    },
  ]);
  run(tape, s);
  const reasons = s.updates.filter((u) => u.kind === 'rejected').map((u) => (u as { reason: string }).reason);
  assert.deepEqual(reasons, ['no valid two-sided book at the venue', "price has 1 decimals; the instrument's prices have 0"]);
});

test('inverse contracts are refused with a clear message', () => {
  const tape = new Tape('BTCUSD_PERP', 1, 0, 'binance-coinm').snapshot(0, [[600000, 5]], [[600001, 5]]).delta(10, [[600000, 4]]);
  const s = new ScriptStrategy([{ at: 1, run: (x) => x.submit(limit(tape, BID, 600000, 1)) }]);
  assert.throws(() => run(tape, s), /inverse contract/);
});

test('backtestEvents returns a summary whose ledger agrees with the fills', () => {
  const tape = new Tape()
    .snapshot(0, [[100, 5]], [[101, 5]])
    .trade(10, 100, 6, ASK)
    .delta(1500, [[100, 3]])
    .delta(2500, [[100, 4]], [[102, 2]]);
  const s = new ScriptStrategy([{ at: 1, run: (x) => x.submit(limit(tape, BID, 100, 1)) }]);
  const r = backtestEvents(tape.events, s, cfg());
  assert.equal(r.summary.fills.count, 1);
  assert.equal(r.fills.n, 1);
  assert.equal(r.fills.col('price')[0], 100);
  assert.equal(r.summary.instruments[0].exact.position, '1');
  // bought at 100 with the mid at 100.5 a second later: +50 bps
  assert.equal(r.fills.col('markout_bps_1s')[0], 50);
  assert.equal(r.summary.byTimeToFill[0].fills, 1);
  assert.equal(r.orders.n, 1);
  assert.equal(r.orders.col('status')[0], 2);
  assert.ok(r.equity.n >= 2);
});

test('RiskAverseQueue only advances on trades', () => {
  const q: QueueModel = new RiskAverseQueue();
  const o = { ahead: 0, cumTrade: 0, behind: null };
  q.join(o, 10);
  q.depth(o, 10, 7, 1);
  assert.equal(o.ahead, 7, 'capped by the level');
  q.depth(o, 7, 20, 1);
  assert.equal(o.ahead, 7);
  assert.equal(q.trade(o, 5), 0);
  assert.equal(o.ahead, 2);
  assert.equal(q.trade(o, 5), 3);
  assert.equal(o.ahead, 0);
});

test('FIFO from order-level messages credits a cancel ahead of the order; risk-averse cannot', () => {
  const build = () => {
    const tape = new Tape();
    const l3 = (ms: number, kind: OrderLevelMsg['kind'], id: string, size: number): OrderLevelMsg => ({ type: 'order_level', venue: 'sim', symbol: 'TEST', exchTs: T0 + ms * MS, localTs: T0 + ms * MS, kind, id, side: BID, price: 100, size, priceDecimals: 0, sizeDecimals: 0 });
    tape.snapshot(0, [[100, 5]], [[101, 5]]); // A 3 + B 2 at 100
    const evs: (MarketEvent | OrderLevelMsg)[] = [...tape.events];
    const add = (...xs: (MarketEvent | OrderLevelMsg)[]) => evs.push(...xs);
    const t2 = new Tape();
    t2.delta(10, [[100, 9]]);
    add(l3(10, 'add', 'C', 4), ...t2.events.splice(0));
    t2.delta(20, [[100, 6]]);
    add(l3(20, 'delete', 'A', 3), ...t2.events.splice(0));
    t2.trade(30, 100, 2, ASK).delta(30, [[100, 4]]);
    add(l3(30, 'execute', 'B', 2), ...t2.events.splice(0));
    t2.trade(40, 100, 1, ASK).delta(40, [[100, 3]]).delta(50, [[100, 3]], [[101, 6]]);
    add(l3(40, 'execute', 'C', 1), ...t2.events.splice(0));
    return { tape, evs };
  };
  const go = (queue: string) => {
    const { tape, evs } = build();
    const s = new ScriptStrategy([{ at: 1, run: (x, ids) => ids.push(x.submit(limit(tape, BID, 100, 1))) }]);
    const bt = new Backtest(s, cfg(1, 1, queue));
    for (const ev of evs) bt.onEvent(ev);
    bt.finish();
    return s;
  };
  const fifo = go('fifo');
  assert.deepEqual(kinds(fifo.updates), ['accepted', 'fill'], 'A (ahead) left, B traded: C executing means we were hit first');
  assert.equal(ms(fifo.updates[1].exchTs), 40);
  const ra = go('risk-averse');
  assert.deepEqual(kinds(ra.updates), ['accepted'], 'risk-averse assumes the cancel came from behind: 3 still ahead after the trades');
});
