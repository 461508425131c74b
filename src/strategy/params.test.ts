import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Params, symbolFilter } from './params.ts';

test('params: pairs, lists that keep their commas, typed getters, unknown keys rejected', () => {
  const p = Params.parse(['symbol=BTCUSDT,binance-usdm:ETHUSDT,notional=500', 'every=2s'], 'x');
  assert.equal(p.str('symbol'), 'BTCUSDT,binance-usdm:ETHUSDT');
  assert.equal(p.num('notional'), 500);
  assert.equal(p.dur('every', '1s'), 2e9);
  assert.equal(p.decimal('size'), undefined);
  p.done();
  const q = Params.parse(['sise=1'], 'strategy maker');
  q.opt('size');
  assert.throws(() => q.done(), /strategy maker: unknown parameter\(s\) sise/);
  assert.throws(() => Params.parse(['oops'], 'x'), /expected key=value/);
  assert.throws(() => Params.parse(['n=abc'], 'x').num('n'), /must be a number/);
  const f = symbolFilter('BTCUSDT,binance-usdm:ETHUSDT');
  assert.ok(f('binance-spot', 'BTCUSDT') && f('binance-usdm', 'btcusdt'));
  assert.ok(f('binance-usdm', 'ETHUSDT') && !f('binance-spot', 'ETHUSDT'));
  assert.ok(symbolFilter(undefined)('any', 'THING'));
});
