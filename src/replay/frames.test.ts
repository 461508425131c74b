import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarketEvent } from '../core/events.ts';
import type { FrameParser } from '../venues/venue.ts';
import { parseFrameInto } from './frames.ts';
import { ReadReport } from './report.ts';

/** Pushes a trade and a book change per frame, then throws on frames that say so. */
const parser: FrameParser = {
  parse(frame, localTs, out) {
    out.push({ type: 'trade', venue: 'v', symbol: 'S', exchTs: NaN, localTs, price: 1, size: 1, priceDecimals: 0, sizeDecimals: 0, aggressor: -1, id: frame });
    out.push({ type: 'book_change', venue: 'v', symbol: 'S', exchTs: NaN, localTs, isSnapshot: false, nBids: 0, nAsks: 0, levels: new Float64Array(0), priceDecimals: 0, sizeDecimals: 0, seq: NaN, firstSeq: NaN, prevSeq: NaN, checksum: NaN, depth: 0 });
    if (frame === 'bad') throw new Error('boom');
  },
};

test('parseFrameInto: counts the frame, locates book changes; a throwing frame is a bad line and leaves out as it was', () => {
  const report = new ReadReport().open('f.raw', 'raw', 'v');
  const out: MarketEvent[] = [];
  assert.equal(parseFrameInto(parser, 'a', 5, undefined, out, report, 'f.raw', 3), 0);
  assert.equal(parseFrameInto(parser, 'bad', 6, undefined, out, report, 'f.raw', 4), -1);
  assert.equal(parseFrameInto(parser, 'b', 7, undefined, out, report, 'f.raw', 5), 2);
  assert.equal(out.length, 4);
  assert.deepEqual(out.map((e) => ('where' in e ? e.where : undefined)), [undefined, { file: 'f.raw', line: 3 }, undefined, { file: 'f.raw', line: 5 }]);
  assert.equal(report.frames, 3);
  assert.equal(report.badLines, 1);
  assert.deepEqual(report.examples, ['f.raw:4: boom']);
});
