/**
 * Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4) with a line search that satisfies the
 * strong Wolfe conditions (Algorithms 3.5/3.6, cubic interpolation in the zoom). For smooth convex
 * objectives such as L2-regularized logistic loss. `f(w, grad)` returns the objective at `w` and
 * writes its gradient into `grad`.
 */
export type Objective = (w: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Iterations at most (default 200). */
  maxIter?: number;
  /** Stop when ‖grad‖∞ ≤ gradTol · max(1, |f|) (default 1e-6). */
  gradTol?: number;
  /** Stop when the relative decrease of f over one iteration is below this (default 1e-10). */
  fTol?: number;
  /** History size (default 10). */
  m?: number;
  onIteration?: (iter: number, f: number) => void;
}

export interface LbfgsResult {
  w: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: string;
}

const C1 = 1e-4;
const C2 = 0.9;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function normInf(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i]));
  return s;
}

export function lbfgs(f: Objective, w0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const maxIter = opts.maxIter ?? 200;
  const gradTol = opts.gradTol ?? 1e-6;
  const fTol = opts.fTol ?? 1e-10;
  const m = opts.m ?? 10;
  const d = w0.length;
  let w = Float64Array.from(w0);
  let g = new Float64Array(d);
  let fx = f(w, g);
  let evaluations = 1;
  if (!Number.isFinite(fx)) throw new Error(`lbfgs: objective is ${fx} at the start`);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const dir = new Float64Array(d);
  const wNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  if (normInf(g) <= gradTol * Math.max(1, Math.abs(fx))) return { w, f: fx, iterations: 0, evaluations, converged: true, reason: 'gradient' };

  for (let iter = 1; iter <= maxIter; iter++) {
    // Two-loop recursion: dir = −H·g.
    for (let i = 0; i < d; i++) dir[i] = -g[i];
    const k = S.length;
    for (let i = k - 1; i >= 0; i--) {
      alpha[i] = rho[i] * dot(S[i], dir);
      const y = Y[i];
      for (let j = 0; j < d; j++) dir[j] -= alpha[i] * y[j];
    }
    const gamma = k > 0 ? dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]) : 1 / Math.max(1, normInf(g));
    for (let j = 0; j < d; j++) dir[j] *= gamma;
    for (let i = 0; i < k; i++) {
      const beta = rho[i] * dot(Y[i], dir);
      const s = S[i];
      for (let j = 0; j < d; j++) dir[j] += (alpha[i] - beta) * s[j];
    }
    let dg = dot(dir, g);
    if (!(dg < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < d; i++) dir[i] = -g[i] / Math.max(1, normInf(g));
      dg = dot(dir, g);
    }
    const ls = lineSearch(f, w, fx, g, dir, dg, wNew, gNew);
    evaluations += ls.evaluations;
    if (!ls.ok) return { w, f: fx, iterations: iter - 1, evaluations, converged: false, reason: 'line search failed' };
    const s = new Float64Array(d);
    const y = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      s[i] = wNew[i] - w[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    const fOld = fx;
    w = Float64Array.from(wNew);
    g = Float64Array.from(gNew);
    fx = ls.f;
    opts.onIteration?.(iter, fx);
    if (sy > 1e-12 * dot(y, y)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    if (normInf(g) <= gradTol * Math.max(1, Math.abs(fx))) return { w, f: fx, iterations: iter, evaluations, converged: true, reason: 'gradient' };
    if (fOld - fx <= fTol * Math.max(1, Math.abs(fOld))) return { w, f: fx, iterations: iter, evaluations, converged: true, reason: 'objective' };
  }
  return { w, f: fx, iterations: maxIter, evaluations, converged: false, reason: 'max iterations' };
}

interface LineSearchResult {
  ok: boolean;
  f: number;
  evaluations: number;
}

/** Strong-Wolfe line search along `dir` from `w`; on success wNew/gNew hold the accepted point. */
function lineSearch(f: Objective, w: Float64Array, f0: number, g0: Float64Array, dir: Float64Array, dg0: number, wNew: Float64Array, gNew: Float64Array): LineSearchResult {
  const d = w.length;
  let evaluations = 0;
  const evalAt = (a: number): { f: number; dg: number } => {
    for (let i = 0; i < d; i++) wNew[i] = w[i] + a * dir[i];
    const fa = f(wNew, gNew);
    evaluations++;
    return { f: fa, dg: dot(gNew, dir) };
  };
  let aPrev = 0;
  let fPrev = f0;
  let dgPrev = dg0;
  let a = 1;
  const aMax = 1e10;
  for (let i = 0; i < 40; i++) {
    const e = evalAt(a);
    if (!Number.isFinite(e.f) || e.f > f0 + C1 * a * dg0 || (i > 0 && e.f >= fPrev)) return zoom(aPrev, fPrev, dgPrev, a, e.f, e.dg);
    if (Math.abs(e.dg) <= -C2 * dg0) return { ok: true, f: e.f, evaluations };
    if (e.dg >= 0) return zoom(a, e.f, e.dg, aPrev, fPrev, dgPrev);
    aPrev = a;
    fPrev = e.f;
    dgPrev = e.dg;
    a = Math.min(a * 2, aMax);
  }
  return { ok: false, f: f0, evaluations };

  function zoom(lo: number, fLo: number, dgLo: number, hi: number, fHi: number, dgHi: number): LineSearchResult {
    for (let i = 0; i < 40; i++) {
      let aj = cubicMin(lo, fLo, dgLo, hi, fHi, dgHi);
      const span = Math.abs(hi - lo);
      const lower = Math.min(lo, hi) + 0.1 * span;
      const upper = Math.max(lo, hi) - 0.1 * span;
      if (!(aj >= lower && aj <= upper)) aj = (lo + hi) / 2;
      const e = evalAt(aj);
      if (!Number.isFinite(e.f) || e.f > f0 + C1 * aj * dg0 || e.f >= fLo) {
        hi = aj;
        fHi = e.f;
        dgHi = e.dg;
      } else {
        if (Math.abs(e.dg) <= -C2 * dg0) return { ok: true, f: e.f, evaluations };
        if (e.dg * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          dgHi = dgLo;
        }
        lo = aj;
        fLo = e.f;
        dgLo = e.dg;
      }
      if (Math.abs(hi - lo) < 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    // Accept the best Armijo point found if there is one (progress beats failure near the optimum).
    if (lo > 0 && fLo < f0) {
      const e = evalAt(lo);
      return { ok: true, f: e.f, evaluations };
    }
    return { ok: false, f: f0, evaluations };
  }
}

/** Minimizer of the cubic interpolating f and f' at a and b (NaN when it does not exist). */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  if (!Number.isFinite(fb) || !Number.isFinite(db)) return NaN;
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}
