import { z } from 'zod';
import type { FeatureContext } from '../context.ts';
import { WANT_FUNDING, type Feature } from '../feature.ts';
import { SlidingZScore } from '../normalize.ts';
import { defineOp, int, pos } from '../op-def.ts';

/**
 * Funding features of perpetuals, from the venue's funding / mark / index stream: the current
 * funding rate, its z-score over the last N updates (sliding Welford), the basis
 * (mark/index − 1) in bps, and the funding-arbitrage signal: direction −sign(rate) for the perp leg
 * (positive funding: longs pay shorts, so short the perp against spot) when |rate| ≥ `min_rate`, and
 * the expected annualized carry |rate|·(24/interval_h)·365·1e4 bps. NaN where the instrument has no
 * funding stream; a missing stream does not hold back the row's warm flag (spot instruments have
 * none), a present one is warm once its z-score window is.
 */
class Funding implements Feature {
  readonly wants = WANT_FUNDING;
  private readonly z: SlidingZScore;
  private rate = NaN;
  private basis = NaN;
  private seen = false;
  private readonly periodsPerYear: number;
  constructor(
    readonly names: string[],
    window: number,
    minCount: number,
    intervalH: number,
    private readonly minRate: number,
  ) {
    this.z = new SlidingZScore(window, 1e-12, minCount);
    this.periodsPerYear = (24 / intervalH) * 365;
  }
  update(ctx: FeatureContext): void {
    const f = ctx.funding!;
    if (f.fundingRate === f.fundingRate) {
      this.rate = f.fundingRate;
      this.z.push(f.fundingRate);
      this.seen = true;
    }
    if (f.markPrice > 0 && f.indexPrice > 0) this.basis = (f.markPrice / f.indexPrice - 1) * 1e4;
  }
  write(out: Float64Array, at: number): void {
    const r = this.rate;
    out[at] = r;
    out[at + 1] = r === r ? this.z.z(r) : NaN;
    out[at + 2] = this.basis;
    out[at + 3] = r !== r ? NaN : Math.abs(r) >= this.minRate && r !== 0 ? -Math.sign(r) : 0;
    out[at + 4] = Math.abs(r) * this.periodsPerYear * 1e4;
  }
  warm(): boolean {
    return !this.seen || this.z.warm;
  }
}

export const fundingOps = [
  defineOp({
    op: 'funding',
    summary: 'Funding rate, its z-score over the last N updates, mark/index basis (bps), funding-arbitrage direction and expected annualized carry (bps).',
    params: z.strictObject({ window: int(2).default(300), min_count: int(2).default(60), interval_h: pos().default(8), min_rate: z.number().min(0).default(0) }),
    create: (p, pre) => new Funding([`${pre}_rate`, `${pre}_z`, `${pre}_basis_bps`, `${pre}_arb_dir`, `${pre}_arb_bps_annual`], p.window, Math.min(p.min_count, p.window), p.interval_h, p.min_rate),
  }),
];
