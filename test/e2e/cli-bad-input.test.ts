import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { dataPath } from '../helpers/data.ts';
import { lobkit } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'lobkit-bad-'));

/** First n lines of the real spot BTCUSDT recording (the REST snapshot is line 8). */
function head(p: string, n: number): string[] {
  return gunzipSync(readFileSync(p)).toString('utf8').split('\n').slice(0, n);
}

test('truncated gzip: lines before the damage are used, the file error names file and line, exit 1', (t) => {
  const p = dataPath(t, 'binance-hftbacktest/spot/btcusdt_20240808.gz');
  if (!p) return;
  const cut = join(dir, 'btcusdt_20240808.gz');
  writeFileSync(cut, readFileSync(p).subarray(0, 200_000));
  const r = lobkit(['replay', cut, '--json']);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.totals.fileErrors, 1);
  assert.match(out.files[0].error, new RegExp(`^${cut}:\\d+: truncated gzip: data ends after line \\d+`));
  const lastGood = Number(/after line (\d+)/.exec(out.files[0].error)![1]);
  assert.ok(lastGood > 1000);
  assert.equal(out.files[0].lines, lastGood);
  assert.ok(out.instruments[0].bookUpdates > 50, 'data before the damage was replayed');
});

test('malformed lines and unknown streams are counted with file:line, the rest is replayed', (t) => {
  const p = dataPath(t, 'binance-hftbacktest/spot/btcusdt_20240808.gz');
  if (!p) return;
  const lines = head(p, 400);
  lines.splice(20, 0, 'garbage without a timestamp');
  lines.splice(30, 0, '1723161254206652067 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpd');
  lines.splice(40, 0, '1723161254206652067 {"stream":"btcusdt@foo","data":{"e":"foo","s":"BTCUSDT"}}');
  lines.splice(50, 0, '1723161254206652067 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":[["abc","1"]],"a":[]}}');
  const f = join(dir, 'btcusdt_20240808.txt');
  writeFileSync(f, lines.join('\n') + '\n');
  const r = lobkit(['replay', f, '--json']);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  const fr = out.files[0];
  assert.equal(fr.badLines, 4);
  assert.match(fr.examples[0], new RegExp(`^${f}:21 field "timestamp": expected "<timestamp> <frame>"`));
  assert.match(fr.examples[1], new RegExp(`^${f}:31: .*JSON`));
  assert.match(fr.examples[2], new RegExp(`^${f}:41: unknown Binance stream event "foo"`));
  assert.match(fr.examples[3], new RegExp(`^${f}:51: not a decimal number: "abc"`));
  assert.equal(out.instruments[0].gaps, 0, 'bad lines are not data: the book stays in sync');
  const text = lobkit(['replay', f]);
  assert.match(text.stdout, /4 bad lines/);
});

test('non-monotonic sequence and gaps: flagged with file and line; --allow-gaps reports gaps without failing', (t) => {
  const p = dataPath(t, 'binance-hftbacktest/spot/btcusdt_20240808.gz');
  if (!p) return;
  const lines = head(p, 600);
  const depthIdx = lines.map((l, i) => (l.includes('@depth') ? i : -1)).filter((i) => i > 20);
  // Re-send an old diff later on (a duplicate after sync).
  const dup = [...lines];
  dup.splice(depthIdx[10] + 1, 0, lines[depthIdx[5]]);
  const f1 = join(dir, 'dup_20240808.txt');
  writeFileSync(f1, dup.join('\n') + '\n');
  let r = lobkit(['replay', f1, '--json', '--venue', 'binance-spot']);
  assert.equal(r.code, 1);
  let i = JSON.parse(r.stdout).instruments[0];
  assert.equal(i.outOfOrder, 1);
  assert.equal(i.issues[0].kind, 'out_of_order');
  assert.equal(i.issues[0].line, depthIdx[10] + 2);

  const gap = lines.filter((_, k) => k !== depthIdx[10]);
  const f2 = join(dir, 'gap_20240808.txt');
  writeFileSync(f2, gap.join('\n') + '\n');
  r = lobkit(['replay', f2, '--json', '--venue', 'binance-spot']);
  assert.equal(r.code, 1);
  i = JSON.parse(r.stdout).instruments[0];
  assert.equal(i.gaps, 1);
  assert.equal(i.valid, false, 'no resync snapshot follows: the book stays invalid');
  assert.match(i.issues[0].detail, /sequence break/);
  r = lobkit(['replay', f2, '--json', '--allow-gaps', '--venue', 'binance-spot']);
  assert.equal(r.code, 0);
});

test('a gzip file given as plain and unrecognised content: clear errors', () => {
  const f = join(dir, 'weird.gz');
  writeFileSync(f, gzipSync('hello world\n'));
  const r = lobkit(['replay', f]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^lobkit: ${f}:1: unrecognized file format \\(first line: "hello world"\\)`));
});
