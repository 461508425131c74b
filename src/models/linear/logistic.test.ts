import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../random.ts';
import { modelFromJSON } from '../registry.ts';
import { lbfgs } from './lbfgs.ts';
import { LogisticModel, sigmoid, trainLogistic } from './logistic.ts';

function gauss(r: () => number): number {
  let u = r();
  while (u === 0) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** Rows x ~ N(mu, sd²) per column; y ~ Bernoulli(sigmoid(b + w·x)). */
function logisticData(n: number, w: number[], b: number, seed: number) {
  const r = rng(seed);
  const p = w.length;
  const x = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b;
    for (let j = 0; j < p; j++) {
      const v = 100 * j + (j + 1) * gauss(r); // different offsets and scales: standardization matters
      x[i * p + j] = v;
      s += w[j] * v;
    }
    y[i] = r() < sigmoid(s) ? 1 : 0;
  }
  return { x, y, n, features: w.map((_, j) => `x${j}`) };
}

/** The objective trainLogistic minimizes, written independently from its definition (binary). */
function objective(m: LogisticModel, d: { x: Float64Array; y: Float64Array; n: number }, l2: number): number {
  const out = new Float64Array(1);
  let s = 0;
  for (let i = 0; i < d.n; i++) {
    m.predictRow(d.x, i * m.features.length, out);
    s -= d.y[i] === 1 ? Math.log(out[0]) : Math.log(1 - out[0]);
  }
  let pen = 0;
  for (const v of m.w) pen += v * v;
  return s / d.n + 0.5 * l2 * pen;
}

test('binary: recovers the generating coefficients on raw scale', () => {
  const wTrue = [1.2, -0.8, 0.3];
  const bTrue = -1.2 * 0 + 0.8 * 100 - 0.3 * 200; // centre the margin near 0
  const d = logisticData(40000, wTrue, bTrue, 1);
  const { model, info } = trainLogistic(d, { kind: 'logistic', l2: 0 });
  assert.equal(info.converged, true, info.reason);
  assert.equal(model.task, 'binary');
  for (let j = 0; j < 3; j++) {
    const raw = model.w[j] / model.std.scale[j];
    assert.ok(Math.abs(raw - wTrue[j]) < 0.08, `w${j}: ${raw} vs ${wTrue[j]}`);
  }
});

test('binary with L2: the solution is a minimum of the stated objective (no direction improves it)', () => {
  const d = logisticData(3000, [0.5, -1, 0.2, 0], 100 - 40, 2); // bias centres the margin
  const l2 = 0.01;
  const { model } = trainLogistic(d, { kind: 'logistic', l2 });
  const f0 = objective(model, d, l2);
  // Perturb each standardized weight and the intercept both ways: the objective never decreases.
  for (let j = 0; j < 5; j++) {
    for (const eps of [1e-3, -1e-3]) {
      const w = Float64Array.from(model.w);
      const b = Float64Array.from(model.b);
      if (j < 4) w[j] += eps;
      else b[0] += eps;
      const m2 = new LogisticModel(model.features, model.classes, model.std, w, b);
      assert.ok(objective(m2, d, l2) >= f0 - 1e-12, `moving parameter ${j} by ${eps} lowers the objective`);
    }
  }
  // Stronger L2 shrinks the weights.
  const strong = trainLogistic(d, { kind: 'logistic', l2: 1 }).model;
  const norm = (m: LogisticModel) => Math.hypot(...m.w);
  assert.ok(norm(strong) < 0.5 * norm(model));
});

test('multinomial: three classes, probabilities sum to 1, the right class most likely', () => {
  const r = rng(3);
  const n = 6000;
  const x = new Float64Array(n * 2);
  const y = new Float64Array(n);
  const centres = [
    [-2, 0],
    [2, 0],
    [0, 3],
  ];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    x[2 * i] = centres[k][0] + gauss(r);
    x[2 * i + 1] = centres[k][1] + gauss(r);
    y[i] = [-1, 0, 1][k];
  }
  const { model, info } = trainLogistic({ x, y, n, features: ['a', 'b'] }, { kind: 'logistic' });
  assert.equal(info.converged, true);
  assert.equal(model.task, 'multiclass');
  assert.deepEqual(model.classes, [-1, 0, 1]);
  const p = model.predict(x, n);
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const row = Array.from(p.subarray(3 * i, 3 * i + 3));
    assert.ok(Math.abs(row[0] + row[1] + row[2] - 1) < 1e-12);
    if (model.classes[row.indexOf(Math.max(...row))] === y[i]) ok++;
  }
  assert.ok(ok / n > 0.9, `accuracy ${ok / n}`);
  const out = new Float64Array(3);
  model.predictRow([0, 3], 0, out);
  assert.ok(out[2] > 0.9, 'a point at the third centre is class +1');
});

test('standardization is saved: JSON round trip predicts identically; missing features mean-imputed', () => {
  const d = logisticData(2000, [1, -1], 0 - 1 * 0 + 1 * 100, 4);
  const { model } = trainLogistic(d, { kind: 'logistic' });
  const back = modelFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.deepEqual(Array.from(back.predict(d.x, d.n)), Array.from(model.predict(d.x, d.n)));
  const a = new Float64Array(1);
  const b = new Float64Array(1);
  model.predictRow([NaN, 150], 0, a);
  model.predictRow([model.std.mean[0], 150], 0, b);
  assert.equal(a[0], b[0]);
});

test('weights: weight 2 equals duplicating the row; one class is refused', () => {
  const d = logisticData(500, [0.7, 0.1], -0.7 * 0 - 0.1 * 100, 5);
  const w = Float64Array.from({ length: d.n }, (_, i) => (i % 4 === 0 ? 2 : 1));
  const rows: number[] = [];
  for (let i = 0; i < d.n; i++) for (let k = 0; k < w[i]; k++) rows.push(i);
  const xd = new Float64Array(rows.length * 2);
  rows.forEach((i, k) => xd.set(d.x.subarray(2 * i, 2 * i + 2), 2 * k));
  const yd = Float64Array.from(rows, (i) => d.y[i]);
  const a = trainLogistic({ ...d, weight: w }, { kind: 'logistic', l2: 0.01, tol: 1e-10 }).model;
  const b = trainLogistic({ x: xd, y: yd, n: rows.length, features: d.features }, { kind: 'logistic', l2: 0.01, tol: 1e-10 }).model;
  // Same objective up to standardization (fitted on different row sets): compare raw-scale predictions.
  const pa = a.predict(d.x, d.n);
  const pb = b.predict(d.x, d.n);
  for (let i = 0; i < d.n; i++) assert.ok(Math.abs(pa[i] - pb[i]) < 0.02, `row ${i}: ${pa[i]} vs ${pb[i]}`);
  assert.throws(() => trainLogistic({ ...d, y: new Float64Array(d.n).fill(1) }), /single class/);
});

test('L-BFGS minimizes the Rosenbrock function', () => {
  const r = lbfgs(
    (w, g) => {
      const [a, b] = w;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    },
    Float64Array.of(-1.2, 1),
    { gradTol: 1e-10, maxIter: 500 },
  );
  assert.equal(r.converged, true, r.reason);
  assert.ok(Math.abs(r.w[0] - 1) < 1e-5 && Math.abs(r.w[1] - 1) < 1e-5, `minimum at ${r.w[0]}, ${r.w[1]}`);
});
