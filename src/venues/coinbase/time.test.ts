import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoToNs } from './time.ts';

const exact = (sec: string, fracNs: bigint) => Number(BigInt(Date.parse(sec)) * 1_000_000n + fracNs);

test('µs ISO timestamps → float64 ns, the float nearest the exact integer', () => {
  assert.equal(isoToNs('2021-04-17T16:43:37.075687Z'), exact('2021-04-17T16:43:37Z', 75_687_000n));
  assert.equal(isoToNs('2026-08-09T21:05:38.50436Z'), exact('2026-08-09T21:05:38Z', 504_360_000n));
  assert.equal(isoToNs('2026-08-09T21:05:38Z'), Date.parse('2026-08-09T21:05:38Z') * 1e6);
  assert.equal(isoToNs('2026-08-09T21:05:38.1+00:00'), exact('2026-08-09T21:05:38Z', 100_000_000n));
});

test('ns ISO timestamps (Advanced Trade frame times) round once', () => {
  assert.equal(isoToNs('2026-08-09T21:05:48.483587501Z'), exact('2026-08-09T21:05:48Z', 483_587_501n));
  assert.equal(isoToNs('2026-08-09T21:05:48.228568804Z'), exact('2026-08-09T21:05:48Z', 228_568_804n));
});

test('every µs of one second matches the BigInt computation', () => {
  const base = BigInt(Date.parse('2024-08-09T00:00:00Z')) * 1_000_000n;
  for (let us = 0; us < 1_000_000; us += 997) {
    const s = `2024-08-09T00:00:00.${String(us).padStart(6, '0')}Z`;
    assert.equal(isoToNs(s), Number(base + BigInt(us) * 1000n), s);
  }
});

test('malformed or non-UTC timestamps throw', () => {
  for (const s of ['2021-04-17', '2021-04-17T16:43:37.Z', '2021-04-17T16:43:37.123+02:00', '2021-04-1xT16:43:37Z', '2021-04-17T16:43:37.1234567890Z']) {
    assert.throws(() => isoToNs(s), /ISO timestamp/, s);
  }
});
