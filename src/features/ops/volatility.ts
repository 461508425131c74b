import { z } from 'zod';
import { BAR_C, BAR_H, BAR_L, BarFeature } from '../bars.ts';
import { fmtMs } from '../feature.ts';
import { defineOp, int, ints, uniqSorted } from '../op-def.ts';
import { ols, Rolling, type Ols } from '../windows.ts';
import { StreamingRS } from './hurst.ts';

const LN2x4 = 4 * Math.log(2);

/**
 * Realized and Parkinson volatility over the last N bars of the mid, in bps over the window:
 * RV = √(Σ r_i²), r_i = ln(C_i/C_{i−1}); Parkinson (1980): σ²_PK = Σ (ln(H_i/L_i))² / (4 ln 2);
 * blend = √(w·RV² + (1 − w)·σ²_PK) (a variance-weighted combination of the two estimators).
 */
class Volatility extends BarFeature {
  private readonly r2: Rolling;
  private readonly pk: Rolling;
  private prevC = NaN;
  constructor(
    names: string[],
    barMs: number,
    bars: number,
    private readonly w: number,
  ) {
    super(names, barMs, false, bars * 4);
    this.r2 = new Rolling(bars);
    this.pk = new Rolling(bars);
  }
  protected onBar(bar: Float64Array): void {
    const h = bar[BAR_H];
    const l = bar[BAR_L];
    const c = bar[BAR_C];
    if (this.prevC === this.prevC) {
      const r = Math.log(c / this.prevC);
      this.r2.push(r * r);
      const hl = Math.log(h / l);
      this.pk.push(hl * hl);
    }
    this.prevC = c;
  }
  protected writeValues(out: Float64Array, at: number): void {
    if (this.r2.n === 0) return void out.fill(NaN, at, at + 3);
    const rv = this.r2.sum;
    const pk = this.pk.sum / LN2x4;
    out[at] = Math.sqrt(rv) * 1e4;
    out[at + 1] = Math.sqrt(pk) * 1e4;
    out[at + 2] = Math.sqrt(this.w * rv + (1 - this.w) * pk) * 1e4;
  }
  warm(): boolean {
    return this.r2.full;
  }
}

/** Hurst exponent by R/S (hurst.ts) of the bar log returns of the mid over the last N bars (streaming, O(1) per bar). */
class HurstOp extends BarFeature {
  private readonly rs: StreamingRS;
  private prevC = NaN;
  private h = NaN;
  private dirty = false;
  constructor(names: string[], barMs: number, N: number, scales: number[], correction: boolean) {
    super(names, barMs, false, N * 2);
    this.rs = new StreamingRS(N, scales, correction);
  }
  protected onBar(bar: Float64Array): void {
    const c = bar[BAR_C];
    if (this.prevC === this.prevC) {
      this.rs.push(Math.log(c / this.prevC));
      this.dirty = true;
    }
    this.prevC = c;
  }
  protected writeValues(out: Float64Array, at: number): void {
    if (this.dirty && this.rs.ready) {
      this.h = this.rs.hurst();
      this.dirty = false;
    }
    out[at] = this.h;
  }
  warm(): boolean {
    return this.rs.ready;
  }
}

/**
 * Ornstein–Uhlenbeck fit on the log mid at bar closes by rolling OLS x_i = a + b·x_{i−1} + ε over N
 * bars: θ = −ln b/Δt, μ = a/(1 − b), σ_eq = σ_ε/√(1 − b²), half-life = ln 2/θ, z = (x_now − μ)/σ_eq
 * with x_now the last close; defined only for 0 < b < 1 (a stationary fit), NaN otherwise. The gated
 * z is z when the R/S Hurst exponent of the bar returns is below `hurst_gate` (mean-reverting
 * regime), else 0.
 */
class Ou extends BarFeature {
  private readonly xs: Rolling;
  private readonly rs: StreamingRS;
  private readonly px: Float64Array;
  private readonly py: Float64Array;
  private readonly fit: Ols = { slope: NaN, intercept: NaN, r2: NaN, residVar: NaN };
  private ref = NaN;
  private prevC = NaN;
  private dirty = false;
  private z = NaN;
  private theta = NaN;
  private hurst = NaN;
  constructor(
    names: string[],
    barMs: number,
    N: number,
    hurstN: number,
    scales: number[],
    private readonly gate: number,
  ) {
    super(names, barMs, false, Math.max(N, hurstN) * 2);
    this.xs = new Rolling(N);
    this.rs = new StreamingRS(hurstN, scales, true);
    this.px = new Float64Array(N);
    this.py = new Float64Array(N);
  }
  protected onBar(bar: Float64Array): void {
    const c = bar[BAR_C];
    if (this.ref !== this.ref) this.ref = Math.log(c);
    this.xs.push(Math.log(c) - this.ref);
    if (this.prevC === this.prevC) this.rs.push(Math.log(c / this.prevC));
    this.prevC = c;
    this.dirty = true;
  }
  private refit(): void {
    this.dirty = false;
    const n = this.xs.n - 1;
    this.z = this.theta = this.hurst = NaN;
    if (n < 3) return;
    for (let i = 0; i < n; i++) {
      this.px[i] = this.xs.get(i);
      this.py[i] = this.xs.get(i + 1);
    }
    const f = ols(this.px, this.py, n, this.fit);
    const b = f.slope;
    if (b > 0 && b < 1) {
      const dt = this.barNs / 1e9;
      this.theta = -Math.log(b) / dt;
      const mu = f.intercept / (1 - b);
      const sd = Math.sqrt(f.residVar / (1 - b * b));
      this.z = sd > 0 ? (this.xs.last() - mu) / sd : NaN;
    }
    if (this.rs.ready) this.hurst = this.rs.hurst();
  }
  protected writeValues(out: Float64Array, at: number): void {
    if (this.dirty) this.refit();
    out[at] = this.z;
    out[at + 1] = this.theta;
    out[at + 2] = this.theta > 0 ? Math.LN2 / this.theta : NaN;
    out[at + 3] = this.z === this.z && this.hurst < this.gate ? this.z : 0;
  }
  warm(): boolean {
    return this.xs.full && this.rs.ready;
  }
}

const scalesSchema = ints([8, 16, 32, 64]).refine((s) => s.every((n) => n >= 4), 'scales must be ≥ 4');

export const volatilityOps = [
  defineOp({
    op: 'volatility',
    prefix: 'vol',
    summary: 'Realized volatility √Σr², Parkinson (1980) volatility √(Σ ln²(H/L)/(4 ln 2)) and their blend, over N time bars of the mid (bps over the window).',
    params: z.strictObject({ bar_ms: int().default(1000), bars: int(2).default(60), blend_weight: z.number().min(0).max(1).default(0.5) }),
    create: (p, pre) => {
      const s = `${fmtMs(p.bar_ms)}x${p.bars}`;
      return new Volatility([`${pre}_rv_bps_${s}`, `${pre}_parkinson_bps_${s}`, `${pre}_blend_bps_${s}`], p.bar_ms, p.bars, p.blend_weight);
    },
  }),
  defineOp({
    op: 'hurst',
    summary: 'Hurst exponent by rescaled range (R/S) at several scales over the last N bar returns of the mid (Anis–Lloyd corrected by default).',
    params: z
      .strictObject({ bar_ms: int().default(1000), window: int(8).default(128), scales: scalesSchema, correction: z.enum(['anis_lloyd', 'none']).default('anis_lloyd') })
      .refine((p) => p.scales.filter((s) => s <= p.window).length >= 2, 'need at least two scales ≤ window'),
    create: (p, pre) => new HurstOp([`${pre}_${fmtMs(p.bar_ms)}`], p.bar_ms, p.window, uniqSorted(p.scales), p.correction === 'anis_lloyd'),
  }),
  defineOp({
    op: 'ou',
    summary: 'Ornstein–Uhlenbeck z-score of the log mid from a rolling OLS fit (θ, μ, σ) over N bars, its θ and half-life, and the z gated by the R/S Hurst exponent (< gate).',
    params: z
      .strictObject({ bar_ms: int().default(1000), window: int(4).default(120), hurst_window: int(8).default(128), scales: scalesSchema, hurst_gate: z.number().min(0).max(1).default(0.5) })
      .refine((p) => p.scales.filter((s) => s <= p.hurst_window).length >= 2, 'need at least two scales ≤ hurst_window'),
    create: (p, pre) => new Ou([`${pre}_z`, `${pre}_theta`, `${pre}_half_life_s`, `${pre}_z_gated`], p.bar_ms, p.window, p.hurst_window, uniqSorted(p.scales), p.hurst_gate),
  }),
];
