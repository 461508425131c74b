import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConstantLatency, InterpolatedLatency, parseDuration, parseLatencyRecords, parseLatencySpec } from './latency.ts';

test('durations', () => {
  assert.equal(parseDuration('5ms'), 5e6);
  assert.equal(parseDuration('250us'), 250e3);
  assert.equal(parseDuration('1.5s'), 1.5e9);
  assert.equal(parseDuration('0'), 0);
  assert.throws(() => parseDuration('5'), /duration/);
  assert.throws(() => parseDuration('fast'), /duration/);
});

test('latency specs: constant, random (seeded, reproducible, never negative), file', () => {
  const c = parseLatencySpec('constant:5ms');
  assert.ok(c instanceof ConstantLatency);
  assert.deepEqual([c.entry(0), c.response(0)], [5e6, 5e6]);
  const c2 = parseLatencySpec('constant:entry=3ms,response=2ms');
  assert.deepEqual([c2.entry(0), c2.response(0)], [3e6, 2e6]);
  const draw = (spec: string) => {
    const m = parseLatencySpec(spec);
    return Array.from({ length: 2000 }, (_, i) => m.entry(i));
  };
  const a = draw('lognormal:median=5ms,sigma=0.5,seed=3');
  assert.deepEqual(a, draw('lognormal:median=5ms,sigma=0.5,seed=3'), 'same seed, same draws');
  assert.notDeepEqual(a, draw('lognormal:median=5ms,sigma=0.5,seed=4'));
  const sorted = [...a].sort((x, y) => x - y);
  const med = sorted[1000];
  assert.ok(med > 4.6e6 && med < 5.4e6, `median ${med}`);
  const u = draw('uniform:min=1ms,max=2ms');
  assert.ok(u.every((x) => x >= 1e6 && x <= 2e6));
  const n = draw('normal:mean=1ms,sd=5ms');
  assert.ok(n.every((x) => x >= 0), 'truncated at 0');
  const e = draw('exponential:mean=1ms,min=2ms');
  assert.ok(e.every((x) => x >= 2e6));
  assert.throws(() => parseLatencySpec('gamma:k=1'), /unknown latency kind/);
  assert.throws(() => parseLatencySpec('uniform:min=1ms'), /missing max/);
  assert.throws(() => parseLatencySpec('constant:5ms,jitter=1ms'), /unknown parameter/);
  const f = parseLatencySpec('file:lat.csv', '--latency', () => ({ reqTs: Float64Array.of(100), exchTs: Float64Array.of(150), respTs: Float64Array.of(170) }));
  assert.deepEqual([f.entry(0), f.response(0)], [50, 20]);
});

test('interpolated latency follows the recorded round trips', () => {
  const rec = parseLatencyRecords('req_ts,exch_ts,resp_ts\n1000,1100,1300\n2000,2300,2400\n', 'x.csv');
  const m = new InterpolatedLatency(rec);
  assert.equal(m.entry(500), 100, 'flat before the first record');
  assert.equal(m.entry(1000), 100);
  assert.equal(m.entry(1500), 200, 'halfway between 100 and 300');
  assert.equal(m.entry(9999), 300, 'flat after the last');
  assert.equal(m.entry(1250), 150, 'queries may go back in time');
  assert.equal(m.response(1100), 200);
  assert.equal(m.response(1700), 150);
  assert.equal(m.response(2300), 100);
  const j = parseLatencyRecords('{"req_ts":1,"exch_ts":3,"resp_ts":4}\n', 'x.jsonl');
  assert.deepEqual([...j.exchTs], [3]);
  assert.throws(() => parseLatencyRecords('req_ts,exch_ts,resp_ts\n1000,900,1300\n', 'bad.csv'), /bad.csv:2 field "exch_ts": exch_ts 900 is before req_ts 1000/);
  assert.throws(() => parseLatencyRecords('a,b\n1,2\n', 'h.csv'), /h.csv:1: CSV header must name/);
});
