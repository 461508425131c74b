import type { LabeledFrame } from './label-frame.ts';

/** What one label column holds: finite count, and either class counts or the value distribution. */
export interface LabelSummary {
  name: string;
  n: number;
  nan: number;
  /** Value → count, for columns with at most 5 distinct values (classes, flags). */
  classes?: Record<string, number>;
  mean?: number;
  std?: number;
  p5?: number;
  p50?: number;
  p95?: number;
}

export function summarizeLabels(l: LabeledFrame): LabelSummary[] {
  return l.labels.map((name) => {
    const c = l.frame.col(name);
    const vals: number[] = [];
    for (const v of c) if (Number.isFinite(v)) vals.push(v);
    const s: LabelSummary = { name, n: vals.length, nan: c.length - vals.length };
    const distinct = new Map<number, number>();
    for (const v of vals) {
      distinct.set(v, (distinct.get(v) ?? 0) + 1);
      if (distinct.size > 5) break;
    }
    if (vals.length && distinct.size <= 5) {
      s.classes = {};
      for (const [k, v] of [...distinct.entries()].sort((a, b) => a[0] - b[0])) s.classes[String(k)] = v;
      return s;
    }
    if (vals.length === 0) return s;
    vals.sort((a, b) => a - b);
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    let ss = 0;
    for (const v of vals) ss += (v - mean) * (v - mean);
    const q = (p: number) => vals[Math.min(vals.length - 1, Math.floor(p * vals.length))];
    return { ...s, mean, std: vals.length > 1 ? Math.sqrt(ss / (vals.length - 1)) : 0, p5: q(0.05), p50: q(0.5), p95: q(0.95) };
  });
}
