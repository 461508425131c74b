import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { BookChange, MarketEvent } from '../core/events.ts';
import { FrameAssembler, jsonlFormat } from './jsonl.ts';
import { FORMATS, identify, openReplay } from './open.ts';
import { ReadReport } from './report.ts';

const dir = mkdtempSync(join(tmpdir(), 'jsonl-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function frames(lines: string[]): [number, string][] {
  const a = new FrameAssembler();
  const out: [number, string][] = [];
  lines.forEach((l, i) => {
    const f = a.push(l, i + 1);
    if (f !== undefined) out.push([a.frameLine, f]);
  });
  return out;
}

test('frames: one per line as is; a multi-line document joined with whitespace between tokens dropped, strings untouched', () => {
  assert.deepEqual(frames(['{"a": 1}', '', '[1, 2]']), [
    [1, '{"a": 1}'],
    [3, '[1, 2]'],
  ]);
  const doc = ['{', '  "s": "a {b} [c] \\" d",', '  "n": [1.50,', '    2]', '}', '{"x":0}'];
  assert.deepEqual(frames(doc), [
    [1, '{"s":"a {b} [c] \\" d","n":[1.50,2]}'],
    [6, '{"x":0}'],
  ]);
  const a = new FrameAssembler();
  assert.equal(a.push('{', 1), undefined);
  assert.equal(a.push('"k": [', 2), undefined);
  assert.equal(a.open, true);
  assert.equal(a.startLine, 1);
});

test('sniff: JSON lines, but not cryptofeed recordings or Bybit archive lines; jsonl is the last format', () => {
  assert.equal(jsonlFormat.sniff('x', ['', '{"e":"depthUpdate"}']), true);
  assert.equal(jsonlFormat.sniff('x', ['[1,{"a":[]},"book-10","XBT/USD"]']), true);
  assert.equal(jsonlFormat.sniff('x', ['{"t":"header","exchange":"KRAKEN"}']), false);
  assert.equal(jsonlFormat.sniff('x', ['{"topic":"orderbook.500.XRPUSDT","type":"snapshot"}']), false);
  assert.equal(jsonlFormat.sniff('x', ['1723161600000000000 {"stream":"x"}']), false);
  assert.equal(jsonlFormat.sniff('x', ['exchange,symbol']), false);
  assert.equal(FORMATS[FORMATS.length - 1], jsonlFormat);
});

const snapshot = (id: number) => ({ lastUpdateId: id, bids: [['100.0', '1.0']], asks: [['101.0', '2.0']] });
const diff = (E: number, U: number, u: number, b: string[][]) => JSON.stringify({ e: 'depthUpdate', E, s: 'ABCUSDT', U, u, b, a: [] });

async function read(paths: string[], venue?: string): Promise<{ evs: MarketEvent[]; report: ReadReport }> {
  const report = new ReadReport();
  const evs: MarketEvent[] = [];
  for await (const b of await openReplay(paths, report, { venue })) evs.push(...b);
  return { evs, report };
}

test('a pretty-printed snapshot file: one frame, venue claimed, symbol from the file name, localTs = line number', async () => {
  const snap = join(dir, 'binance_abcusdt_snapshot.json');
  writeFileSync(snap, JSON.stringify(snapshot(10), null, 2) + '\n');
  const deltas = join(dir, 'binance_abcusdt_deltas.jsonl');
  writeFileSync(deltas, [diff(1700000000000, 9, 10, []), diff(1700000000100, 11, 12, [['100.0', '3.5']]), diff(1700000000200, 13, 13, [])].join('\n'));
  assert.deepEqual((await identify([snap])).map((f) => f.format.id), ['jsonl']);
  const { evs, report } = await read([deltas, snap]);
  assert.equal(report.badLines, 0);
  assert.deepEqual(report.files.map((f) => [f.lines, f.frames, f.venue]), [[3, 3, 'binance-spot'], [JSON.stringify(snapshot(10), null, 2).split('\n').length, 1, 'binance-spot']]);
  const b = evs as BookChange[];
  assert.deepEqual(b.map((e) => [e.isSnapshot, e.seq, e.localTs, e.symbol, e.where?.line]), [
    [true, 10, 1, 'ABCUSDT', 1],
    [false, 10, 1700000000000e6, 'ABCUSDT', 1],
    [false, 12, 1700000000100e6, 'ABCUSDT', 2],
    [false, 13, 1700000000200e6, 'ABCUSDT', 3],
  ]);
});

test('localTs: a frame without venue time takes the file\'s previous venue time, or its line number before any', async () => {
  const p = join(dir, 'mixed.jsonl');
  writeFileSync(p, ['{"lastUpdateId":5,"symbol":"ABCUSDT","bids":[],"asks":[]}', diff(1700000000000, 6, 6, []), '{"lastUpdateId":7,"symbol":"ABCUSDT","bids":[],"asks":[]}'].join('\n'));
  const { evs } = await read([p], 'binance-spot');
  assert.deepEqual(evs.map((e) => e.localTs), [1, 1700000000000e6, 1700000000000e6]);
});

test('bad frames are counted at their line; an unterminated document at the end is reported', async () => {
  const p = join(dir, 'binance_abcusdt_bad.jsonl');
  writeFileSync(p, [diff(1700000000000, 1, 1, []), '{"e":"nope"}', 'not json}', diff(1700000000001, 2, 2, []), '{', '"a": ['].join('\n'));
  const { evs, report } = await read([p]);
  assert.equal(evs.length, 2);
  assert.equal(report.badLines, 3);
  const ex = report.files[0].examples;
  assert.match(ex[0], /bad\.jsonl:2: unknown Binance stream event "nope"/);
  assert.match(ex[1], /bad\.jsonl:3: /);
  assert.match(ex[2], /bad\.jsonl:5: unterminated JSON document at end of file/);
});

test('venue: --venue, else claimed by the frames, else a file-name token or folder naming a venue, else an error', async () => {
  const sub = join(dir, 'binance');
  mkdirSync(sub);
  const byDir = join(sub, 'frames.jsonl');
  writeFileSync(byDir, diff(1700000000000, 1, 1, []) + '\n');
  assert.equal((await read([byDir])).report.files[0].venue, 'binance-spot');
  const unknown = join(dir, 'frames.jsonl');
  writeFileSync(unknown, '{"hello":1}\n');
  const r = await read([unknown]);
  assert.equal(r.report.files[0].venue, '?');
  assert.match(r.report.files[0].error ?? '', /cannot tell which venue these JSON frames are from; pass --venue/);
  assert.equal((await read([byDir], 'binance-usdm')).evs[0].venue, 'binance-usdm');
});
