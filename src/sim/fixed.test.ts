import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fixed, FixedSum } from './fixed.ts';

test('Fixed parses, adds and multiplies exactly', () => {
  assert.equal(Fixed.parse('0.0002').toString(), '0.0002');
  assert.equal(Fixed.parse('-1.5e-4').toString(), '-0.00015');
  assert.equal(Fixed.parse('1.5e3').toString(), '1500');
  assert.equal(Fixed.parse(0.1).add(Fixed.parse(0.2)).toString(), '0.3', 'no float drift');
  assert.equal(Fixed.parse('61737.63').mul(Fixed.parse('0.00012')).toString(), '7.4085156');
  assert.equal(Fixed.parse('2.50').toString(), '2.5');
  assert.ok(Fixed.parse('1.0').eq(Fixed.parse('1')));
  assert.equal(Fixed.parse('-3').cmp(Fixed.parse('2')), -1);
  assert.throws(() => Fixed.parse('1.2.3'), /not a decimal/);
  assert.throws(() => Fixed.parse('abc'), /not a decimal/);
  // beyond 2^53: still exact
  const big = Fixed.of(9007199254740991, 2).mul(Fixed.of(9007199254740991, 8));
  assert.equal(big.toString(), '8112963841460666368139.0495662081');
});

test('FixedSum accumulates across growing decimals', () => {
  const s = new FixedSum();
  s.add(Fixed.parse('1.5'));
  s.addProduct(12345n, 2, 3n, 3); // 123.45 × 0.003
  s.add(Fixed.parse('-0.0000001'));
  assert.equal(s.value.toString(), '1.8703499');
  assert.equal(s.value.toNumber(), 1.8703499);
});
