import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writePartitioned } from '../../src/dataset/build.ts';
import { bookFrames } from '../../src/dataset/book-frame.ts';
import { readFrames } from '../../src/dataset/frames.ts';
import { lobkit } from '../helpers/cli.ts';
import { dataPaths } from '../helpers/data.ts';

const SPOT = ['binance-hftbacktest/spot/btcusdt_20240808.gz', 'binance-hftbacktest/spot/btcusdt_20240809.gz'];

test('lobkit label <raw files>: every label fwd_*, maker outcomes from the same replay, text and JSON, Parquet out', async (t) => {
  const files = dataPaths(t, SPOT);
  if (!files) return;
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-label-'));
  const spec = join(dir, 'labels.yaml');
  writeFileSync(spec, 'horizons: [1s, 10s]\ndirection: { threshold: { type: bps, bps: 0.5 } }\nmaker: { horizon: 5s, markout: 1s }\n');
  const r = lobkit(['label', ...files, '--spec', spec, '--json', '--out', join(dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.instruments.length, 1);
  const inst = out.instruments[0];
  assert.equal(inst.symbol, 'BTCUSDT');
  assert.equal(out.spec.maker.makerFeeBps, 10, 'maker fee from the binance-spot schedule');
  const names = inst.labels.map((l: { name: string }) => l.name);
  assert.deepEqual(names.slice(0, 4), ['fwd_ret_1s', 'fwd_ret_10s', 'fwd_dir_1s', 'fwd_dir_10s']);
  for (const n of names) assert.match(n, /^fwd_/);
  assert.equal(inst.maker.misaligned, 0);
  assert.ok(inst.maker.filled > 1000 && inst.maker.unfilled > 100);
  const dir10 = inst.labels.find((l: { name: string }) => l.name === 'fwd_dir_10s');
  assert.deepEqual(Object.keys(dir10.classes).sort(), ['-1', '0', '1']);
  // the written labels read back with their end times, per UTC date
  assert.equal(inst.files.length, 2);
  const back = await readFrames([join(dir, 'out')]);
  assert.equal(back[0].frame.n, inst.rows);
  assert.ok(back[0].frame.has('fwd_end_ts') && back[0].frame.has('fwd_mkb_fill_5s') && !back[0].frame.has('bid'));
  const text = lobkit(['label', ...files, '--spec', spec, '--no-progress']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /fwd_mkb_fill_5s\s+\d+\s+\d+\s+0: [\d.]+%\s+1: [\d.]+%/);
  assert.match(text.stdout, /rows matching the replayed book: (\d+)\/\1/);
});

test('lobkit label: bad spec files and missing events are clear errors (exit 2 / 1), never a stack', async (t) => {
  const files = dataPaths(t, SPOT.slice(0, 1));
  if (!files) return;
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-label-bad-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'horizons: [1s]\ndirection: { threshold: { type: spread, k: -2 } }\n');
  let r = lobkit(['label', ...files, '--spec', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.yaml: .*direction\.threshold\.k/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
  writeFileSync(bad, 'horizons: [1s\n');
  r = lobkit(['label', ...files, '--spec', bad]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.yaml: not valid YAML/);
  r = lobkit(['label', ...files, '--spec', join(dir, 'missing.yaml')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /missing\.yaml: cannot read the spec \(ENOENT\)/);
  // Parquet frames (as lobkit features writes them) need their raw files for maker labels
  const pq = join(dir, 'frames');
  const { frames } = await bookFrames(files, { sample: 100e6 });
  await writePartitioned(pq, frames[0]);
  const makerSpec = writeSpec(dir, 'horizons: [1s]\nmaker: { horizon: 5s, fees: 1 }\n');
  r = lobkit(['label', pq, '--spec', makerSpec]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /need the raw recordings the features came from \(--raw <files\.\.\.>\)/);
  r = lobkit(['label', pq, '--raw', ...files, '--spec', makerSpec, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).instruments[0].maker.misaligned, 0);
  // and raw files of another market are refused
  const eth = dataPaths(t, ['binance-hftbacktest/spot/ethusdt_20240808.gz']);
  if (!eth) return;
  r = lobkit(['label', pq, '--raw', ...eth, '--spec', makerSpec]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no market events for binance-spot:BTCUSDT/);
});

function writeSpec(dir: string, text: string): string {
  const p = join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(p, text);
  return p;
}
