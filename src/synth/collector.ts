import { POW10 } from '../core/decimal.ts';
import { ASK, type Bbo, type BookChange, type Trade } from '../core/events.ts';
import { queueBucket } from './buckets.ts';
import type { BookView } from '../core/book-view.ts';

/** Tick and lot of an instrument as exact scaled integers (`tickInt / 10^tickDec`). */
export interface Units {
  tickDec: number;
  tickInt: number;
  lotDec: number;
  lotInt: number;
}

/** Exact integer count of units in a scaled value `v / 10^d` (NaN if not a whole number of units). */
export function toUnits(v: number, d: number, unitDec: number, unitInt: number): number {
  const x = d <= unitDec ? (v * POW10[unitDec - d]) / unitInt : v / (POW10[d - unitDec] * unitInt);
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-6 ? r : NaN;
}

/** Far-zone distance bins: [K, P0), [P0, 2·P0), … doubling, P0 the first power of two above K. */
export function farEdges(K: number, maxDistance: number): number[] {
  let p = 2;
  while (p <= K) p *= 2;
  const edges = [K];
  while (p <= maxDistance) {
    edges.push(p);
    p *= 2;
  }
  edges.push(maxDistance + 1);
  return edges;
}

/** Spreads with their own improvement rate: 2 … IMPROVE_SPREADS + 1 ticks (the last for wider ones too). */
export const IMPROVE_SPREADS = 6;

export interface CollectorConfig {
  K: number;
  buckets: number;
  aes: number;
  maxDistance: number;
  units: Units;
  /** Only sizes and distances (a first pass that chooses `aes` and `maxDistance`). */
  light?: boolean;
}

/**
 * Statistics of one instrument's replayed traffic that the calibration turns into parameters.
 * Fed the engine's applied book messages (`onBook`), trades and the venue's bookTicker stream.
 * Times are receive times (the spot bookTicker carries no exchange time; one clock for all).
 *
 * - Touch dynamics (j = 0) come from bookTicker (real time): size up at an unchanged best = limit
 *   arrival, size down beyond what trades at that price explain = cancellation, a better price =
 *   an improvement inside the spread, a worse price = the best queue traded or cancelled away.
 * - Levels behind the best (j = 1..K−1) and the far zone come from the diffs (net changes per
 *   window; the refinement loop in calibrate.ts corrects the rates for that aggregation).
 * - Market orders are trades grouped by (exchange ms, aggressor side); each print is a maker piece.
 */
export class Collector {
  readonly K: number;
  readonly NB: number;
  readonly invAes: number;
  readonly edges: number[];
  private readonly binOf: Int16Array;
  private readonly u: Units;
  private readonly light: boolean;
  // near zone [j][bucket], j = 0..K−1 from the side's best
  readonly nearTime: Float64Array[];
  readonly nearArr: Float64Array[];
  readonly nearCan: Float64Array[];
  readonly nearCanAll: Float64Array;
  readonly nearCanN: Float64Array;
  /** Improvements by the spread they happened in (index s − 2, last open) and time at that spread. */
  readonly improveCount: Float64Array;
  readonly improveTime: Float64Array;
  /** Best queues withdrawn whole without trades, by bucket (exposure: nearTime[0]). */
  readonly pullCount: Float64Array;
  /** Diff windows where a side's best improved, and where the old best's queue shrank in the same window. */
  improvedWindows = 0;
  /** Improvements seen on bookTicker, and those that left a one-tick spread. */
  improvements = 0;
  improvementsClosing = 0;
  followedWindows = 0;
  readonly moCount: Float64Array;
  readonly moTime: Float64Array;
  // far zone per bin
  readonly farArr: Float64Array;
  readonly farCan: Float64Array;
  readonly farDel: Float64Array;
  readonly farOccTime: Float64Array;
  // sizes (lots)
  readonly limitSizes: number[] = [];
  readonly nearSizes: number[] = [];
  readonly farSizes: number[] = [];
  readonly marketSizes: number[] = [];
  readonly fillSizes: number[] = [];
  /** Distances of every level change (for choosing the far zone's extent). */
  readonly distances: number[] = [];
  readonly tickerIncreases: number[] = [];
  // shadow book (ticks → lots)
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  /** Per near level and side: bucket since the last diff (−1: best or inside the spread). */
  private readonly state: Int16Array;
  private readonly occNow: Float64Array;
  private readonly prevBestQ = new Float64Array(2);
  private bestBid = NaN;
  private bestAsk = NaN;
  private lastDiffLocal = NaN;
  private readonly traded = [new Map<number, number>(), new Map<number, number>()];
  // ticker state
  private tb = NaN;
  private tbq = 0;
  private ta = NaN;
  private taq = 0;
  private tLocal = NaN;
  private sellAtBid = 0;
  private buyAtAsk = 0;
  // trade grouping
  private gKey = NaN;
  private gSide = -1;
  private gSize = 0;
  private gBucket = 0;
  /** Best queue sizes (lots) summed over bookTickers, both sides: their mean sizes the refinement's target. */
  l1Sum = 0;
  l1N = 0;
  /** Mid (ticks) sampled at each bookTicker: receive time ns, value. */
  readonly mids: number[] = [];
  firstLocal = NaN;
  lastLocal = NaN;
  diffs = 0;
  tickers = 0;
  trades = 0;
  levelChanges = 0;

  constructor(c: CollectorConfig) {
    this.K = c.K;
    this.NB = c.buckets;
    this.invAes = 1 / c.aes;
    this.u = c.units;
    this.light = c.light === true;
    this.edges = farEdges(c.K, c.maxDistance);
    const nb = this.edges.length - 1;
    this.binOf = new Int16Array(c.maxDistance + 1).fill(-1);
    for (let b = 0; b < nb; b++) for (let i = this.edges[b]; i < this.edges[b + 1]; i++) this.binOf[i] = b;
    const rows = () => Array.from({ length: c.K }, () => new Float64Array(c.buckets));
    this.nearTime = rows();
    this.nearArr = rows();
    this.nearCan = rows();
    this.nearCanAll = new Float64Array(c.K);
    this.nearCanN = new Float64Array(c.K);
    this.improveCount = new Float64Array(IMPROVE_SPREADS);
    this.improveTime = new Float64Array(IMPROVE_SPREADS);
    this.pullCount = new Float64Array(c.buckets);
    this.moCount = new Float64Array(c.buckets);
    this.moTime = new Float64Array(c.buckets);
    this.farArr = new Float64Array(nb);
    this.farCan = new Float64Array(nb);
    this.farDel = new Float64Array(nb);
    this.farOccTime = new Float64Array(nb);
    this.state = new Int16Array(2 * c.K).fill(-1);
    this.occNow = new Float64Array(nb);
  }

  private bucket(q: number): number {
    return queueBucket(q, this.invAes, this.NB);
  }

  private ticks(v: number, d: number): number {
    return toUnits(v, d, this.u.tickDec, this.u.tickInt);
  }

  private lots(v: number, d: number): number {
    return toUnits(v, d, this.u.lotDec, this.u.lotInt);
  }

  private seen(localTs: number): void {
    if (!(this.firstLocal <= localTs)) this.firstLocal = localTs;
    if (!(this.lastLocal >= localTs)) this.lastLocal = localTs;
  }

  /** A book message the engine applied (the book is valid); `book` is the engine's book after it. */
  onBook(ev: BookChange, book: BookView): void {
    this.seen(ev.localTs);
    const n = ev.nBids + ev.nAsks;
    const lv = ev.levels;
    if (ev.isSnapshot) {
      this.bids.clear();
      this.asks.clear();
      for (let k = 0; k < n; k++) {
        const p = this.ticks(lv[2 * k], ev.priceDecimals);
        const q = this.lots(lv[2 * k + 1], ev.sizeDecimals);
        if (q > 0) (k < ev.nBids ? this.bids : this.asks).set(p, q);
      }
      this.refreshBests(book);
      this.lastDiffLocal = ev.localTs;
      this.traded[0].clear();
      this.traded[1].clear();
      this.snapshotState(book);
      return;
    }
    this.diffs++;
    const dt = (ev.localTs - this.lastDiffLocal) / 1e9;
    this.lastDiffLocal = ev.localTs;
    const bb = this.bestBid;
    const ba = this.bestAsk;
    if (dt > 0 && bb === bb && ba === ba && !this.light) this.accumulate(dt);
    this.refreshBests(book);
    const bbAfter = this.bestBid;
    const baAfter = this.bestAsk;
    const K = this.K;
    const nbins = this.edges.length - 1;
    const maxD = this.binOf.length - 1;
    for (let k = 0; k < n; k++) {
      const side = k < ev.nBids ? 0 : 1;
      const p = this.ticks(lv[2 * k], ev.priceDecimals);
      const q = this.lots(lv[2 * k + 1], ev.sizeDecimals);
      if (p !== p || q !== q) continue;
      const book_ = side === 0 ? this.bids : this.asks;
      const old = book_.get(p) ?? 0;
      if (q === 0) book_.delete(p);
      else book_.set(p, q);
      if (q === old) continue;
      this.levelChanges++;
      // the best (before or after) and the spread are the bookTicker's
      const j = side === 0 ? bb - p : p - ba;
      if (!(j >= 1) || p === (side === 0 ? bbAfter : baAfter)) continue;
      this.distances.push(j);
      let dec = old - q;
      if (dec > 0) dec -= this.traded[side].get(p) ?? 0;
      if (j < K) {
        const row = this.bucket(old);
        if (q > old) this.nearArr[j][row]++;
        else if (dec > 0) {
          this.nearCan[j][row]++;
          this.nearCanN[j]++;
          if (q === 0) this.nearCanAll[j]++;
        }
      } else {
        const b = j <= maxD ? this.binOf[j] : nbins - 1;
        if (q > old) {
          this.farArr[b]++;
          this.farSizes.push(q - old);
        } else if (dec > 0) {
          this.farCan[b]++;
          if (q === 0) this.farDel[b]++;
        }
      }
    }
    // quote moves: the old best's queue shrinking in the window where the best improved
    if (bbAfter > bb) {
      this.improvedWindows++;
      if ((this.bids.get(bb) ?? 0) < this.prevBestQ[0]) this.followedWindows++;
    }
    if (baAfter < ba) {
      this.improvedWindows++;
      if ((this.asks.get(ba) ?? 0) < this.prevBestQ[1]) this.followedWindows++;
    }
    this.prevBestQ[0] = this.bids.get(bbAfter) ?? 0;
    this.prevBestQ[1] = this.asks.get(baAfter) ?? 0;
    this.traded[0].clear();
    this.traded[1].clear();
    if (!this.light) this.snapshotState(book);
  }

  private refreshBests(book: BookView): void {
    const d = book.priceDecimals;
    this.bestBid = book.bidCount() > 0 ? this.ticks(book.bidPrice(0), d) : NaN;
    this.bestAsk = book.askCount() > 0 ? this.ticks(book.askPrice(0), d) : NaN;
  }

  /**
   * The state the book holds until the next diff: bucket of each level behind the best
   * (j = 1..K−1) and occupied levels per far bin.
   */
  private snapshotState(book: BookView): void {
    const K = this.K;
    const bb = this.bestBid;
    const ba = this.bestAsk;
    const st = this.state;
    for (let j = 1; j < K; j++) {
      const qb = this.bids.get(bb - j) ?? 0;
      const qa = this.asks.get(ba + j) ?? 0;
      st[2 * j] = this.bucket(qb);
      st[2 * j + 1] = this.bucket(qa);
      // resting sizes behind the best: most such levels are one order, so they size new ones
      if (qb > 0) this.nearSizes.push(qb);
      if (qa > 0) this.nearSizes.push(qa);
    }
    const occ = this.occNow;
    occ.fill(0);
    const maxD = this.binOf.length - 1;
    const pd = book.priceDecimals;
    for (let k = 0, n = book.bidCount(); k < n; k++) {
      const j = bb - this.ticks(book.bidPrice(k), pd);
      if (j > maxD) break;
      if (j >= K) occ[this.binOf[j]]++;
    }
    for (let k = 0, n = book.askCount(); k < n; k++) {
      const j = this.ticks(book.askPrice(k), pd) - ba;
      if (j > maxD) break;
      if (j >= K) occ[this.binOf[j]]++;
    }
  }

  /** Adds `dt` seconds of the state recorded at the previous diff. */
  private accumulate(dt: number): void {
    const K = this.K;
    const st = this.state;
    for (let j = 1; j < K; j++) {
      if (st[2 * j] >= 0) this.nearTime[j][st[2 * j]] += dt;
      if (st[2 * j + 1] >= 0) this.nearTime[j][st[2 * j + 1]] += dt;
    }
    const occ = this.occNow;
    for (let b = 0; b < occ.length; b++) this.farOccTime[b] += occ[b] * dt;
  }

  onTrade(ev: Trade): void {
    this.seen(ev.localTs);
    this.trades++;
    const p = this.ticks(ev.price, ev.priceDecimals);
    const q = this.lots(ev.size, ev.sizeDecimals);
    if (p !== p || q !== q || ev.aggressor === -1) return;
    // the side whose liquidity was taken: a seller-initiated trade hits bids
    const hit = ev.aggressor === ASK ? 0 : 1;
    this.traded[hit].set(p, (this.traded[hit].get(p) ?? 0) + q);
    if (hit === 0 && p === this.tb) this.sellAtBid += q;
    if (hit === 1 && p === this.ta) this.buyAtAsk += q;
    this.fillSizes.push(q);
    const key = ev.exchTs;
    if (key !== this.gKey || hit !== this.gSide) {
      this.closeGroup();
      this.gKey = key;
      this.gSide = hit;
      this.gBucket = this.bucket(hit === 0 ? this.tbq : this.taq);
    }
    this.gSize += q;
  }

  private closeGroup(): void {
    if (this.gSide < 0 || this.gSize <= 0) return;
    this.marketSizes.push(this.gSize);
    this.moCount[this.gBucket]++;
    this.gSize = 0;
    this.gSide = -1;
  }

  onBbo(ev: Bbo): void {
    this.seen(ev.localTs);
    this.tickers++;
    const bp = this.ticks(ev.bidPrice, ev.priceDecimals);
    const ap = this.ticks(ev.askPrice, ev.priceDecimals);
    const bq = this.lots(ev.bidSize, ev.sizeDecimals);
    const aq = this.lots(ev.askSize, ev.sizeDecimals);
    if (bp !== bp || ap !== ap || bq !== bq || aq !== aq || !(ap > bp)) return;
    const t = ev.localTs;
    this.mids.push(t, 0.5 * (bp + ap));
    this.l1Sum += bq + aq;
    this.l1N += 2;
    if (this.tLocal === this.tLocal) {
      const dt = (t - this.tLocal) / 1e9;
      const s = this.ta - this.tb;
      if (dt > 0) {
        this.nearTime[0][this.bucket(this.tbq)] += dt;
        this.nearTime[0][this.bucket(this.taq)] += dt;
        if (s >= 2) this.improveTime[Math.min(IMPROVE_SPREADS + 1, s) - 2] += dt;
        this.moTime[this.bucket(this.tbq)] += dt;
        this.moTime[this.bucket(this.taq)] += dt;
      }
      this.touch(0, this.tb, this.tbq, bp, bq, this.sellAtBid, s);
      this.touch(1, this.ta, this.taq, ap, aq, this.buyAtAsk, s);
    }
    this.tb = bp;
    this.tbq = bq;
    this.ta = ap;
    this.taq = aq;
    this.tLocal = t;
    this.sellAtBid = 0;
    this.buyAtAsk = 0;
  }

  /** One side's best between two bookTickers: old price/size → new; `spread` the old spread in ticks. */
  private touch(side: number, oldP: number, oldQ: number, newP: number, newQ: number, tradedAtBest: number, spread: number): void {
    const better = side === 0 ? newP > oldP : newP < oldP;
    if (newP === oldP) {
      const row = this.bucket(oldQ);
      const d = newQ - oldQ;
      if (d > 0) {
        this.nearArr[0][row]++;
        this.limitSizes.push(d);
        this.tickerIncreases.push(d);
      } else if (d < 0 && -d > tradedAtBest) {
        this.nearCan[0][row]++;
        this.nearCanN[0]++;
      }
    } else if (better) {
      if (spread >= 2) {
        this.improveCount[Math.min(IMPROVE_SPREADS + 1, spread) - 2]++;
        this.improvements++;
        if (this.ta - this.tb - Math.abs(newP - oldP) === 1) this.improvementsClosing++;
      }
      this.limitSizes.push(newQ);
    } else if (tradedAtBest < oldQ) {
      // the best queue went away without being traded: pulled
      this.pullCount[this.bucket(oldQ)]++;
    }
  }

  /** Closes the last trade group (call once at the end). */
  finish(): void {
    this.closeGroup();
  }

  get seconds(): number {
    return (this.lastLocal - this.firstLocal) / 1e9;
  }
}

