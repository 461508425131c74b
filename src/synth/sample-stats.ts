/** Small statistics helpers shared by calibration and validation (plain arrays, not hot paths). */

export function sorted(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs).sort();
}

/** Quantile by linear interpolation of the sorted sample (NaN when empty). */
export function quantileSorted(s: Float64Array, q: number): number {
  if (s.length === 0) return NaN;
  const r = q * (s.length - 1);
  const lo = Math.floor(r);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (r - lo);
}

export function quantile(xs: ArrayLike<number>, q: number): number {
  return quantileSorted(sorted(xs), q);
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length > 0 ? s / xs.length : NaN;
}

/**
 * `n` empirical quantiles (at probabilities (k + ½) / n) rounded to whole units ≥ 1: a table a
 * sampler draws from uniformly, which keeps the sample's atoms (minimum sizes, round lots).
 */
export function sizeTable(xs: ArrayLike<number>, n = 256): number[] {
  const s = sorted(xs);
  if (s.length === 0) return [1];
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const v = s[Math.min(s.length - 1, Math.floor(((k + 0.5) / n) * s.length))];
    out.push(Math.max(1, Math.round(v)));
  }
  return out;
}

/** Pearson correlation of two equally long series (NaN if degenerate). */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n < 3) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Autocorrelation of `x` at `lag` (NaN if too short or constant). */
export function autocorrelation(x: ArrayLike<number>, lag: number): number {
  const n = x.length;
  if (n <= lag + 2) return NaN;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    den += d * d;
    if (i >= lag) num += d * (x[i - lag] - m);
  }
  return den > 0 ? num / den : NaN;
}

/**
 * A series sampled on a regular grid of `stepNs` from (time, value) pairs (flat array): the last
 * value at or before each grid point, from the first pair's time.
 */
export function onGrid(pairs: ArrayLike<number>, stepNs: number, from = NaN, to = NaN): Float64Array {
  const n = pairs.length >> 1;
  if (n === 0) return new Float64Array(0);
  const t0 = from === from ? from : pairs[0];
  const t1 = to === to ? to : pairs[2 * (n - 1)];
  const m = Math.max(0, Math.floor((t1 - t0) / stepNs) + 1);
  const out = new Float64Array(m);
  let j = 0;
  let v = NaN;
  for (let k = 0; k < m; k++) {
    const t = t0 + k * stepNs;
    while (j < n && pairs[2 * j] <= t) v = pairs[2 * j++ + 1];
    out[k] = v;
  }
  return out;
}

/** Differences of logs (returns) of a positive series, skipping undefined points. */
export function logReturns(x: Float64Array, lag = 1): Float64Array {
  const out: number[] = [];
  for (let i = lag; i < x.length; i++) if (x[i] > 0 && x[i - lag] > 0) out.push(Math.log(x[i] / x[i - lag]));
  return Float64Array.from(out);
}

/** Greatest common divisor of two non-negative integers (tick and lot from observed multiples). */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
