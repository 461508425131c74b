import { BookEngine } from '../book/engine.ts';
import { syncRulesFor } from '../book/rules.ts';
import { POW10 } from '../core/decimal.ts';
import type { BookView } from '../core/book-view.ts';
import { ASK, type Bbo, type BookChange, type MarketEvent, type Trade } from '../core/events.ts';
import { openReplay } from '../replay/open.ts';
import { ReadReport } from '../replay/report.ts';
import { autocorrelation, correlation, gcd, logReturns, mean, onGrid, quantileSorted, sorted } from './sample-stats.ts';

/** Sampling step of the return series (1 s: what minute-scale features and labels look at). */
export const RETURN_STEP_NS = 1e9;
export const ACF_LAGS = 5;

/** The statistics `lobkit simulate validate` compares, for one instrument. */
export interface Measures {
  venue: string;
  symbol: string;
  seconds: number;
  /** Tick and lot inferred from the data (greatest common divisor of the prices / sizes seen). */
  tick: number;
  lot: number;
  rates: { diffsPerS: number; levelChangesPerS: number; tickersPerS: number; tradesPerS: number };
  /** Share of time with a spread of 1, 2, ≥3 ticks, and the time-weighted mean spread in ticks. */
  spread: { one: number; two: number; wider: number; meanTicks: number };
  /** k-th best level's size (both sides), in base units (e.g. BTC): medians and means for k = 1..5. */
  queues: { median: number[]; mean: number[] };
  /** Trade print sizes in base units at p10, p25, p50, p75, p90, p99. */
  tradeSizes: number[];
  /** 1 s mid log-return stdev (bps) and 10 s. */
  volatilityBps: { s1: number; s10: number };
  /** Autocorrelation of 1 s mid returns at lags 1..5, and of |returns|. */
  acf: number[];
  absAcf: number[];
  /** Correlation of order-flow imbalance over a second with the mid move over the next second (and the same second). */
  ofi: { next: number; same: number; n: number };
  /** Trade sign persistence: P(aggressor side equals the previous trade's). */
  signPersistence: number;
  /** Mid changes per second on the bookTicker stream and their mean absolute size in ticks. */
  midMoves: { perS: number; meanTicks: number };
  /** Share of ticks 1..10 behind the best holding a level (both sides; the book is sparse). */
  occupancy: number[];
}

export const TRADE_QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9, 0.99];

/** Collects the measures of one instrument from replayed events (book valid after each onBook). */
export class MeasureCollector {
  private firstTs = NaN;
  private lastTs = NaN;
  diffs = 0;
  levelChanges = 0;
  tickers = 0;
  trades = 0;
  private tickGcd = 0;
  private lotGcd = 0;
  private pd = 0;
  private sd = 0;
  private readonly q: number[][] = [[], [], [], [], []];
  private readonly sizes: number[] = [];
  // bookTicker timeline
  private lastT = NaN;
  private lastSpread = NaN;
  /** (spread as a price, duration ns) pairs; converted to ticks once the tick is known. */
  private readonly spreads: number[] = [];
  private bp = NaN;
  private bq = 0;
  private ap = NaN;
  private aq = 0;
  /** (time, mid) and (time, cumulative OFI) pairs. */
  readonly mids: number[] = [];
  readonly ofi: number[] = [];
  private cumOfi = 0;
  private lastSign = 0;
  private sameSign = 0;
  private signs = 0;
  private prevBook: Map<number, number>[] = [new Map(), new Map()];
  private midChanges = 0;
  private midChangeSum = 0;
  private lastMid = NaN;
  private readonly occ = new Float64Array(10);
  private occSamples = 0;

  constructor(
    readonly venue: string,
    readonly symbol: string,
  ) {}

  private seen(t: number): void {
    if (!(this.firstTs <= t)) this.firstTs = t;
    if (!(this.lastTs >= t)) this.lastTs = t;
  }

  onBook(ev: BookChange, book: BookView): void {
    this.seen(ev.localTs);
    this.pd = Math.max(this.pd, book.priceDecimals);
    this.sd = Math.max(this.sd, book.sizeDecimals);
    if (ev.isSnapshot) {
      this.prevBook[0].clear();
      this.prevBook[1].clear();
    } else this.diffs++;
    const n = ev.nBids + ev.nAsks;
    const lv = ev.levels;
    const scaleP = POW10[this.pd - ev.priceDecimals];
    const scaleS = POW10[this.sd - ev.sizeDecimals];
    for (let k = 0; k < n; k++) {
      const side = k < ev.nBids ? 0 : 1;
      const p = lv[2 * k] * scaleP;
      const s = lv[2 * k + 1] * scaleS;
      const m = this.prevBook[side];
      const old = m.get(p) ?? 0;
      if (s === 0) m.delete(p);
      else m.set(p, s);
      if (!ev.isSnapshot && s !== old) this.levelChanges++;
      if (ev.isSnapshot || this.diffs < 2000) {
        this.tickGcd = gcd(this.tickGcd, Math.round(p));
        if (s > 0) this.lotGcd = gcd(this.lotGcd, Math.round(s));
      }
    }
    if (ev.isSnapshot) return;
    this.sampleOccupancy(book);
    const S = POW10[book.sizeDecimals];
    for (let k = 0; k < 5; k++) {
      if (k < book.bidCount()) this.q[k].push(book.bidSize(k) / S);
      if (k < book.askCount()) this.q[k].push(book.askSize(k) / S);
    }
  }

  /** Which of the 10 ticks behind each best hold a level (needs the tick: skipped until known). */
  private sampleOccupancy(book: BookView): void {
    if (this.tickGcd === 0 || book.bidCount() === 0 || book.askCount() === 0) return;
    const t = this.tickGcd / POW10[this.pd - book.priceDecimals];
    const bb = book.bidPrice(0);
    for (let k = 1; k < book.bidCount(); k++) {
      const j = Math.round((bb - book.bidPrice(k)) / t);
      if (j > 10) break;
      this.occ[j - 1]++;
    }
    const ba = book.askPrice(0);
    for (let k = 1; k < book.askCount(); k++) {
      const j = Math.round((book.askPrice(k) - ba) / t);
      if (j > 10) break;
      this.occ[j - 1]++;
    }
    this.occSamples += 2;
  }

  onTrade(ev: Trade): void {
    this.seen(ev.localTs);
    this.trades++;
    this.sizes.push(ev.size / POW10[ev.sizeDecimals]);
    const sign = ev.aggressor === ASK ? -1 : ev.aggressor === -1 ? 0 : 1;
    if (sign !== 0) {
      if (this.lastSign !== 0) {
        this.signs++;
        if (sign === this.lastSign) this.sameSign++;
      }
      this.lastSign = sign;
    }
  }

  onBbo(ev: Bbo): void {
    const t = ev.localTs;
    this.seen(t);
    this.tickers++;
    const d = ev.priceDecimals;
    const bp = ev.bidPrice / POW10[d];
    const ap = ev.askPrice / POW10[d];
    const bq = ev.bidSize / POW10[ev.sizeDecimals];
    const aq = ev.askSize / POW10[ev.sizeDecimals];
    if (!(ap > bp)) return;
    if (this.lastT === this.lastT) {
      const dt = t - this.lastT;
      if (dt > 0) this.spreads.push(this.lastSpread, dt);
      // Cont–Kukanov–Stoikov order-flow imbalance of this best bid/offer change
      let e = 0;
      if (bp >= this.bp) e += bq;
      if (bp <= this.bp) e -= this.bq;
      if (ap <= this.ap) e -= aq;
      if (ap >= this.ap) e += this.aq;
      this.cumOfi += e;
    }
    this.bp = bp;
    this.bq = bq;
    this.ap = ap;
    this.aq = aq;
    this.lastT = t;
    this.lastSpread = ap - bp;
    const mid = 0.5 * (bp + ap);
    if (this.lastMid === this.lastMid && mid !== this.lastMid) {
      this.midChanges++;
      this.midChangeSum += Math.abs(mid - this.lastMid);
    }
    this.lastMid = mid;
    this.mids.push(t, mid);
    this.ofi.push(t, this.cumOfi);
  }

  result(): Measures {
    const seconds = Math.max(1e-9, (this.lastTs - this.firstTs) / 1e9);
    const S = POW10[this.sd];
    const lot = this.lotGcd > 0 ? this.lotGcd : 1;
    const qs = this.q.map((a) => sorted(a));
    const sizes = sorted(this.sizes);
    const grid = onGrid(this.mids, RETURN_STEP_NS);
    const r1 = logReturns(grid, 1);
    const r10 = logReturns(grid, 10);
    const std = (x: Float64Array) => Math.sqrt(mean(Array.from(x, (v) => v * v)));
    const absR = r1.map(Math.abs);
    const ofiGrid = onGrid(this.ofi, RETURN_STEP_NS, this.mids[0]);
    const dOfi: number[] = [];
    const dMid: number[] = [];
    for (let k = 1; k < grid.length && k < ofiGrid.length; k++) {
      dOfi.push(ofiGrid[k] - ofiGrid[k - 1]);
      dMid.push(grid[k] - grid[k - 1]);
    }
    const next = correlation(dOfi.slice(0, -1), dMid.slice(1));
    const same = correlation(dOfi, dMid);
    const tick = this.tickGcd / POW10[this.pd];
    const st = new Float64Array(3);
    let sum = 0;
    let total = 0;
    for (let k = 0; k < this.spreads.length; k += 2) {
      const ticks = Math.round(this.spreads[k] / tick);
      const dt = this.spreads[k + 1];
      st[ticks <= 1 ? 0 : ticks === 2 ? 1 : 2] += dt;
      sum += ticks * dt;
      total += dt;
    }
    total ||= 1;
    return {
      venue: this.venue,
      symbol: this.symbol,
      seconds: round(seconds),
      tick,
      lot: lot / S,
      rates: { diffsPerS: round(this.diffs / seconds), levelChangesPerS: round(this.levelChanges / seconds), tickersPerS: round(this.tickers / seconds), tradesPerS: round(this.trades / seconds) },
      spread: { one: round(st[0] / total), two: round(st[1] / total), wider: round(st[2] / total), meanTicks: round(sum / total) },
      queues: { median: qs.map((s) => round(quantileSorted(s, 0.5))), mean: qs.map((s) => round(mean(s))) },
      tradeSizes: TRADE_QUANTILES.map((p) => round(quantileSorted(sizes, p))),
      volatilityBps: { s1: round(std(r1) * 1e4), s10: round(std(r10) * 1e4) },
      acf: Array.from({ length: ACF_LAGS }, (_, k) => round(autocorrelation(r1, k + 1))),
      absAcf: Array.from({ length: ACF_LAGS }, (_, k) => round(autocorrelation(absR, k + 1))),
      ofi: { next: round(next), same: round(same), n: dOfi.length },
      signPersistence: round(this.signs > 0 ? this.sameSign / this.signs : NaN),
      midMoves: { perS: round(this.midChanges / seconds), meanTicks: round(this.midChanges > 0 ? this.midChangeSum / this.midChanges / tick : NaN) },
      occupancy: Array.from(this.occ, (x) => round(this.occSamples > 0 ? x / this.occSamples : NaN)),
    };
  }
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

/**
 * Replays files and measures every instrument with a bookTicker stream. Tick and lot are the gcd
 * of the snapshot's and the first diffs' prices and sizes.
 */
export async function measureFiles(paths: string[]): Promise<Measures[]> {
  const report = new ReadReport();
  const collectors = new Map<string, MeasureCollector>();
  const get = (venue: string, symbol: string): MeasureCollector => {
    const k = venue + ':' + symbol;
    let c = collectors.get(k);
    if (c === undefined) collectors.set(k, (c = new MeasureCollector(venue, symbol)));
    return c;
  };
  const engine = new BookEngine({
    rulesFor: syncRulesFor,
    onBook(st, ev) {
      get(st.venue, st.symbol).onBook(ev, st.book);
    },
  });
  const feed = (ev: MarketEvent) => {
    if (ev.type === 'trade') get(ev.venue, ev.symbol).onTrade(ev);
    else if (ev.type === 'bbo') get(ev.venue, ev.symbol).onBbo(ev);
    engine.onEvent(ev);
  };
  for await (const batch of await openReplay(paths, report)) for (const ev of batch) feed(ev);
  return [...collectors.values()].filter((c) => c.tickers > 0).map((c) => c.result());
}
