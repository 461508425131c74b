import { z } from 'zod';
import type { FeatureContext } from '../context.ts';
import { fmtMs, WANT_BOOK, WANT_TRADE, type Feature } from '../feature.ts';
import { defineOp, int, uniqSorted, windowsMs } from '../op-def.ts';
import { Rolling, TimeWindows } from '../windows.ts';

/**
 * Event intensity: book updates and trades per second over sliding windows, and the burstiness
 * B = (σ_τ − μ_τ)/(σ_τ + μ_τ) of the last N inter-arrival times of book updates (Goh & Barabási
 * 2008: −1 periodic, 0 Poisson, → 1 bursty).
 */
class Intensity implements Feature {
  readonly wants = WANT_BOOK | WANT_TRADE;
  /** Book-update and trade arrival times; the rates are their counts per window (k = 0: no values kept). */
  private readonly books: TimeWindows;
  private readonly trades: TimeWindows;
  private readonly gaps: Rolling;
  private lastBookTs = NaN;
  private readonly maxNs: number;
  constructor(
    readonly names: string[],
    windows: number[],
    burstN: number,
  ) {
    this.books = new TimeWindows(0, windows);
    this.trades = new TimeWindows(0, windows);
    this.gaps = new Rolling(burstN);
    this.maxNs = windows[windows.length - 1] * 1e6;
  }
  update(ctx: FeatureContext): void {
    const isBook = ctx.ev!.type === 'book_change';
    (isBook ? this.books : this.trades).push(ctx.now);
    if (isBook) {
      if (this.lastBookTs === this.lastBookTs) this.gaps.push((ctx.now - this.lastBookTs) / 1e6);
      this.lastBookTs = ctx.now;
    }
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const books = this.books;
    const trades = this.trades;
    books.advance(ctx.now);
    trades.advance(ctx.now);
    const nw = books.windowsNs.length;
    for (let w = 0; w < nw; w++) {
      const secs = books.windowsNs[w] / 1e9;
      out[at + 2 * w] = books.count(w) / secs;
      out[at + 2 * w + 1] = trades.count(w) / secs;
    }
    const m = this.gaps.mean();
    const s = Math.sqrt(this.gaps.variance());
    out[at + 2 * nw] = this.gaps.n >= 2 && s + m > 0 ? (s - m) / (s + m) : NaN;
  }
  warm(ctx: FeatureContext): boolean {
    return ctx.now - ctx.startTs >= this.maxNs && this.gaps.full;
  }
}

/**
 * Queue depletion at the best, in size per second over windows: Σ of decreases of the best bid
 * (ask) size while its price holds, plus the whole queue when the best bid falls (best ask rises).
 */
class QueueDepletion implements Feature {
  readonly wants = WANT_BOOK;
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
    if (!ctx.valid || ctx.resync || ctx.mid !== ctx.mid || ctx.prevMid !== ctx.prevMid) return;
    let db = 0;
    if (ctx.bid === ctx.prevBid) db = ctx.prevBidSize > ctx.bidSize ? ctx.prevBidSize - ctx.bidSize : 0;
    else if (ctx.bid < ctx.prevBid) db = ctx.prevBidSize;
    let da = 0;
    if (ctx.ask === ctx.prevAsk) da = ctx.prevAskSize > ctx.askSize ? ctx.prevAskSize - ctx.askSize : 0;
    else if (ctx.ask > ctx.prevAsk) da = ctx.prevAskSize;
    if (db === 0 && da === 0) return;
    this.tw.push(ctx.now);
    if (db !== 0) this.tw.set(0, db);
    if (da !== 0) this.tw.set(1, da);
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const tw = this.tw;
    tw.advance(ctx.now);
    for (let w = 0; w < tw.windowsNs.length; w++) {
      const secs = tw.windowsNs[w] / 1e9;
      out[at + 2 * w] = Math.max(0, tw.sum(w, 0)) / secs;
      out[at + 2 * w + 1] = Math.max(0, tw.sum(w, 1)) / secs;
    }
  }
  warm(ctx: FeatureContext): boolean {
    return ctx.now - ctx.firstValidTs >= this.maxNs;
  }
}

/** Milliseconds since the best bid price and the best ask price last changed. */
class SinceChange implements Feature {
  readonly wants = WANT_BOOK;
  private bidTs = NaN;
  private askTs = NaN;
  constructor(readonly names: string[]) {}
  update(ctx: FeatureContext): void {
    if (!ctx.valid || ctx.mid !== ctx.mid) return;
    if (ctx.bid !== ctx.prevBid) this.bidTs = ctx.now;
    if (ctx.ask !== ctx.prevAsk) this.askTs = ctx.now;
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    out[at] = (ctx.now - this.bidTs) / 1e6;
    out[at + 1] = (ctx.now - this.askTs) / 1e6;
  }
  warm(_ctx: FeatureContext): boolean {
    return this.bidTs === this.bidTs && this.askTs === this.askTs;
  }
}

export const activityOps = [
  defineOp({
    op: 'intensity',
    prefix: 'rate',
    summary: 'Book updates/s and trades/s over windows; burstiness (σ−μ)/(σ+μ) of the last N book inter-arrival times (Goh & Barabási 2008).',
    params: z.strictObject({ windows_ms: windowsMs([1000, 10_000]), burst_events: int(3).default(100) }),
    create: (p, pre) => {
      const ws = uniqSorted(p.windows_ms);
      return new Intensity([...ws.flatMap((w) => [`${pre}_book_${fmtMs(w)}`, `${pre}_trade_${fmtMs(w)}`]), `${pre}_burstiness`], ws, p.burst_events);
    },
  }),
  defineOp({
    op: 'queue_depletion',
    prefix: 'qdep',
    summary: 'Depletion rate of the best bid and ask queues (size/s) over windows.',
    params: z.strictObject({ windows_ms: windowsMs([5000]) }),
    create: (p, pre) => {
      const ws = uniqSorted(p.windows_ms);
      return new QueueDepletion(
        ws.flatMap((w) => [`${pre}_bid_${fmtMs(w)}`, `${pre}_ask_${fmtMs(w)}`]),
        ws,
      );
    },
  }),
  defineOp({
    op: 'since_change',
    prefix: 'since',
    summary: 'Milliseconds since the best bid and the best ask price last changed.',
    params: z.strictObject({}),
    create: (_p, pre) => new SinceChange([`${pre}_bid_ms`, `${pre}_ask_ms`]),
  }),
];
