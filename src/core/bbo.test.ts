import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BBO_ASK_SIZE, BBO_BID_PRICE, bboEvent, bboEventRange, bboValueAt } from './bbo.ts';
import { Instrument } from './instrument.ts';

test('bboEvent: the first value of a pair follows the scale the second one grew', () => {
  const inst = new Instrument('v', 'S');
  const ev = bboEvent(inst, 'v', 'S', 1, 2, '100.5', '3', '100.75', '0.125', 7);
  assert.deepEqual(ev, {
    type: 'bbo',
    venue: 'v',
    symbol: 'S',
    exchTs: 1,
    localTs: 2,
    bidPrice: 10050,
    bidSize: 3000,
    askPrice: 10075,
    askSize: 125,
    priceDecimals: 2,
    sizeDecimals: 3,
    seq: 7,
  });
});

test('bboEvent: JSON numbers are exact; NaN is an absent value (field NaN, scale untouched)', () => {
  const inst = new Instrument('v', 'S');
  const ev = bboEvent(inst, 'v', 'S', 0, 0, 1.5, NaN, 2.25, NaN, NaN);
  assert.equal(ev.bidPrice, 150);
  assert.equal(ev.askPrice, 225);
  assert.ok(Number.isNaN(ev.bidSize) && Number.isNaN(ev.askSize) && Number.isNaN(ev.seq));
  assert.equal(ev.sizeDecimals, 0);
});

test('bboEvent: a bad value throws and bboValueAt names it; beyond the exact range at the grown scale throws', () => {
  const inst = new Instrument('v', 'S');
  assert.throws(() => bboEvent(inst, 'v', 'S', 0, 0, '1', '1', '2', 'x', NaN), /not a decimal number/);
  assert.equal(bboValueAt(), BBO_ASK_SIZE);
  // 9e15 fits at 0 decimals, not at the 1 decimal the ask price grows the scale to
  assert.throws(() => bboEvent(new Instrument('v', 'S'), 'v', 'S', 0, 0, '9000000000000000', '1', '0.5', '1', NaN), /exceeds exact range/);
  assert.equal(bboValueAt(), BBO_BID_PRICE);
});

test('bboEventRange reads character ranges and gives what bboEvent gives', () => {
  const src = '{"b":"61737.63000000","B":"1.20000000","a":"61737.64500000","A":"0.00100000"}';
  const r = (k: string) => {
    const s = src.indexOf(`"${k}":"`) + 5;
    return [s, src.indexOf('"', s)] as const;
  };
  const [bS, bE] = r('b');
  const [BS, BE] = r('B');
  const [aS, aE] = r('a');
  const [AS, AE] = r('A');
  const a = bboEventRange(new Instrument('v', 'S'), 'v', 'S', 1, 2, src, bS, bE, BS, BE, aS, aE, AS, AE, 9);
  const b = bboEvent(new Instrument('v', 'S'), 'v', 'S', 1, 2, '61737.63000000', '1.20000000', '61737.64500000', '0.00100000', 9);
  assert.deepEqual(a, b);
  assert.equal(a.bidPrice, 61737630);
  assert.equal(a.bidSize, 1200);
});
