import type { FeatureContext } from '../context.ts';
import { BaseFeature } from '../feature.ts';
import { defineOp, int, ints, uniqSorted } from '../op-def.ts';
import { z } from 'zod';

/**
 * Book-state operators: pure functions of the book as of the row (no history, always warm). They
 * read the book only in `write`, so a row sees exactly the book at its sample time. NaN while the
 * book is invalid or one-sided.
 */

function bookOk(ctx: FeatureContext): boolean {
  return ctx.valid && ctx.mid === ctx.mid;
}

class Spread extends BaseFeature {
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    if (!bookOk(ctx)) return void out.fill(NaN, at, at + 2);
    // spread = a − b; spread_bps = (a − b) / mid × 1e4
    out[at] = ctx.ask - ctx.bid;
    out[at + 1] = ((ctx.ask - ctx.bid) / ctx.mid) * 1e4;
  }
}

class Microprice extends BaseFeature {
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    if (!bookOk(ctx)) return void out.fill(NaN, at, at + 2);
    // microprice = (b·Qa + a·Qb) / (Qa + Qb): the size-weighted mid (Stoikov 2018's first-order "weighted mid-price")
    const m = (ctx.bid * ctx.askSize + ctx.ask * ctx.bidSize) / (ctx.askSize + ctx.bidSize);
    out[at] = m;
    out[at + 1] = (m / ctx.mid - 1) * 1e4;
  }
}

/** Σ p·q and Σ q over the best k levels of one side (floats). */
function sideSums(ctx: FeatureContext, bid: boolean, k: number, out: Float64Array): void {
  const ps = bid ? ctx.bp : ctx.ap;
  const qs = bid ? ctx.bs : ctx.as;
  const top = (bid ? ctx.nb : ctx.na) - 1;
  const n = Math.min(k, top + 1);
  let pq = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    const p = ps[top - i] / ctx.P;
    const s = qs[top - i] / ctx.S;
    pq += p * s;
    q += s;
  }
  out[0] = pq;
  out[1] = q;
}

class WeightedMid extends BaseFeature {
  private readonly bs = new Float64Array(2);
  private readonly as = new Float64Array(2);
  constructor(
    names: string[],
    private readonly levels: number[],
  ) {
    super(names);
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    for (let j = 0; j < this.levels.length; j++) {
      if (!bookOk(ctx)) {
        out[at + j] = NaN;
        continue;
      }
      const k = this.levels[j];
      sideSums(ctx, true, k, this.bs);
      sideSums(ctx, false, k, this.as);
      // wmid_k = (VWAP_bid,k · Qa,k + VWAP_ask,k · Qb,k) / (Qa,k + Qb,k): the microprice over the top k levels
      const vb = this.bs[0] / this.bs[1];
      const va = this.as[0] / this.as[1];
      const w = (vb * this.as[1] + va * this.bs[1]) / (this.as[1] + this.bs[1]);
      out[at + j] = (w / ctx.mid - 1) * 1e4;
    }
  }
}

class LevelSizes extends BaseFeature {
  constructor(
    names: string[],
    private readonly k: number,
  ) {
    super(names);
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const k = this.k;
    if (!bookOk(ctx)) return void out.fill(NaN, at, at + 2 * k);
    const { bs, as, nb, na, S } = ctx;
    for (let i = 0; i < k; i++) {
      out[at + i] = i < nb ? bs[nb - 1 - i] / S : 0;
      out[at + k + i] = i < na ? as[na - 1 - i] / S : 0;
    }
  }
}

class LevelImbalance extends BaseFeature {
  constructor(
    names: string[],
    private readonly k: number,
  ) {
    super(names);
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const k = this.k;
    if (!bookOk(ctx)) return void out.fill(NaN, at, at + k);
    const { bs, as, nb, na } = ctx;
    for (let i = 0; i < k; i++) {
      const qb = i < nb ? bs[nb - 1 - i] : 0;
      const qa = i < na ? as[na - 1 - i] : 0;
      // imbalance at level i = (q_b,i − q_a,i) / (q_b,i + q_a,i)
      out[at + i] = qb + qa > 0 ? (qb - qa) / (qb + qa) : 0;
    }
  }
}

class DepthImbalance extends BaseFeature {
  private readonly maxK: number;
  constructor(
    names: string[],
    private readonly ks: number[],
  ) {
    super(names);
    this.maxK = ks[ks.length - 1];
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    if (!bookOk(ctx)) return void out.fill(NaN, at, at + this.ks.length);
    const { bs, as, nb, na } = ctx;
    let sb = 0;
    let sa = 0;
    let j = 0;
    for (let i = 0; i < this.maxK; i++) {
      if (i < nb) sb += bs[nb - 1 - i];
      if (i < na) sa += as[na - 1 - i];
      if (i + 1 === this.ks[j]) {
        // cumulative depth imbalance over the top k = (Σ q_b − Σ q_a) / (Σ q_b + Σ q_a)
        out[at + j] = sb + sa > 0 ? (sb - sa) / (sb + sa) : 0;
        j++;
      }
    }
  }
}

export const bookStateOps = [
  defineOp({
    op: 'spread',
    summary: 'Quoted spread: ask − bid (price units) and (ask − bid)/mid in bps.',
    params: z.strictObject({}),
    create: (_p, pre) => new Spread([pre, `${pre}_bps`]),
  }),
  defineOp({
    op: 'microprice',
    summary: 'Size-weighted mid (b·Qa + a·Qb)/(Qa + Qb) and its deviation from the mid in bps.',
    params: z.strictObject({}),
    create: (_p, pre) => new Microprice([pre, `${pre}_dev_bps`]),
  }),
  defineOp({
    op: 'weighted_mid',
    prefix: 'wmid',
    summary: 'Microprice over the top k levels (VWAP_bid·Qa + VWAP_ask·Qb)/(Qa + Qb), deviation from the mid in bps, per k.',
    params: z.strictObject({ levels: ints([3, 5, 10]) }),
    create: (p, pre) => {
      const ks = uniqSorted(p.levels);
      return new WeightedMid(
        ks.map((k) => `${pre}_${k}_dev_bps`),
        ks,
      );
    },
  }),
  defineOp({
    op: 'level_sizes',
    prefix: 'size',
    summary: 'Size at levels 1..K per side (0 where the book has fewer levels).',
    params: z.strictObject({ levels: int().max(1000).default(5) }),
    create: (p, pre) => {
      const names: string[] = [];
      for (let i = 1; i <= p.levels; i++) names.push(`${pre}_bid_${i}`);
      for (let i = 1; i <= p.levels; i++) names.push(`${pre}_ask_${i}`);
      return new LevelSizes(names, p.levels);
    },
  }),
  defineOp({
    op: 'level_imbalance',
    prefix: 'imb',
    summary: 'Per-level imbalance (q_b − q_a)/(q_b + q_a) for levels 1..K.',
    params: z.strictObject({ levels: int().max(1000).default(5) }),
    create: (p, pre) =>
      new LevelImbalance(
        Array.from({ length: p.levels }, (_, i) => `${pre}_l${i + 1}`),
        p.levels,
      ),
  }),
  defineOp({
    op: 'depth_imbalance',
    prefix: 'depth_imb',
    summary: 'Cumulative top-k depth imbalance (Σq_b − Σq_a)/(Σq_b + Σq_a), per k.',
    params: z.strictObject({ levels: ints([1, 3, 5, 10, 20]) }),
    create: (p, pre) => {
      const ks = uniqSorted(p.levels);
      return new DepthImbalance(
        ks.map((k) => `${pre}_${k}`),
        ks,
      );
    },
  }),
];
