import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readParquet, writeParquet } from '../../src/dataset/parquet.ts';
import { lobkit } from '../helpers/cli.ts';
import { dataPaths } from '../helpers/data.ts';

const FILES = ['binance-hftbacktest/spot/btcusdt_20240808.gz', 'binance-hftbacktest/spot/btcusdt_20240809.gz'];

test('lobkit train / models / predict on a real dataset: folds, cost-aware evaluation, versioned artifacts, spec guard', async (t) => {
  const files = dataPaths(t, FILES);
  if (!files) return;
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-models-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const feat = join(dir, 'features');
  const ds = join(dir, 'ds');
  const models = join(dir, 'models');
  assert.equal(lobkit(['features', ...files, '--out', feat, '--no-progress']).code, 0);
  const d = lobkit(['dataset', feat, '--out', ds]);
  assert.equal(d.code, 0, d.stderr);

  // logistic, walk-forward, cost-aware evaluation of the out-of-sample predictions
  const lr = lobkit(['train', '--model', 'logistic', '--dataset', ds, '--split', 'walk-forward', '--folds', '3', '--models-dir', models, '--maker-bps', '0', '--taker-bps', '5', '--json']);
  assert.equal(lr.code, 0, lr.stderr);
  const r = JSON.parse(lr.stdout);
  assert.equal(r.label, 'fwd_dir_10s');
  assert.deepEqual(r.classes, [-1, 0, 1]);
  assert.equal(r.folds.length, 3);
  for (const f of r.folds) {
    assert.ok(f.trainRows > 0 && f.testRows > 0);
    assert.ok(f.metrics.logLoss > 0 && f.metrics.accuracy >= 0 && f.metrics.accuracy <= 1);
  }
  // walk-forward: each test block starts after the previous one
  assert.ok(r.folds[0].testStart < r.folds[1].testStart && r.folds[1].testStart < r.folds[2].testStart);
  assert.equal(r.summary.logLoss.perFold.length, 3);
  assert.ok(r.evaluation.instruments[0].summary.trades['taker/taker'].honest.maxConcurrent.max <= 1, 'honest simulation holds one position at a time');
  assert.equal(r.manifest.name, 'logistic-fwd_dir_10s');
  assert.equal(r.manifest.version, '0.1.0');
  assert.match(r.manifest.featureSpecHash, /^[0-9a-f]+$/);
  const art = r.artifact;
  for (const f of ['artifact.json', 'model.json', 'feature-spec.json', 'normalization.json', 'label.json', 'training.json', 'dataset.json', 'metrics.json', 'oos-predictions.parquet']) assert.ok(existsSync(join(art, f)), f);
  const oos = await readParquet(join(art, 'oos-predictions.parquet'));
  assert.deepEqual(oos.names.slice(0, 4), ['ts', 'inst', 'fold', 'score']);
  assert.equal(oos.n, r.folds.reduce((s: number, f: { testRows: number }) => s + f.testRows, 0), 'one out-of-sample prediction per test row');

  // gbdt with early stopping on purged k-fold; training the same name again bumps the version
  const gb = ['train', '--model', 'gbdt', '--dataset', ds, '--split', 'purged-kfold', '--folds', '3', '--embargo', '10s', '--params', '{"rounds":40,"numLeaves":7}', '--threads', '2', '--models-dir', models, '--no-evaluate', '--json'];
  const g1 = lobkit(gb);
  assert.equal(g1.code, 0, g1.stderr);
  const gr = JSON.parse(g1.stdout);
  assert.equal(gr.folds.length, 3);
  assert.equal(gr.evaluation, null);
  assert.ok(gr.folds.every((f: { validationRows: number }) => f.validationRows > 0), 'validation rows for early stopping');
  const g2 = lobkit(gb);
  assert.equal(g2.code, 0, g2.stderr);
  assert.equal(JSON.parse(g2.stdout).manifest.version, '0.1.1');

  // models list / show
  const ls = lobkit(['models', 'list', '--dir', models, '--json']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.deepEqual(
    JSON.parse(ls.stdout).map((m: { name: string; version: string }) => `${m.name}@${m.version}`),
    ['gbdt-fwd_dir_10s@0.1.0', 'gbdt-fwd_dir_10s@0.1.1', 'logistic-fwd_dir_10s@0.1.0'],
  );
  const show = lobkit(['models', 'show', 'gbdt-fwd_dir_10s', '--dir', models]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /gbdt-fwd_dir_10s@0\.1\.1 {2}gbdt \(multiclass, classes -1\/0\/1\)/);
  assert.match(show.stdout, /out-of-sample metrics per fold/);
  assert.match(show.stdout, /top features \(total gain, splits\)/);

  // predict on the dataset, and on a features file from another feature spec (refused)
  const out = join(dir, 'pred.parquet');
  const p = lobkit(['predict', '--model', 'logistic-fwd_dir_10s@0.1.0', '--models-dir', models, '--dataset', ds, '--out', out, '--json']);
  assert.equal(p.code, 0, p.stderr);
  const pr = JSON.parse(p.stdout);
  assert.equal(pr.inSample, true);
  const pf = await readParquet(out);
  assert.equal(pf.n, pr.rows);
  assert.deepEqual(pf.names, ['ts', 'inst', 'score', 'p_0', 'p_1', 'p_2']);
  const part = readdirSync(feat, { recursive: true }).map(String).find((f) => f.endsWith('.parquet'))!;
  const other = await readParquet(join(feat, part));
  other.meta.spec_hash = 'feedfeedfeedfeed';
  const otherFile = join(dir, 'other-spec.parquet');
  await writeParquet(otherFile, other);
  const bad = lobkit(['predict', '--model', art, '--dataset', otherFile]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, new RegExp(`was trained on features built with spec ${r.manifest.featureSpecHash}, but this data was built with spec feedfeedfeedfeed`));

  // usage errors
  for (const [args, msg] of [
    [['train', '--model', 'svm', '--dataset', ds], /--model must be one of logistic, ridge, gbdt/],
    [['train', '--model', 'gbdt', '--dataset', ds, '--split', 'random'], /--split must be walk-forward or purged-kfold/],
    [['train', '--model', 'gbdt', '--dataset', ds, '--params', '{"numLeafs":3}'], /Unrecognized key.*numLeafs/],
    [['train', '--model', 'gbdt', '--dataset', ds, '--label', 'fwd_nope'], /--label fwd_nope: not a label of this dataset/],
    [['train', '--model', 'logistic', '--dataset', ds, '--features', 'fwd_ret_10s'], /fwd_ret_10s/],
    [['predict', '--model', 'nope', '--models-dir', models, '--dataset', ds], /no model "nope"/],
  ] as [string[], RegExp][]) {
    const e = lobkit(args);
    assert.equal(e.code, 2, `${args.join(' ')}: ${e.stderr}`);
    assert.match(e.stderr, msg);
  }
});
