/**
 * Per-feature standardization z = (x − mean) / scale, fitted on training rows and saved with the
 * model so prediction applies exactly the same transform. Missing values (NaN) are ignored when
 * fitting and become 0 after standardizing (mean imputation). A constant column gets scale 1, so it
 * standardizes to 0 and its weight stays 0 under L2.
 */
export interface StandardizerJSON {
  mean: number[];
  scale: number[];
}

export class Standardizer {
  constructor(
    readonly mean: Float64Array,
    readonly scale: Float64Array,
  ) {}

  /** Fits on a row-major matrix (n × k); mean and std computed around a per-column shift for accuracy. */
  static fit(x: Float64Array, n: number, k: number): Standardizer {
    const shift = new Float64Array(k).fill(NaN);
    const sum = new Float64Array(k);
    const sumSq = new Float64Array(k);
    const cnt = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const base = i * k;
      for (let j = 0; j < k; j++) {
        const v = x[base + j];
        if (v !== v) continue;
        if (shift[j] !== shift[j]) shift[j] = v;
        const d = v - shift[j];
        sum[j] += d;
        sumSq[j] += d * d;
        cnt[j]++;
      }
    }
    const mean = new Float64Array(k);
    const scale = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      if (cnt[j] === 0) {
        mean[j] = 0;
        scale[j] = 1;
        continue;
      }
      const m = sum[j] / cnt[j];
      const variance = Math.max(0, sumSq[j] / cnt[j] - m * m);
      mean[j] = shift[j] + m;
      const sd = Math.sqrt(variance);
      if (!Number.isFinite(mean[j]) || !Number.isFinite(sd)) throw new Error(`standardize: column ${j} has infinite values`);
      scale[j] = sd > 1e-12 * Math.max(1, Math.abs(mean[j])) ? sd : 1;
    }
    return new Standardizer(mean, scale);
  }

  /** Standardizes row `x[offset..offset+k)` into `out[0..k)`. */
  row(x: ArrayLike<number>, offset: number, out: Float64Array): void {
    const k = this.mean.length;
    for (let j = 0; j < k; j++) {
      const v = x[offset + j];
      out[j] = v === v ? (v - this.mean[j]) / this.scale[j] : 0;
    }
  }

  toJSON(): StandardizerJSON {
    return { mean: Array.from(this.mean), scale: Array.from(this.scale) };
  }

  static fromJSON(j: StandardizerJSON): Standardizer {
    if (!Array.isArray(j?.mean) || !Array.isArray(j?.scale) || j.mean.length !== j.scale.length) throw new Error('standardizer: expected { mean: number[], scale: number[] } of equal length');
    return new Standardizer(Float64Array.from(j.mean), Float64Array.from(j.scale));
  }
}
