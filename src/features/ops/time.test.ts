import assert from 'node:assert/strict';
import { test } from 'node:test';
import { book, funding, last, MS, run, T0 } from '../../../test/helpers/features.ts';

const H = 3_600_000; // ms

test('time features at 2024-08-09 13:45 UTC (a Friday)', () => {
  const t = 13.75 * H;
  const f = run({ sampling: { mode: 'event' }, features: [{ op: 'time' }] }, [book(T0 + t * MS, [[100, 1]], [[101, 1]])]);
  const a = (2 * Math.PI * 13.75) / 24;
  assert.ok(Math.abs(last(f, 'time_tod_sin') - Math.sin(a)) < 1e-12);
  assert.ok(Math.abs(last(f, 'time_tod_cos') - Math.cos(a)) < 1e-12);
  const w = (2 * Math.PI * (4 + 13.75 / 24)) / 7; // Monday = 0 → Friday = 4
  assert.ok(Math.abs(last(f, 'time_dow_sin') - Math.sin(w)) < 1e-12);
  assert.equal(last(f, 'time_weekend'), 0);
  assert.equal(last(f, 'time_to_funding_s'), 2.25 * 3600); // next 16:00 UTC
  assert.deepEqual([last(f, 'time_session_asia'), last(f, 'time_session_europe'), last(f, 'time_session_us')], [0, 1, 1]);
});

test('time features: Sunday is weekend, funding countdown wraps to the next day or follows the venue', () => {
  const sunday = T0 + 2 * 24 * H * MS + 23 * H * MS; // Sunday 23:00
  const f = run({ sampling: { mode: 'event' }, features: [{ op: 'time' }] }, [book(sunday, [[100, 1]], [[101, 1]])]);
  assert.equal(last(f, 'time_weekend'), 1);
  assert.equal(last(f, 'time_to_funding_s'), 3600);
  const next = sunday + 1234 * 1e9;
  const g = run({ sampling: { mode: 'event' }, features: [{ op: 'time' }] }, [funding(sunday - MS, 1e-4, 1, 1, next), book(sunday, [[100, 1]], [[101, 1]])]);
  assert.equal(last(g, 'time_to_funding_s'), 1234);
});
