import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimBook } from './book.ts';
import { Rng } from './rng.ts';

test('set records the levels each side touched in the window, and occupancy', () => {
  const b = new SimBook(256, 1000);
  b.bestBid = 1100;
  b.bestAsk = 1101;
  b.set(0, 1100, 5);
  b.set(1, 1101, 7);
  b.clearDirty();
  b.set(0, 1100, 6);
  b.set(0, 1100, 0); // the bid goes…
  b.set(1, 1100, 3); // …and an ask takes its price in the same window
  assert.equal(b.nDirty, 2);
  assert.deepEqual([b.dirty[0], b.dirtySide[0]], [100, 0]);
  assert.deepEqual([b.dirty[1], b.dirtySide[1]], [100, 1]);
  assert.deepEqual([...b.occupied], [0, 2]);
  b.clearDirty();
  assert.equal(b.nDirty, 0);
  b.set(1, 1100, 4);
  assert.equal(b.nDirty, 1, 'a new window starts clean');
});

test('nextBidBelow / nextAskAbove agree with a plain scan on random sparse books, within limits', () => {
  const rng = new Rng(3, 'book-test');
  for (let round = 0; round < 20; round++) {
    const width = 2000 + rng.int(3000);
    const base = 50_000;
    const b = new SimBook(width, base);
    const occ = [0.002, 0.05, 0.5][round % 3];
    for (let i = 0; i < width; i++) if (rng.uniform() < occ) b.set(rng.uniform() < 0.5 ? 0 : 1, base + i, 1 + rng.int(9));
    for (let k = 0; k < 300; k++) {
      const p = base + rng.int(width);
      const limit = 1 + rng.int(width);
      let below = NaN;
      for (let i = p - base - 1; i >= Math.max(0, p - base - limit); i--) if (b.q[i] !== 0) { below = i + base; break; }
      let above = NaN;
      for (let i = p - base + 1; i <= Math.min(width - 1, p - base + limit); i++) if (b.q[i] !== 0) { above = i + base; break; }
      assert.equal(b.nextBidBelow(p, limit), below, `below ${p} within ${limit}`);
      assert.equal(b.nextAskAbove(p, limit), above, `above ${p} within ${limit}`);
    }
  }
});

test('rebase keeps every level at its price and rebuilds the occupancy bits', () => {
  const b = new SimBook(512, 0);
  b.set(0, 100, 1);
  b.set(0, 300, 2);
  b.set(1, 400, 3);
  b.clearDirty();
  b.rebase(64);
  assert.equal(b.at(100), 1);
  assert.equal(b.at(300), 2);
  assert.equal(b.at(400), 3);
  assert.equal(b.at(0), 0);
  assert.equal(b.nextAskAbove(310, 500), 400);
  assert.equal(b.nextBidBelow(299, 500), 100);
  b.rebase(-200);
  assert.equal(b.at(300), 2);
  assert.equal(b.at(400), 0, 'beyond the window after moving down');
  b.set(0, 120, 5);
  assert.throws(() => b.rebase(0), /unpublished changes/);
});
