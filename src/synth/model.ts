import { decimalsOf, toScaled } from '../core/decimal.ts';
import type { BinanceFeed } from './binance-feed.ts';
import { SimBook } from './book.ts';
import { queueBucket } from './buckets.ts';
import type { InstrumentParams } from './params.ts';
import type { Rng } from './rng.ts';

/**
 * The queue-reactive order-book model of one instrument (Huang–Lehalle–Rosenbaum 2015 queues
 * with Cont–Stoikov–Talreja 2010's sparse, absolute-price book), simulated event by event
 * (Gillespie: an exponential wait at the total rate, then one event drawn in proportion to its
 * rate). Per side, with j the distance in ticks from the side's best:
 *
 * - near zone j = 0..K−1: limit-order arrivals and cancellations at rates that depend on the
 *   level's queue size (in units of `aes`, log-bucketed); market orders against the best queue at
 *   a rate that depends on its size. A market order sweeps levels until filled, one trade print
 *   per maker order (pieces drawn from the recording's print sizes). A best queue can also be pulled
 *   whole (quotes withdrawn). When a best queue empties the price moves to the next occupied
 *   level (often several ticks away: the book is sparse).
 * - inside a spread of s ≥ 2 ticks: price improvements at a rate that depends on s, closing the
 *   spread with probability `improveClose`, else landing uniformly inside; with
 *   probability `follow` the improvement is a moved quote: the old best's queue is cancelled
 *   and a share of it re-posted at the new best (why queues behind the best are thin).
 * - far zone j ≥ K: arrivals at a rate per tick by distance bin; cancellations of occupied levels
 *   by distance bin, their total proportional to the number of occupied far levels (each level
 *   cancels at its own rate), so the depth profile is stationary.
 * - every rate scales with the market regime's activity; near-zone rates lean toward a latent
 *   efficient price (a random walk the flow reacts to, never looking ahead): with the efficient
 *   price above the mid, buy market orders, bid arrivals and improvements speed up and ask
 *   cancellations too (and the mirror image below). The mid therefore tracks the efficient price,
 *   order-flow imbalance predicts the next mid move, and returns beyond the tracking time are
 *   uncorrelated.
 */

/** Grow an absolute tick window beyond the modeled depth by this factor (rebasing is then rare). */
const WINDOW_FACTOR = 3;
const MAX_SWEEP = 64;
/** Classes per side besides the near zone's arrivals and cancels: improve, market, pull, far arrival, inner and outer far cancel. */
const PER_SIDE_EXTRA = 6;
/** Far bins that end within this many ticks of the best are "inner": their levels are counted exactly. */
const INNER_REACH = 64;

export class SymbolModel {
  readonly book: SimBook;
  readonly K: number;
  private readonly NB: number;
  private readonly invAes: number;
  private readonly arr: Float64Array;
  private readonly can: Float64Array;
  private readonly mkt: Float64Array;
  private readonly cancelAll: Float64Array;
  private readonly improve: Float64Array;
  private readonly pull: Float64Array;
  private readonly follow: number;
  private readonly followShare: number;
  private readonly improveClose: number;
  // far zone
  private readonly nBins: number;
  private readonly edges: Float64Array;
  private readonly farArrCdf: Float64Array;
  private readonly farArrTotal: number;
  private readonly farCanCdf: Float64Array;
  private readonly farCanTotal: number;
  private readonly farCanAll: Float64Array;
  private readonly targetOcc: number;
  /** Inner far bins [K, innerEnd): per-level cancel rates, occupied counts per side and bin (recounted when stale). */
  private readonly nInner: number;
  private readonly innerEnd: number;
  private readonly farCanRate: Float64Array;
  private readonly innerCount: Int32Array;
  private readonly innerStale = new Uint8Array([1, 1]);
  private readonly innerBest = new Float64Array([NaN, NaN]);
  private readonly innerRate = new Float64Array(2);
  private readonly innerTotal = new Int32Array(2);
  readonly maxDistance: number;
  // sizes
  private readonly sLimit: Float64Array;
  private readonly sNear: Float64Array;
  private readonly sFar: Float64Array;
  private readonly sMarket: Float64Array;
  private readonly sFill: Float64Array;
  // flow
  private readonly gapInv: number;
  private readonly fMarket: number;
  private readonly fLimit: number;
  private readonly fCancel: number;
  private readonly fMove: number;
  private readonly rates: Float64Array;

  /** Simulation time, ns since start. */
  t = 0;
  /** Latent efficient price, in ticks. */
  x: number;
  /** Regime activity multiplier. */
  activity = 1;
  /** Counters (for the summary and the benchmark). */
  events = 0;
  trades = 0;
  marketOrders = 0;

  constructor(
    p: InstrumentParams,
    private readonly rng: Rng,
    public feed: BinanceFeed | null,
  ) {
    const q = p.queue;
    this.K = q.arrival.length;
    this.NB = q.buckets;
    this.invAes = 1 / q.aes;
    this.arr = Float64Array.from(q.arrival.flat());
    this.can = Float64Array.from(q.cancel.flat());
    this.mkt = Float64Array.from(q.market);
    this.cancelAll = Float64Array.from(q.cancelAll);
    this.improve = Float64Array.from(q.improve);
    this.pull = Float64Array.from(q.pull);
    this.follow = q.follow;
    this.followShare = q.followShare;
    this.improveClose = q.improveClose;
    const f = p.far;
    this.nBins = f.edges.length - 1;
    this.edges = Float64Array.from(f.edges);
    this.maxDistance = f.edges[this.nBins] - 1;
    this.farArrCdf = new Float64Array(this.nBins);
    this.farCanCdf = new Float64Array(this.nBins);
    let nInner = 0;
    while (nInner < this.nBins && f.edges[nInner + 1] <= INNER_REACH) nInner++;
    this.nInner = nInner;
    this.innerEnd = f.edges[nInner];
    this.farCanRate = Float64Array.from(f.cancel);
    this.innerCount = new Int32Array(2 * Math.max(1, nInner));
    let a = 0;
    let c = 0;
    let occ = 0;
    for (let b = 0; b < this.nBins; b++) {
      const w = f.edges[b + 1] - f.edges[b];
      a += f.arrival[b] * w;
      // the outer profile: inner bins are cancelled level by level
      if (b >= nInner) {
        c += f.cancel[b] * f.occupancy[b] * w;
        occ += f.occupancy[b] * w;
      }
      this.farArrCdf[b] = a;
      this.farCanCdf[b] = c;
    }
    this.farArrTotal = a;
    this.farCanTotal = c;
    this.targetOcc = Math.max(1, occ);
    // (an outer zone that holds no levels has no outer cancels)
    this.farCanAll = Float64Array.from(f.cancelAll);
    this.sLimit = Float64Array.from(p.sizes.limit);
    this.sNear = Float64Array.from(p.sizes.near);
    this.sFar = Float64Array.from(p.sizes.far);
    this.sMarket = Float64Array.from(p.sizes.market);
    this.sFill = Float64Array.from(p.sizes.fill);
    this.gapInv = 1 / p.flow.gapTicks;
    this.fMarket = p.flow.market;
    this.fLimit = p.flow.limit;
    this.fCancel = p.flow.cancel;
    this.fMove = p.flow.move;
    this.rates = new Float64Array(2 * (2 * this.K + PER_SIDE_EXTRA));

    const start = startTick(p);
    const width = Math.max(4096, Math.ceil(WINDOW_FACTOR * 2 * (this.maxDistance + 64)));
    this.book = new SimBook(width, start - (width >> 1));
    this.x = start;
    this.initialBook(start, p);
  }

  /** A book drawn from the calibrated profile around `mid` (bid at mid, ask at mid + 1). */
  private initialBook(mid: number, p: InstrumentParams): void {
    const b = this.book;
    b.bestBid = mid;
    b.bestAsk = mid + 1;
    const rng = this.rng;
    for (let side = 0; side < 2; side++) {
      const best = side === 0 ? mid : mid + 1;
      const sgn = side === 0 ? -1 : 1;
      // near zone: the best with a few orders, deeper near levels at the first far bin's occupancy
      for (let j = 0; j < this.K; j++) {
        if (j > 0 && rng.uniform() >= p.far.occupancy[0]) continue;
        let s = 0;
        const n = j === 0 ? 8 : 1;
        for (let k = 0; k < n; k++) s += this.draw(j === 0 ? this.sLimit : this.sNear);
        b.set(side, best + sgn * j, s);
      }
      for (let bin = 0; bin < this.nBins; bin++) {
        const occ = p.far.occupancy[bin];
        for (let d = this.edges[bin]; d < this.edges[bin + 1]; d++) if (rng.uniform() < occ) b.set(side, best + sgn * d, this.draw(this.sFar));
      }
    }
    b.clearDirty();
  }

  private draw(tbl: Float64Array): number {
    return tbl[(this.rng.uniform() * tbl.length) | 0];
  }

  private bucket(q: number): number {
    return queueBucket(q, this.invAes, this.NB);
  }

  private change(side: number, p: number, size: number): void {
    const b = this.book;
    const j = side === 0 ? b.bestBid - p : p - b.bestAsk;
    if (j < this.K) this.nearDirty = true;
    else if (j < this.innerEnd) this.innerStale[side] = 1;
    b.set(side, p, size);
    this.events++;
    const feed = this.feed;
    if (feed !== null) feed.nextId(this.t);
  }

  private lastSkew = NaN;
  private eL = 1;
  private eC = 1;
  private eM = 1;
  private eV = 1;

  // The near-zone part of the rates (arrivals, cancels, improvements, market orders, pulls) is
  // cached: far-zone events, the majority, leave it unchanged.
  private nearDirty = true;
  private nearSum = 0;
  private nearB = 0;
  private nearA = 0;
  private cBid = NaN;
  private cAsk = NaN;
  private cX = NaN;
  private cAct = NaN;

  /** Fills `rates` for the current state; returns the total. */
  private computeRates(): number {
    const b = this.book;
    const bb = b.bestBid;
    const ba = b.bestAsk;
    if (this.nearDirty || bb !== this.cBid || ba !== this.cAsk || this.x !== this.cX || this.activity !== this.cAct) this.computeNear();
    const K = this.K;
    const r = this.rates;
    const act = this.activity;
    const o = 2 * K + PER_SIDE_EXTRA;
    const fa = this.farArrTotal * act;
    r[2 * K + 3] = fa;
    r[o + 2 * K + 3] = fa;
    if (this.innerStale[0] !== 0 || this.innerBest[0] !== bb) this.countInner(0);
    if (this.innerStale[1] !== 0 || this.innerBest[1] !== ba) this.countInner(1);
    const icb = this.innerRate[0] * act;
    const ica = this.innerRate[1] * act;
    r[2 * K + 4] = icb;
    r[o + 2 * K + 4] = ica;
    const inv = (this.farCanTotal * act) / this.targetOcc;
    const fcb = Math.max(0, b.occupied[0] - this.nearB - this.innerTotal[0]) * inv;
    const fca = Math.max(0, b.occupied[1] - this.nearA - this.innerTotal[1]) * inv;
    r[2 * K + 5] = fcb;
    r[o + 2 * K + 5] = fca;
    return this.nearSum + 2 * fa + icb + ica + fcb + fca;
  }

  private computeNear(): void {
    const b = this.book;
    const q = b.q;
    const K = this.K;
    const NB = this.NB;
    const r = this.rates;
    const act = this.activity;
    const bb = b.bestBid;
    const ba = b.bestAsk;
    let g = (this.x - 0.5 * (bb + ba)) * this.gapInv;
    g = g / (1 + (g < 0 ? -g : g));
    if (g !== this.lastSkew) {
      this.lastSkew = g;
      this.eL = Math.exp(this.fLimit * g);
      this.eC = Math.exp(this.fCancel * g);
      this.eM = Math.exp(this.fMarket * g);
      this.eV = Math.exp(this.fMove * g);
    }
    const lb = act * this.eL;
    const la = act / this.eL;
    const cb = act / this.eC;
    const ca = act * this.eC;
    let total = 0;
    let nearB = 0;
    let nearA = 0;
    const rb = bb - b.base;
    const ra = ba - b.base;
    const o = 2 * K + PER_SIDE_EXTRA;
    for (let j = 0; j < K; j++) {
      const row = j * NB;
      const qb = q[rb - j];
      const kb = this.bucket(qb);
      const xb = this.arr[row + kb] * lb;
      r[j] = xb;
      let cb_ = 0;
      if (qb > 0) {
        cb_ = this.can[row + kb] * cb;
        nearB++;
      }
      r[K + j] = cb_;
      const qa = q[ra + j];
      const ka = this.bucket(qa);
      const xa = this.arr[row + ka] * la;
      r[o + j] = xa;
      let ca_ = 0;
      if (qa > 0) {
        ca_ = this.can[row + ka] * ca;
        nearA++;
      }
      r[o + K + j] = ca_;
      total += xb + cb_ + xa + ca_;
    }
    // improvements inside the spread
    const spread = ba - bb;
    let ib = 0;
    let ia = 0;
    if (spread >= 2) {
      const k = spread - 2 < this.improve.length ? spread - 2 : this.improve.length - 1;
      ib = this.improve[k] * act * this.eV;
      ia = (this.improve[k] * act) / this.eV;
    }
    r[2 * K] = ib;
    r[o + 2 * K] = ia;
    // market orders (sells hit the bid, buys lift the ask) and pulls, by the best queues' buckets
    const kb0 = this.bucket(q[rb]);
    const ka0 = this.bucket(q[ra]);
    const ms = (this.mkt[kb0] * act) / this.eM;
    const mb = this.mkt[ka0] * act * this.eM;
    r[2 * K + 1] = ms;
    r[o + 2 * K + 1] = mb;
    const pb = (this.pull[kb0] * act) / this.eV;
    const pa = this.pull[ka0] * act * this.eV;
    r[2 * K + 2] = pb;
    r[o + 2 * K + 2] = pa;
    this.nearSum = total + ib + ia + ms + mb + pb + pa;
    this.nearB = nearB;
    this.nearA = nearA;
    this.nearDirty = false;
    this.cBid = bb;
    this.cAsk = ba;
    this.cX = this.x;
    this.cAct = act;
  }

  /** Counts the occupied levels of the inner far bins of one side (after its best or a level there changed). */
  private countInner(side: number): void {
    const b = this.book;
    const q = b.q;
    const best = side === 0 ? b.bestBid : b.bestAsk;
    const rel = best - b.base;
    const cnt = this.innerCount;
    let rate = 0;
    let total = 0;
    for (let k = 0; k < this.nInner; k++) {
      let n = 0;
      const hi = this.edges[k + 1];
      for (let j = this.edges[k]; j < hi; j++) if (q[side === 0 ? rel - j : rel + j] !== 0) n++;
      cnt[2 * k + side] = n;
      rate += n * this.farCanRate[k];
      total += n;
    }
    this.innerRate[side] = rate;
    this.innerTotal[side] = total;
    this.innerStale[side] = 0;
    this.innerBest[side] = best;
  }

  /** Cancels one occupied inner-far level, chosen in proportion to its bin's per-level rate. */
  private innerCancel(side: number): void {
    let u = this.rng.uniform() * this.innerRate[side];
    let k = 0;
    for (; k < this.nInner - 1; k++) {
      const w = this.innerCount[2 * k + side] * this.farCanRate[k];
      if (u < w) break;
      u -= w;
    }
    const n = this.innerCount[2 * k + side];
    if (n === 0) return;
    let pick = Math.floor(this.rng.uniform() * n);
    const b = this.book;
    const best = side === 0 ? b.bestBid : b.bestAsk;
    for (let j = this.edges[k]; j < this.edges[k + 1]; j++) {
      const p = side === 0 ? best - j : best + j;
      if (b.at(p) !== 0 && pick-- === 0) {
        this.cancelAt(side, p, this.farCanAll[k], this.sFar);
        return;
      }
    }
  }

  /** Time of the next event, drawn but beyond the last `runUntil`'s end (NaN: none), and the total rate it was drawn at. */
  private heldT = NaN;
  private heldTotal = NaN;

  /** Simulates events until time `tEnd` (ns); the clock is at `tEnd` on return. */
  runUntil(tEnd: number): void {
    const rng = this.rng;
    const r = this.rates;
    const K = this.K;
    const o = 2 * K + PER_SIDE_EXTRA;
    for (;;) {
      const total = this.computeRates();
      // The next event time is kept across calls: a boundary where nothing changes (a caller's
      // slice) leaves it as drawn, so the output never depends on how the caller slices time;
      // where the rates changed (a factor step), the hazard left is rescaled to the new total
      // (time change of a unit exponential: exact for piecewise-constant rates).
      let tn = this.heldT;
      if (tn !== tn) tn = this.t + (rng.exp() / total) * 1e9;
      else if (total !== this.heldTotal) tn = this.t + ((tn - this.t) * this.heldTotal) / total;
      if (tn >= tEnd) {
        this.heldT = tn;
        this.heldTotal = total;
        this.t = tEnd;
        return;
      }
      this.heldT = NaN;
      this.t = tn;
      let u = rng.uniform() * total;
      let k = 0;
      const n = r.length - 1;
      while (k < n && u >= r[k]) u -= r[k++];
      const side = k < o ? 0 : 1;
      const j = side === 0 ? k : k - o;
      if (j < K) this.nearArrival(side, j);
      else if (j < 2 * K) this.nearCancel(side, j - K);
      else if (j === 2 * K) this.improvement(side);
      else if (j === 2 * K + 1) this.marketOrder(side);
      else if (j === 2 * K + 2) this.pullBest(side);
      else if (j === 2 * K + 3) this.farArrival(side);
      else if (j === 2 * K + 4) this.innerCancel(side);
      else this.farCancel(side);
      if (this.feed !== null) this.feed.ticker(this.t);
    }
  }

  private nearArrival(side: number, j: number): void {
    const b = this.book;
    const p = side === 0 ? b.bestBid - j : b.bestAsk + j;
    this.change(side, p, b.at(p) + this.draw(j === 0 ? this.sLimit : this.sNear));
  }

  private nearCancel(side: number, j: number): void {
    const b = this.book;
    const p = side === 0 ? b.bestBid - j : b.bestAsk + j;
    this.cancelAt(side, p, j === 0 ? 0 : this.cancelAll[j], j === 0 ? this.sLimit : this.sNear);
  }

  /** The best queue withdrawn whole: the price moves to the next occupied level. */
  private pullBest(side: number): void {
    const b = this.book;
    this.cancelAt(side, side === 0 ? b.bestBid : b.bestAsk, 1, this.sLimit);
  }

  /** A limit order inside the spread (uniformly placed), becoming the new best; maybe a moved quote. */
  private improvement(side: number): void {
    const b = this.book;
    const s = b.bestAsk - b.bestBid;
    if (s < 2) return;
    const k = this.rng.uniform() < this.improveClose ? s - 1 : 1 + Math.floor(this.rng.uniform() * (s - 1));
    const old = side === 0 ? b.bestBid : b.bestAsk;
    const p = side === 0 ? old + k : old - k;
    let size = this.draw(this.sLimit);
    if (this.rng.uniform() < this.follow) {
      // the old best's quotes are withdrawn; a random share of them is re-posted at the new price
      const q = b.at(old);
      this.change(side, old, 0);
      const share = 2 * this.followShare * this.rng.uniform();
      size += Math.round(q * (share < 1 ? share : 1));
    }
    this.change(side, p, size);
    if (side === 0) b.bestBid = p;
    else b.bestAsk = p;
  }

  /** Cancels all (with probability `pAll`) or part of the level at `p`; moves the best if it empties. */
  private cancelAt(side: number, p: number, pAll: number, sizes: Float64Array): void {
    const b = this.book;
    const q = b.at(p);
    let left = 0;
    if (pAll < 1 && this.rng.uniform() >= pAll) {
      left = q - this.draw(sizes);
      if (left < 0) left = 0;
      // a partial cancel of the best leaves it standing: whole-queue withdrawals are pulls
      if (left === 0 && pAll === 0) left = q > 1 ? 1 : 0;
      if (left === 0 && q === 1 && pAll === 0) return;
    }
    if (left === 0 && (side === 0 ? p === b.bestBid : p === b.bestAsk)) {
      const next = side === 0 ? b.nextBidBelow(p, b.width) : b.nextAskAbove(p, b.width);
      if (next !== next) left = 1; // never empty a side
      else if (side === 0) b.bestBid = next;
      else b.bestAsk = next;
    }
    this.change(side, p, left);
  }

  /** A market order against side `side` (0: a sell hitting bids; 1: a buy lifting asks). */
  private marketOrder(side: number): void {
    const b = this.book;
    let want = this.draw(this.sMarket);
    const buyerMaker = side === 0;
    this.marketOrders++;
    for (let lvl = 0; lvl < MAX_SWEEP && want > 0; lvl++) {
      const p = side === 0 ? b.bestBid : b.bestAsk;
      const q = b.at(p);
      let take = want < q ? want : q;
      let next = NaN;
      if (take === q) {
        next = side === 0 ? b.nextBidBelow(p, b.width) : b.nextAskAbove(p, b.width);
        if (next !== next) take = q - 1; // never empty a side
      }
      if (take <= 0) break;
      // one print per maker piece
      let left = take;
      while (left > 0) {
        let piece = this.draw(this.sFill);
        if (piece > left) piece = left;
        left -= piece;
        this.trades++;
        if (this.feed !== null) this.feed.trade(this.t, p, piece, buyerMaker);
      }
      want -= take;
      if (take === q) {
        if (side === 0) b.bestBid = next;
        else b.bestAsk = next;
      }
      this.change(side, p, q - take);
    }
  }

  private pickBin(cdf: Float64Array, total: number): number {
    const u = this.rng.uniform() * total;
    let k = 0;
    const n = this.nBins - 1;
    while (k < n && u >= cdf[k]) k++;
    return k;
  }

  private farArrival(side: number): void {
    const bin = this.pickBin(this.farArrCdf, this.farArrTotal);
    const lo = this.edges[bin];
    const d = lo + Math.floor(this.rng.uniform() * (this.edges[bin + 1] - lo));
    const b = this.book;
    const p = side === 0 ? b.bestBid - d : b.bestAsk + d;
    const i = p - b.base;
    if (i < 0 || i >= b.width) return;
    this.change(side, p, b.q[i] + this.draw(this.sFar));
  }

  /** Cancels a level of the outer far zone (bins beyond INNER_REACH), by the calibrated profile. */
  private farCancel(side: number): void {
    if (this.farCanTotal <= 0) return;
    const bin = Math.max(this.nInner, this.pickBin(this.farCanCdf, this.farCanTotal));
    const lo = this.edges[bin];
    const hi = this.edges[bin + 1];
    const d = lo + Math.floor(this.rng.uniform() * (hi - lo));
    const b = this.book;
    // the nearest occupied level at or beyond distance d (outward), within twice the bin's width
    const reach = 2 * (hi - lo) + 16;
    let p: number;
    if (side === 0) {
      const start = b.bestBid - d;
      p = b.at(start) !== 0 ? start : b.nextBidBelow(start, reach);
    } else {
      const start = b.bestAsk + d;
      p = b.at(start) !== 0 ? start : b.nextAskAbove(start, reach);
    }
    if (p !== p) return;
    this.cancelAt(side, p, this.farCanAll[bin], this.sFar);
  }

  /**
   * True when the touch has drifted so far that the modeled depth would leave the window. The
   * generator then calls `cancelOutside` at a publication, publishes, and rebases the book.
   */
  needsRebase(): boolean {
    const b = this.book;
    const margin = this.maxDistance + 64;
    return b.bestBid - margin < b.base || b.bestAsk + margin >= b.base + b.width;
  }

  /** Cancels every level outside the window centred on the touch (orders that far out are withdrawn); returns the new base. */
  cancelOutside(): number {
    const b = this.book;
    const newBase = ((b.bestBid + b.bestAsk) >> 1) - (b.width >> 1);
    const q = b.q;
    for (let i = 0; i < b.width; i++) {
      const p = i + b.base;
      if (q[i] !== 0 && (p < newBase || p >= newBase + b.width)) this.change(p <= b.bestBid ? 0 : 1, p, 0);
    }
    return newBase;
  }
}

/** The start price in ticks (rounded to the nearest tick). */
export function startTick(p: InstrumentParams): number {
  const d = Math.max(decimalsOf(p.tickSize), decimalsOf(p.startPrice));
  return Math.round(toScaled(p.startPrice, d) / toScaled(p.tickSize, d));
}
