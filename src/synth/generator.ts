import { BinanceFeed, type FrameSink } from './binance-feed.ts';
import { MarketPath } from './market.ts';
import { SymbolModel } from './model.ts';
import type { InstrumentParams, SynthParams, SynthVenue } from './params.ts';
import { PerpState } from './perp.ts';
import { Rng } from './rng.ts';

const MS = 1e6;
/** Model time simulated before the start, without output, so the book starts in its stationary state. */
const BURN_IN_S = 120;

export interface SymbolGeneratorOptions {
  venue: SynthVenue;
  params: InstrumentParams;
  market: Pick<SynthParams, 'regimes' | 'factor'>;
  seed: number | string;
  /** Epoch ms of the start. */
  startMs: number;
  sink: FrameSink;
  /** Write the REST snapshot (the first file of a recording holds it). Default true. */
  snapshot?: boolean;
  /** The recorder stops at this receive time (ns since start): frames in flight then are not written. Default: never. */
  endNs?: number;
}

/**
 * Drives one instrument: the model between boundaries, and at each boundary the diff
 * publication, the common-factor / regime step and (perpetuals) the mark-price update.
 * Everything is a function of (seed, symbol, parameters, start): same inputs, same frames.
 */
export class SymbolGenerator {
  readonly model: SymbolModel;
  readonly feed: BinanceFeed;
  private readonly market: MarketPath;
  private readonly perp: PerpState | null;
  private readonly idio: Rng;
  private readonly feedRng: Rng;
  private readonly stepNs: number;
  private readonly lagSteps: number;
  private readonly sigma: number;
  private readonly rho: number;
  private readonly tick: number;
  private readonly depthNs: number;
  private readonly depthJitterNs: number;
  private readonly markNs: number;
  private nextDepth: number;
  private nextStep: number;
  private stepIndex: number;
  private nextMark: number;
  private lastMarkT = 0;
  private snapshotAt: number;
  private readonly snapshotDelayNs: number;
  private readonly snapshotLevels: number;
  /** Times the book window moved with the price (levels beyond it were withdrawn). */
  rebases = 0;

  constructor(private readonly o: SymbolGeneratorOptions) {
    const p = o.params;
    const sym = p.symbol;
    this.feedRng = new Rng(o.seed, `${sym}/feed`);
    this.idio = new Rng(o.seed, `${sym}/price`);
    this.market = new MarketPath(o.seed, o.market.regimes, o.market.factor.stepMs);
    this.model = new SymbolModel(p, new Rng(o.seed, `${sym}/book`), null);
    this.feed = new BinanceFeed(o.venue, p, this.model.book, this.feedRng, o.sink, o.startMs);
    this.perp = o.venue === 'binance-usdm' && p.perp ? new PerpState(p.perp, new Rng(o.seed, `${sym}/perp`)) : null;
    this.tick = Number(p.tickSize);
    this.stepNs = o.market.factor.stepMs * MS;
    this.lagSteps = Math.round(p.lagMs / o.market.factor.stepMs);
    this.sigma = p.volatility * Math.sqrt(o.market.factor.stepMs / 1000);
    this.rho = o.market.factor.correlation;
    this.depthNs = p.feed.depthIntervalMs * MS;
    this.depthJitterNs = p.feed.depthJitterMs * MS;
    this.markNs = (p.perp?.markIntervalMs ?? 1000) * MS;
    this.snapshotDelayNs = p.feed.snapshotDelayMs * MS;
    this.snapshotLevels = p.feed.snapshotLevels;

    // Burn-in: the model alone (no ids published, no frames), then the clock starts at 0.
    const m = this.model;
    m.t = -BURN_IN_S * 1e9;
    m.feed = this.feed;
    m.runUntil(0);
    this.feed.depth(0); // discards the burn-in window
    const feed = this.feed;
    feed.lastId = p.feed.firstUpdateId;
    feed.publishedId = p.feed.firstUpdateId;
    feed.tradeId = p.feed.firstTradeId;
    feed.windowFirstId = NaN;
    feed.enabled = true;
    feed.cutoffNs = o.endNs ?? Infinity;
    m.events = 0;
    m.trades = 0;
    m.marketOrders = 0;
    m.x = 0.5 * (m.book.bestBid + m.book.bestAsk);

    this.nextDepth = this.depthNs;
    // The factor grid is aligned to epoch time, so overlapping runs share the factor path.
    const stepMs = o.market.factor.stepMs;
    this.stepIndex = Math.ceil(o.startMs / stepMs);
    this.nextStep = (this.stepIndex * stepMs - o.startMs) * MS;
    this.nextMark = (Math.ceil(o.startMs / (this.markNs / MS)) * (this.markNs / MS) - o.startMs) * MS;
    this.snapshotAt = o.snapshot === false ? Infinity : this.snapshotDelayNs / 2;
    feed.ticker(0);
  }

  get t(): number {
    return this.model.t;
  }

  /** Simulates until `tEnd` ns since the start. */
  run(tEnd: number): void {
    const m = this.model;
    for (;;) {
      let next = this.nextDepth;
      if (this.nextStep < next) next = this.nextStep;
      if (this.perp !== null && this.nextMark < next) next = this.nextMark;
      if (this.snapshotAt < next) next = this.snapshotAt;
      if (tEnd < next) next = tEnd;
      m.runUntil(next);
      if (next === this.snapshotAt) {
        this.feed.scheduleSnapshot(next, this.snapshotDelayNs / 2, this.snapshotLevels);
        this.snapshotAt = Infinity;
      }
      if (next === this.nextStep) this.factorStep();
      if (this.perp !== null && next === this.nextMark) this.markUpdate(next);
      if (next === this.nextDepth) this.publish(next);
      if (next === tEnd) return;
    }
  }

  private publish(t: number): void {
    const m = this.model;
    if (m.needsRebase()) {
      // Orders beyond the new window are cancelled and published with this diff, then the window moves.
      const base = m.cancelOutside();
      this.feed.depth(t);
      m.book.rebase(base);
      this.feed.rebased();
      this.rebases++;
    } else this.feed.depth(t);
    let d = this.depthNs;
    if (this.depthJitterNs > 0) d += this.depthJitterNs * this.feedRng.exp();
    this.nextDepth = t + d;
  }

  private factorStep(): void {
    const mk = this.market;
    mk.step();
    const m = this.model;
    m.activity = mk.activity;
    const z = Math.sqrt(this.rho) * mk.factor(this.stepIndex - this.lagSteps) + Math.sqrt(1 - this.rho) * this.idio.normal();
    const s = this.sigma * mk.volatility;
    m.x *= Math.exp(s * z - 0.5 * s * s);
    this.stepIndex++;
    this.nextStep += this.stepNs;
  }

  private markUpdate(t: number): void {
    const perp = this.perp!;
    const b = this.model.book;
    const nowMs = this.o.startMs + Math.floor(t / MS);
    perp.update(nowMs, (t - this.lastMarkT) / 1e9 || 1, this.model.x * this.tick, 0.5 * (b.bestBid + b.bestAsk) * this.tick);
    this.lastMarkT = t;
    this.feed.mark(t, perp.mark, perp.index, perp.index, perp.funding, perp.nextFundingMs);
    this.nextMark = t + this.markNs;
  }

  /** Frames still held (the REST snapshot before its receive time) are written. */
  finish(): void {
    this.feed.flush();
  }
}
