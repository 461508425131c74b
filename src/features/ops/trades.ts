import { z } from 'zod';
import type { FeatureContext } from '../context.ts';
import { fmtMs, WANT_BOOK, WANT_TRADE, type Feature } from '../feature.ts';
import { defineOp, uniqSorted, windowsMs } from '../op-def.ts';
import { RULE_NONE, RULE_QUOTE, RULE_TICK } from '../trade-sign.ts';
import { Lagged, TimeWindows } from '../windows.ts';

/**
 * Trade-flow operators. Trades are signed by the venue's aggressor flag, or by Lee–Ready where the
 * venue sends none (or everywhere with `trade_sign: lee_ready` in the spec).
 */

/** Signed volume Σ s_i·v_i and trade imbalance (V_buy − V_sell)/(V_buy + V_sell) over sliding windows. */
class TradeFlow implements Feature {
  readonly wants = WANT_TRADE;
  private readonly tw: TimeWindows;
  private readonly maxNs: number;
  constructor(
    readonly names: string[],
    windows: number[],
  ) {
    this.tw = new TimeWindows(2, windows);
    this.maxNs = windows[windows.length - 1] * 1e6;
  }
  update(ctx: FeatureContext): void {
    const s = ctx.tradeSign;
    if (s === 0) return;
    this.tw.push(ctx.now);
    this.tw.set(s > 0 ? 0 : 1, ctx.tradeSize);
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const tw = this.tw;
    tw.advance(ctx.now);
    for (let w = 0; w < tw.windowsNs.length; w++) {
      // sums of non-negative volumes: clamp the round-off residue a running sum can leave at 0
      const b = tw.sum(w, 0);
      const s = tw.sum(w, 1);
      const buy = b > 0 ? b : 0;
      const sell = s > 0 ? s : 0;
      out[at + 2 * w] = buy - sell;
      out[at + 2 * w + 1] = buy + sell > 0 ? (buy - sell) / (buy + sell) : 0;
    }
  }
  warm(ctx: FeatureContext): boolean {
    return ctx.now - ctx.startTs >= this.maxNs;
  }
}

/**
 * Cumulative volume delta CVD_t = Σ_{i ≤ t} s_i·v_i since the stream began, and its divergence from
 * price over each window: +1 when the mid fell while CVD rose (buying absorbed), −1 when the mid rose
 * while CVD fell, else 0.
 */
class Cvd implements Feature {
  readonly wants = WANT_TRADE | WANT_BOOK;
  private cvd = 0;
  private readonly cvdLag: Lagged[];
  private readonly midLag: Lagged[];
  private readonly maxNs: number;
  constructor(
    readonly names: string[],
    windows: number[],
    private readonly total: boolean,
  ) {
    this.cvdLag = windows.map((w) => new Lagged(w));
    this.midLag = windows.map((w) => new Lagged(w));
    this.maxNs = windows[windows.length - 1] * 1e6;
  }
  update(ctx: FeatureContext): void {
    const ev = ctx.ev!;
    if (ev.type === 'trade') {
      if (ctx.tradeSign === 0) return;
      this.cvd += ctx.tradeSign * ctx.tradeSize;
      for (let i = 0; i < this.cvdLag.length; i++) this.cvdLag[i].push(ctx.now, this.cvd);
    } else if (ctx.mid === ctx.mid && ctx.mid !== ctx.prevMid) {
      for (let i = 0; i < this.midLag.length; i++) this.midLag[i].push(ctx.now, ctx.mid);
    }
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    let o = at;
    if (this.total) out[o++] = this.cvd;
    for (let i = 0; i < this.cvdLag.length; i++) {
      const c0 = this.cvdLag[i].at(ctx.now);
      const m0 = this.midLag[i].at(ctx.now);
      const dc = this.cvd - (c0 === c0 ? c0 : 0);
      const dm = ctx.mid - m0;
      out[o++] = dm === dm ? (dm < 0 && dc > 0 ? 1 : dm > 0 && dc < 0 ? -1 : 0) : NaN;
    }
  }
  warm(ctx: FeatureContext): boolean {
    return ctx.now - ctx.startTs >= this.maxNs;
  }
}

/**
 * Lee–Ready data-quality counters over a window: how many trades the quote rule classified, how many
 * fell back to the tick rule, how many stayed unclassified; the share of trades where Lee–Ready
 * agrees with the venue's aggressor flag (NaN if the venue sends none); and the Lee–Ready signed volume.
 */
class LeeReadyStats implements Feature {
  readonly wants = WANT_TRADE;
  private readonly tw: TimeWindows;
  private readonly maxNs: number;
  constructor(
    readonly names: string[],
    windows: number[],
  ) {
    // fields: quote, tick, none, agree, compared, signed volume
    this.tw = new TimeWindows(6, windows);
    this.maxNs = windows[windows.length - 1] * 1e6;
  }
  update(ctx: FeatureContext): void {
    const lr = ctx.leeReady;
    const tw = this.tw;
    tw.push(ctx.now);
    tw.set(lr.rule === RULE_QUOTE ? 0 : lr.rule === RULE_TICK ? 1 : 2, 1);
    if (ctx.aggressorSign !== 0 && lr.rule !== RULE_NONE) {
      tw.set(4, 1);
      if (lr.sign === ctx.aggressorSign) tw.set(3, 1);
    }
    if (lr.sign !== 0) tw.set(5, lr.sign * ctx.tradeSize);
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const tw = this.tw;
    tw.advance(ctx.now);
    for (let w = 0; w < tw.windowsNs.length; w++) {
      const o = at + 5 * w;
      out[o] = tw.sum(w, 0);
      out[o + 1] = tw.sum(w, 1);
      out[o + 2] = tw.sum(w, 2);
      const cmp = tw.sum(w, 4);
      out[o + 3] = cmp > 0 ? tw.sum(w, 3) / cmp : NaN;
      out[o + 4] = tw.sum(w, 5);
    }
  }
  warm(ctx: FeatureContext): boolean {
    return ctx.now - ctx.startTs >= this.maxNs;
  }
}

export const tradeOps = [
  defineOp({
    op: 'trade_flow',
    prefix: 'flow',
    summary: 'Signed volume Σ s·v and trade imbalance (V_buy − V_sell)/(V_buy + V_sell) over sliding windows.',
    params: z.strictObject({ windows_ms: windowsMs([1000, 5000, 30_000]) }),
    create: (p, pre) => {
      const ws = uniqSorted(p.windows_ms);
      return new TradeFlow(
        ws.flatMap((w) => [`${pre}_signed_vol_${fmtMs(w)}`, `${pre}_imb_${fmtMs(w)}`]),
        ws,
      );
    },
  }),
  defineOp({
    op: 'cvd',
    summary: 'Cumulative volume delta since the stream began (total: true) and its divergence from the mid over windows (+1 mid down/CVD up, −1 mid up/CVD down).',
    params: z.strictObject({ windows_ms: windowsMs([5000, 30_000]), total: z.boolean().default(true) }),
    create: (p, pre) => {
      const ws = uniqSorted(p.windows_ms);
      return new Cvd([...(p.total ? [pre] : []), ...ws.map((w) => `${pre}_div_${fmtMs(w)}`)], ws, p.total);
    },
  }),
  defineOp({
    op: 'lee_ready',
    prefix: 'lr',
    summary: 'Lee–Ready (1991) classification counts by rule (quote, tick, none), agreement with the venue aggressor flag, and LR-signed volume, over windows.',
    params: z.strictObject({ windows_ms: windowsMs([60_000]) }),
    create: (p, pre) => {
      const ws = uniqSorted(p.windows_ms);
      return new LeeReadyStats(
        ws.flatMap((w) => [`${pre}_quote_n_${fmtMs(w)}`, `${pre}_tick_n_${fmtMs(w)}`, `${pre}_none_n_${fmtMs(w)}`, `${pre}_agree_${fmtMs(w)}`, `${pre}_signed_vol_${fmtMs(w)}`]),
        ws,
      );
    },
  }),
];
