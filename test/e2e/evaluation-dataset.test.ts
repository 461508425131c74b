import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Frame } from '../../src/core/frame.ts';
import { readDataset } from '../../src/dataset/build.ts';
import { writeParquet } from '../../src/dataset/parquet.ts';
import { lobkit } from '../helpers/cli.ts';
import { dataPaths } from '../helpers/data.ts';

const SPOT = ['btcusdt_20240808.gz', 'btcusdt_20240809.gz', 'ethusdt_20240808.gz', 'ethusdt_20240809.gz'].map((f) => `binance-hftbacktest/spot/${f}`);

test('lobkit dataset from raw files → manifest; lobkit evaluate on predictions: folds as distributions, the overlap trap beside honest trades', async (t) => {
  const files = dataPaths(t, SPOT);
  if (!files) return;
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-ds-'));
  const ds = join(dir, 'ds');
  const r = lobkit(['dataset', ...files, '--out', ds, '--depth', '5', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(readFileSync(join(ds, 'manifest.json'), 'utf8'));
  assert.deepEqual(JSON.parse(r.stdout).manifest.rows, m.rows);
  assert.deepEqual(
    m.instruments.map((i: { symbol: string }) => i.symbol),
    ['BTCUSDT', 'ETHUSDT'],
  );
  assert.deepEqual(m.columns.features, [], 'top-of-book rows carry no features; depth columns are not features');
  assert.ok(m.columns.base.includes('ask_px_5'));
  assert.equal(m.rows.kept + m.rows.warmup + m.rows.invalid + m.rows.unlabeled, m.rows.input);
  assert.ok(m.columns.labels.includes('fwd_mkb_fill_10s') && m.columns.labels.includes('fwd_ret_10s'));
  assert.match(m.labelSpecHash, /^[0-9a-f]{16}$/);
  assert.ok(existsSync(join(ds, 'venue=binance-spot/symbol=ETHUSDT/date=2024-08-09/part-0.parquet')));
  const again = lobkit(['dataset', ...files, '--out', ds]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /is not empty \(use --overwrite/);

  // predictions for BTCUSDT: one that peeks at the label, one that is noise
  const data = await readDataset(ds, { symbols: ['BTCUSDT'] });
  const f = data.frames[0];
  let x = 5;
  const z = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5);
  const ret = f.col('fwd_ret_10s');
  const peek = join(dir, 'peek.parquet');
  await writeParquet(peek, new Frame(['ts', 'score'], [f.col('ts'), Float64Array.from(ret, (v) => (Number.isFinite(v) ? v + 4 * z() : 0))], f.n, { venue: 'binance-spot', symbol: 'BTCUSDT' }));
  const e = lobkit(['evaluate', '--dataset', ds, '--predictions', peek, '--symbol', 'BTCUSDT', '--folds', '4', '--maker-bps', '0', '--taker-bps', '0', '--json']);
  assert.equal(e.code, 0, e.stderr);
  const ev = JSON.parse(e.stdout).instruments[0];
  assert.equal(ev.folds.length, 4);
  assert.equal(ev.summary.ic.perFold.length, 4);
  assert.ok(ev.summary.ic.min > 0.5, `IC ${ev.summary.ic.min}`);
  const tt = ev.summary.trades['taker/taker'];
  assert.equal(tt.honest.maxConcurrent.max, 1, 'one position at a time');
  assert.ok(tt.overlapping.maxConcurrent.min >= 50, 'overlapping: a position per 100 ms row over 10 s');
  assert.ok(tt.honest.totalBps.median > 0, 'peeking earns without fees');
  assert.ok(tt.overlapping.totalBps.median > 20 * tt.honest.totalBps.median, 'the trap multiplies the total');
  for (const k of ['median', 'min', 'max', 'perFold']) assert.ok(k in tt.honest.bpsPerTrade, k);
  assert.equal(ev.summary.sweep['taker/taker'][0].threshold, 0);

  const noise = join(dir, 'noise.parquet');
  await writeParquet(noise, new Frame(['ts', 'score'], [f.col('ts'), Float64Array.from(ret, () => z())], f.n, { venue: 'binance-spot', symbol: 'BTCUSDT' }));
  const n = lobkit(['evaluate', '--dataset', ds, '--predictions', noise, '--symbol', 'BTCUSDT', '--folds', '4', '--size', '0.5']);
  assert.equal(n.code, 0, n.stderr);
  assert.match(n.stdout, /every figure: median \[min, max\] across folds/);
  assert.match(n.stdout, /overlapping \(trap\)/);
  assert.match(n.stdout, /oracle direction/);
  assert.match(n.stdout, /threshold sweep/);

  const lab = lobkit(['evaluate', '--dataset', ds, '--signal', 'fwd_ret_10s']);
  assert.equal(lab.code, 2);
  assert.match(lab.stderr, /--signal fwd_ret_10s is a label/);
});

test('lobkit features → lobkit dataset --raw → lobkit evaluate --signal <feature>', async (t) => {
  const files = dataPaths(t, SPOT.slice(0, 2));
  if (!files) return;
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-feat-ds-'));
  const feat = join(dir, 'features');
  const fr = lobkit(['features', ...files, '--out', feat, '--no-progress']);
  assert.equal(fr.code, 0, fr.stderr);
  const ds = join(dir, 'ds');
  const d = lobkit(['dataset', feat, '--raw', ...files, '--out', ds, '--no-progress']);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /leak guard: \d+ feature\/label pairs clean/);
  const m = JSON.parse(readFileSync(join(ds, 'manifest.json'), 'utf8'));
  assert.ok(m.columns.features.length >= 80, `${m.columns.features.length} features`);
  assert.match(m.featureSpecHash, /^[0-9a-f]+$/);
  assert.ok(m.rows.warmup > 0, 'warm-up rows were excluded');
  for (const c of m.columns.features) assert.ok(!c.startsWith('fwd_'));
  const signal = m.columns.features.find((c: string) => /imb/.test(c)) ?? m.columns.features[0];
  const e = lobkit(['evaluate', '--dataset', ds, '--signal', signal, '--folds', '3', '--json']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(JSON.parse(e.stdout).instruments[0].folds.length, 3);
});
