import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { labelFrameSync } from '../labels/label-frame.ts';
import { normalizeLabelSpec } from '../labels/spec.ts';
import { midFrame } from '../labels/test-frames.ts';
import { buildDataset, combinedFrame, readDataset, writeDataset } from './build.ts';

const DAY = 86_400;
// rows every second across UTC midnight (2024-08-08 23:59:50 → 2024-08-09 00:00:29)
const T0 = 19_944 * DAY - 10;

function featureFrame(symbol: string, offset: number) {
  const n = 40;
  const t = Array.from({ length: n }, (_, i) => T0 + i + offset);
  const mid = t.map((_, i) => 100 + Math.sin(i / 3));
  const f = midFrame(t, mid, { invalid: [20], meta: { venue: 'binance-spot', symbol, spec_hash: 'feat123', spec: '{"features":["imb"]}' } });
  const warm = f.col('warm');
  for (let i = 0; i < 5; i++) warm[i] = 0; // still warming up
  return f.with(['imb'], [Float64Array.from(mid, (m, i) => (i % 7) - 3 + m * 0)]);
}

test('dataset: warm-up, invalid and unlabelled rows excluded and counted; manifest; Parquet round trip by date', async () => {
  const spec = normalizeLabelSpec({ horizons: ['2s', '5s'], direction: {} });
  const labeled = [featureFrame('BTCUSDT', 0), featureFrame('ETHUSDT', 0.5)].map((f) => labelFrameSync(f, spec));
  const ds = buildDataset(labeled, { source: { features: ['feat/'] } });
  const m = ds.manifest;
  // per instrument: 40 rows, 5 warm-up, row 20 invalid; no label at all for rows 18 and 19 (every
  // window reaches row 20) and for the last 2 (past the data)
  assert.deepEqual(m.instruments[0].excluded, { warmup: 5, invalid: 1, unlabeled: 4 });
  assert.equal(m.instruments[0].rows, 30);
  assert.deepEqual(m.rows, { input: 80, kept: 60, warmup: 10, invalid: 2, unlabeled: 8 });
  assert.equal(m.featureSpecHash, 'feat123');
  assert.deepEqual(m.featureSpec, { features: ['imb'] });
  assert.equal(m.labelSpecHash, labeled[0].specHash);
  assert.deepEqual(m.columns.features, ['imb']);
  assert.deepEqual(m.columns.labels, ['fwd_ret_2s', 'fwd_ret_5s', 'fwd_dir_2s', 'fwd_dir_5s']);
  assert.equal(m.columns.labelEnd, 'fwd_end_ts');
  assert.equal(m.columns.endOf.fwd_dir_5s, 'fwd_end_ts_5s');
  assert.ok(m.columns.base.includes('mid') && !m.columns.features.includes('mid'));
  // rows whose windows reach the invalid row 20 keep their short labels only where possible
  assert.ok(m.labelCounts.fwd_ret_5s < m.labelCounts.fwd_ret_2s);
  assert.equal(m.timeRange.first, '2024-08-08T23:59:55.000Z');

  const dir = join(mkdtempSync(join(tmpdir(), 'lobkit-ds-')), 'ds');
  const files = await writeDataset(dir, ds);
  assert.equal(files.length, 4, 'two instruments × two UTC dates');
  assert.ok(files.some((f) => f.includes('venue=binance-spot/symbol=ETHUSDT/date=2024-08-09/part-0.parquet')));
  await assert.rejects(() => writeDataset(dir, ds), /is not empty/);
  const back = await readDataset(dir);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).rows, m.rows);
  assert.equal(back.frames.length, 2);
  for (let k = 0; k < 2; k++) {
    const a = ds.frames[k];
    const b = back.frames[k];
    assert.equal(b.n, a.n);
    assert.deepEqual(b.names, a.names);
    for (const name of a.names) assert.deepStrictEqual(b.col(name), a.col(name), name);
  }
  const all = combinedFrame(back);
  assert.equal(all.n, 60);
  const ts = all.col('ts');
  for (let i = 1; i < all.n; i++) assert.ok(ts[i] >= ts[i - 1]);
  assert.deepEqual([...new Set(all.col('inst'))].sort(), [0, 1]);
});

test('instruments labelled with different specs, or with different features, cannot share a dataset', () => {
  const a = labelFrameSync(featureFrame('BTCUSDT', 0), normalizeLabelSpec({ horizons: ['2s'] }));
  const b = labelFrameSync(featureFrame('ETHUSDT', 0), normalizeLabelSpec({ horizons: ['3s'] }));
  assert.throws(() => buildDataset([a, b]), /same label spec/);
  const c = labelFrameSync(featureFrame('ETHUSDT', 0).with(['extra'], [new Float64Array(40)]), normalizeLabelSpec({ horizons: ['2s'] }));
  assert.throws(() => buildDataset([a, c]), /different feature columns/);
});

test('building a dataset runs the leak guard: a feature copied from a label stops it, naming the column', () => {
  const spec = normalizeLabelSpec({ horizons: ['2s'] });
  const clean = labelFrameSync(featureFrame('BTCUSDT', 0), spec);
  const ds = buildDataset([clean]);
  assert.equal(ds.manifest.leakCheck?.pairs, 1);
  const l = labelFrameSync(featureFrame('BTCUSDT', 0), spec);
  const leaky = { ...l, frame: l.frame.with(['peek'], [l.frame.col('fwd_ret_2s').map((v) => v * 2)]) };
  assert.throws(() => buildDataset([leaky]), /leak guard: feature column "peek" reproduces label "fwd_ret_2s"/);
  assert.equal(buildDataset([leaky], { leakCheck: false }).manifest.leakCheck, null);
});
