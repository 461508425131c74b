import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Fault, loadFaultFile, parseFaultFlag } from './faults.ts';

test('fault flags: kind[:key=value,...], checked', () => {
  assert.deepEqual(parseFaultFlag('drop:symbol=BTCUSDT,after=500,count=3'), { kind: 'drop', symbol: 'BTCUSDT', after: 500, count: 3 });
  assert.deepEqual(parseFaultFlag('disconnect'), { kind: 'disconnect' });
  assert.deepEqual(parseFaultFlag('stall:after=10,ms=2500,conn=1'), { kind: 'stall', after: 10, ms: 2500, conn: 1 });
  assert.deepEqual(parseFaultFlag('checksum:symbol=XBT/USD'), { kind: 'checksum', symbol: 'XBT/USD' });
  assert.throws(() => parseFaultFlag('explode'), /unknown fault "explode"; faults are disconnect, stall, drop, duplicate, reorder, gap, corrupt, checksum, slow-reader/);
  assert.throws(() => parseFaultFlag('drop:after'), /expected key=value, got "after"/);
  assert.throws(() => parseFaultFlag('drop:when=5'), /unknown key when/);
  assert.throws(() => parseFaultFlag('drop:after=x'), /field "after"/);
});

test('fault schedules: a YAML list of the same objects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-faults-'));
  const p = join(dir, 'f.yaml');
  writeFileSync(p, '- { kind: gap, symbol: ETHUSDT, after: 100, count: 7 }\n- { kind: disconnect, atMs: 2000 }\n');
  assert.deepEqual(loadFaultFile(p), [
    { kind: 'gap', symbol: 'ETHUSDT', after: 100, count: 7 },
    { kind: 'disconnect', atMs: 2000 },
  ]);
  writeFileSync(p, '- { kind: gap, after: -1 }\n');
  assert.throws(() => loadFaultFile(p), /item 0: field "after"/);
  writeFileSync(p, 'kind: gap\n');
  assert.throws(() => loadFaultFile(p), /expected a list of faults/);
});

test('triggers: after N frames (of the symbol when given), then once, or again every N', () => {
  const f = new Fault({ kind: 'drop', symbol: 'A', after: 2 });
  const hits: number[] = [];
  const syms = ['A', 'B', 'A', 'B', 'A', 'A', 'A'];
  syms.forEach((s, i) => {
    if (f.count(s, 0)) hits.push(i);
    if (f.armed && s === 'A') f.fire('x', i, s);
  });
  assert.deepEqual(hits, [4], 'the third frame of A');
  assert.equal(f.fired, 1);
  assert.ok(f.done);
  const e = new Fault({ kind: 'duplicate', after: 1, every: 2 });
  const eh: number[] = [];
  for (let i = 0; i < 8; i++) {
    if (e.count('X', 0)) eh.push(i);
    if (e.armed) e.fire('x', i);
  }
  assert.deepEqual(eh, [1, 3, 5, 7]);
  const t = new Fault({ kind: 'disconnect', atMs: 500 });
  assert.equal(t.count('X', 499), false);
  assert.equal(t.count('X', 500), true);
  const d = new Fault({ kind: 'drop', count: 3 });
  assert.ok(d.count('X', 0));
  d.fire('1', 0);
  assert.ok(d.armed, 'count=3 keeps it armed for three frames');
  d.fire('2', 1);
  d.fire('3', 2);
  assert.ok(d.done && !d.armed);
});
