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
      const prev = side.set(price, size);
      assert.equal(prev, ref.get(price) ?? 0);
      if (size === 0) ref.delete(price);
      else ref.set(price, size);
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

for (const isBid of [true, false]) {
  test(`${isBid ? 'bid' : 'ask'} find gives the index or insertion point from any previous position`, () => {
    const side = new BookSide(isBid, 8);
    const prices = Array.from({ length: 300 }, (_, i) => 1000 + 3 * i);
    for (const p of prices) side.set(p, 1);
    // the reference: linear scan of storage order
    const expect = (price: number) => {
      const end = side.lo + side.n;
      for (let i = side.lo; i < end; i++) {
        const v = side.prices[i];
        if (v === price) return i;
        if (isBid ? v > price : v < price) return -i - 1;
      }
      return -end - 1;
    };
    let seed = 11;
    const rnd = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    // random order (the search starts from wherever the last one ended), and sorted runs
    const queries = [...Array.from({ length: 3000 }, () => 990 + rnd(920)), ...Array.from({ length: 920 }, (_, i) => 990 + i), ...Array.from({ length: 920 }, (_, i) => 1910 - i)];
    for (const q of queries) assert.equal(side.find(q), expect(q), `find(${q})`);
  });
}
