/**
 * Every result across folds is a distribution, never one split: for each numeric metric the
 * median, min, max, mean and the per-fold values (NaN folds are listed but not summarised).
 */
export interface Distribution {
  median: number;
  min: number;
  max: number;
  mean: number;
  /** Folds with a finite value. */
  n: number;
  perFold: number[];
}

export function distribution(values: number[]): Distribution {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const n = v.length;
  const median = n === 0 ? NaN : n % 2 ? v[(n - 1) >> 1] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return { median, min: n ? v[0] : NaN, max: n ? v[n - 1] : NaN, mean: n ? v.reduce((a, b) => a + b, 0) / n : NaN, n, perFold: values };
}

/** Numeric leaves of a nested result as dotted paths (arrays indexed: perClass.0.recall). */
export function flattenNumbers(obj: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof obj === 'number') out[prefix] = obj;
  else if (Array.isArray(obj)) obj.forEach((v, i) => flattenNumbers(v, prefix ? `${prefix}.${i}` : String(i), out));
  else if (obj !== null && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) flattenNumbers(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/**
 * Summarises per-fold results (objects of the same shape, e.g. metrics or simulation results) into
 * one distribution per numeric leaf. A metric missing from a fold counts as NaN there.
 */
export function summarizeFolds(perFold: unknown[]): Record<string, Distribution> {
  const flat = perFold.map((f) => flattenNumbers(f));
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const f of flat) {
    for (const k of Object.keys(f)) {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  }
  const out: Record<string, Distribution> = {};
  for (const k of keys) out[k] = distribution(flat.map((f) => f[k] ?? NaN));
  return out;
}
