import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { BookEngine } from '../../src/book/engine.ts';
import { syncRulesFor } from '../../src/book/rules.ts';
import type { MarketEvent } from '../../src/core/events.ts';
import { identify, openReplay } from '../../src/replay/open.ts';
import { ReadReport } from '../../src/replay/report.ts';
import { dataPaths } from '../helpers/data.ts';

const MSG = 'lobster/AAPL_2012-06-21_34200000_57600000_message_10.csv';
const OB = 'lobster/AAPL_2012-06-21_34200000_57600000_orderbook_10.csv';
const ROWS = 999; // the files hold 999 rows each (the last without a trailing newline: `wc -l` says 998)

interface Run {
  rows: number[][];
  matched: number;
  firstMismatch: string | undefined;
  snapshots: number;
  seedEvents: number;
  seedLevels: number;
  /** Level values compared that were not seeded from the orderbook file at that very row. */
  derived: number;
  compared: number;
  /** Seeded levels whose price the book never held before / held before (left the top 10 and came back). */
  neverSeen: number;
  reentered: number;
  /** Re-entering levels whose size changed while outside the top 10 (no message for it). */
  changedUnseen: number;
  events: MarketEvent[];
  report: ReadReport;
  engine: BookEngine;
}

/**
 * Replays the pair through the engine and, after every message, compares the engine's book
 * (levels 0..9 of both sides) with that message's orderbook row, parsed here independently.
 */
async function run(msg: string, ob: string): Promise<Run> {
  const rows = readFileSync(ob, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => l.split(',').map(Number));
  const report = new ReadReport();
  const engine = new BookEngine({ rulesFor: syncRulesFor });
  const r: Run = { rows, matched: 0, firstMismatch: undefined, snapshots: 0, seedEvents: 0, seedLevels: 0, derived: 0, compared: 0, neverSeen: 0, reentered: 0, changedUnseen: 0, events: [], report, engine };
  const seededAt = new Map<number, Set<string>>();
  const lastSeen = new Map<string, number>();
  const book = () => engine.state('lobster', 'AAPL').book;
  let verified = 0;
  const verify = (k: number) => {
    const row = rows[k - 1];
    const b = book();
    const seeded = seededAt.get(k);
    let ok = true;
    for (let i = 0; i < 10; i++) {
      const got = [b.askCount() > i ? b.askPrice(i) : NaN, b.askCount() > i ? b.askSize(i) : NaN, b.bidCount() > i ? b.bidPrice(i) : NaN, b.bidCount() > i ? b.bidSize(i) : NaN];
      for (let j = 0; j < 4; j++) if (got[j] !== row[4 * i + j]) ok = false;
      r.compared += 2;
      if (!seeded?.has('a' + row[4 * i])) r.derived++;
      if (!seeded?.has('b' + row[4 * i + 2])) r.derived++;
    }
    if (b.askCount() !== 10 || b.bidCount() !== 10) ok = false;
    if (ok) r.matched++;
    else r.firstMismatch ??= `row ${k}`;
  };
  for await (const batch of await openReplay([msg, ob], report)) {
    for (const ev of batch) {
      r.events.push(ev);
      if (ev.type === 'book_change') {
        const line = ev.where!.line;
        while (verified < line - 1) verify(++verified); // every event of earlier messages is applied
        if (ev.isSnapshot) r.snapshots++;
        else if (ev.where!.file === ob) {
          r.seedEvents++;
          r.seedLevels += ev.nBids + ev.nAsks;
          const set = seededAt.get(line) ?? new Set<string>();
          seededAt.set(line, set);
          for (let i = 0; i < ev.nBids + ev.nAsks; i++) {
            const key = (i < ev.nBids ? 'b' : 'a') + ev.levels[2 * i];
            set.add(key);
            const prev = lastSeen.get(key);
            if (prev === undefined) r.neverSeen++;
            else {
              r.reentered++;
              if (prev !== ev.levels[2 * i + 1]) r.changedUnseen++;
            }
          }
        }
      }
      engine.onEvent(ev);
      const b = book();
      for (let i = 0; i < b.bidCount(); i++) lastSeen.set('b' + b.bidPrice(i), b.bidSize(i));
      for (let i = 0; i < b.askCount(); i++) lastSeen.set('a' + b.askPrice(i), b.askSize(i));
    }
  }
  while (verified < rows.length) verify(++verified);
  return r;
}

test('LOBSTER AAPL: after every message the reconstructed top 10 equals the orderbook row (999/999)', async (t) => {
  const paths = dataPaths(t, [MSG, OB]);
  if (!paths) return;
  const [msg, ob] = paths;
  const files = await identify([msg, ob]);
  assert.deepEqual(files.map((f) => [basename(f.path), f.format.id]), [[basename(msg), 'lobster']], 'the orderbook file is claimed by its message file');
  const r = await run(msg, ob);
  assert.equal(r.rows.length, ROWS);
  assert.equal(r.firstMismatch, undefined);
  assert.equal(r.matched, ROWS);
  assert.equal(r.report.badLines, 0, r.report.files[0].examples.join('\n'));
  assert.equal(r.report.files[0].error, undefined);
  assert.equal(r.report.files[0].frames, ROWS);
  const st = r.engine.state('lobster', 'AAPL');
  // Not copied: one snapshot (the book before message 1), no resync from an orderbook row.
  assert.equal(r.snapshots, 1);
  assert.equal(st.counts.gaps, 0);
  assert.equal(st.counts.resyncs, 0);
  assert.equal(st.counts.crossed + st.counts.locked + st.counts.disordered, 0);
  // Level seeds: levels uncovered from deeper than the known range, the only data the message
  // file lacks. 318 of the 19,980 level values compared were seeded at that row.
  assert.equal(r.seedEvents, 318);
  assert.equal(r.seedLevels, 318);
  assert.equal(r.compared, ROWS * 20);
  assert.equal(r.derived, ROWS * 20 - 318);
  // 9 seeded levels were never in the book before; 309 came back after leaving the top 10, and
  // 3 of those had changed while outside it, with no message: seeding only never-seen levels
  // would leave the book wrong.
  assert.equal(r.neverSeen, 9);
  assert.equal(r.reentered, 309);
  assert.equal(r.changedUnseen, 3);
  // Event mix: 471 adds, 369 deletes, 98 visible and 61 hidden executions (159 trades).
  const trades = r.events.filter((e) => e.type === 'trade');
  assert.equal(trades.length, 98 + 61);
  assert.equal(st.bookUpdates, 1 + 471 + 369 + 98 + 318);
});

test('LOBSTER: events carry exact prices, New York time (UTC-4 in June 2012) and the right aggressor', async (t) => {
  const paths = dataPaths(t, [MSG, OB]);
  if (!paths) return;
  const r = await run(paths[0], paths[1]);
  const day = Date.UTC(2012, 5, 21, 4) * 1e6; // local midnight, EDT
  const first = r.events[0];
  assert.equal(first.type, 'book_change');
  if (first.type !== 'book_change') return;
  assert.equal(first.isSnapshot, true);
  assert.equal(first.venue, 'lobster');
  assert.equal(first.symbol, 'AAPL');
  assert.equal(first.priceDecimals, 4);
  assert.equal(first.sizeDecimals, 0);
  // message 1 added 18 @ 585.33 on the bid: the book before it has 9 bids (row 1 minus that order)
  assert.equal(first.nBids, 9);
  assert.equal(first.nAsks, 10);
  assert.deepEqual([...first.levels.slice(0, 2)], [5853000, 150]);
  assert.equal(first.exchTs, day + 34200.004241176e9);
  assert.equal(new Date(first.exchTs / 1e6).toISOString(), '2012-06-21T13:30:00.004Z');
  const m1 = r.events[1];
  assert.ok(m1.type === 'book_change' && !m1.isSnapshot && m1.nBids === 1 && m1.levels[0] === 5853300 && m1.levels[1] === 18);
  // message 9 deletes the 18 @ 585.31 that message 3 added: size 0
  const del = r.events.find((e) => e.type === 'book_change' && e.where?.line === 9 && e.where.file === paths[0]);
  assert.ok(del && del.type === 'book_change');
  assert.deepEqual([...del.levels], [5853100, 0]);
  const tr = r.events.filter((e) => e.type === 'trade');
  const sells = tr.filter((e) => e.type === 'trade' && e.aggressor === 1).length;
  const buys = tr.filter((e) => e.type === 'trade' && e.aggressor === 0).length;
  assert.equal(sells + buys, 159);
  const lines = readFileSync(paths[0], 'utf8').split('\n').filter((l) => l.length > 0).map((l) => l.split(','));
  const execs = lines.filter((f) => f[1] === '4' || f[1] === '5');
  // resting buy order executed (direction 1) = seller-initiated
  assert.equal(sells, execs.filter((f) => f[5] === '1').length);
  assert.equal(buys, execs.filter((f) => f[5] === '-1').length);
  const firstTrade = tr[0];
  const f0 = execs[0];
  assert.ok(firstTrade.type === 'trade');
  if (firstTrade.type !== 'trade') return;
  assert.equal(firstTrade.price, Number(f0[4]));
  assert.equal(firstTrade.size, Number(f0[3]));
  assert.equal(firstTrade.id, f0[2]);
  const last = r.events[r.events.length - 1];
  assert.equal(last.exchTs, day + 34249.086375027e9);
});

test('LOBSTER: a planted wrong message size is detected, reported and resynced from the orderbook row', async (t) => {
  const paths = dataPaths(t, [MSG, OB]);
  if (!paths) return;
  const dir = mkdtempSync(join(tmpdir(), 'lobster-'));
  try {
    const msg = join(dir, basename(paths[0]));
    const ob = join(dir, basename(paths[1]));
    copyFileSync(paths[1], ob);
    const lines = readFileSync(paths[0], 'utf8').split('\n');
    // line 2 adds 18 @ 585.32 on the bid (visible at level 2): claim 19 instead
    assert.equal(lines[1], '34200.00426064,1,16113584,18,5853200,1');
    lines[1] = '34200.00426064,1,16113584,19,5853200,1';
    writeFileSync(msg, lines.join('\n'));
    const r = await run(msg, ob);
    assert.equal(r.report.badLines, 1);
    assert.match(r.report.files[0].examples[0], /:2: book after this message differs from orderbook row 2: bid level 2: book 19@5853200, file 18@5853200/);
    const st = r.engine.state('lobster', 'AAPL');
    assert.equal(st.counts.gaps, 1);
    assert.equal(st.counts.resyncs, 1);
    assert.equal(r.snapshots, 2);
    assert.equal(r.matched, ROWS); // the book is right again from the resync on
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
