import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BookEngine, type InstrumentState } from '../../book/engine.ts';
import type { MarketEvent } from '../../core/events.ts';
import { InstrumentTable } from '../../core/instrument.ts';
import { krakenChecksum, type StringLevel } from './checksum.ts';
import { KrakenParser } from './parse.ts';
import { krakenSync } from './sync.ts';

/**
 * Independent model of a Kraken book over strings: apply levels, truncate to the depth, checksum
 * from the strings. Frames are built from it so the engine's book (scaled integers) is checked
 * against a computation that shares nothing with it but the string checksum.
 */
class Model {
  bids: StringLevel[] = [];
  asks: StringLevel[] = [];
  constructor(readonly depth: number) {}
  set(isBid: boolean, price: string, size: string): void {
    const side = isBid ? this.bids : this.asks;
    const i = side.findIndex((l) => l[0] === price);
    if (i >= 0) side.splice(i, 1);
    if (Number(size) !== 0) side.push([price, size]);
    side.sort((a, b) => (isBid ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
    side.length = Math.min(side.length, this.depth);
  }
  checksum(): string {
    return String(krakenChecksum(this.bids, this.asks));
  }
}

const PAIR = 'XBT/USD';
const TS = '1618678133.365913';
type Row = [price: string, size: string, flag?: 'r'];

function snapshotFrame(m: Model, bids: Row[], asks: Row[]): string {
  m.bids = [];
  m.asks = [];
  for (const [p, q] of bids) m.set(true, p, q);
  for (const [p, q] of asks) m.set(false, p, q);
  const lv = (rows: Row[]) => rows.map(([p, q]) => [p, q, TS]);
  return JSON.stringify([42, { as: lv(asks), bs: lv(bids) }, `book-${m.depth}`, PAIR]);
}

/** An update frame; `plant` replaces the size written for one row (the checksum stays the model's). */
function updateFrame(m: Model, rows: { a?: Row[]; b?: Row[] }, opts: { split?: boolean; plant?: [side: 'a' | 'b', index: number, size: string] } = {}): string {
  for (const [p, q] of rows.b ?? []) m.set(true, p, q);
  for (const [p, q] of rows.a ?? []) m.set(false, p, q);
  const lv = (rows: Row[], side: 'a' | 'b') =>
    rows.map(([p, q, r], i) => {
      const size = opts.plant && opts.plant[0] === side && opts.plant[1] === i ? opts.plant[2] : q;
      return r ? [p, size, TS, r] : [p, size, TS];
    });
  const c = m.checksum();
  const payload: object[] = [];
  if (opts.split && rows.a && rows.b) payload.push({ a: lv(rows.a, 'a') }, { b: lv(rows.b, 'b'), c });
  else payload.push({ ...(rows.a ? { a: lv(rows.a, 'a') } : {}), ...(rows.b ? { b: lv(rows.b, 'b') } : {}), c });
  return JSON.stringify([42, ...payload, `book-${m.depth}`, PAIR]);
}

function harness() {
  const parser = new KrakenParser(new InstrumentTable());
  const engine = new BookEngine({ rulesFor: () => krakenSync });
  let ts = 0;
  return {
    feed(frame: string): void {
      const out: MarketEvent[] = [];
      parser.parse(frame, ++ts, out);
      for (const ev of out) engine.onEvent(ev);
    },
    get st(): InstrumentState {
      return engine.state('kraken', PAIR);
    },
  };
}

/** Ten levels a side around 50000, prices with Kraken's fixed 5 decimals. */
function tenEach(): { bids: Row[]; asks: Row[] } {
  const bids: Row[] = [];
  const asks: Row[] = [];
  for (let i = 0; i < 10; i++) {
    bids.push([`${49990 - i}.10000`, `0.${String(i + 1).padStart(2, '0')}000000`]);
    asks.push([`${50010 + i}.20000`, `${i + 1}.00000000`]);
  }
  return { bids, asks };
}

test('depth truncation: the engine keeps exactly the subscribed depth per side after each update', () => {
  const h = harness();
  const m = new Model(10);
  const { bids, asks } = tenEach();
  h.feed(snapshotFrame(m, bids, asks));
  // Two better bids push the two worst out of a depth-10 book; Kraken sends no delete for them.
  h.feed(updateFrame(m, { b: [['49995.00000', '1.00000000'], ['49994.00000', '2.00000000']] }));
  const book = h.st.book;
  assert.equal(book.bidCount(), 10);
  assert.equal(book.askCount(), 10);
  assert.equal(book.bidPrice(0), 4999500000);
  assert.equal(book.bidPrice(9), 4998310000); // 49983.1: 49982.1 and 49981.1 were truncated
  // A level worse than the 10th is dropped at once.
  h.feed(updateFrame(m, { a: [['60000.00000', '1.00000000']] }));
  assert.equal(book.askCount(), 10);
  assert.equal(book.askPrice(9), 5001920000);
  assert.deepEqual(h.st.counts.checksum, { checked: 2, failed: 0 });
  assert.equal(h.st.valid, true);
});

test('republished levels ("r") refill the depth after a deletion and the checksum holds', () => {
  const h = harness();
  const m = new Model(10);
  const { bids, asks } = tenEach();
  h.feed(snapshotFrame(m, bids, asks));
  h.feed(updateFrame(m, { b: [['49995.00000', '1.00000000']] })); // 49981.1 falls out of scope
  // Deleting a top level leaves 9 bids; Kraken republishes the level that re-enters the depth.
  h.feed(updateFrame(m, { b: [['49990.10000', '0.00000000'], ['49981.10000', '1.00000000', 'r']] }));
  const book = h.st.book;
  assert.equal(book.bidCount(), 10);
  assert.equal(book.bidPrice(9), 4998110000);
  assert.equal(book.bidSize(9), 100000000);
  assert.deepEqual(h.st.counts.checksum, { checked: 2, failed: 0 });
});

test('a v1 update carrying both an "a" and a "b" object applies both sides before the checksum', () => {
  const h = harness();
  const m = new Model(10);
  const { bids, asks } = tenEach();
  h.feed(snapshotFrame(m, bids, asks));
  h.feed(updateFrame(m, { a: [['50010.20000', '0.00000000'], ['50009.00000', '3.50000000']], b: [['49990.10000', '7.25000000']] }, { split: true }));
  const book = h.st.book;
  assert.equal(book.askPrice(0), 5000900000);
  assert.equal(book.askSize(0), 350000000);
  assert.equal(book.bidSize(0), 725000000);
  assert.deepEqual(h.st.counts.checksum, { checked: 1, failed: 0 });
});

test('a planted size change is caught by the checksum; the book stays invalid until the next snapshot', () => {
  const h = harness();
  const m = new Model(10);
  const { bids, asks } = tenEach();
  h.feed(snapshotFrame(m, bids, asks));
  h.feed(updateFrame(m, { b: [['49990.10000', '0.50000000']] }));
  assert.deepEqual(h.st.counts.checksum, { checked: 1, failed: 0 });
  // The frame says 0.50000001 where the venue's checksum was computed for 0.50000002.
  h.feed(updateFrame(m, { b: [['49990.10000', '0.50000002']] }, { plant: ['b', 0, '0.50000001'] }));
  assert.deepEqual(h.st.counts.checksum, { checked: 2, failed: 1 });
  assert.equal(h.st.valid, false);
  assert.equal(h.st.examples.at(-1)?.kind, 'checksum');
  // Updates are not applied (nor checked) on an invalid book...
  h.feed(updateFrame(m, { a: [['50010.20000', '9.00000000']] }));
  assert.equal(h.st.counts.skippedWhileInvalid, 1);
  assert.deepEqual(h.st.counts.checksum, { checked: 2, failed: 1 });
  assert.equal(h.st.valid, false);
  // ...until a snapshot (a resubscribe) resynchronizes it.
  h.feed(snapshotFrame(m, bids, asks));
  assert.equal(h.st.valid, true);
  assert.equal(h.st.counts.resyncs, 1);
  h.feed(updateFrame(m, { a: [['50010.20000', '9.00000000']] }));
  assert.deepEqual(h.st.counts.checksum, { checked: 3, failed: 1 });
  assert.equal(h.st.counts.gaps, 0);
});

test('sync rules: no sequence numbers, snapshots best-first, no buffering', () => {
  assert.equal(krakenSync.bufferUntilSnapshot, false);
  assert.equal(krakenSync.sortedSnapshots, true);
  assert.equal(typeof krakenSync.checksum, 'function');
});
