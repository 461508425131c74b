import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASK, BID } from '../core/events.ts';
import { Fixed } from './fixed.ts';
import { InstrumentLedger } from './ledger.ts';

const F = (s: string) => Fixed.parse(s);

test('ledger: FIFO realized P&L through a position flip, fees, funding, and the equity identity', () => {
  const l = new InstrumentLedger('v', 'X');
  l.fill(BID, F('100'), F('2'), F('0.02'), true); // long 2 @ 100
  l.fill(BID, F('101'), F('1'), F('0.0101'), true); // long 3
  assert.equal(l.fill(ASK, F('102.5'), F('2.5'), F('-0.01'), false).toString(), '5.75', '2 × 2.5 + 0.5 × 1.5');
  assert.equal(l.position.toString(), '0.5');
  assert.equal(l.fill(ASK, F('99'), F('1.5'), F('0'), false).toString(), '-1', 'closes 0.5 @ 101 at 99; then short 1 @ 99');
  assert.equal(l.position.toString(), '-1');
  assert.deepEqual(
    l.openLots().map((x) => [x.dir, x.qty.toString(), x.price.toString()]),
    [[-1, '1', '99']],
  );
  assert.equal(l.payFunding(F('98'), F('0.0001')).toString(), '0.0098', 'a short receives a positive rate');
  const mark = F('98.5');
  assert.equal(l.unrealized(mark).toString(), '0.5');
  const lhs = l.equity(mark);
  const rhs = l.realized.value.add(l.unrealized(mark)).sub(l.fees.value).add(l.funding.value);
  assert.ok(lhs.eq(rhs), `${lhs} vs ${rhs}`);
  assert.equal(l.realized.value.toString(), '4.75');
  assert.equal(l.fees.value.toString(), '0.0201');
  // cash: −200 −101 +256.25 +148.5 − fees 0.0201 + funding 0.0098
  assert.equal(l.cash.value.toString(), '103.7397');
  assert.equal(l.turnover.value.toString(), '705.75');
});
