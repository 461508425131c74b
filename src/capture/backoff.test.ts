import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from './backoff.ts';

test('backoff doubles from the base, stays within [d/2, d], never exceeds the cap, resets after a success', () => {
  let r = 0;
  const seq = [0, 0.999999, 0.5, 0.25];
  const b = new Backoff({ baseMs: 100, maxMs: 1000, random: () => seq[r++ % seq.length] });
  const got = Array.from({ length: 8 }, () => b.next());
  // d = 100, 200, 400, 800, 1000, 1000, 1000, 1000
  const d = [100, 200, 400, 800, 1000, 1000, 1000, 1000];
  for (let i = 0; i < d.length; i++) {
    assert.ok(got[i] >= d[i] / 2 && got[i] <= d[i], `attempt ${i}: ${got[i]} within [${d[i] / 2}, ${d[i]}]`);
  }
  assert.equal(got[0], 50); // random 0 → d/2: never an immediate retry
  assert.ok(got[1] > 199.99);
  assert.equal(b.attempts, 8);
  b.reset();
  assert.equal(b.next(), 50); // back to the base: d = 100 again (random 0 → d/2)
});

test('jitter spreads retries of many connections that dropped together', () => {
  const delays = new Set<number>();
  for (let i = 0; i < 50; i++) {
    const b = new Backoff({ baseMs: 1000, maxMs: 30_000 });
    b.next();
    b.next();
    delays.add(Math.round(b.next()));
  }
  assert.ok(delays.size > 40, `${delays.size} distinct third delays out of 50`);
  for (const d of delays) assert.ok(d >= 2000 && d <= 4000);
});

test('bad settings are refused', () => {
  assert.throws(() => new Backoff({ baseMs: 0, maxMs: 10 }), /0 < baseMs <= maxMs/);
  assert.throws(() => new Backoff({ baseMs: 100, maxMs: 10 }), /0 < baseMs <= maxMs/);
});
