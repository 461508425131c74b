import { z } from 'zod';
import { BarFeature } from '../bars.ts';
import type { FeatureContext } from '../context.ts';
import { WANT_BOOK, type Feature } from '../feature.ts';
import { TimeEwma } from '../ewma.ts';
import { SlidingZScore } from '../normalize.ts';
import { defineOp, int, pos } from '../op-def.ts';

/** Σ of sizes over the best k levels of both sides, in size units. */
export function topDepth(ctx: FeatureContext, k: number): number {
  const { bs, as, nb, na } = ctx;
  const kb = Math.min(k, nb);
  const ka = Math.min(k, na);
  let s = 0;
  for (let i = 1; i <= kb; i++) s += bs[nb - i];
  for (let i = 1; i <= ka; i++) s += as[na - i];
  return s / ctx.S;
}

const triple = z.array(z.number().min(0)).length(3);

/**
 * Three-axis market regime on time bars: spread (log spread in bps), depth (log top-k depth) and
 * activity (log(1 + book updates and trades per second)), each z-scored over the last N bars
 * (sliding Welford) and coded −1 / 0 / +1 at |z| > threshold (tight/normal/wide spread,
 * thin/normal/deep book, quiet/normal/active). The confidence multiplier is the product of one
 * factor per axis and code (defaults: wide spread 0.5, thin book 0.5, quiet or hectic 0.75, else 1).
 */
class Regime extends BarFeature {
  private spreadBps = NaN;
  private depth = NaN;
  private events = 0;
  private readonly zs: SlidingZScore;
  private readonly zd: SlidingZScore;
  private readonly za: SlidingZScore;
  private readonly codes = new Float64Array(3).fill(NaN);
  private mult = NaN;
  constructor(
    names: string[],
    barMs: number,
    window: number,
    minBars: number,
    private readonly k: number,
    private readonly th: number,
    private readonly factors: number[][],
  ) {
    super(names, barMs, true, window * 2);
    this.wantsEveryBookEvent = true;
    this.zs = new SlidingZScore(window, 1e-9, minBars);
    this.zd = new SlidingZScore(window, 1e-9, minBars);
    this.za = new SlidingZScore(window, 1e-9, minBars);
  }
  protected override onBook(ctx: FeatureContext): void {
    this.events++;
    if (ctx.valid && ctx.mid === ctx.mid) {
      this.spreadBps = ((ctx.ask - ctx.bid) / ctx.mid) * 1e4;
      this.depth = topDepth(ctx, this.k);
    }
  }
  protected override onTrade(): void {
    this.events++;
  }
  private code(z: number): number {
    return z > this.th ? 1 : z < -this.th ? -1 : 0;
  }
  protected onBar(): void {
    const activity = this.events / (this.barNs / 1e9);
    this.events = 0;
    if (!(this.spreadBps > 0 && this.depth > 0)) return;
    const c0 = this.code(this.zs.update(Math.log(this.spreadBps)));
    const c1 = this.code(this.zd.update(Math.log(this.depth)));
    const c2 = this.code(this.za.update(Math.log1p(activity)));
    this.codes[0] = c0;
    this.codes[1] = c1;
    this.codes[2] = c2;
    this.mult = this.factors[0][c0 + 1] * this.factors[1][c1 + 1] * this.factors[2][c2 + 1];
  }
  protected writeValues(out: Float64Array, at: number): void {
    out[at] = this.codes[0];
    out[at + 1] = this.codes[1];
    out[at + 2] = this.codes[2];
    out[at + 3] = this.mult;
  }
  warm(): boolean {
    return this.zs.warm;
  }
}

/**
 * Book resilience: top-k depth over its exponentially weighted time average (τ), i.e. how far the
 * book is from its recent normal depth (it recovers towards 1 after a sweep); the depth-shock flag
 * is 1 when depth < (1 − drop)·EWMA.
 */
class Resilience implements Feature {
  readonly wants = WANT_BOOK;
  private readonly ewma: TimeEwma;
  constructor(
    readonly names: string[],
    private readonly k: number,
    tauMs: number,
    private readonly drop: number,
  ) {
    this.ewma = new TimeEwma(tauMs);
  }
  update(ctx: FeatureContext): void {
    if (ctx.valid && ctx.mid === ctx.mid) this.ewma.update(ctx.now, topDepth(ctx, this.k));
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    if (!ctx.valid || ctx.mid !== ctx.mid) return void out.fill(NaN, at, at + 2);
    const r = topDepth(ctx, this.k) / this.ewma.value(ctx.now);
    out[at] = r;
    out[at + 1] = r < 1 - this.drop ? 1 : 0;
  }
  warm(ctx: FeatureContext): boolean {
    return ctx.now - ctx.firstValidTs >= this.ewma.tauNs;
  }
}

export const regimeOps = [
  defineOp({
    op: 'regime',
    summary: 'Three-axis regime (spread, depth, activity) from sliding z-scores on time bars, with its confidence multiplier.',
    params: z.strictObject({
      bar_ms: int().default(1000),
      window: int(2).default(300),
      min_bars: int(2).default(60),
      levels: int().default(10),
      z_threshold: pos().default(1),
      spread_mult: triple.default([1, 1, 0.5]),
      depth_mult: triple.default([0.5, 1, 1]),
      activity_mult: triple.default([0.75, 1, 0.75]),
    }),
    create: (p, pre) =>
      new Regime([`${pre}_spread`, `${pre}_depth`, `${pre}_activity`, `${pre}_mult`], p.bar_ms, p.window, Math.min(p.min_bars, p.window), p.levels, p.z_threshold, [p.spread_mult, p.depth_mult, p.activity_mult]),
  }),
  defineOp({
    op: 'resilience',
    summary: 'Top-k depth over its time-EWMA (book resilience) and a depth-shock flag (depth < (1 − drop)·EWMA).',
    params: z.strictObject({ levels: int().default(10), tau_ms: int().default(30_000), drop: z.number().gt(0).lt(1).default(0.5) }),
    create: (p, pre) => new Resilience([`${pre}_depth_ratio`, `${pre}_depth_shock`], p.levels, p.tau_ms, p.drop),
  }),
];
