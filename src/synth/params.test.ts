import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, UsageError } from '../core/errors.ts';
import { defaultParams } from './defaults.ts';
import { instrumentFor, parseParams } from './params.ts';
import { resolveSpec } from './spec.ts';

test('the shipped parameter sets are valid and calibrated from the real recordings', () => {
  for (const venue of ['binance-usdm', 'binance-spot'] as const) {
    const p = defaultParams(venue);
    assert.equal(p.venue, venue);
    assert.deepEqual(p.instruments.map((i) => i.symbol).sort(), ['BTCUSDT', 'ETHUSDT']);
    const files = p.source.calibratedFrom as string[];
    assert.ok(files.length >= 2 && files.every((f) => /^(btc|eth)usdt_2024080\d\.gz$/.test(f)), JSON.stringify(files));
    for (const i of p.instruments) assert.equal(i.perp !== undefined, venue === 'binance-usdm');
  }
  const usdm = defaultParams('binance-usdm').instruments.find((i) => i.symbol === 'BTCUSDT')!;
  assert.deepEqual([usdm.tickSize, usdm.lotSize, usdm.priceDecimals, usdm.sizeDecimals], ['0.1', '0.001', 2, 3]);
});

test('bad parameter files fail with the field named', () => {
  const good = defaultParams('binance-usdm');
  const bad = (mutate: (d: any) => void) => {
    const d = structuredClone(good) as any;
    mutate(d);
    return () => parseParams(d, 'p.json');
  };
  assert.throws(bad((d) => (d.format = 'x')), (e: unknown) => e instanceof InputError && /p\.json field "format"/.test(e.message));
  assert.throws(bad((d) => d.instruments[0].queue.arrival[1].pop()), /field "instruments\.0\.queue\.arrival\.1": needs \d+ buckets/);
  assert.throws(bad((d) => (d.instruments[0].far.edges[0] = 99)), /far\.edges.*must start at K/);
  assert.throws(bad((d) => (d.instruments[1].symbol = d.instruments[0].symbol)), /duplicate symbol/);
  assert.throws(bad((d) => delete d.instruments[0].perp), /needs perp parameters/);
  assert.throws(bad((d) => (d.instruments[0].priceDecimals = 0)), /tick 0\.1 needs at least 1 decimals/);
  assert.throws(bad((d) => (d.regimes.activity = [1])), /regimes\.activity.*one per regime/);
  assert.throws(bad((d) => (d.instruments[0].flow.move = -1)), /flow\.move/);
});

test('unknown symbols reuse the first instrument under their own name; spec errors are usage errors', () => {
  const p = defaultParams('binance-spot');
  const sol = instrumentFor(p, 'SOLUSDT');
  assert.equal(sol.cloned, true);
  assert.equal(sol.params.symbol, 'SOLUSDT');
  assert.equal(sol.params.tickSize, p.instruments[0].tickSize);
  const r = resolveSpec({ venue: 'binance-spot', symbols: ['btcusdt', ' solusdt '], hours: 0.5, start: '2024-03-01T12:00:00Z' });
  assert.deepEqual(r.instruments.map((i) => i.symbol), ['BTCUSDT', 'SOLUSDT']);
  assert.deepEqual(r.cloned, ['SOLUSDT']);
  assert.equal(r.startMs, Date.UTC(2024, 2, 1, 12));
  assert.equal(r.durationNs, 1800e9);
  assert.throws(() => resolveSpec({ hours: 0 }), UsageError);
  assert.throws(() => resolveSpec({ hours: 1, start: 'yesterday' }), /--start "yesterday"/);
  assert.throws(() => resolveSpec({ hours: 1, venue: 'kraken' as never }), /writes binance-usdm or binance-spot/);
  assert.throws(() => resolveSpec({ hours: 1, symbols: ['BTCUSDT', 'btcusdt'] }), /twice/);
  assert.throws(() => resolveSpec({ hours: 1, venue: 'binance-spot', params: defaultParams('binance-usdm') }), /for binance-usdm, not binance-spot/);
});
