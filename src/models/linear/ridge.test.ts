import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../random.ts';
import { choleskySolve, RidgeModel, trainRidge } from './ridge.ts';

function data(n: number, noise: number, seed: number) {
  const r = rng(seed);
  const x = new Float64Array(n * 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = 1000 + 5 * r();
    const b = r() - 0.5;
    const c = 1e-3 * r();
    x.set([a, b, c], 3 * i);
    y[i] = 2 * a - 3 * b + 4000 * c + 5 + noise * (r() - 0.5);
  }
  return { x, y, n, features: ['a', 'b', 'c'] };
}

test('without L2 and noise the exact coefficients come back (despite offsets and scales)', () => {
  const d = data(500, 0, 1);
  const { model, info } = trainRidge(d, { kind: 'ridge', l2: 0 });
  const raw = Array.from(model.coef, (c, j) => c / model.std.scale[j]);
  assert.ok(Math.abs(raw[0] - 2) < 1e-8 && Math.abs(raw[1] + 3) < 1e-8 && Math.abs(raw[2] - 4000) < 1e-5, `coefficients ${raw}`);
  assert.ok(info.rmse < 1e-8);
});

test('with L2 the gradient of the stated objective vanishes at the solution', () => {
  const d = data(400, 1, 2);
  const l2 = 0.5;
  const { model } = trainRidge(d, { kind: 'ridge', l2 });
  // objective(β, b) = mean((y − b − zβ)²) + l2‖β‖²; its gradient, computed here independently
  const z = new Float64Array(3);
  const g = new Float64Array(4);
  for (let i = 0; i < d.n; i++) {
    model.std.row(d.x, 3 * i, z);
    let pred = model.intercept;
    for (let j = 0; j < 3; j++) pred += model.coef[j] * z[j];
    const e = pred - d.y[i];
    g[0] += (2 * e) / d.n;
    for (let j = 0; j < 3; j++) g[j + 1] += (2 * e * z[j]) / d.n;
  }
  for (let j = 0; j < 3; j++) g[j + 1] += 2 * l2 * model.coef[j];
  for (const v of g) assert.ok(Math.abs(v) < 1e-9, `gradient component ${v}`);
  const json = JSON.parse(JSON.stringify(model.toJSON()));
  assert.deepEqual(Array.from(RidgeModel.fromJSON(json).predict(d.x, d.n)), Array.from(model.predict(d.x, d.n)));
});

test('collinear features: singular without L2 (clear error), solved with L2', () => {
  const n = 50;
  const x = new Float64Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = 2 * i;
    y[i] = i;
  }
  assert.throws(() => trainRidge({ x, y, n, features: ['a', 'b'] }, { kind: 'ridge', l2: 0 }), /singular.*use l2 > 0/);
  const { model } = trainRidge({ x, y, n, features: ['a', 'b'] }, { kind: 'ridge', l2: 1e-6 });
  const out = new Float64Array(1);
  model.predictRow([10, 20], 0, out);
  assert.ok(Math.abs(out[0] - 10) < 1e-3);
});

test('Cholesky solves a known SPD system', () => {
  const A = Float64Array.of(4, 0, 0, 2, 3, 0, 0.5, 1, 5); // lower triangle used
  const full = [
    [4, 2, 0.5],
    [2, 3, 1],
    [0.5, 1, 5],
  ];
  const xTrue = [1, -2, 3];
  const b = Float64Array.from(full.map((row) => row.reduce((s, v, j) => s + v * xTrue[j], 0)));
  const xs = choleskySolve(A, b, 3)!;
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(xs[i] - xTrue[i]) < 1e-12);
  assert.equal(choleskySolve(Float64Array.of(1, 0, 1, 1), Float64Array.of(1, 1), 2), null, 'singular → null');
});
