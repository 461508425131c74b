import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussLegendre, lgamma, normCdf } from './math.ts';

test('normal CDF at known quantiles', () => {
  assert.ok(Math.abs(normCdf(0) - 0.5) < 2e-7); // the erfc fit's accuracy
  for (const [x, p] of [[1.959963984540054, 0.975], [-1, 0.15865525393145707], [3, 0.9986501019683699]]) assert.ok(Math.abs(normCdf(x) - p) < 2e-7, `Φ(${x})`);
});

test('ln Γ at exact values', () => {
  assert.ok(Math.abs(lgamma(5) - Math.log(24)) < 1e-13);
  assert.ok(Math.abs(lgamma(0.5) - Math.log(Math.sqrt(Math.PI))) < 1e-13);
  assert.ok(Math.abs(lgamma(4.5) - Math.log(3.5 * 2.5 * 1.5 * 0.5 * Math.sqrt(Math.PI))) < 1e-13);
  let lf = 0;
  for (let k = 2; k <= 170; k++) lf += Math.log(k);
  assert.ok(Math.abs(lgamma(171) - lf) < 1e-10); // ln 170!
});

test('Gauss–Legendre quadrature is exact for polynomials up to degree 2n − 1 and converges on smooth integrands', () => {
  const { x, w } = gaussLegendre(8, 0, Math.PI);
  let p = 0;
  let s = 0;
  for (let k = 0; k < 8; k++) ((p += w[k] * x[k] ** 15), (s += w[k]));
  assert.ok(Math.abs(p - Math.PI ** 16 / 16) < 1e-9 * Math.PI ** 16, String(p));
  assert.ok(Math.abs(s - Math.PI) < 1e-14);
  const g = gaussLegendre(64, 0, Math.PI);
  let i = 0;
  for (let k = 0; k < 64; k++) i += g.w[k] * Math.sin(20 * g.x[k]) ** 2;
  assert.ok(Math.abs(i - Math.PI / 2) < 1e-12);
});
