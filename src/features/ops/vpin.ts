import { z } from 'zod';
import type { FeatureContext } from '../context.ts';
import { WANT_TRADE, type Feature } from '../feature.ts';
import { normCdf } from '../math.ts';
import { defineOp, int, pos } from '../op-def.ts';
import { Rolling } from '../windows.ts';

export interface VpinParams {
  /** Buckets in the VPIN window (n). */
  window: number;
  /** Fixed bucket size in size units, or in notional (price × size); otherwise calibrated. */
  bucket_volume?: number;
  bucket_notional?: number;
  /** Calibration: the bucket is `auto_bucket_ms` worth of the volume traded in the first `auto_calibrate_ms`. */
  auto_calibrate_ms: number;
  auto_bucket_ms: number;
  /** Volume classification: trade signs (aggressor / Lee–Ready), or bulk volume classification on time bars. */
  classify: 'trade_sign' | 'bvc';
  bvc_bar_ms: number;
  bvc_window: number;
  /** Regime from VPIN's own empirical CDF over the last `cdf_window` values (ELO use CDF(VPIN)), or from VPIN itself. */
  regime_on: 'cdf' | 'value';
  cdf_window: number;
  cdf_min: number;
  cdf_thresholds: number[];
  value_thresholds: number[];
  /** Position-size multiplier per regime Low, Medium, High, Extreme. */
  size_mult: number[];
}

/**
 * VPIN (Easley, López de Prado & O'Hara 2012): trade volume fills equal buckets of size V (a trade
 * larger than the room left spills into the next buckets); VPIN = Σ_{τ=1..n} |V^S_τ − V^B_τ| / (n·V)
 * over the last n buckets, so 0 ≤ VPIN ≤ 1. Volume is classified by trade sign, or by bulk volume
 * classification: a time bar's volume is buy volume in proportion Φ(ΔP/σ_ΔP). The regime (0 Low,
 * 1 Medium, 2 High, 3 Extreme) comes from VPIN's empirical CDF (or VPIN) against thresholds, and sets
 * a position-size multiplier.
 */
export class Vpin implements Feature {
  readonly wants = WANT_TRADE;
  private V = NaN;
  private calStart = NaN;
  private calVol = 0;
  private filled = 0;
  private buy = 0;
  private sell = 0;
  private readonly imb: Rolling;
  private vpin = NaN;
  private readonly hist: Rolling;
  private cdf = NaN;
  private regime = NaN;
  buckets = 0;
  // bulk volume classification bars
  private barEnd = NaN;
  private barVol = 0;
  private barClose = NaN;
  private prevClose = NaN;
  private readonly dp: Rolling;
  private readonly barNs: number;

  constructor(
    readonly names: string[],
    private readonly p: VpinParams,
  ) {
    this.imb = new Rolling(p.window);
    this.hist = new Rolling(p.cdf_window);
    this.dp = new Rolling(p.bvc_window);
    this.barNs = p.bvc_bar_ms * 1e6;
    if (p.bucket_volume !== undefined) this.V = p.bucket_volume;
  }

  update(ctx: FeatureContext): void {
    const now = ctx.now;
    const usesNotional = this.p.bucket_notional !== undefined;
    const v = usesNotional ? ctx.tradeSize * ctx.tradePrice : ctx.tradeSize;
    if (this.V !== this.V) {
      if (usesNotional) this.V = this.p.bucket_notional!;
      else {
        if (this.calStart !== this.calStart) this.calStart = now;
        if (now - this.calStart < this.p.auto_calibrate_ms * 1e6 || this.calVol === 0) {
          this.calVol += v;
          return;
        }
        this.V = (this.calVol * this.p.auto_bucket_ms) / ((now - this.calStart) / 1e6);
      }
    }
    if (this.p.classify === 'trade_sign') {
      const s = ctx.tradeSign;
      this.add(s > 0 ? v : s < 0 ? 0 : 0.5 * v, s < 0 ? v : s > 0 ? 0 : 0.5 * v);
    } else {
      this.rollBars(now);
      if (this.barEnd !== this.barEnd) this.barEnd = (Math.floor(now / this.barNs) + 1) * this.barNs;
      this.barVol += v;
      this.barClose = ctx.tradePrice;
    }
  }

  /** Bulk volume classification at each bar close: V_buy = V_bar·Φ(ΔP/σ_ΔP), ΔP close to close of bars with trades. */
  private rollBars(now: number): void {
    if (!(now >= this.barEnd)) return;
    if (this.barVol > 0) {
      if (this.prevClose === this.prevClose) {
        const dp = this.barClose - this.prevClose;
        this.dp.push(dp);
        const sd = Math.sqrt(this.dp.variance());
        const f = sd > 0 ? normCdf(dp / sd) : 0.5;
        this.add(this.barVol * f, this.barVol * (1 - f));
      }
      this.prevClose = this.barClose;
    }
    this.barVol = 0;
    this.barEnd = (Math.floor(now / this.barNs) + 1) * this.barNs;
  }

  /** Adds classified volume, filling buckets in order (a large amount spans several). */
  private add(buy: number, sell: number): void {
    let total = buy + sell;
    if (!(total > 0)) return;
    const fb = buy / total;
    const V = this.V;
    while (total > 0) {
      const room = V - this.filled;
      const take = total < room ? total : room;
      this.buy += take * fb;
      this.sell += take * (1 - fb);
      this.filled += take;
      total -= take;
      if (this.filled >= V * (1 - 1e-12)) this.complete();
    }
  }

  private complete(): void {
    const p = this.p;
    this.imb.push(Math.abs(this.buy - this.sell));
    this.buy = this.sell = this.filled = 0;
    this.buckets++;
    if (!this.imb.full) return;
    // VPIN = Σ |V^S − V^B| / (n·V); clamp float round-off at the bounds
    const v = this.imb.sum / (p.window * this.V);
    this.vpin = v < 0 ? 0 : v > 1 ? 1 : v;
    this.hist.push(this.vpin);
    let le = 0;
    for (let i = 0; i < this.hist.n; i++) if (this.hist.buf[i] <= this.vpin) le++;
    this.cdf = le / this.hist.n;
    const x = p.regime_on === 'cdf' ? this.cdf : this.vpin;
    const th = p.regime_on === 'cdf' ? p.cdf_thresholds : p.value_thresholds;
    let r = 0;
    while (r < th.length && x >= th[r]) r++;
    this.regime = r;
  }

  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    if (this.p.classify === 'bvc') this.rollBars(ctx.now);
    out[at] = this.vpin;
    out[at + 1] = this.cdf;
    out[at + 2] = this.regime;
    out[at + 3] = this.regime === this.regime ? this.p.size_mult[this.regime] : NaN;
  }

  warm(_ctx: FeatureContext): boolean {
    return this.vpin === this.vpin && this.hist.n >= this.p.cdf_min;
  }

  /** Bucket size in use (NaN while calibrating). */
  get bucketSize(): number {
    return this.V;
  }
}

const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);

export const vpinOps = [
  defineOp({
    op: 'vpin',
    summary: 'VPIN (Easley, López de Prado & O’Hara 2012) over volume buckets, its empirical CDF, regime Low/Medium/High/Extreme and size multiplier.',
    params: z
      .strictObject({
        window: int(2).default(50),
        bucket_volume: pos().optional(),
        bucket_notional: pos().optional(),
        auto_calibrate_ms: int().default(30_000),
        auto_bucket_ms: int().default(2000),
        classify: z.enum(['trade_sign', 'bvc']).default('trade_sign'),
        bvc_bar_ms: int().default(1000),
        bvc_window: int(2).default(100),
        regime_on: z.enum(['cdf', 'value']).default('cdf'),
        cdf_window: int(2).default(250),
        cdf_min: int().default(50),
        cdf_thresholds: z.array(z.number().min(0).max(1)).length(3).refine(ascending, 'must be ascending').default([0.5, 0.75, 0.9]),
        value_thresholds: z.array(z.number().min(0).max(1)).length(3).refine(ascending, 'must be ascending').default([0.3, 0.5, 0.7]),
        size_mult: z.array(z.number().min(0)).length(4).default([1, 0.75, 0.5, 0]),
      })
      .refine((p) => !(p.bucket_volume !== undefined && p.bucket_notional !== undefined), 'give bucket_volume or bucket_notional, not both'),
    create: (p, pre) => new Vpin([pre, `${pre}_cdf`, `${pre}_regime`, `${pre}_size_mult`], p),
  }),
];
