import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Instrument, LevelBuilder } from './instrument.ts';

test('LevelBuilder.event: the rows as one BookChange at the final decimals; sequence fields default to none', () => {
  const lb = new LevelBuilder();
  lb.begin(new Instrument('v', 'S'));
  lb.add(true, '10.5', '2');
  lb.add(false, '10.75', '0.5');
  const ev = lb.event('v', 'S', true, 1, 2, 5);
  assert.deepEqual(ev, {
    type: 'book_change',
    venue: 'v',
    symbol: 'S',
    exchTs: 1,
    localTs: 2,
    isSnapshot: true,
    nBids: 1,
    nAsks: 1,
    levels: new Float64Array([1050, 20, 1075, 5]),
    priceDecimals: 2,
    sizeDecimals: 1,
    seq: 5,
    firstSeq: NaN,
    prevSeq: NaN,
    checksum: NaN,
    depth: 0,
  });
  assert.ok(!('where' in ev));
  // the event owns its levels: the next message does not touch them
  lb.begin(new Instrument('v', 'T'));
  lb.add(true, '1', '1');
  assert.deepEqual(lb.event('v', 'T', false, 0, 0, 6, 4, 3, 99, 10).levels, new Float64Array([1, 1]));
  assert.equal(ev.levels[0], 1050);
});

test('LevelBuilder.widen rescales the collected rows to at least the given decimals', () => {
  const lb = new LevelBuilder();
  lb.begin(new Instrument('v', 'S'));
  lb.add(true, '354.8', '1');
  lb.widen(5, 0);
  const ev = lb.event('v', 'S', false, 0, 0, NaN);
  assert.deepEqual([...ev.levels], [35480000, 1]);
  assert.equal(ev.priceDecimals, 5);
  assert.equal(ev.sizeDecimals, 0);
});
