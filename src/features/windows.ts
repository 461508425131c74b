/**
 * Bounded-memory windows for streaming operators. Memory depends on the window length (and, for
 * time windows, the event rate), never on the stream length; nothing allocates per event (rings
 * grow geometrically, which stops once they hold a window's worth of records).
 */

/** Recompute running sums from the stored records after this many subtractions (float drift). */
const RECOMPUTE_EVERY = 8192;

/**
 * Sums of `k` values per record over several sliding time windows (t − W, t] at once. Records are
 * pushed in time order; each window drops the records that left it when the clock advances.
 */
export class TimeWindows {
  private cap: number;
  private mask: number;
  private ts: Float64Array;
  private vals: Float64Array;
  private tail = 0;
  private readonly starts: Int32Array;
  private readonly counts: Int32Array;
  private readonly drops: Int32Array;
  /** Running sums, window-major: `sums[w * k + j]`. */
  readonly sums: Float64Array;
  readonly windowsNs: Float64Array;
  private readonly last: number;

  constructor(
    readonly k: number,
    windowsMs: readonly number[],
    capacity = 64,
  ) {
    const sorted = [...windowsMs].sort((a, b) => a - b);
    this.windowsNs = Float64Array.from(sorted, (ms) => ms * 1e6);
    this.cap = 1 << Math.ceil(Math.log2(Math.max(4, capacity)));
    this.mask = this.cap - 1;
    this.ts = new Float64Array(this.cap);
    this.vals = new Float64Array(this.cap * k);
    const nw = sorted.length;
    this.starts = new Int32Array(nw);
    this.counts = new Int32Array(nw);
    this.drops = new Int32Array(nw);
    this.sums = new Float64Array(nw * k);
    this.last = nw - 1;
  }

  /** Index of a window length (ms) in the sorted window list. */
  indexOf(ms: number): number {
    const i = this.windowsNs.indexOf(ms * 1e6);
    if (i < 0) throw new Error(`no ${ms} ms window`);
    return i;
  }

  /** Appends a record at `ts`; fill its values with `set(j, v)` right after (before the next push). */
  push(ts: number): void {
    this.advance(ts);
    const counts = this.counts;
    if (counts[this.last] === this.cap) this.grow();
    const at = this.tail;
    this.ts[at] = ts;
    const k = this.k;
    const vals = this.vals;
    for (let j = at * k, e = j + k; j < e; j++) vals[j] = 0;
    this.tail = (at + 1) & this.mask;
    for (let w = 0; w < counts.length; w++) counts[w]++;
  }

  /** Sets value `j` of the record just pushed and adds it to every window's sum. */
  set(j: number, v: number): void {
    const at = (this.tail - 1) & this.mask;
    const k = this.k;
    this.vals[at * k + j] = v;
    const sums = this.sums;
    const nw = this.counts.length;
    for (let w = 0, c = j; w < nw; w++, c += k) sums[c] += v;
  }

  /** Drops records at or before `now − W` from each window. */
  advance(now: number): void {
    const k = this.k;
    const nw = this.counts.length;
    const tsr = this.ts;
    const vals = this.vals;
    const sums = this.sums;
    const mask = this.mask;
    for (let w = 0; w < nw; w++) {
      const cutoff = now - this.windowsNs[w];
      let n = this.counts[w];
      let s = this.starts[w];
      // most calls drop nothing: test the oldest record first
      if (n === 0 || tsr[s] > cutoff) continue;
      let dropped = 0;
      const wk = w * k;
      while (n > 0 && tsr[s] <= cutoff) {
        const o = s * k;
        for (let j = 0; j < k; j++) sums[wk + j] -= vals[o + j];
        s = (s + 1) & mask;
        n--;
        dropped++;
      }
      if (dropped > 0) {
        this.starts[w] = s;
        this.counts[w] = n;
        this.drops[w] += dropped;
        // An empty window sums to exactly 0 (no round-off residue); otherwise refresh periodically.
        if (n === 0) {
          for (let j = 0; j < k; j++) this.sums[w * k + j] = 0;
          this.drops[w] = 0;
        } else if (this.drops[w] >= RECOMPUTE_EVERY) this.recompute(w);
      }
    }
  }

  sum(w: number, j: number): number {
    return this.sums[w * this.k + j];
  }

  count(w: number): number {
    return this.counts[w];
  }

  private recompute(w: number): void {
    const k = this.k;
    this.drops[w] = 0;
    for (let j = 0; j < k; j++) this.sums[w * k + j] = 0;
    let s = this.starts[w];
    for (let i = 0; i < this.counts[w]; i++) {
      for (let j = 0; j < k; j++) this.sums[w * k + j] += this.vals[s * k + j];
      s = (s + 1) & this.mask;
    }
  }

  private grow(): void {
    const k = this.k;
    const cap = this.cap * 2;
    const ts = new Float64Array(cap);
    const vals = new Float64Array(cap * k);
    const n = this.counts[this.last];
    const oldest = this.starts[this.last];
    for (let i = 0; i < n; i++) {
      const from = (oldest + i) & this.mask;
      ts[i] = this.ts[from];
      for (let j = 0; j < k; j++) vals[i * k + j] = this.vals[from * k + j];
    }
    for (let w = 0; w < this.counts.length; w++) this.starts[w] = (this.starts[w] - oldest) & this.mask;
    this.ts = ts;
    this.vals = vals;
    this.cap = cap;
    this.mask = cap - 1;
    this.tail = n;
  }
}

/**
 * The value of a step function as of `now − lag` (e.g. the mid one window ago): keeps the
 * (time, value) changes of the last `lag` plus the one in force at its start.
 */
export class Lagged {
  private cap = 64;
  private mask = 63;
  private ts = new Float64Array(64);
  private vs = new Float64Array(64);
  private head = 0;
  private n = 0;
  private readonly lagNs: number;

  constructor(lagMs: number) {
    this.lagNs = lagMs * 1e6;
  }

  push(ts: number, v: number): void {
    this.trim(ts);
    if (this.n === this.cap) this.grow();
    const at = (this.head + this.n) & this.mask;
    this.ts[at] = ts;
    this.vs[at] = v;
    this.n++;
  }

  /** The value in force at `now − lag`, or NaN if nothing that old is known. */
  at(now: number): number {
    this.trim(now);
    return this.n > 0 && this.ts[this.head] <= now - this.lagNs ? this.vs[this.head] : NaN;
  }

  /** Drops entries superseded before `now − lag`. */
  private trim(now: number): void {
    const cutoff = now - this.lagNs;
    while (this.n >= 2 && this.ts[(this.head + 1) & this.mask] <= cutoff) {
      this.head = (this.head + 1) & this.mask;
      this.n--;
    }
  }

  private grow(): void {
    const cap = this.cap * 2;
    const ts = new Float64Array(cap);
    const vs = new Float64Array(cap);
    for (let i = 0; i < this.n; i++) {
      ts[i] = this.ts[(this.head + i) & this.mask];
      vs[i] = this.vs[(this.head + i) & this.mask];
    }
    this.ts = ts;
    this.vs = vs;
    this.cap = cap;
    this.mask = cap - 1;
    this.head = 0;
  }
}

/** The last `size` values (a count window) with a running sum and sum of squares. */
export class Rolling {
  readonly buf: Float64Array;
  private pos = 0;
  n = 0;
  sum = 0;
  sumSq = 0;
  private drops = 0;

  constructor(readonly size: number) {
    this.buf = new Float64Array(size);
  }

  push(x: number): void {
    if (this.n === this.size) {
      const old = this.buf[this.pos];
      this.sum -= old;
      this.sumSq -= old * old;
      this.drops++;
    } else this.n++;
    this.buf[this.pos] = x;
    this.pos = this.pos + 1 === this.size ? 0 : this.pos + 1;
    this.sum += x;
    this.sumSq += x * x;
    if (this.drops >= RECOMPUTE_EVERY) this.recompute();
  }

  get full(): boolean {
    return this.n === this.size;
  }

  /** i-th value, 0 = oldest. */
  get(i: number): number {
    const start = this.n === this.size ? this.pos : 0;
    const j = start + i;
    return this.buf[j >= this.size ? j - this.size : j];
  }

  last(): number {
    return this.n === 0 ? NaN : this.buf[this.pos === 0 ? this.size - 1 : this.pos - 1];
  }

  mean(): number {
    return this.n > 0 ? this.sum / this.n : NaN;
  }

  /** Population variance from the running sums (recomputed from the values periodically; clamped at 0). */
  variance(): number {
    if (this.n === 0) return NaN;
    const m = this.sum / this.n;
    const v = this.sumSq / this.n - m * m;
    return v > 0 ? v : 0;
  }

  clear(): void {
    this.n = 0;
    this.pos = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.drops = 0;
  }

  private recompute(): void {
    this.drops = 0;
    let s = 0;
    let q = 0;
    for (let i = 0; i < this.n; i++) {
      const x = this.buf[i];
      s += x;
      q += x * x;
    }
    this.sum = s;
    this.sumSq = q;
  }
}

/** Result of `ols` (reused by callers: no allocation per fit). */
export interface Ols {
  slope: number;
  intercept: number;
  r2: number;
  /** Residual variance (divided by n − 2). */
  residVar: number;
}

/** Two-pass OLS of ys on xs over the first n elements (exact; used at bar closes, not per event). */
export function ols(xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, out: Ols): Ols {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  out.slope = sxx > 0 ? sxy / sxx : NaN;
  out.intercept = my - out.slope * mx;
  out.r2 = sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : NaN;
  const sse = syy - out.slope * sxy;
  out.residVar = n > 2 ? Math.max(0, sse) / (n - 2) : NaN;
  return out;
}
