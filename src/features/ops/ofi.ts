import { z } from 'zod';
import type { FeatureContext } from '../context.ts';
import { fmtMs, WANT_BOOK, type Feature } from '../feature.ts';
import { defineOp, int, uniqSorted, windowsMs } from '../op-def.ts';
import { TimeWindows } from '../windows.ts';

/**
 * Order-flow imbalance (Cont, Kukanov & Stoikov 2014) at levels 1..L (Xu, Gould & Howison 2018
 * apply the same rule to each level m), summed over sliding time windows, and the integrated OFI
 * of Cont, Cucuringu & Zhang (2023): level OFIs normalized by the window's average depth, combined
 * with the first principal component of their covariance.
 *
 * Per book message n and level m, with (P^B, q^B), (P^A, q^A) the m-th best bid and ask:
 * e_n = 1{P^B_n ≥ P^B_{n−1}}·q^B_n − 1{P^B_n ≤ P^B_{n−1}}·q^B_{n−1} − 1{P^A_n ≤ P^A_{n−1}}·q^A_n + 1{P^A_n ≥ P^A_{n−1}}·q^A_{n−1}.
 * A missing level counts as price −∞ (bid) or +∞ (ask) with size 0. No diff is taken across a
 * resync (the jump from a stale book to a fresh snapshot is not order flow).
 */
class Ofi implements Feature {
  readonly wants = WANT_BOOK;
  private readonly L: number;
  private readonly pb: Float64Array;
  private readonly qb: Float64Array;
  private readonly pa: Float64Array;
  private readonly qa: Float64Array;
  private hasPrev = false;
  private readonly tw: TimeWindows;
  private readonly nw: number;
  private readonly maxWindowNs: number;
  // Integrated OFI: per window, EWMA mean/covariance of the normalized level OFIs and their first PC.
  private readonly alpha: number;
  private readonly mean: Float64Array;
  private readonly cov: Float64Array;
  private readonly pc: Float64Array;
  private readonly x: Float64Array;
  private readonly tmp: Float64Array;
  private readonly rows: Float64Array;
  private readonly minRows: number;

  constructor(
    readonly names: string[],
    levels: number,
    windows: number[],
    halflifeRows: number,
    minRows: number,
  ) {
    const L = (this.L = levels);
    this.pb = new Float64Array(L);
    this.qb = new Float64Array(L);
    this.pa = new Float64Array(L);
    this.qa = new Float64Array(L);
    this.tw = new TimeWindows(L + 1, windows);
    this.nw = windows.length;
    this.maxWindowNs = windows[windows.length - 1] * 1e6;
    this.alpha = 1 - Math.pow(2, -1 / halflifeRows);
    this.mean = new Float64Array(this.nw * L);
    this.cov = new Float64Array(this.nw * L * L);
    this.pc = new Float64Array(this.nw * L).fill(1 / Math.sqrt(L));
    this.x = new Float64Array(L);
    this.tmp = new Float64Array(L);
    this.rows = new Float64Array(this.nw);
    this.minRows = minRows;
  }

  update(ctx: FeatureContext): void {
    if (!ctx.valid) {
      this.hasPrev = false;
      return;
    }
    const L = this.L;
    const { bp, bs, ap, as, nb, na, S } = ctx;
    if (ctx.resync || !this.hasPrev) {
      for (let m = 0; m < L; m++) {
        this.pb[m] = m < nb ? bp[nb - 1 - m] : -Infinity;
        this.qb[m] = m < nb ? bs[nb - 1 - m] / S : 0;
        this.pa[m] = m < na ? ap[na - 1 - m] : Infinity;
        this.qa[m] = m < na ? as[na - 1 - m] / S : 0;
      }
      this.hasPrev = true;
      return;
    }
    const tw = this.tw;
    tw.push(ctx.now);
    let depth = 0;
    for (let m = 0; m < L; m++) {
      const pb = m < nb ? bp[nb - 1 - m] : -Infinity;
      const qb = m < nb ? bs[nb - 1 - m] / S : 0;
      const pa = m < na ? ap[na - 1 - m] : Infinity;
      const qa = m < na ? as[na - 1 - m] / S : 0;
      const ppb = this.pb[m];
      const ppa = this.pa[m];
      let e = 0;
      if (pb >= ppb) e += qb;
      if (pb <= ppb) e -= this.qb[m];
      if (pa <= ppa) e -= qa;
      if (pa >= ppa) e += this.qa[m];
      if (e !== 0) tw.set(m, e);
      depth += 0.5 * (qb + qa);
      this.pb[m] = pb;
      this.qb[m] = qb;
      this.pa[m] = pa;
      this.qa[m] = qa;
    }
    tw.set(L, depth / L);
  }

  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const L = this.L;
    const tw = this.tw;
    tw.advance(ctx.now);
    const x = this.x;
    for (let w = 0; w < this.nw; w++) {
      const o = at + w * (L + 1);
      const n = tw.count(w);
      // Q = average over the window's messages of (1/L)·Σ_m (q^B_m + q^A_m)/2  (Cont, Cucuringu & Zhang 2023)
      const q = n > 0 ? tw.sum(w, L) / n : NaN;
      for (let m = 0; m < L; m++) {
        const ofi = tw.sum(w, m);
        out[o + m] = ofi;
        x[m] = n > 0 && q > 0 ? ofi / q : 0;
      }
      out[o + L] = this.integrated(w, x);
    }
  }

  /** ofi^I = w₁ᵀ x / ‖w₁‖₁ with w₁ the first principal component of x's EWMA covariance (power iteration, warm-started; sign: Σw₁ > 0). */
  private integrated(w: number, x: Float64Array): number {
    const L = this.L;
    const a = this.alpha;
    const mean = this.mean;
    const cov = this.cov;
    const mo = w * L;
    const co = w * L * L;
    const first = this.rows[w] === 0;
    this.rows[w]++;
    for (let i = 0; i < L; i++) {
      const d = x[i] - mean[mo + i];
      this.tmp[i] = d;
      mean[mo + i] = first ? x[i] : mean[mo + i] + a * d;
    }
    if (!first) {
      for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) cov[co + i * L + j] = (1 - a) * (cov[co + i * L + j] + a * this.tmp[i] * this.tmp[j]);
    }
    const pc = this.pc;
    const v = this.tmp;
    // Two power-iteration steps per row, warm-started from the last vector: the covariance moves slowly.
    for (let it = 0; it < 2; it++) {
      let norm = 0;
      for (let i = 0; i < L; i++) {
        let s = 0;
        for (let j = 0; j < L; j++) s += cov[co + i * L + j] * pc[mo + j];
        v[i] = s;
        norm += s * s;
      }
      if (!(norm > 0)) break;
      norm = Math.sqrt(norm);
      for (let i = 0; i < L; i++) pc[mo + i] = v[i] / norm;
    }
    let sum = 0;
    let l1 = 0;
    for (let i = 0; i < L; i++) {
      sum += pc[mo + i];
      l1 += Math.abs(pc[mo + i]);
    }
    const sign = sum < 0 ? -1 : 1;
    let dot = 0;
    for (let i = 0; i < L; i++) dot += pc[mo + i] * x[i];
    return (sign * dot) / l1;
  }

  warm(ctx: FeatureContext): boolean {
    if (!(ctx.now - ctx.firstValidTs >= this.maxWindowNs)) return false;
    for (let w = 0; w < this.nw; w++) if (this.rows[w] < this.minRows) return false;
    return true;
  }
}

export const ofiOps = [
  defineOp({
    op: 'ofi',
    summary: 'Order-flow imbalance (Cont, Kukanov & Stoikov 2014) per level 1..L over sliding windows, and integrated OFI (Cont, Cucuringu & Zhang 2023).',
    params: z.strictObject({
      levels: int().max(50).default(5),
      windows_ms: windowsMs([1000, 5000]),
      /** Half-life, in rows, of the covariance whose first principal component weights the integrated OFI. */
      pca_halflife_rows: int().default(600),
      pca_min_rows: int().default(50),
    }),
    create: (p, pre) => {
      const ws = uniqSorted(p.windows_ms);
      const names: string[] = [];
      for (const w of ws) {
        for (let m = 1; m <= p.levels; m++) names.push(`${pre}_l${m}_${fmtMs(w)}`);
        names.push(`${pre}_int_${fmtMs(w)}`);
      }
      return new Ofi(names, p.levels, ws, p.pca_halflife_rows, p.pca_min_rows);
    },
  }),
];
