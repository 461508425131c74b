import { gaussLegendre } from '../math.ts';

/**
 * Cont & de Larrard (2013), "Price dynamics in a Markovian limit order market", balanced case
 * (limit-order rate λ = market-order + cancellation rate μ + θ at both best queues): the
 * probability that the next mid move is up — the ask queue (y orders) depletes before the bid
 * queue (x orders) — is
 *   p_up(x, y) = (1/π) ∫_0^π g(t)^y · sin(x·t) · cos(t/2)/sin(t/2) dt,  g(t) = 2 − cos t − √((2 − cos t)² − 1).
 * (It is the bounded solution of the discrete Laplace equation on the quadrant with p_up(x, 0) = 1
 * and p_up(0, y) = 0, which the unit tests check.) Evaluated with Gauss–Legendre quadrature on
 * [0, π], exact to ~1e-12 for queues up to ~1000 orders; beyond that the diffusion limit
 * (2/π)·atan(x/y) (harmonic measure of the quadrant) is used.
 */

interface Nodes {
  n: number;
  t: Float64Array;
  /** w_k · cot(t_k/2) / π */
  c: Float64Array;
  lg: Float64Array;
  g: Float64Array;
  cosT: Float64Array;
  sinT: Float64Array;
}

const SIZES = [64, 128, 256, 512, 1024];
const cache: (Nodes | undefined)[] = [];
/** Largest queue (orders) the exact quadrature handles. */
export const CDL_EXACT_MAX = SIZES[SIZES.length - 1] - 32;

function nodes(m: number): Nodes {
  let i = 0;
  while (SIZES[i] < m + 32) i++;
  let nd = cache[i];
  if (nd === undefined) {
    const n = SIZES[i];
    const { x, w } = gaussLegendre(n, 0, Math.PI);
    const c = new Float64Array(n);
    const lg = new Float64Array(n);
    const g = new Float64Array(n);
    const cosT = new Float64Array(n);
    const sinT = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const t = x[k];
      const ct = Math.cos(t);
      // √((2 − cos t)² − 1) = √2·sin(t/2)·√(3 − cos t) on [0, π], without cancellation near t = 0
      g[k] = 2 - ct - Math.SQRT2 * Math.sin(t / 2) * Math.sqrt(3 - ct);
      lg[k] = Math.log(g[k]);
      c[k] = (w[k] * Math.cos(t / 2)) / Math.sin(t / 2) / Math.PI;
      cosT[k] = ct;
      sinT[k] = Math.sin(t);
    }
    nd = cache[i] = { n, t: x, c, lg, g, cosT, sinT };
  }
  return nd;
}

/** Memo of p_up(x, y) for 1 ≤ x, y ≤ MEMO (the common case: rows re-ask the same small queues). */
const MEMO = 128;
let memo: Float64Array | undefined;

/** p_up(x, y) for integer queue sizes in orders (x bid, y ask). */
export function pUp(x: number, y: number): number {
  if (x >= 1 && y >= 1 && x <= MEMO && y <= MEMO) {
    memo ??= new Float64Array((MEMO + 1) * (MEMO + 1)).fill(NaN);
    const k = x * (MEMO + 1) + y;
    const v = memo[k];
    if (v === v) return v;
    return (memo[k] = pUpQuad(x, y));
  }
  return pUpQuad(x, y);
}

function pUpQuad(x: number, y: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const m = Math.max(x, y);
  if (m > CDL_EXACT_MAX) return (2 / Math.PI) * Math.atan(x / y);
  const nd = nodes(m);
  let p = 0;
  for (let k = 0; k < nd.n; k++) p += nd.c[k] * Math.exp(y * nd.lg[k]) * Math.sin(x * nd.t[k]);
  return clamp01(p);
}

const out3 = new Float64Array(3);

/**
 * p_up(x, y), p_up(x + 1, y) and p_up(x, y + 1) in one pass (one exp, sin and cos per node): the
 * three probabilities the queue-model features need. Results in the returned (reused) array.
 */
export function pUp3(x: number, y: number): Float64Array {
  const m = Math.max(x, y) + 1;
  if (x <= 0 || y <= 0 || m > CDL_EXACT_MAX || m <= MEMO) {
    out3[0] = pUp(x, y);
    out3[1] = pUp(x + 1, y);
    out3[2] = pUp(x, y + 1);
    return out3;
  }
  const nd = nodes(m);
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  for (let k = 0; k < nd.n; k++) {
    const e = nd.c[k] * Math.exp(y * nd.lg[k]);
    const xt = x * nd.t[k];
    const s = Math.sin(xt);
    const co = Math.cos(xt);
    p0 += e * s;
    // sin((x + 1)t) = sin(xt)·cos t + cos(xt)·sin t;  g^(y+1) = g^y·g
    p1 += e * (s * nd.cosT[k] + co * nd.sinT[k]);
    p2 += e * nd.g[k] * s;
  }
  out3[0] = clamp01(p0);
  out3[1] = clamp01(p1);
  out3[2] = clamp01(p2);
  return out3;
}

function clamp01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
