import { InputError } from '../core/errors.ts';

/**
 * Streaming normalizers whose state serializes to JSON (`toJSON` / `fromJSON`) so a model artifact
 * can carry exactly the state the training rows saw and a live runner can continue from it.
 * JSON numbers round-trip float64 exactly, so a restored normalizer continues bit-identically.
 */

export interface ZScoreState {
  kind: 'zscore';
  window: number;
  minStd: number;
  minCount: number;
  /** Window contents, oldest first. */
  values: number[];
  mean: number;
  m2: number;
  /** Updates since the last exact recomputation (part of the state for bit-identical continuation). */
  since: number;
}

export interface MinMaxState {
  kind: 'minmax';
  window: number;
  minCount: number;
  values: number[];
}

export type NormalizerState = ZScoreState | MinMaxState;

export interface Normalizer {
  /** Adds x (finite values only; others are ignored) and returns its normalized value. */
  update(x: number): number;
  readonly warm: boolean;
  toJSON(): NormalizerState;
}

/**
 * Welford's mean/variance over a sliding window of the last `window` values: the update that adds
 * x and removes the oldest y in one step is mean' = mean + (x − y)/n,
 * M2' = M2 + (x − y)(x − mean' + y − mean) (Welford 1962, windowed form). M2 is clamped at 0 and
 * recomputed exactly from the window every `window` updates; the std has a floor `minStd`;
 * `warm` once `minCount` values are in. z = (x − mean) / max(sqrt(M2/n), minStd), with x included.
 */
export class SlidingZScore implements Normalizer {
  private readonly buf: Float64Array;
  private pos = 0;
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private since = 0;
  readonly minCount: number;

  constructor(
    readonly window: number,
    readonly minStd = 1e-12,
    minCount?: number,
  ) {
    if (!(Number.isInteger(window) && window >= 2)) throw new Error(`z-score window must be an integer ≥ 2, got ${window}`);
    this.buf = new Float64Array(window);
    this.minCount = minCount ?? window;
  }

  push(x: number): void {
    if (x - x !== 0) return; // NaN or ±Infinity
    const w = this.window;
    if (this.n < w) {
      this.n++;
      const d = x - this.mean;
      this.mean += d / this.n;
      this.m2 += d * (x - this.mean);
    } else {
      const y = this.buf[this.pos];
      const old = this.mean;
      this.mean = old + (x - y) / w;
      this.m2 += (x - y) * (x - this.mean + y - old);
    }
    if (this.m2 < 0) this.m2 = 0;
    this.buf[this.pos] = x;
    this.pos = this.pos + 1 === w ? 0 : this.pos + 1;
    if (++this.since >= w) this.recompute();
  }

  get count(): number {
    return this.n;
  }

  get warm(): boolean {
    return this.n >= this.minCount;
  }

  getMean(): number {
    return this.n > 0 ? this.mean : NaN;
  }

  std(): number {
    if (this.n === 0) return NaN;
    const s = Math.sqrt(this.m2 / this.n);
    return s > this.minStd ? s : this.minStd;
  }

  z(x: number): number {
    return this.n === 0 ? NaN : (x - this.mean) / this.std();
  }

  update(x: number): number {
    this.push(x);
    return x - x === 0 ? this.z(x) : NaN;
  }

  private recompute(): void {
    this.since = 0;
    // Oldest first, so a state restored from JSON (laid out from index 0) sums in the same order.
    const n = this.n;
    const w = this.window;
    const start = n === w ? this.pos : 0;
    let m = 0;
    for (let i = 0, j = start; i < n; i++, j = j + 1 === w ? 0 : j + 1) m += this.buf[j];
    m /= n;
    let q = 0;
    for (let i = 0, j = start; i < n; i++, j = j + 1 === w ? 0 : j + 1) {
      const d = this.buf[j] - m;
      q += d * d;
    }
    this.mean = m;
    this.m2 = q;
  }

  private values(): number[] {
    const out: number[] = [];
    const start = this.n === this.window ? this.pos : 0;
    for (let i = 0; i < this.n; i++) out.push(this.buf[(start + i) % this.window]);
    return out;
  }

  toJSON(): ZScoreState {
    return { kind: 'zscore', window: this.window, minStd: this.minStd, minCount: this.minCount, values: this.values(), mean: this.mean, m2: this.m2, since: this.since };
  }

  static fromJSON(s: ZScoreState): SlidingZScore {
    checkState(s, 'zscore');
    const z = new SlidingZScore(s.window, s.minStd, s.minCount);
    if (s.values.length > s.window) throw new InputError(`z-score state holds ${s.values.length} values for a window of ${s.window}`, { field: 'values' });
    for (let i = 0; i < s.values.length; i++) z.buf[i] = s.values[i];
    z.n = s.values.length;
    z.pos = z.n === z.window ? 0 : z.n;
    z.mean = s.mean;
    z.m2 = s.m2;
    z.since = s.since;
    return z;
  }
}

/**
 * Rolling min–max scaling over the last `window` values: (x − min) / (max − min), 0.5 when the
 * window is flat. Min and max come from monotonic deques (O(1) amortized per value).
 */
export class RollingMinMax implements Normalizer {
  private readonly buf: Float64Array;
  private readonly maxQ: Float64Array;
  private readonly minQ: Float64Array;
  private maxHead = 0;
  private maxLen = 0;
  private minHead = 0;
  private minLen = 0;
  /** Values pushed so far (absolute index of the next one). */
  private count = 0;
  readonly minCount: number;

  constructor(
    readonly window: number,
    minCount?: number,
  ) {
    if (!(Number.isInteger(window) && window >= 2)) throw new Error(`min-max window must be an integer ≥ 2, got ${window}`);
    this.buf = new Float64Array(window);
    this.maxQ = new Float64Array(window);
    this.minQ = new Float64Array(window);
    this.minCount = minCount ?? window;
  }

  push(x: number): void {
    if (x - x !== 0) return;
    const w = this.window;
    const i = this.count++;
    this.buf[i % w] = x;
    // Evict indices that left the window, then values dominated by x.
    if (this.maxLen > 0 && this.maxQ[this.maxHead] <= i - w) (this.maxHead = (this.maxHead + 1) % w), this.maxLen--;
    if (this.minLen > 0 && this.minQ[this.minHead] <= i - w) (this.minHead = (this.minHead + 1) % w), this.minLen--;
    while (this.maxLen > 0 && this.buf[this.maxQ[(this.maxHead + this.maxLen - 1) % w] % w] <= x) this.maxLen--;
    while (this.minLen > 0 && this.buf[this.minQ[(this.minHead + this.minLen - 1) % w] % w] >= x) this.minLen--;
    this.maxQ[(this.maxHead + this.maxLen++) % w] = i;
    this.minQ[(this.minHead + this.minLen++) % w] = i;
  }

  min(): number {
    return this.minLen > 0 ? this.buf[this.minQ[this.minHead] % this.window] : NaN;
  }

  max(): number {
    return this.maxLen > 0 ? this.buf[this.maxQ[this.maxHead] % this.window] : NaN;
  }

  scale(x: number): number {
    const lo = this.min();
    const hi = this.max();
    if (lo !== lo) return NaN;
    return hi > lo ? (x - lo) / (hi - lo) : 0.5;
  }

  update(x: number): number {
    this.push(x);
    return x - x === 0 ? this.scale(x) : NaN;
  }

  get warm(): boolean {
    return Math.min(this.count, this.window) >= this.minCount;
  }

  toJSON(): MinMaxState {
    const n = Math.min(this.count, this.window);
    const values: number[] = [];
    for (let k = this.count - n; k < this.count; k++) values.push(this.buf[k % this.window]);
    return { kind: 'minmax', window: this.window, minCount: this.minCount, values };
  }

  static fromJSON(s: MinMaxState): RollingMinMax {
    checkState(s, 'minmax');
    const m = new RollingMinMax(s.window, s.minCount);
    for (const v of s.values) m.push(v);
    return m;
  }
}

function checkState(s: NormalizerState, kind: NormalizerState['kind']): void {
  if (s === null || typeof s !== 'object' || s.kind !== kind) throw new InputError(`expected a ${kind} normalizer state, got ${JSON.stringify((s as { kind?: unknown })?.kind)}`, { field: 'kind' });
  if (!Array.isArray(s.values) || s.values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) throw new InputError(`${kind} state: values must be finite numbers`, { field: 'values' });
}

export function normalizerFromJSON(s: NormalizerState): Normalizer {
  return s.kind === 'zscore' ? SlidingZScore.fromJSON(s) : RollingMinMax.fromJSON(s);
}
