import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecimalError, Scale, decimalsOf, formatScaled, toScaled } from './decimal.ts';

test('parses venue strings exactly, trailing zeros dropped', () => {
  const s = new Scale();
  assert.equal(s.toInt('61737.63000000'), 6173763);
  assert.equal(s.decimals, 2);
  assert.equal(s.wireDecimals, 8);
  assert.equal(s.toInt('0.00000000'), 0);
  assert.equal(s.toInt('61800'), 6180000);
});

test('scale grows when a value needs more decimals and reports by how much', () => {
  const s = new Scale();
  assert.equal(s.toInt('1.5'), 15);
  assert.equal(s.grew, 1);
  assert.equal(s.toInt('2'), 20);
  assert.equal(s.grew, 0);
  assert.equal(s.toInt('0.001'), 1);
  assert.equal(s.grew, 2);
  assert.equal(s.decimals, 3);
});

test('exponents, signs and JSON numbers', () => {
  assert.equal(toScaled('1e-8', 8), 1);
  assert.equal(toScaled('1.5E3', 0), 1500);
  assert.equal(toScaled('-0.25', 2), -25);
  assert.equal(toScaled(62622.3, 1), 626223);
  assert.equal(toScaled(0.000051, 8), 5100);
  assert.equal(decimalsOf('0.10'), 1);
});

test('no float drift: 0.1 + 0.2 style values stay exact', () => {
  const s = new Scale(8);
  const a = s.toInt('0.1');
  const b = s.toInt('0.2');
  assert.equal(a + b, s.toInt('0.3'));
  assert.equal(formatScaled(a + b, 8), '0.30000000');
});

test('round trip of random decimal strings', () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 5000; i++) {
    const dec = Math.floor(rnd() * 9);
    const intPart = Math.floor(rnd() * 1e6);
    const frac = dec > 0 ? '.' + String(Math.floor(rnd() * 10 ** dec)).padStart(dec, '0') : '';
    const str = `${intPart}${frac}`;
    const v = toScaled(str, 8);
    assert.equal(formatScaled(v, 8, dec), str);
  }
});

test('rejects garbage and values beyond exact range, naming the input', () => {
  assert.throws(() => toScaled('12a.5', 2), DecimalError);
  assert.throws(() => toScaled('', 2), /not a decimal/);
  assert.throws(() => toScaled('.', 2), /not a decimal/);
  assert.throws(() => toScaled('1.234', 2), /more than 2 decimals/);
  assert.throws(() => new Scale(8).toInt('123456789012.5'), /exceeds exact range/);
});

test('formatScaled pads and checks fit', () => {
  assert.equal(formatScaled(5, 3), '0.005');
  assert.equal(formatScaled(-5, 3), '-0.005');
  assert.equal(formatScaled(12345, 2, 4), '123.4500');
  assert.equal(formatScaled(12300, 4, 2), '1.23');
  assert.throws(() => formatScaled(12345, 4, 2), /does not fit/);
});
