import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { BookChange, MarketEvent } from '../core/events.ts';
import { lobsterFormat, midnightNs, parseLobsterName } from './lobster.ts';
import { identify, openReplay } from './open.ts';
import { ReadReport } from './report.ts';

const dir = mkdtempSync(join(tmpdir(), 'lobster-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const E = 9999999999;
/** A 2-level orderbook row: [askP, askS, bidP, bidS] x 2. */
const row = (a: number[][], b: number[][]) =>
  [0, 1].map((i) => [a[i]?.[0] ?? E, a[i]?.[1] ?? 0, b[i]?.[0] ?? -E, b[i]?.[1] ?? 0].join(',')).join(',');

function pair(name: string, messages: string[], rows: string[]): string {
  const msg = join(dir, `${name}_2012-06-21_34200000_57600000_message_2.csv`);
  writeFileSync(msg, messages.join('\n') + '\n');
  writeFileSync(msg.replace('_message_', '_orderbook_'), rows.join('\n') + '\n');
  return msg;
}

async function read(paths: string[]): Promise<{ events: MarketEvent[]; report: ReadReport }> {
  const report = new ReadReport();
  const events: MarketEvent[] = [];
  for await (const b of await openReplay(paths, report)) events.push(...b);
  return { events, report };
}

const books = (evs: MarketEvent[]) => evs.filter((e): e is BookChange => e.type === 'book_change');
const flat = (e: BookChange) => [e.isSnapshot ? 'S' : 'D', e.nBids, e.nAsks, ...e.levels];

test('file names: symbol, date, levels; the message file claims its orderbook file', () => {
  assert.deepEqual(parseLobsterName('/x/AAPL_2012-06-21_34200000_57600000_message_10.csv'), { symbol: 'AAPL', date: '2012-06-21', levels: 10, kind: 'message' });
  assert.equal(parseLobsterName('/x/AAPL_2012-06-21_34200000_57600000_orderbook_5.csv.gz')?.kind, 'orderbook');
  assert.equal(parseLobsterName('/x/AAPL_2012-06-21.csv'), undefined);
  assert.equal(lobsterFormat.companion?.('/x/MSFT_2012-06-21_0_1_message_5.csv'), '/x/MSFT_2012-06-21_0_1_orderbook_5.csv');
  assert.equal(lobsterFormat.companion?.('/x/MSFT_2012-06-21_0_1_orderbook_5.csv'), undefined);
});

test('local midnight in New York: UTC-4 in summer (EDT), UTC-5 in winter (EST)', () => {
  assert.equal(midnightNs('2012-06-21'), Date.UTC(2012, 5, 21, 4) * 1e6);
  assert.equal(midnightNs('2012-01-03'), Date.UTC(2012, 0, 3, 5) * 1e6);
  // 2012-11-02 (Friday before the switch back) is still EDT
  assert.equal(midnightNs('2012-11-02'), Date.UTC(2012, 10, 2, 4) * 1e6);
  assert.equal(midnightNs('2012-11-05'), Date.UTC(2012, 10, 5, 5) * 1e6);
  assert.throws(() => midnightNs('2012-02-30'), /not a date: 2012-02-30/);
});

test('seed from row 1 with message 1 undone, deltas with absolute sizes, executions as trades, a level uncovered from below is seeded', async () => {
  const msg = pair(
    'SEED',
    [
      '34200.5,1,11,5,100100,-1', // add 5 @ 10.01 ask: row 1 shows 15 there, so 10 were there before
      '34201.000000001,4,12,15,100100,-1', // execute all 15 @ 10.01 ask: buyer-initiated; level gone
      '34202,5,0,7,100050,1', // hidden execution against a bid: seller-initiated, no book change
      '34203,3,13,3,99900,1', // delete 3 @ 9.99 bid (the whole level)
    ],
    [
      row([[100100, 15], [100200, 4]], [[100000, 2], [99900, 3]]),
      row([[100200, 4], [100300, 9]], [[100000, 2], [99900, 3]]), // 10.03 enters from below: seed
      row([[100200, 4], [100300, 9]], [[100000, 2], [99900, 3]]),
      row([[100200, 4], [100300, 9]], [[100000, 2], [99800, 1]]), // 9.98 enters from below: seed
    ],
  );
  const { events, report } = await read([msg]);
  assert.equal(report.badLines, 0, report.files[0].examples.join('\n'));
  const bc = books(events);
  assert.deepEqual(bc.map(flat), [
    ['S', 2, 2, 100000, 2, 99900, 3, 100100, 10, 100200, 4],
    ['D', 0, 1, 100100, 15],
    ['D', 0, 1, 100100, 0],
    ['D', 0, 1, 100300, 9],
    ['D', 1, 0, 99900, 0],
    ['D', 1, 0, 99800, 1],
  ]);
  assert.deepEqual(bc.map((e) => [e.where?.file.endsWith('message_2.csv') ? 'msg' : 'ob', e.where?.line, e.depth]), [
    ['ob', 1, 2],
    ['msg', 1, 2],
    ['msg', 2, 2],
    ['ob', 2, 2],
    ['msg', 4, 2],
    ['ob', 4, 2],
  ]);
  const trades = events.filter((e) => e.type === 'trade');
  assert.deepEqual(trades.map((t) => t.type === 'trade' && [t.price, t.size, t.aggressor, t.id]), [
    [100100, 15, 0, '12'],
    [100050, 7, 1, '0'],
  ]);
  const day = Date.UTC(2012, 5, 21, 4) * 1e6;
  assert.equal(bc[0].exchTs, day + 34200.5e9);
  assert.equal(bc[2].exchTs, day + 34201000000001);
  assert.equal(bc[2].localTs, bc[2].exchTs);
});

test('a message that contradicts the orderbook row is a bad line, a gap and a restart from the row', async () => {
  const msg = pair('BAD', ['34200,1,1,1,100000,1', '34201,2,1,1,100000,1', 'x,1,1,1,1,1', '34203,1,2,2,99000,1'], [
    row([[100100, 1]], [[100000, 1]]),
    row([[100100, 1]], [[100000, 5]]), // the partial cancel should have left 0 (level gone)
    row([[100100, 1]], [[100000, 5]]),
    row([[100100, 1]], [[100000, 5], [99000, 2]]),
  ]);
  const { events, report } = await read([msg]);
  assert.equal(report.badLines, 2);
  assert.match(report.files[0].examples[0], /message_2\.csv:2: book after this message differs from orderbook row 2: bid level 1: book none, file 5@100000/);
  assert.match(report.files[0].examples[1], /message_2\.csv:3 field "time": not an integer/);
  assert.deepEqual(events.map((e) => e.type), ['book_change', 'book_change', 'book_change', 'gap', 'book_change', 'gap', 'book_change', 'book_change']);
  const bc = books(events);
  assert.deepEqual(flat(bc[3]), ['S', 1, 1, 100000, 5, 100100, 1]);
  assert.deepEqual(flat(bc[5]), ['D', 1, 0, 99000, 2]);
});

test('pairs: the orderbook file alone is refused, a missing or short orderbook file is a file error', async () => {
  const msg = pair('ALONE', ['34200,1,1,1,100000,1'], [row([[100100, 1]], [[100000, 1]])]);
  const ob = msg.replace('_message_', '_orderbook_');
  const both = await identify([ob, msg]);
  assert.deepEqual(both.map((f) => f.path), [msg]);
  const r1 = await read([ob]);
  assert.match(r1.report.files[0].error ?? '', /orderbook file is read with its message file: pass ALONE_2012-06-21_34200000_57600000_message_2\.csv/);
  const short = pair('SHORT', ['34200,1,1,1,100000,1', '34201,1,2,1,100000,1'], [row([[100100, 1]], [[100000, 1]])]);
  const r2 = await read([short]);
  assert.match(r2.report.files[0].error ?? '', /SHORT.*message_2\.csv:2: the orderbook file ends before this message \(1 rows\)/);
  const lone = join(dir, 'LONE_2012-06-21_34200000_57600000_message_2.csv');
  writeFileSync(lone, '34200,1,1,1,100000,1\n');
  const r3 = await read([lone]);
  assert.match(r3.report.files[0].error ?? '', /without its orderbook file/);
});
