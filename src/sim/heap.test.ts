import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventHeap } from './heap.ts';
import { Rng } from './rng.ts';

test('EventHeap pops by (time, seq) and grows', () => {
  const h = new EventHeap(4);
  const rng = new Rng(7);
  const items: [number, number, number][] = [];
  for (let i = 0; i < 1000; i++) {
    const t = rng.int(0, 50); // many ties
    items.push([t, i, i]);
    h.push(t, i, i);
  }
  items.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: number[] = [];
  while (h.size > 0) out.push(h.pop());
  assert.deepEqual(
    out,
    items.map((x) => x[2]),
  );
  assert.equal(h.topTime(), Infinity);
});
