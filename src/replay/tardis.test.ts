import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Bbo, BookChange, MarketEvent } from '../core/events.ts';
import { openReplay } from './open.ts';
import { ReadReport } from './report.ts';

const dir = mkdtempSync(join(tmpdir(), 'tardis-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const L2 = 'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount';
let n = 0;
function file(lines: string[], gz = false): string {
  const p = join(dir, `f${n++}.csv${gz ? '.gz' : ''}`);
  const text = lines.join('\n') + '\n';
  writeFileSync(p, gz ? gzipSync(text) : text);
  return p;
}

async function read(p: string): Promise<{ evs: MarketEvent[]; report: ReadReport }> {
  const report = new ReadReport();
  const evs: MarketEvent[] = [];
  for await (const b of await openReplay([p], report)) evs.push(...b);
  return { evs, report };
}

const flat = (e: MarketEvent) => {
  const b = e as BookChange;
  return [b.isSnapshot ? 'S' : 'D', b.localTs / 1000, b.nBids, b.nAsks, ...b.levels];
};

const INCREMENTAL = [
  L2,
  'x,A,1,10,true,ask,10.5,1',
  'x,A,1,10,true,bid,10.25,2',
  'x,A,1,11,true,bid,10,3', // still the same snapshot (no false row in between)
  'x,A,2,20,false,ask,10.5,0',
  'x,A,2,20,false,bid,10.3,4', // same message: bids first in the event
  'x,A,3,30,false,ask,10.75,1.5',
  'x,A,4,40,true,ask,11,1', // flipped back to true: a new snapshot
  'x,A,4,40,true,bid,10,1',
];

test('incremental_book_L2: one BookChange per message (local_timestamp), bids first, a snapshot per false→true flip', async () => {
  for (const gz of [false, true]) {
    const { evs, report } = await read(file(INCREMENTAL, gz));
    assert.equal(report.badLines, 0);
    assert.deepEqual(evs.map(flat), [
      ['S', 10, 2, 1, 1025, 2, 1000, 3, 1050, 1],
      ['D', 20, 1, 1, 1030, 4, 1050, 0],
      ['D', 30, 0, 1, 1075, 15],
      ['S', 40, 1, 1, 1000, 10, 1100, 10],
    ]);
    // decimals grew with 10.25 and 1.5: each event holds one scale
    assert.deepEqual(evs.map((e) => [(e as BookChange).priceDecimals, (e as BookChange).sizeDecimals]), [[2, 0], [2, 0], [2, 1], [2, 1]]);
    assert.deepEqual(evs.map((e) => (e as BookChange).where?.line), [2, 5, 7, 8]);
    assert.equal(evs[0].exchTs, 1000);
  }
});

test('incremental_book_L2: snapshot rows of two symbols interleaved stay one snapshot each', async () => {
  const { evs } = await read(file([L2, 'x,A,1,10,true,bid,1,1', 'x,B,1,10,true,bid,2,1', 'x,A,1,10,true,ask,3,1', 'x,B,1,11,false,ask,4,1']));
  assert.deepEqual(evs.map((e) => [e.symbol, ...flat(e)]), [
    ['A', 'S', 10, 1, 0, 1, 1],
    ['B', 'S', 10, 1, 0, 2, 1],
    ['A', 'D', 10, 0, 1, 3, 1], // continues A's snapshot: adds, does not replace
    ['B', 'D', 11, 0, 1, 4, 1],
  ]);
});

test('bad rows are counted with file:line and field, and reading goes on', async () => {
  const p = file([
    L2,
    'x,A,1,10,true,bid,1,1',
    'x,A,1,10,true,bid,1',
    'x,A,1,10,maybe,bid,1,1',
    'x,A,1,10,true,buy,1,1',
    'x,A,1,10,true,ask,1.2.3,1',
    'x,A,1,10,true,ask,2,',
    'x,A,1.5,10,true,ask,2,1',
    'x,A,1,,true,ask,2,1',
    'x,A,1,10,true,ask,2,1',
  ]);
  const { evs, report } = await read(p);
  assert.equal(report.badLines, 7);
  assert.deepEqual(report.files[0].examples, [
    `${p}:3: expected 8 columns, got 7`,
    `${p}:4 field "is_snapshot": expected true or false, got "maybe"`,
    `${p}:5 field "side": expected bid or ask, got "buy"`,
    `${p}:6 field "price": not a decimal number: "1.2.3"`,
    `${p}:7 field "amount": not a decimal number: ""`,
    `${p}:8 field "timestamp": not an integer µs timestamp: "1.5"`,
    `${p}:9 field "local_timestamp": empty timestamp`,
  ]);
  assert.deepEqual(evs.map(flat), [['S', 10, 1, 1, 1, 1, 2, 1]]);
});

test('empty exchange or symbol (even on the first row) and extra columns are bad lines', async () => {
  const p = file([L2, 'x,,1,10,true,bid,1,1', ',A,1,10,true,bid,1,1', 'x,A,1,10,true,bid,1,1,9', 'x,A,1,10,true,bid,1,1,9,9', 'x,A,1,10,true,bid,1,1']);
  const { evs, report } = await read(p);
  assert.deepEqual(report.files[0].examples, [
    `${p}:2 field "symbol": empty symbol`,
    `${p}:3 field "exchange": empty exchange`,
    `${p}:4: expected 8 columns, got 9`,
    `${p}:5: expected 8 columns, got more than 9`,
  ]);
  assert.deepEqual(evs.map((e) => [e.venue, e.symbol]), [['tardis:x', 'A']]);
});

test('book_snapshot_N: empty cells are missing levels; half-empty level is a bad line', async () => {
  const H = 'exchange,symbol,timestamp,local_timestamp,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount,asks[1].price,asks[1].amount,bids[1].price,bids[1].amount';
  const p = file([H, 'x,A,1,2,11,1,10,2,12,3,,', 'x,A,3,4,11,1,10,2,12,,9,1']);
  const { evs, report } = await read(p);
  assert.deepEqual(evs.map((e) => [...flat(e), (e as BookChange).depth]), [['S', 2, 1, 2, 10, 2, 11, 1, 12, 3, 2]]);
  assert.deepEqual(report.files[0].examples, [`${p}:3 field "asks[1].amount": price and amount must both be given or both be empty`]);
});

test('quotes: an empty side is NaN; trades: side unknown is aggressor -1', async () => {
  const q = await read(file(['exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount', 'x,A,1,2,,,9.5,3', 'x,A,1,2,1.25,10,9.5,3']));
  const b = q.evs as Bbo[];
  assert.deepEqual([b[0].bidPrice, b[0].bidSize, b[0].askPrice, b[0].askSize], [95, 3, NaN, NaN]);
  // 1.25 grows the size scale after bid_amount was read at 0 decimals: both at 2 decimals
  assert.deepEqual([b[1].bidPrice, b[1].bidSize, b[1].askPrice, b[1].askSize, b[1].priceDecimals, b[1].sizeDecimals], [95, 300, 100, 125, 1, 2]);
  const t = await read(file(['exchange,symbol,timestamp,local_timestamp,id,side,price,amount', 'x,A,1,2,,unknown,1,1', 'x,A,1,2,7,buy,1,1', 'x,A,1,2,8,sideways,1,1']));
  assert.deepEqual(t.evs.map((e) => e.type === 'trade' && [e.aggressor, e.id]), [[-1, ''], [0, '7']]);
  assert.equal(t.report.badLines, 1);
});

test('an unsupported tardis data type is a file error naming it', async () => {
  const p = file(['exchange,symbol,timestamp,local_timestamp,funding_timestamp,funding_rate', 'x,A,1,2,3,0.1']);
  const { evs, report } = await read(p);
  assert.equal(evs.length, 0);
  assert.match(report.files[0].error ?? '', /:1: tardis CSV with unsupported columns \(funding_timestamp,funding_rate\)/);
});
