import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFeeSpec, parseRate } from './fees.ts';

test('fee rates parse exactly in bp, % and fractions; rebates are negative', () => {
  assert.equal(parseRate('2bp').toString(), '0.0002');
  assert.equal(parseRate('-0.5bps').toString(), '-0.00005');
  assert.equal(parseRate('0.02%').toString(), '0.0002');
  assert.equal(parseRate('0.00025').toString(), '0.00025');
  assert.throws(() => parseRate('two'), /bad rate/);
});

test('fee specs: global, per venue, default table, overrides, and a clear error for a venue without rates', () => {
  const g = parseFeeSpec('maker=-0.25bp,taker=2.5bp');
  assert.equal(g.rates('anything').maker.toString(), '-0.000025');
  const v = parseFeeSpec('binance-usdm:maker=2bp,taker=5bp;binance-spot:maker=0.1%,taker=0.1%');
  assert.equal(v.rates('binance-usdm').taker.toString(), '0.0005');
  assert.equal(v.rates('binance-spot').maker.toString(), '0.001');
  assert.throws(() => v.rates('okx'), /no fee rates for venue "okx"/);
  const d = parseFeeSpec('default;binance-usdm:maker=0bp,taker=4bp');
  assert.equal(d.rates('binance-usdm').taker.toString(), '0.0004');
  assert.equal(d.rates('binance-spot').taker.toString(), '0.001');
  const star = parseFeeSpec('binance-usdm:maker=1bp,taker=2bp;*:maker=3bp,taker=4bp');
  assert.equal(star.rates('kraken').taker.toString(), '0.0004');
  assert.equal(parseFeeSpec('zero').rates('x').taker.toString(), '0');
  assert.throws(() => parseFeeSpec('maker=1bp'), /give both/);
  assert.throws(() => parseFeeSpec('fast'), /cannot read/);
  assert.throws(() => parseFeeSpec('maker=1bp,taker=1bp,rebate=2bp'), /unknown key/);
});
