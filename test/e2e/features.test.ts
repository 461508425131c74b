import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readParquet } from '../../src/dataset/parquet.ts';
import { DEFAULT_SPEC } from '../../src/features/default-spec.ts';
import { CORE_COLUMNS, normalizeSpec, parseSpecText } from '../../src/features/spec.ts';
import { lobkit } from '../helpers/cli.ts';
import { dataPaths } from '../helpers/data.ts';

const dir = mkdtempSync(join(tmpdir(), 'lobkit-features-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SPOT = ['binance-hftbacktest/spot/btcusdt_20240808.gz', 'binance-hftbacktest/spot/btcusdt_20240809.gz'];

interface Summary {
  ok: boolean;
  spec_hash: string;
  features: number;
  instruments: { venue: string; symbol: string; rows: number; warmRows: number; files: string[] }[];
  totals: { rows: number; files: number };
}

test('lobkit features: default spec → Parquet partitioned venue/symbol/date, spec hash in the metadata', async (t) => {
  const files = dataPaths(t, SPOT);
  if (!files) return;
  const out = join(dir, 'default');
  const r = lobkit(['features', '--out', out, '--json', ...files]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Summary;
  assert.equal(s.ok, true);
  assert.equal(s.spec_hash, DEFAULT_SPEC.hash);
  assert.ok(s.features >= 80);
  assert.equal(s.instruments.length, 1);
  const base = join(out, 'venue=binance-spot', 'symbol=BTCUSDT');
  assert.deepEqual(readdirSync(base).sort(), ['date=2024-08-08', 'date=2024-08-09']);
  let rows = 0;
  for (const date of ['2024-08-08', '2024-08-09']) {
    const path = join(base, `date=${date}`, 'part-0.parquet');
    assert.ok(s.instruments[0].files.includes(path), `${path} not in the summary`);
    const f = await readParquet(path);
    assert.deepEqual(f.names.slice(0, CORE_COLUMNS.length), [...CORE_COLUMNS]);
    assert.equal(f.meta.spec_hash, DEFAULT_SPEC.hash);
    assert.equal(f.meta.venue, 'binance-spot');
    assert.equal(f.meta.symbol, 'BTCUSDT');
    assert.equal(f.meta.date, date);
    assert.equal(normalizeSpec(JSON.parse(f.meta.spec)).hash, DEFAULT_SPEC.hash);
    const ts = f.col('ts');
    assert.ok(ts.every((x) => new Date(x / 1e6).toISOString().startsWith(date)), `rows outside ${date}`);
    rows += f.n;
  }
  assert.equal(rows, s.instruments[0].rows);
  // the text summary
  const text = lobkit(['features', '--out', out, '--no-progress', files[0]]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /binance-spot\s+BTCUSDT\s+\d+/);
  assert.match(text.stdout, new RegExp(`feature spec ${DEFAULT_SPEC.hash}`));
});

test('lobkit features --spec: a custom YAML spec, the hash --print-spec shows, reruns replace stale parts', async (t) => {
  const files = dataPaths(t, SPOT.slice(0, 1));
  if (!files) return;
  const spec = join(dir, 'small.yaml');
  writeFileSync(spec, 'sampling: { mode: time, interval_ms: 1000 }\nfeatures:\n  - op: spread\n  - op: ofi\n    levels: 2\n    windows_ms: [1000]\n');
  const printed = lobkit(['features', '--spec', spec, '--print-spec']);
  assert.equal(printed.code, 0, printed.stderr);
  const hash = parseSpecText(printed.stdout).hash;
  assert.equal(printed.stdout.split('\n')[0], `# feature spec ${hash}`);
  const out = join(dir, 'small');
  const partDir = join(out, 'venue=binance-spot', 'symbol=BTCUSDT', 'date=2024-08-08');
  mkdirSync(partDir, { recursive: true });
  writeFileSync(join(partDir, 'part-7.parquet'), 'stale');
  const r = lobkit(['features', '--spec', spec, '--out', out, '--json', ...files]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as Summary).spec_hash, hash);
  assert.deepEqual(readdirSync(partDir), ['part-0.parquet']);
  const f = await readParquet(join(partDir, 'part-0.parquet'));
  assert.deepEqual(f.names, [...CORE_COLUMNS, 'spread', 'spread_bps', 'ofi_l1_1s', 'ofi_l2_1s', 'ofi_int_1s']);
  assert.equal(f.meta.spec_hash, hash);
  assert.equal(Math.round((f.col('ts')[1] - f.col('ts')[0]) / 1e6), 1000);
});

test('lobkit features: --chunk-rows splits a date into several parts', async (t) => {
  const files = dataPaths(t, SPOT.slice(0, 1));
  if (!files) return;
  const out = join(dir, 'chunks');
  const spec = join(dir, 'tiny.yaml');
  writeFileSync(spec, 'features: [{ op: spread }]\n');
  const r = lobkit(['features', '--spec', spec, '--out', out, '--chunk-rows', '1000', '--json', ...files]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Summary;
  const partDir = join(out, 'venue=binance-spot', 'symbol=BTCUSDT', 'date=2024-08-08');
  const day = await readParquet(join(partDir, '*.parquet'));
  assert.ok(day.n > 3000);
  assert.deepEqual(readdirSync(partDir).sort(), Array.from({ length: Math.ceil(day.n / 1000) }, (_, i) => `part-${i}.parquet`).sort());
  const all = await readParquet(join(out, 'venue=binance-spot', 'symbol=BTCUSDT', '*', '*.parquet'));
  assert.equal(all.n, s.totals.rows); // the file runs a few seconds past midnight: those rows are in date=2024-08-09
});

test('lobkit features --symbol: only the instruments asked for', async (t) => {
  const files = dataPaths(t, ['binance-hftbacktest/spot/btcusdt_20240808.gz', 'binance-hftbacktest/spot/ethusdt_20240808.gz']);
  if (!files) return;
  const spec = join(dir, 'tiny2.yaml');
  writeFileSync(spec, 'features: [{ op: spread }]\n');
  const out = join(dir, 'sym');
  const r = lobkit(['features', '--spec', spec, '--symbol', 'binance-spot:ETHUSDT', '--out', out, '--json', ...files]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as Summary).instruments.map((i) => i.symbol), ['ETHUSDT']);
  assert.deepEqual(readdirSync(join(out, 'venue=binance-spot')), ['symbol=ETHUSDT']);
});

test('lobkit features: usage and spec errors are one clear line with the right exit code', async (t) => {
  const files = dataPaths(t, SPOT.slice(0, 1));
  if (!files) return;
  const noOut = lobkit(['features', files[0]]);
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /--out <dir> is required/);
  const noFiles = lobkit(['features', '--out', join(dir, 'x')]);
  assert.equal(noFiles.code, 2);
  assert.match(noFiles.stderr, /no input files/);
  const missing = lobkit(['features', '--spec', join(dir, 'nope.yaml'), '--out', join(dir, 'x'), files[0]]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.yaml: no such file/);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'features:\n  - op: ofi\n    levels: lots\n');
  const r = lobkit(['features', '--spec', bad, '--out', join(dir, 'x'), files[0]]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.yaml.*features\[0\]\.levels/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/); // no stack trace
  assert.ok(!existsSync(join(dir, 'x')));
});
