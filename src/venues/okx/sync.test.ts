import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BookEngine } from '../../book/engine.ts';
import type { BookChange, MarketEvent } from '../../core/events.ts';
import { InstrumentTable } from '../../core/instrument.ts';
import { APPLY, GAP, STALE } from '../venue.ts';
import { okxChecksum } from './checksum.ts';
import { OkxParser } from './parse.ts';
import { okxSync, okxVerdict } from './sync.ts';

const ev = (seq: number, prevSeq: number) => ({ seq, prevSeq }) as BookChange;

test('okxVerdict: prevSeqId must name the last applied seqId', () => {
  assert.equal(okxVerdict(10, ev(12, 10)), APPLY);
  assert.equal(okxVerdict(10, ev(10, 10)), APPLY); // no-change heartbeat
  assert.equal(okxVerdict(10, ev(3, 10)), APPLY); // maintenance reset: seqId < prevSeqId
  assert.equal(okxVerdict(10, ev(10, 8)), STALE); // duplicate
  assert.equal(okxVerdict(10, ev(9, 7)), STALE); // older
  assert.equal(okxVerdict(10, ev(15, 12)), GAP);
  assert.equal(okxVerdict(10, ev(15, 15)), GAP); // heartbeat after a loss
  assert.equal(okxVerdict(10, ev(NaN, NaN)), APPLY); // 2022 format: no sequence
  assert.equal(okxVerdict(NaN, ev(12, 10)), APPLY);
});

/** One OKX books frame, with the correct checksum of `book` unless `checksum` is given. */
function frame(action: 'snapshot' | 'update', bids: [string, string][], asks: [string, string][], seqId: number, prevSeqId: number, checksum: number): string {
  const lv = (l: [string, string][]) => l.map(([p, s]) => [p, s, '0', '1']);
  return JSON.stringify({ arg: { channel: 'books', instId: 'BTC-USDT' }, action, data: [{ asks: lv(asks), bids: lv(bids), ts: '1', checksum, seqId, prevSeqId }] });
}

function run(frames: string[]): BookEngine {
  const p = new OkxParser(new InstrumentTable());
  const eng = new BookEngine({ rulesFor: () => okxSync });
  const out: MarketEvent[] = [];
  frames.forEach((f, i) => p.parse(f, i, out));
  for (const e of out) eng.onEvent(e);
  return eng;
}

const B0: [string, string][] = [['100.5', '1'], ['100', '2.5']];
const A0: [string, string][] = [['101', '3'], ['101.5', '0.25']];
const snap = frame('snapshot', B0, A0, 10, -1, okxChecksum(B0, A0));
// After: bid 100.5 → 0.75, ask 101 deleted.
const B1: [string, string][] = [['100.5', '0.75'], ['100', '2.5']];
const A1: [string, string][] = [['101.5', '0.25']];
const upd = (seqId: number, prevSeqId: number, checksum = okxChecksum(B1, A1)) => frame('update', [['100.5', '0.75']], [['101', '0']], seqId, prevSeqId, checksum);

test('engine: continuous seqIds apply and every checksum verifies', () => {
  const eng = run([snap, upd(12, 10), frame('update', [], [], 12, 12, okxChecksum(B1, A1))]);
  const st = eng.state('okx', 'BTC-USDT');
  assert.equal(st.bookUpdates, 3);
  assert.deepEqual(st.counts.checksum, { checked: 3, failed: 0 });
  assert.equal(st.counts.gaps, 0);
  assert.equal(st.valid, true);
  assert.equal(st.book.askCount(), 1);
  assert.equal(st.lastSeq, 12);
});

test('engine: a planted checksum failure is detected and invalidates the book', () => {
  const eng = run([snap, upd(12, 10, okxChecksum(B1, A1) ^ 1), upd(13, 12)]);
  const st = eng.state('okx', 'BTC-USDT');
  assert.deepEqual(st.counts.checksum, { checked: 2, failed: 1 });
  assert.equal(st.valid, false);
  assert.equal(st.counts.skippedWhileInvalid, 1); // nothing applies until the next snapshot
  assert.equal(st.examples[0].kind, 'checksum');
});

test('engine: a zero checksum is not checked', () => {
  const st = run([snap, upd(12, 10, 0)]).state('okx', 'BTC-USDT');
  assert.deepEqual(st.counts.checksum, { checked: 1, failed: 0 });
  assert.equal(st.valid, true);
});

test('engine: a message the snapshot covers is stale; a duplicate after sync is out of order; both dropped', () => {
  const st = run([snap, upd(10, 8), upd(12, 10), upd(12, 10), upd(13, 12)]).state('okx', 'BTC-USDT');
  assert.equal(st.counts.stale, 1);
  assert.equal(st.counts.outOfOrder, 1);
  assert.equal(st.counts.gaps, 0);
  assert.equal(st.bookUpdates, 3);
  assert.equal(st.valid, true);
});

test('engine: a seqId gap invalidates the book until the next snapshot', () => {
  const st = run([snap, upd(12, 10), upd(20, 15), upd(21, 20), snap, upd(12, 10)]).state('okx', 'BTC-USDT');
  assert.equal(st.counts.gaps, 1);
  assert.equal(st.counts.skippedWhileInvalid, 1);
  assert.equal(st.counts.resyncs, 1);
  assert.equal(st.snapshots, 2);
  assert.equal(st.valid, true);
  assert.equal(st.examples[0].kind, 'gap');
  assert.match(st.examples[0].detail, /prev=15 seq=20/);
});
