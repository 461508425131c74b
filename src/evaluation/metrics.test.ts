import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { averagePrecision, binaryProba, classIndex, classificationMetrics, ic, icDecay, regressionMetrics, rocAuc } from './metrics.ts';

/** Values computed by scikit-learn 1.2.1 / SciPy 1.10.1 with fixtures/metrics-ref.py (inputs stored with them). */
interface Ref {
  classification: {
    name: string;
    k: number;
    y: number[];
    proba: number[];
    accuracy: number;
    balancedAccuracy: number;
    macroF1: number;
    precision: number[];
    recall: number[];
    confusion: number[][];
    logLoss: number;
    rocAuc: number;
    rocAucPerClass?: number[];
    prAuc: number;
    prAucPerClass?: number[];
    calibration: { fracPos: number[]; meanPred: number[] }[];
  }[];
  ic: { x: number[]; y: number[]; pearson: number; spearman: number };
  regression: { y: number[]; pred: number[]; rmse: number; mae: number; r2: number; pearson: number; spearman: number };
}

const ref = JSON.parse(readFileSync(new URL('./fixtures/metrics-ref.json', import.meta.url), 'utf8')) as Ref;
const close = (a: number, b: number, what: string, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs sklearn ${b}`);

for (const c of ref.classification) {
  test(`classification metrics match scikit-learn: ${c.name}`, () => {
    const m = classificationMetrics(c.y, c.proba, { k: c.k });
    assert.equal(m.n, c.y.length);
    close(m.accuracy, c.accuracy, 'accuracy');
    close(m.balancedAccuracy, c.balancedAccuracy, 'balanced accuracy');
    close(m.macroF1, c.macroF1, 'macro F1');
    m.perClass.forEach((p, k) => {
      close(p.precision, c.precision[k], `precision ${k}`);
      close(p.recall, c.recall[k], `recall ${k}`);
    });
    assert.deepEqual(m.confusion, c.confusion);
    close(m.logLoss, c.logLoss, 'log loss', 1e-10);
    close(m.rocAuc, c.rocAuc, 'ROC AUC');
    close(m.prAuc, c.prAuc, 'PR AUC (average precision)');
    c.rocAucPerClass?.forEach((v, k) => close(m.rocAucPerClass[k], v, `ROC AUC class ${k}`));
    c.prAucPerClass?.forEach((v, k) => close(m.prAucPerClass[k], v, `AP class ${k}`));
    assert.equal(m.calibration.length, c.calibration.length);
    m.calibration.forEach((cal, k) => {
      assert.equal(cal.bins.length, c.calibration[k].fracPos.length, `class ${k}: non-empty bins`);
      cal.bins.forEach((b, j) => {
        close(b.fracPos, c.calibration[k].fracPos[j], `calibration class ${k} bin ${j} fraction positive`);
        close(b.meanPred, c.calibration[k].meanPred[j], `calibration class ${k} bin ${j} mean predicted`);
      });
    });
  });
}

test('IC (Pearson) and rank IC (Spearman, ties averaged) match SciPy', () => {
  const r = ic(ref.ic.x, ref.ic.y);
  close(r.ic, ref.ic.pearson, 'pearson');
  close(r.rankIc, ref.ic.spearman, 'spearman');
  const g = regressionMetrics(ref.regression.y, ref.regression.pred);
  close(g.rmse, ref.regression.rmse, 'rmse');
  close(g.mae, ref.regression.mae, 'mae');
  close(g.r2, ref.regression.r2, 'r2');
  close(g.ic, ref.regression.pearson, 'pearson');
  close(g.rankIc, ref.regression.spearman, 'spearman');
});

test('hand-worked cases: AUC with ties, average precision, NaN rows skipped, class mapping', () => {
  // positives score 0.9 and 0.5, negatives 0.5 and 0.1: pairs (0.9>0.5), (0.9>0.1), (0.5=0.5: half), (0.5>0.1) → 3.5 / 4
  assert.equal(rocAuc([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1]), 0.875);
  assert.ok(Number.isNaN(rocAuc([1, 1], [0.2, 0.3])));
  // ranking: 1 (pos), {0.5: pos + neg}, 0.1 (neg): AP = 0.5 × 1 + 0.5 × 2/3
  assert.ok(Math.abs(averagePrecision([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1]) - (0.5 + 1 / 3)) < 1e-15);
  const y = classIndex([1, -1, 0, NaN, 1], [-1, 0, 1]);
  assert.deepEqual(Array.from(y), [2, 0, 1, NaN, 2]);
  const p = [0.1, 0.2, 0.7, 0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.3, 0.3, 0.4, NaN, 0.5, 0.5];
  const m = classificationMetrics(y, p, { k: 3 });
  assert.equal(m.n, 3, 'the NaN label row and the NaN probability row are skipped');
  assert.equal(m.skipped, 2);
  assert.equal(m.accuracy, 1);
  assert.throws(() => classificationMetrics([3], [0.5, 0.5], { k: 2 }), /class 3, outside 0..1/);
  const b = classificationMetrics([0, 1, 1], binaryProba([0.2, 0.8, 0.4]));
  assert.deepEqual(b.confusion, [
    [1, 0],
    [1, 1],
  ]);
});

test('IC decay: a signal built from the 1 s return loses IC at longer horizons', () => {
  let x = 7;
  const z = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5);
  const n = 5000;
  const r1 = Float64Array.from({ length: n }, z);
  const r10 = Float64Array.from(r1, (v) => v + 3 * z());
  const r60 = Float64Array.from(r10, (v) => v + 8 * z());
  const sig = Float64Array.from(r1, (v) => v + 0.5 * z());
  const d = icDecay(sig, [
    { name: 'fwd_ret_1s', values: r1, horizon: 1e9 },
    { name: 'fwd_ret_10s', values: r10, horizon: 10e9 },
    { name: 'fwd_ret_60s', values: r60, horizon: 60e9 },
  ]);
  assert.deepEqual(
    d.map((p) => p.label),
    ['fwd_ret_1s', 'fwd_ret_10s', 'fwd_ret_60s'],
  );
  assert.ok(d[0].ic > d[1].ic && d[1].ic > d[2].ic && d[2].ic > 0, d.map((p) => p.ic.toFixed(3)).join(' > '));
});
