import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import type { TreeModel } from '../gbdt/model.ts';
import { loadModelFile, parseModelText } from './load.ts';

// Fixtures: tiny models trained by python3-xgboost 1.7 / lightgbm 4.7 and the predictions those
// libraries made on test rows (make-fixtures.py). Raw scores must match exactly; transformed
// outputs to the last float bit or two (exp/log implementations differ between C and V8).
const dir = new URL('./fixtures/', import.meta.url);

interface Expected {
  version: string;
  rows: (number | null)[][];
  models: Record<string, { file: string; raw: (number | null)[][]; pred: (number | null)[][] }>;
}

function load(lib: string): Expected {
  return JSON.parse(readFileSync(new URL(`${lib}-expected.json`, dir), 'utf8')) as Expected;
}

function matrix(rows: (number | null)[][]): Float64Array {
  return Float64Array.from(rows.flat(), (v) => (v === null ? NaN : v));
}

for (const lib of ['xgboost', 'lightgbm']) {
  const exp = load(lib);
  const x = matrix(exp.rows);
  const n = exp.rows.length;
  for (const [name, m] of Object.entries(exp.models)) {
    test(`${lib} ${name}: predicts exactly what ${lib} ${exp.version} predicted`, () => {
      const model = loadModelFile(new URL(m.file, dir).pathname) as TreeModel;
      assert.equal(model.kind, lib);
      const K = model.nOutputs;
      const raw = model.predictRawBatch(x, n);
      const pred = model.predict(x, n);
      const wantRaw = matrix(m.raw);
      const wantPred = matrix(m.pred);
      assert.equal(raw.length, wantRaw.length, 'raw output count');
      for (let i = 0; i < raw.length; i++) assert.equal(raw[i], wantRaw[i], `raw score row ${Math.floor(i / K)} output ${i % K}`);
      // xgboost works in float32: allow 1 float32 ulp; lightgbm in double: 4 double ulps.
      const rel = lib === 'xgboost' ? 1.2e-7 : 1e-15;
      for (let i = 0; i < pred.length; i++) {
        const tol = rel * Math.max(1e-30, Math.abs(wantPred[i]));
        assert.ok(Math.abs(pred[i] - wantPred[i]) <= tol, `prediction row ${Math.floor(i / K)} output ${i % K}: ${pred[i]} vs ${wantPred[i]}`);
      }
      // Serialization round trip keeps predictions bit-identical.
      const again = parseModelText(JSON.stringify(model.toJSON()), 'roundtrip');
      assert.deepEqual(Array.from(again.predict(x, n)), Array.from(pred));
    });
  }
}

test('the fixtures exercise missing values, zero-as-missing, multiclass and a sigmoid scale', () => {
  const lgb = load('lightgbm');
  const text = readFileSync(new URL(lgb.models['zero-missing'].file, dir), 'utf8');
  assert.match(text, /decision_type=.*\b(4|6)\b/, 'zero-missing model has missing type Zero nodes');
  assert.match(readFileSync(new URL(lgb.models.binary.file, dir), 'utf8'), /decision_type=.*\b(8|10)\b/, 'NaN missing type nodes');
  assert.ok(lgb.rows.some((r) => r.every((v) => v === null)), 'an all-missing row');
  const xgb = load('xgboost');
  assert.equal(xgb.models.multiclass.raw[0].length, 3);
});

test('unsupported or broken model files are refused with the file named', () => {
  assert.throws(() => parseModelText('{"learner":{"gradient_booster":{"name":"gblinear"}}}', 'm.json'), (e: unknown) => e instanceof InputError && /m\.json: booster "gblinear" is not supported/.test((e as Error).message));
  assert.throws(() => parseModelText('{"learner":{"gradient_booster":{"name":"gbtree"},"objective":{"name":"rank:pairwise"}}}', 'r.json'), /objective "rank:pairwise" is not supported/);
  assert.throws(() => parseModelText('hello', 'x.bin'), /x\.bin: not a model file/);
  const lgbText = readFileSync(new URL('lightgbm-binary.txt', dir), 'utf8');
  assert.throws(() => parseModelText(lgbText.replace(/decision_type=(\d+)/, 'decision_type=1'), 'cat.txt'), /cat\.txt:\d+: tree 0 node 0: categorical split/);
  assert.throws(() => parseModelText(lgbText.replace(/leaf_value=\S+ /, 'leaf_value='), 'short.txt'), /"leaf_value" has 6 values, expected 7/);
  assert.throws(() => parseModelText(lgbText.replace('objective=binary sigmoid:1', 'objective=lambdarank'), 'rank.txt'), /objective "lambdarank" is not supported/);
});
