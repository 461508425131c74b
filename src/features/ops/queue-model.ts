import { z } from 'zod';
import type { FeatureContext } from '../context.ts';
import { WANT_BOOK, WANT_TRADE, type Feature } from '../feature.ts';
import { RateEwma } from '../ewma.ts';
import { defineOp, int, pos } from '../op-def.ts';
import { pUp3 } from './cdl.ts';

const BID = 0;
const ASK = 1;

/**
 * Cont & de Larrard (2013) queue model at the best bid and ask. Rates are estimated from L2 data,
 * O(1) per update, as exponentially weighted volume per second: λ (limit arrivals: the best
 * queue grows while its price holds), μ (market orders: traded volume hitting that side), θ
 * (cancellations: the rest of a decrease at an unchanged price). Queue sizes are counted in "orders"
 * of the typical queue change u (EWMA of |Δq| at the best), as the model's queues move one order at a
 * time. Outputs (times in seconds, capped at `cap_s`):
 *  - p_up = p_up(x_b, x_a): probability the next mid move is up (cdl.ts);
 *  - fill_bid = 1 − p_up(x_b + 1, x_a): a unit bid joining the back of the bid queue is executed (the
 *    queue including it depletes) before the ask queue depletes and the bid moves away; fill_ask = p_up(x_b, x_a + 1);
 *  - t_deplete = q / (μ + θ − λ) when the queue drifts down (the model's E[σ] = x/(μ + θ − λ)), else cap;
 *  - t_fill = q/(μ + θ) + u/μ: the queue ahead of a new order drains at μ + θ (arrivals join behind it), then a market order takes it;
 *  - t_move = 1/(1/t_deplete_bid + 1/t_deplete_ask): time to the next price change (competing exponential approximation);
 *  - health = (λ − μ − θ)/(λ + μ + θ) ∈ [−1, 1]: net replenishment of the queue;
 *  - adverse = t_fill/(t_fill + t_move): near 1 when a fill is only expected after the price would have
 *    moved, i.e. when fills come from the price running through the order (adverse timing).
 */
class QueueModel implements Feature {
  readonly wants = WANT_BOOK | WANT_TRADE;
  private readonly lambda: RateEwma[];
  private readonly mu: RateEwma[];
  private readonly theta: RateEwma[];
  private readonly traded = new Float64Array(2);
  private unit = NaN;
  private unitObs = 0;
  private readonly unitAlpha: number;
  private readonly tauNs: number;
  private started = false;

  constructor(
    readonly names: string[],
    tauMs: number,
    unitHalflife: number,
    private readonly cap: number,
    private readonly minUnitObs: number,
  ) {
    this.lambda = [new RateEwma(tauMs), new RateEwma(tauMs)];
    this.mu = [new RateEwma(tauMs), new RateEwma(tauMs)];
    this.theta = [new RateEwma(tauMs), new RateEwma(tauMs)];
    this.unitAlpha = 1 - Math.pow(2, -1 / unitHalflife);
    this.tauNs = tauMs * 1e6;
  }

  update(ctx: FeatureContext): void {
    const now = ctx.now;
    if (ctx.ev!.type === 'trade') {
      if (!this.started || ctx.tradeSign === 0) return;
      // a seller-initiated trade executes against the bid queue, a buyer-initiated one against the ask
      const side = ctx.tradeSign < 0 ? BID : ASK;
      this.mu[side].add(now, ctx.tradeSize);
      const best = side === BID ? ctx.bid : ctx.ask;
      if (Math.abs(ctx.tradePrice - best) <= 1e-12 * best) this.traded[side] += ctx.tradeSize;
      return;
    }
    if (!ctx.valid || ctx.mid !== ctx.mid) return;
    if (!this.started) {
      this.started = true;
      for (let s = 0; s < 2; s++) {
        this.lambda[s].start(now);
        this.mu[s].start(now);
        this.theta[s].start(now);
      }
    }
    if (!ctx.resync && ctx.prevMid === ctx.prevMid) {
      if (ctx.bid === ctx.prevBid) this.queue(BID, ctx.bidSize - ctx.prevBidSize, now);
      if (ctx.ask === ctx.prevAsk) this.queue(ASK, ctx.askSize - ctx.prevAskSize, now);
    }
    this.traded[BID] = this.traded[ASK] = 0;
  }

  private queue(side: number, d: number, now: number): void {
    if (d === 0) return;
    const a = d > 0 ? d : -d;
    this.unit = this.unit === this.unit ? this.unit + this.unitAlpha * (a - this.unit) : a;
    this.unitObs++;
    if (d > 0) this.lambda[side].add(now, d);
    else {
      const mk = a < this.traded[side] ? a : this.traded[side];
      this.traded[side] -= mk;
      if (a > mk) this.theta[side].add(now, a - mk);
    }
  }

  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const now = ctx.now;
    const cap = this.cap;
    const lb = this.lambda[BID].rate(now);
    const mb = this.mu[BID].rate(now);
    const tb = this.theta[BID].rate(now);
    const la = this.lambda[ASK].rate(now);
    const ma = this.mu[ASK].rate(now);
    const ta = this.theta[ASK].rate(now);
    out[at] = lb;
    out[at + 1] = mb;
    out[at + 2] = tb;
    out[at + 3] = la;
    out[at + 4] = ma;
    out[at + 5] = ta;
    const qb = ctx.bidSize;
    const qa = ctx.askSize;
    const u = this.unit;
    if (!ctx.valid || qb !== qb || qa !== qa || !(u > 0)) {
      out.fill(NaN, at + 6, at + 18);
      return;
    }
    const xb = Math.max(1, Math.round(qb / u));
    const xa = Math.max(1, Math.round(qa / u));
    const p = pUp3(xb, xa);
    out[at + 6] = p[0];
    out[at + 7] = 1 - p[1];
    out[at + 8] = p[2];
    const db = mb + tb - lb;
    const da = ma + ta - la;
    const depB = db > 0 ? Math.min(cap, qb / db) : cap;
    const depA = da > 0 ? Math.min(cap, qa / da) : cap;
    const fillB = mb > 0 ? Math.min(cap, qb / (mb + tb) + u / mb) : cap;
    const fillA = ma > 0 ? Math.min(cap, qa / (ma + ta) + u / ma) : cap;
    const move = 1 / (1 / depB + 1 / depA);
    out[at + 9] = depB;
    out[at + 10] = depA;
    out[at + 11] = fillB;
    out[at + 12] = fillA;
    out[at + 13] = move;
    const sb = lb + mb + tb;
    const sa = la + ma + ta;
    out[at + 14] = sb > 0 ? (lb - mb - tb) / sb : 0;
    out[at + 15] = sa > 0 ? (la - ma - ta) / sa : 0;
    out[at + 16] = fillB / (fillB + move);
    out[at + 17] = fillA / (fillA + move);
  }

  warm(ctx: FeatureContext): boolean {
    return this.started && ctx.now - ctx.firstValidTs >= this.tauNs && this.unitObs >= this.minUnitObs;
  }
}

export const queueModelOps = [
  defineOp({
    op: 'queue_model',
    prefix: 'cdl',
    summary: 'Cont & de Larrard (2013) queue model at the best: λ/μ/θ rates, P(next move up), fill probabilities, expected depletion/fill/move times, queue health, adverse timing.',
    params: z.strictObject({
      tau_ms: int().default(30_000),
      unit_halflife: int().default(200),
      min_unit_obs: int().default(20),
      cap_s: pos().default(600),
    }),
    create: (p, pre) =>
      new QueueModel(
        [
          `${pre}_lambda_bid`,
          `${pre}_mu_bid`,
          `${pre}_theta_bid`,
          `${pre}_lambda_ask`,
          `${pre}_mu_ask`,
          `${pre}_theta_ask`,
          `${pre}_p_up`,
          `${pre}_fill_bid`,
          `${pre}_fill_ask`,
          `${pre}_t_deplete_bid`,
          `${pre}_t_deplete_ask`,
          `${pre}_t_fill_bid`,
          `${pre}_t_fill_ask`,
          `${pre}_t_move`,
          `${pre}_health_bid`,
          `${pre}_health_ask`,
          `${pre}_adverse_bid`,
          `${pre}_adverse_ask`,
        ],
        p.tau_ms,
        p.unit_halflife,
        p.cap_s,
        p.min_unit_obs,
      ),
  }),
];
