import { z } from 'zod';
import type { FeatureContext } from '../context.ts';
import { BaseFeature, fmtQty } from '../feature.ts';
import { defineOp, int, nums, pos, uniqSorted } from '../op-def.ts';

/**
 * Depth-shape operators, read from the book at the row's time (always warm; NaN while invalid). They
 * sum the levels the reconstructed book holds: where a venue's snapshot is depth-limited (Binance
 * REST: 1000 levels), levels beyond it appear only once a diff touches them, so depth far from the
 * mid is a lower bound.
 */

function bookOk(ctx: FeatureContext): boolean {
  return ctx.valid && ctx.mid === ctx.mid;
}

/** First index in ascending `xs[0, n)` with `xs[i] ≥ x` (n if none). */
function firstAtLeast(xs: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (xs[m] >= x) hi = m;
    else lo = m + 1;
  }
  return lo;
}

/** First index in descending `xs[0, n)` with `xs[i] ≤ x` (n if none). */
function firstAtMost(xs: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (xs[m] <= x) hi = m;
    else lo = m + 1;
  }
  return lo;
}

/** Σ xs[lo, hi) for integer-valued xs (exact, so four accumulators give the same sum as one). */
function sumRange(xs: Float64Array, lo: number, hi: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let k = lo;
  for (; k + 3 < hi; k += 4) {
    a += xs[k];
    b += xs[k + 1];
    c += xs[k + 2];
    d += xs[k + 3];
  }
  for (; k < hi; k++) a += xs[k];
  return a + b + (c + d);
}

class DepthWithin extends BaseFeature {
  constructor(
    names: string[],
    private readonly bps: number[],
  ) {
    super(names);
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const nx = this.bps.length;
    if (!bookOk(ctx)) return void out.fill(NaN, at, at + 3 * nx);
    const { bp, bs, ap, as, nb, na } = ctx;
    // depth within X bps: Σ q over bid levels with p ≥ mid·(1 − X/1e4), ask levels with p ≤ mid·(1 + X/1e4).
    // Levels are stored best last (bids ascending, asks descending): the band is a suffix, found by
    // binary search; the sizes are scaled integers, so their sum is exact in any order.
    let i = nb;
    let sum = 0;
    for (let j = 0; j < nx; j++) {
      const floor = ctx.mid * (1 - this.bps[j] / 1e4) * ctx.P;
      const lo = firstAtLeast(bp, i, floor);
      sum += sumRange(bs, lo, i);
      i = lo;
      out[at + 3 * j] = sum / ctx.S;
    }
    i = na;
    sum = 0;
    for (let j = 0; j < nx; j++) {
      const ceil = ctx.mid * (1 + this.bps[j] / 1e4) * ctx.P;
      const lo = firstAtMost(ap, i, ceil);
      sum += sumRange(as, lo, i);
      i = lo;
      out[at + 3 * j + 1] = sum / ctx.S;
    }
    for (let j = 0; j < nx; j++) {
      const qb = out[at + 3 * j];
      const qa = out[at + 3 * j + 1];
      out[at + 3 * j + 2] = qb + qa > 0 ? (qb - qa) / (qb + qa) : 0;
    }
  }
}

class InverseDistanceDepth extends BaseFeature {
  constructor(
    names: string[],
    private readonly k: number,
    private readonly scaleBps: number,
  ) {
    super(names);
  }
  private side(ctx: FeatureContext, bid: boolean): number {
    const ps = bid ? ctx.bp : ctx.ap;
    const qs = bid ? ctx.bs : ctx.as;
    const top = (bid ? ctx.nb : ctx.na) - 1;
    const n = Math.min(this.k, top + 1);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const p = ps[top - i] / ctx.P;
      const d = (Math.abs(p - ctx.mid) / ctx.mid) * 1e4;
      // weight 1 / (1 + d_i / scale), d_i = distance of level i from the mid in bps
      s += qs[top - i] / (1 + d / this.scaleBps);
    }
    return s / ctx.S;
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    if (!bookOk(ctx)) return void out.fill(NaN, at, at + 3);
    const qb = this.side(ctx, true);
    const qa = this.side(ctx, false);
    out[at] = qb;
    out[at + 1] = qa;
    out[at + 2] = qb + qa > 0 ? (qb - qa) / (qb + qa) : 0;
  }
}

class Slippage extends BaseFeature {
  constructor(
    names: string[],
    private readonly amounts: Float64Array,
    private readonly bySize: boolean,
  ) {
    super(names);
  }
  /**
   * Cost in bps vs the mid of filling `amount` by walking one side: VWAP = Σ p_i·q_i / Σ q_i over
   * the levels consumed (the last one partially); buy: (VWAP/mid − 1)·1e4, sell: (1 − VWAP/mid)·1e4.
   * NaN when the visible book cannot fill it.
   */
  private cost(ctx: FeatureContext, buy: boolean, j: number, out: Float64Array, at: number): void {
    const amount = this.amounts[j];
    const ps = buy ? ctx.ap : ctx.bp;
    const qs = buy ? ctx.as : ctx.bs;
    const top = (buy ? ctx.na : ctx.nb) - 1;
    let left = amount;
    let qty = 0;
    let notional = 0;
    for (let i = top; i >= 0 && left > 0; i--) {
      const p = ps[i] / ctx.P;
      const q = qs[i] / ctx.S;
      const avail = this.bySize ? q : p * q;
      const take = avail < left ? avail : left;
      const tq = this.bySize ? take : take / p;
      qty += tq;
      notional += tq * p;
      left -= take;
    }
    if (left > 1e-12 * amount) {
      out[at] = NaN;
      return;
    }
    const vwap = notional / qty;
    out[at] = buy ? (vwap / ctx.mid - 1) * 1e4 : (1 - vwap / ctx.mid) * 1e4;
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const m = this.amounts.length;
    if (!bookOk(ctx)) return void out.fill(NaN, at, at + 2 * m);
    for (let j = 0; j < m; j++) {
      // results go straight into the row: a double returned from a call that is not inlined is boxed
      this.cost(ctx, true, j, out, at + 2 * j);
      this.cost(ctx, false, j, out, at + 2 * j + 1);
    }
  }
}

class BookSlope extends BaseFeature {
  constructor(
    names: string[],
    private readonly k: number,
  ) {
    super(names);
  }
  /**
   * OLS slope of cumulative depth on distance from the mid (bps) over the top k levels: how much
   * size each bp of price concession buys (Næs & Skjeltorp 2006 measure slope as depth per price
   * step; the regression form is robust to uneven level spacing).
   */
  private slope(ctx: FeatureContext, bid: boolean, out: Float64Array, at: number): void {
    const ps = bid ? ctx.bp : ctx.ap;
    const qs = bid ? ctx.bs : ctx.as;
    const top = (bid ? ctx.nb : ctx.na) - 1;
    const n = Math.min(this.k, top + 1);
    if (n < 2) {
      out[at] = NaN;
      return;
    }
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let cum = 0;
    for (let i = 0; i < n; i++) {
      const p = ps[top - i] / ctx.P;
      cum += qs[top - i] / ctx.S;
      const x = (Math.abs(p - ctx.mid) / ctx.mid) * 1e4;
      sx += x;
      sy += cum;
      sxx += x * x;
      sxy += x * cum;
    }
    const vx = sxx - (sx * sx) / n;
    out[at] = vx > 0 ? (sxy - (sx * sy) / n) / vx : NaN;
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    if (!bookOk(ctx)) return void out.fill(NaN, at, at + 3);
    this.slope(ctx, true, out, at);
    this.slope(ctx, false, out, at + 1);
    const sb = out[at];
    const sa = out[at + 1];
    out[at + 2] = sb > 0 && sa > 0 ? Math.log(sb / sa) : NaN;
  }
}

export const depthOps = [
  defineOp({
    op: 'depth_within',
    prefix: 'depth',
    summary: 'Bid and ask size within X bps of the mid, and their imbalance, per X.',
    params: z.strictObject({ bps: nums([5, 10, 25]) }),
    create: (p, pre) => {
      const xs = uniqSorted(p.bps);
      return new DepthWithin(
        xs.flatMap((x) => [`${pre}_bid_${fmtQty(x)}bps`, `${pre}_ask_${fmtQty(x)}bps`, `${pre}_imb_${fmtQty(x)}bps`]),
        xs,
      );
    },
  }),
  defineOp({
    op: 'idw_depth',
    prefix: 'idw',
    summary: 'Inverse-distance weighted depth Σ q_i/(1 + d_i/scale) over the top k levels (d in bps from the mid), per side, and imbalance.',
    params: z.strictObject({ levels: int().max(1000).default(20), scale_bps: pos().default(1) }),
    create: (p, pre) => new InverseDistanceDepth([`${pre}_bid`, `${pre}_ask`, `${pre}_imb`], p.levels, p.scale_bps),
  }),
  defineOp({
    op: 'slippage',
    prefix: 'slip',
    summary: 'VWAP cost (bps vs mid) of filling an amount by walking the book, buy and sell, per amount (notional price×size, or size with units: size).',
    params: z.strictObject({ amounts: nums([10_000, 100_000]), units: z.enum(['notional', 'size']).default('notional') }),
    create: (p, pre) => {
      const xs = uniqSorted(p.amounts);
      return new Slippage(
        xs.flatMap((x) => [`${pre}_buy_${fmtQty(x)}`, `${pre}_sell_${fmtQty(x)}`]),
        Float64Array.from(xs),
        p.units === 'size',
      );
    },
  }),
  defineOp({
    op: 'book_slope',
    prefix: 'slope',
    summary: 'OLS slope of cumulative depth vs distance from the mid (size per bp) over the top k levels, per side, and log(bid/ask).',
    params: z.strictObject({ levels: int(2).max(1000).default(10) }),
    create: (p, pre) => new BookSlope([`${pre}_bid`, `${pre}_ask`, `${pre}_log_ratio`], p.levels),
  }),
];
