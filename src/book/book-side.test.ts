import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BookSide } from './book-side.ts';

function check(side: BookSide, ref: Map<number, number>) {
  const keys = [...ref.keys()].sort((a, b) => (side.isBid ? b - a : a - b));
  assert.equal(side.n, keys.length);
  for (let i = 0; i < keys.length; i++) {
    assert.equal(side.price(i), keys[i]);
    assert.equal(side.size(i), ref.get(keys[i]));
  }
  assert.ok(side.isOrdered());
}

for (const isBid of [true, false]) {
  test(`${isBid ? 'bid' : 'ask'} side matches a reference map under random updates`, () => {
    const side = new BookSide(isBid, 4); // small capacity: exercises growth
    const ref = new Map<number, number>();
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    for (let i = 0; i < 20000; i++) {
      // cluster prices near a moving touch like real traffic, with some deep levels
      const price = 10000 + (rnd(10) === 0 ? rnd(2000) : rnd(40));
      const size = rnd(4) === 0 ? 0 : 1 + rnd(100);
      const existed = ref.has(price);
      const ok = side.set(price, size);
      if (size === 0) {
        assert.equal(ok, existed);
        ref.delete(price);
      } else ref.set(price, size);
      if (i % 997 === 0) check(side, ref);
    }
    check(side, ref);
  });
}

test('truncate keeps the best levels', () => {
  const bids = new BookSide(true);
  for (const p of [5, 1, 4, 2, 3]) bids.set(p, p * 10);
  bids.truncate(2);
  assert.equal(bids.n, 2);
  assert.deepEqual([bids.price(0), bids.price(1)], [5, 4]);
  const asks = new BookSide(false);
  for (const p of [5, 1, 4, 2, 3]) asks.set(p, p * 10);
  asks.truncate(3);
  assert.deepEqual([asks.price(0), asks.price(1), asks.price(2)], [1, 2, 3]);
  assert.equal(asks.size(2), 30);
});
