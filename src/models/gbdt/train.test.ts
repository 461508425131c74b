import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auc, mse } from '../metrics.ts';
import { rng } from '../random.ts';
import { syntheticData } from '../synthetic.ts';
import type { TrainSet } from '../model.ts';
import { binRows, binStride, findBins, MISSING_BIN } from './binning.ts';
import { TreeModel } from './model.ts';
import { trainGbdt } from './train.ts';
import { depthOf, leafOfBinned, type Tree } from './tree.ts';

/** y = sin(3·x0) + x1² − x0·x2 on uniform [−1, 1]³ (no noise): trees must approximate it closely. */
function knownFunction(n: number, seed: number): TrainSet {
  const r = rng(seed);
  const x = new Float64Array(n * 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = 2 * r() - 1;
    const b = 2 * r() - 1;
    const c = 2 * r() - 1;
    x.set([a, b, c], i * 3);
    y[i] = Math.sin(3 * a) + b * b - a * c;
  }
  return { x, n, y, features: ['a', 'b', 'c'] };
}

function variance(y: Float64Array): number {
  let m = 0;
  for (const v of y) m += v;
  m /= y.length;
  let s = 0;
  for (const v of y) s += (v - m) ** 2;
  return s / y.length;
}

const trees = (m: TreeModel) => m.spec.trees as unknown as Tree[];

test('L2 regression learns a known nonlinear function: held-out MSE below 1% of the variance', async () => {
  const tr = knownFunction(6000, 1);
  const te = knownFunction(2000, 2);
  const { model, info } = await trainGbdt(tr, { objective: 'regression', rounds: 300, learningRate: 0.1, numLeaves: 15, minDataInLeaf: 5 });
  const err = mse(model.predict(te.x, te.n), te.y);
  assert.ok(err < 0.01 * variance(te.y), `test MSE ${err} vs variance ${variance(te.y)}`);
  assert.equal(info.roundsTrained, 300);
  assert.equal(model.nTrees, 300);
  // the informative features carry all the gain; a, used in two terms, the most
  assert.ok(info.importance.gain[0] > info.importance.gain[2] && info.importance.gain[1] > 0 && info.importance.gain[2] > 0);
});

test('binary logloss on the synthetic interaction data: AUC close to the Bayes classifier', async () => {
  const tr = syntheticData(8000, 12, { seed: 3, noise: 0.5 });
  const te = syntheticData(4000, 12, { seed: 4, noise: 0.5 });
  const { model } = await trainGbdt(tr, { rounds: 150, learningRate: 0.1, numLeaves: 15 });
  assert.equal(model.task, 'binary');
  const a = auc(model.predict(te.x, te.n), te.y);
  assert.ok(a > 0.9, `AUC ${a}`);
  // irrelevant features (9..11 beyond the correlated block) get far less gain than x0
  const g = model.spec.importance!.gain;
  assert.ok(g[0] > 5 * g[11], `gain x0 ${g[0]} vs noise ${g[11]}`);
});

test('multiclass softmax: probabilities sum to 1 and beat the prior', async () => {
  const tr = syntheticData(6000, 12, { seed: 5, noise: 0.3, task: 'multiclass' });
  const te = syntheticData(3000, 12, { seed: 6, noise: 0.3, task: 'multiclass' });
  const { model, info } = await trainGbdt(tr, { rounds: 60, numLeaves: 15 });
  assert.equal(info.objective, 'multiclass');
  assert.deepEqual(model.classes, [-1, 0, 1]);
  assert.equal(model.nTrees, 180, 'one tree per class per round');
  const p = model.predict(te.x, te.n);
  let correct = 0;
  const prior = [0, 0, 0];
  for (let i = 0; i < te.n; i++) prior[te.y[i] + 1]++;
  for (let i = 0; i < te.n; i++) {
    const row = p.subarray(i * 3, i * 3 + 3);
    assert.ok(Math.abs(row[0] + row[1] + row[2] - 1) < 1e-12);
    const k = row.indexOf(Math.max(...row));
    if (model.classes[k] === te.y[i]) correct++;
  }
  assert.ok(correct / te.n > Math.max(...prior) / te.n + 0.15, `accuracy ${correct / te.n} vs majority ${Math.max(...prior) / te.n}`);
});

test('histogram subtraction grows exactly the trees that direct histograms grow', async () => {
  const tr = syntheticData(3000, 16, { seed: 7 });
  const cfg = { rounds: 20, numLeaves: 31, minDataInLeaf: 10 };
  const a = await trainGbdt(tr, { ...cfg, histogramSubtraction: true });
  const b = await trainGbdt(tr, { ...cfg, histogramSubtraction: false });
  const ta = trees(a.model);
  const tb = trees(b.model);
  assert.equal(ta.length, tb.length);
  for (let t = 0; t < ta.length; t++) {
    assert.deepEqual(ta[t].feature, tb[t].feature, `tree ${t} features`);
    assert.deepEqual(ta[t].threshold, tb[t].threshold, `tree ${t} thresholds`);
    assert.deepEqual(ta[t].defaultLeft, tb[t].defaultLeft);
    assert.deepEqual(ta[t].left, tb[t].left);
    assert.deepEqual(ta[t].leafCount, tb[t].leafCount);
    for (let l = 0; l < ta[t].leafValue.length; l++) assert.ok(Math.abs(ta[t].leafValue[l] - tb[t].leafValue[l]) <= 1e-12 * Math.max(1, Math.abs(tb[t].leafValue[l])), `tree ${t} leaf ${l}`);
  }
});

test('histograms are built only for leaves that can still split (never for the last level of a depth-limited tree)', async () => {
  const tr = syntheticData(5000, 12, { seed: 12 });
  const { model, info } = await trainGbdt(tr, { rounds: 1, numLeaves: 4, maxDepth: 2, minDataInLeaf: 1 });
  const t = trees(model)[0];
  assert.equal(t.leafValue.length, 4, 'a full depth-2 tree');
  // root (all rows) + the smaller depth-1 child; the larger is parent − smaller; depth-2 leaves never split
  assert.equal(info.histRows, tr.n + Math.min(t.count[1], t.count[2]));
  // with room for more leaves but depth exhausted, the same; without subtraction both depth-1 children are built
  const direct = await trainGbdt(tr, { rounds: 1, numLeaves: 4, maxDepth: 2, minDataInLeaf: 1, histogramSubtraction: false });
  assert.equal(direct.info.histRows, 2 * tr.n);
});

test('worker threads build bit-identical trees to one thread (fixed chunks, summed in order)', async () => {
  const tr = syntheticData(20000, 12, { seed: 8 });
  const cfg = { rounds: 8, numLeaves: 15, parallelMinRows: 500 };
  const one = await trainGbdt(tr, { ...cfg, threads: 1 });
  const two = await trainGbdt(tr, { ...cfg, threads: 2 });
  const three = await trainGbdt(tr, { ...cfg, threads: 3 });
  assert.equal(two.info.threads, 2);
  assert.equal(three.info.threads, 3);
  assert.equal(JSON.stringify(two.model.toJSON()), JSON.stringify(one.model.toJSON()));
  assert.equal(JSON.stringify(three.model.toJSON()), JSON.stringify(one.model.toJSON()));
  assert.ok(one.model.nTrees === 8 && trees(one.model)[0].leafValue.length === 15);
});

test('numLeaves, maxDepth and minDataInLeaf bound every tree', async () => {
  const tr = knownFunction(4000, 9);
  const { model } = await trainGbdt(tr, { objective: 'regression', rounds: 10, numLeaves: 20, maxDepth: 3, minDataInLeaf: 150 });
  for (const t of trees(model)) {
    assert.ok(t.leafValue.length <= 8, `a depth-3 tree has at most 8 leaves, got ${t.leafValue.length}`);
    assert.ok(depthOf(t) <= 3);
    for (const c of t.leafCount) assert.ok(c >= 150, `leaf with ${c} rows < minDataInLeaf 150`);
  }
  const wide = await trainGbdt(tr, { objective: 'regression', rounds: 3, numLeaves: 7, minDataInLeaf: 1 });
  for (const t of trees(wide.model)) assert.equal(t.leafValue.length, 7);
});

test('L1 and L2 shrink leaf values; a huge L1 leaves nothing to learn', async () => {
  const tr = knownFunction(2000, 10);
  const base = { objective: 'regression' as const, rounds: 1, numLeaves: 8, learningRate: 1 };
  const plain = await trainGbdt(tr, base);
  const l2 = await trainGbdt(tr, { ...base, lambdaL2: 500 });
  const l1 = await trainGbdt(tr, { ...base, lambdaL1: 1e9 });
  const sumAbs = (m: TreeModel) => trees(m)[0].leafValue.reduce((s, v) => s + Math.abs(v), 0);
  assert.ok(sumAbs(l2.model) < 0.9 * sumAbs(plain.model), `L2 ${sumAbs(l2.model)} vs ${sumAbs(plain.model)}`);
  assert.equal(l1.model.nTrees, 0, 'no split has gain once |G| − λ1 ≤ 0 everywhere');
  // maxDeltaStep caps every raw leaf output
  const capped = await trainGbdt(tr, { ...base, maxDeltaStep: 0.05 });
  for (const v of trees(capped.model)[0].leafValue) assert.ok(Math.abs(v) <= 0.05 + 1e-15);
});

test('missing values learn their own direction', async () => {
  // y = 1 exactly when x0 is missing; x1 is noise
  const n = 3000;
  const r = rng(11);
  const x = new Float64Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const miss = r() < 0.3;
    x[2 * i] = miss ? NaN : r() * 10;
    x[2 * i + 1] = r();
    y[i] = miss ? 1 : 0;
  }
  const { model } = await trainGbdt({ x, y, n, features: ['a', 'b'] }, { rounds: 30 });
  const out = new Float64Array(1);
  model.predictRow([NaN, 0.5], 0, out);
  assert.ok(out[0] > 0.95, `P(y=1 | a missing) = ${out[0]}`);
  for (const v of [0, 5, 9.9, 100, -100]) {
    model.predictRow([v, 0.5], 0, out);
    assert.ok(out[0] < 0.05, `P(y=1 | a=${v}) = ${out[0]}`);
  }
});

test('raw-threshold prediction agrees with the binned walk used in training', async () => {
  const tr = syntheticData(3000, 12, { seed: 12 });
  const { model } = await trainGbdt(tr, { rounds: 15, numLeaves: 31 });
  const mappers = findBins(tr.x, tr.n, 12, 255);
  const stride = binStride(12);
  const bins = new Uint8Array(tr.n * stride);
  binRows(tr.x, 12, mappers, stride, bins, 0, tr.n);
  const raw = model.predictRawBatch(tr.x, tr.n);
  for (let i = 0; i < tr.n; i++) {
    let s = model.base[0];
    for (const t of trees(model)) s += t.leafValue[leafOfBinned(t, bins, i * stride, MISSING_BIN)];
    assert.ok(Math.abs(s - raw[i]) < 1e-12, `row ${i}: binned ${s} vs raw ${raw[i]}`);
  }
});

test('sample weights: weight 2 grows the same trees as the row twice', async () => {
  const n = 500;
  const r = rng(13);
  const x = new Float64Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = Math.floor(r() * 20); // few distinct values: identical bins either way
    x[2 * i + 1] = Math.floor(r() * 5);
    y[i] = Math.sin(x[2 * i]) + 0.3 * x[2 * i + 1] + 0.1 * r();
  }
  const w = new Float64Array(n);
  const dupRows: number[] = [];
  for (let i = 0; i < n; i++) {
    w[i] = i % 3 === 0 ? 2 : 1;
    dupRows.push(i);
    if (w[i] === 2) dupRows.push(i);
  }
  const xd = new Float64Array(dupRows.length * 2);
  const yd = new Float64Array(dupRows.length);
  dupRows.forEach((i, k) => {
    xd[2 * k] = x[2 * i];
    xd[2 * k + 1] = x[2 * i + 1];
    yd[k] = y[i];
  });
  const cfg = { objective: 'regression' as const, rounds: 5, numLeaves: 6, minDataInLeaf: 1, minSumHessianInLeaf: 0 };
  const a = await trainGbdt({ x, y, n, features: ['a', 'b'], weight: w }, cfg);
  const b = await trainGbdt({ x: xd, y: yd, n: dupRows.length, features: ['a', 'b'] }, cfg);
  const ta = trees(a.model);
  const tb = trees(b.model);
  for (let t = 0; t < ta.length; t++) {
    assert.deepEqual(ta[t].feature, tb[t].feature);
    assert.deepEqual(ta[t].threshold, tb[t].threshold);
    for (let l = 0; l < ta[t].leafValue.length; l++) assert.ok(Math.abs(ta[t].leafValue[l] - tb[t].leafValue[l]) < 1e-9);
  }
});

test('early stopping keeps the best validation round', async () => {
  const tr = syntheticData(2000, 12, { seed: 14, noise: 2 });
  const va = syntheticData(2000, 12, { seed: 15, noise: 2 });
  const { model, info } = await trainGbdt(tr, { rounds: 500, learningRate: 0.3, numLeaves: 31, minDataInLeaf: 2, earlyStoppingRounds: 10 }, { valid: va });
  assert.equal(info.stoppedEarly, true);
  assert.ok(info.roundsTrained < 500);
  assert.equal(info.roundsTrained - info.bestIteration, 10, 'stopped 10 rounds after the best');
  assert.equal(model.nTrees, info.bestIteration);
  const losses = info.history.map((h) => h.valid!);
  assert.equal(Math.min(...losses), losses[info.bestIteration - 1]);
  assert.equal(info.bestScore, losses[info.bestIteration - 1]);
  await assert.rejects(trainGbdt(tr, { earlyStoppingRounds: 5 }), /needs a validation set/);
});

test('bagging and feature sampling are reproducible from the seed', async () => {
  const tr = syntheticData(3000, 12, { seed: 16 });
  const cfg = { rounds: 10, baggingFraction: 0.5, featureFraction: 0.5 };
  const a = await trainGbdt(tr, { ...cfg, seed: 1 });
  const b = await trainGbdt(tr, { ...cfg, seed: 1 });
  const c = await trainGbdt(tr, { ...cfg, seed: 2 });
  assert.deepEqual(JSON.stringify(a.model.toJSON()), JSON.stringify(b.model.toJSON()));
  assert.notDeepEqual(JSON.stringify(a.model.toJSON()), JSON.stringify(c.model.toJSON()));
  for (const t of trees(a.model)) assert.ok(new Set(t.feature).size <= 6, 'a tree uses at most half of the 12 features');
  const bagged = trees(a.model)[0];
  const inBag = bagged.leafCount.reduce((s, v) => s + v, 0);
  assert.ok(inBag > 1300 && inBag < 1700, `about half the rows in the bag: ${inBag}`);
});

test('a saved model predicts bit-identically after a JSON round trip', async () => {
  const tr = syntheticData(2000, 12, { seed: 17 });
  const { model } = await trainGbdt(tr, { rounds: 10 });
  const back = TreeModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.deepEqual(Array.from(back.predict(tr.x, tr.n)), Array.from(model.predict(tr.x, tr.n)));
});

test('bad labels and configs are refused with a reason', async () => {
  const tr = syntheticData(100, 12, { seed: 18 });
  await assert.rejects(trainGbdt({ ...tr, y: tr.y.map((v, i) => (i === 3 ? NaN : v)) }, {}), /row 3 is NaN/);
  await assert.rejects(trainGbdt(tr, { objective: 'multiclass' }), /multiclass objective needs ≥ 3 label values/);
  await assert.rejects(trainGbdt(tr, { numLeaves: 1 }), /numLeaves/);
  await assert.rejects(trainGbdt(tr, { maxBin: 300 }), /maxBin/);
});
