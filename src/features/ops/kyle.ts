import { z } from 'zod';
import { BAR_C, BarFeature } from '../bars.ts';
import type { FeatureContext } from '../context.ts';
import { fmtMs } from '../feature.ts';
import { defineOp, int } from '../op-def.ts';
import { ols, Rolling, type Ols } from '../windows.ts';

/**
 * Kyle's (1985) lambda, estimated as price impact per unit of signed order flow (Hasbrouck 2009
 * style): rolling OLS over the last N time bars of r_i = a + λ·q_i + ε, with r_i the bar's mid
 * return in bps and q_i its signed traded volume (size units). Outputs λ (bps per unit of size)
 * and the regression R².
 */
class KyleLambda extends BarFeature {
  private q = 0;
  private prevC = NaN;
  private readonly rs: Rolling;
  private readonly qs: Rolling;
  private readonly xr: Float64Array;
  private readonly xq: Float64Array;
  private readonly fit: Ols = { slope: NaN, intercept: NaN, r2: NaN, residVar: NaN };
  private dirty = false;
  constructor(
    names: string[],
    barMs: number,
    private readonly N: number,
  ) {
    super(names, barMs, true, N * 2);
    this.rs = new Rolling(N);
    this.qs = new Rolling(N);
    this.xr = new Float64Array(N);
    this.xq = new Float64Array(N);
  }
  protected override onTrade(ctx: FeatureContext): void {
    this.q += ctx.tradeSign * ctx.tradeSize;
  }
  protected onBar(bar: Float64Array): void {
    const c = bar[BAR_C];
    if (this.prevC === this.prevC) {
      this.rs.push(Math.log(c / this.prevC) * 1e4);
      this.qs.push(this.q);
      this.dirty = true;
    }
    this.prevC = c;
    this.q = 0;
  }
  protected writeValues(out: Float64Array, at: number): void {
    if (this.dirty) {
      this.dirty = false;
      const n = this.rs.n;
      for (let i = 0; i < n; i++) {
        this.xr[i] = this.rs.get(i);
        this.xq[i] = this.qs.get(i);
      }
      if (n >= 3) ols(this.xq, this.xr, n, this.fit);
    }
    out[at] = this.fit.slope;
    out[at + 1] = this.fit.r2;
  }
  warm(): boolean {
    return this.rs.full;
  }
}

export const kyleOps = [
  defineOp({
    op: 'kyle_lambda',
    prefix: 'kyle',
    summary: "Kyle's lambda: rolling OLS slope of bar mid returns (bps) on bar signed volume, and R², over N time bars.",
    params: z.strictObject({ bar_ms: int().default(1000), bars: int(3).default(120) }),
    create: (p, pre) => {
      const s = `${fmtMs(p.bar_ms)}x${p.bars}`;
      return new KyleLambda([`${pre}_lambda_${s}`, `${pre}_r2_${s}`], p.bar_ms, p.bars);
    },
  }),
];
