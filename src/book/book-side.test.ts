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

for (const isBid of [true, false]) {
  test(`${isBid ? 'bid' : 'ask'} side grows and recenters from either end, truncates and copies exactly`, () => {
    const side = new BookSide(isBid, 4);
    const ref = new Map<number, number>();
    // only deeper and deeper levels, then only better and better ones: every insert hits one end
    for (let i = 0; i < 500; i++) {
      const deep = isBid ? 5000 - i : 5000 + i;
      side.set(deep, i + 1);
      ref.set(deep, i + 1);
    }
    for (let i = 1; i <= 500; i++) {
      const better = isBid ? 5000 + i : 5000 - i;
      side.set(better, i);
      ref.set(better, i);
    }
    check(side, ref);
    // deletes from both ends and the middle
    for (const p of [...ref.keys()].filter((_, i) => i % 3 === 0)) {
      assert.equal(side.set(p, 0), ref.get(p));
      ref.delete(p);
    }
    check(side, ref);
    const copy = new BookSide(isBid, 4);
    copy.copyFrom(side);
    check(copy, ref);
    // the copy is independent
    copy.set(isBid ? 9999 : 1, 1);
    check(side, ref);
    side.truncate(10);
    const best = [...ref.keys()].sort((a, b) => (isBid ? b - a : a - b)).slice(0, 10);
    check(side, new Map(best.map((p) => [p, ref.get(p)!])));
    side.clear();
    assert.equal(side.n, 0);
    assert.equal(side.set(5000, 3), 0);
    assert.equal(side.price(0), 5000);
  });
}
