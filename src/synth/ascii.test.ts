import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatScaled } from '../core/decimal.ts';
import { AsciiBuffer } from './ascii.ts';
import { Rng } from './rng.ts';

test('scaled() writes exactly what formatScaled prints, uint() what String prints', () => {
  const w = new AsciiBuffer(4); // tiny: every write path has to grow it
  const rng = new Rng(1, 'ascii');
  const expect: string[] = [];
  const values = [0, 1, 9, 10, 99, 100, 2147483647, 2147483648, 999999999, 1000000000, 1704067200123, 9007199254740991];
  for (let k = 0; k < 2000; k++) values.push(Math.floor(rng.uniform() * 10 ** (1 + (k % 15))));
  for (const v of values) {
    for (const d of [0, 1, 2, 3, 5, 8, 9, 12]) {
      if (v > Number.MAX_SAFE_INTEGER) continue;
      w.scaled(v, d, 10 ** d);
      w.byte(32);
      expect.push(formatScaled(v, d));
    }
    w.uint(v);
    w.byte(32);
    expect.push(String(v));
  }
  assert.equal(w.buf.toString('latin1', 0, w.pos), expect.join(' ') + ' ');
});

test('raw() and text() append bytes; room() keeps what was written', () => {
  const w = new AsciiBuffer(2);
  w.raw(Uint8Array.from(Buffer.from('{"a":')));
  w.text('"x"}');
  w.room(1000);
  assert.ok(w.buf.length >= w.pos + 1000);
  assert.equal(w.buf.toString('latin1', 0, w.pos), '{"a":"x"}');
});
