import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { constants, gzipSync, inflateRawSync } from 'node:zlib';
import { InputError } from '../core/errors.ts';
import { isGzip, readLines } from './lines.ts';

const dir = mkdtempSync(join(tmpdir(), 'lines-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(data: string | Buffer): string {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, data);
  return p;
}

async function all(path: string): Promise<{ lines: string[]; firstLines: number[]; bytes: number }> {
  const lines: string[] = [];
  const firstLines: number[] = [];
  let bytes = 0;
  for await (const b of readLines(path, (k) => (bytes += k))) {
    assert.equal(b.firstLine, lines.length + 1, 'batches are consecutive');
    firstLines.push(b.firstLine);
    lines.push(...b.lines);
  }
  return { lines, firstLines, bytes };
}

test('plain and gzip give the same lines; CRLF and LF; no trailing newline; empty lines kept', async () => {
  const text = 'a,1\r\nb,2\n\nc,3\r\nlast';
  const plain = file(text);
  const gz = file(gzipSync(text));
  assert.equal(isGzip(plain), false);
  assert.equal(isGzip(gz), true);
  for (const p of [plain, gz]) assert.deepEqual((await all(p)).lines, ['a,1', 'b,2', '', 'c,3', 'last']);
  assert.deepEqual((await all(file('x\r\n'))).lines, ['x']);
  assert.deepEqual((await all(file('x\r'))).lines, ['x']);
  assert.deepEqual((await all(file(''))).lines, []);
  assert.deepEqual((await all(file('\n'))).lines, ['']);
  // onBytes counts the compressed bytes read
  assert.equal((await all(gz)).bytes, gzipSync(text).length);
});

test('a CRLF and a UTF-8 character split across 1 MiB read chunks', async () => {
  const head = 'h'.repeat((1 << 20) - 1); // the \r is the chunk's last byte, \n the next chunk's first
  const p = file(Buffer.concat([Buffer.from(head + '\r\nx'), Buffer.from('y'.repeat((1 << 20) - 3) + 'é\nz')]));
  const r = await all(p);
  assert.deepEqual(r.lines.map((l) => l.length), [head.length, (1 << 20) - 1, 1]);
  assert.equal(r.lines[1].slice(-2), 'yé');
  assert.ok(r.firstLines.length >= 2, 'read in several batches');
});

test('concatenated gzip members (appended files) read as one', async () => {
  const p = file(Buffer.concat([gzipSync('a\nb\n'), gzipSync('c\n')]));
  assert.deepEqual((await all(p)).lines, ['a', 'b', 'c']);
});

test('a truncated gzip yields every complete line, then an InputError naming the file and the last good line', async () => {
  const text = Array.from({ length: 20000 }, (_, i) => `line ${i + 1} ${'x'.repeat(i % 50)}`).join('\n') + '\n';
  const gz = gzipSync(text, { level: 9 });
  for (const cut of [Math.floor(gz.length / 2), gz.length - 8, 30]) {
    const p = file(gz.subarray(0, cut));
    // what a decoder can recover from the cut file: the deflate stream after the 10-byte header
    const recoverable = inflateRawSync(gz.subarray(10, Math.max(10, cut)), { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    const complete = recoverable.split('\n').length - 1;
    const got: string[] = [];
    let err: unknown;
    try {
      for await (const b of readLines(p)) got.push(...b.lines);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof InputError, `cut at ${cut}: expected an InputError`);
    assert.equal(got.length, complete, `cut at ${cut}: every complete line`);
    assert.deepEqual(got, text.split('\n').slice(0, complete));
    assert.equal(err.where.file, p);
    assert.equal(err.where.line, complete + 1);
    assert.match(err.message, new RegExp(`^${p}:${complete + 1}: truncated gzip: data ends after line ${complete}`));
    const partial = recoverable.length - (recoverable.lastIndexOf('\n') + 1);
    if (partial > 0) assert.match(err.message, new RegExp(`an incomplete line ${complete + 1} \\(${partial} chars\\) was not used$`));
  }
});

test('a missing file is an InputError naming it', async () => {
  const p = join(dir, 'nope.gz');
  await assert.rejects(all(p), (e: unknown) => e instanceof InputError && e.message === `${p}: cannot read file: ENOENT`);
});
