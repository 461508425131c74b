import type { TrainSet } from './model.ts';
import { rng } from './random.ts';

/**
 * Synthetic tabular data with known structure, for tests and benchmarks: Gaussian features, a
 * block of correlated copies, missing values in one feature, and a target from a nonlinear signal
 * with interactions plus noise:
 *
 *   s = x0·x1 + sin(2·x2) + 0.5·|x3| − 0.5 + 0.3·x4·[x5 > 0] + 0.5·tanh(x6 + x7)
 *       + (x8 missing ? 0.5 : 0.3·x8) + noise·ε
 *
 * `binary`: y = [s > 0]; `regression`: y = s; `multiclass`: y = −1 / 0 / 1 by s against ±0.6.
 * Needs p ≥ 10. Rows are independent draws from one seeded generator (reproducible).
 */
export function syntheticData(n: number, p: number, opts: { seed?: number; noise?: number; task?: 'binary' | 'regression' | 'multiclass'; missing?: number } = {}): TrainSet {
  if (p < 10) throw new Error('syntheticData: p must be ≥ 10');
  const r = rng(opts.seed ?? 1);
  const noise = opts.noise ?? 1;
  const missing = opts.missing ?? 0.05;
  const task = opts.task ?? 'binary';
  const x = new Float64Array(n * p);
  const y = new Float64Array(n);
  const gauss = () => {
    let u = r();
    while (u === 0) u = r();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  };
  const half = p >> 1;
  for (let i = 0; i < n; i++) {
    const b = i * p;
    for (let j = 0; j < p; j++) x[b + j] = gauss();
    // correlated copies of the first features in the second half
    for (let j = half; j < Math.min(p, half + 20); j++) x[b + j] = 0.7 * x[b + j - half] + 0.3 * x[b + j];
    if (r() < missing) x[b + 8] = NaN;
    const x8 = x[b + 8];
    const s = x[b] * x[b + 1] + Math.sin(2 * x[b + 2]) + 0.5 * Math.abs(x[b + 3]) - 0.5 + 0.3 * x[b + 4] * (x[b + 5] > 0 ? 1 : 0) + 0.5 * Math.tanh(x[b + 6] + x[b + 7]) + (x8 === x8 ? 0.3 * x8 : 0.5) + noise * gauss();
    y[i] = task === 'regression' ? s : task === 'binary' ? (s > 0 ? 1 : 0) : s > 0.6 ? 1 : s < -0.6 ? -1 : 0;
  }
  return { x, y, n, features: Array.from({ length: p }, (_, j) => `f${j}`) };
}
