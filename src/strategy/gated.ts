import type { BookView } from '../core/book-view.ts';
import { POW10 } from '../core/decimal.ts';
import { UsageError } from '../core/errors.ts';
import { ASK, BID, type MarketEvent, type Side } from '../core/events.ts';
import { FeaturePipeline, FeatureSet, type FeatureSpec } from '../features/index.ts';
import { checkData, DEFAULT_CONFIDENCE_THRESHOLD, Ensemble, type Artifact, type EnsembleDecision } from '../models/index.ts';
import type { Fixed } from '../sim/fixed.ts';
import type { Clock, ExecutionClient, OrderUpdate, Strategy, StrategyContext } from './api.ts';
import { Params, scaled, symbolFilter } from './params.ts';

export interface GatedConfig {
  /** One instrument: SYMBOL or venue:SYMBOL (the features and the model are per instrument). */
  symbol: string;
  size?: Fixed;
  notional: number;
  maxPosition?: Fixed;
  maxNotional?: number;
  /** Ensemble agreement needed to trade (0..1). */
  threshold: number;
  /** |ensemble direction| needed to trade (binary models: |2p − 1|). */
  minEdge: number;
  /** VPIN regime code (0 low … 3 extreme) at or above which entries stop and open entries are pulled; > 3 disables. */
  vpinKill: number;
  /** Scale the entry size by the regime feature's multiplier. */
  useRegime: boolean;
  /** An unfilled entry is canceled after this long, ns. */
  entryTtlNs: number;
  /** A position is held this long after its first fill, then exited, ns. */
  holdNs: number;
  /** The exit rests post-only at the touch this long, then the rest goes out as a market order, ns. */
  exitTimeoutNs: number;
}

const FLAT = 0;
const ENTERING = 1;
const HOLDING = 2;
const EXITING = 3;

/**
 * Model-gated maker entry. Every event goes through a FeaturePipeline built from the model
 * artifact's own feature spec — the code path offline extraction uses, so the rows the model sees
 * here are the rows it was trained on (the spec hash is checked). At each feature row:
 *   decision = Ensemble(models).decide(row)  (direction = weighted mean, confidence = agreement)
 *   gate: row warm and valid, confidence ≥ threshold, |direction| ≥ min_edge,
 *         VPIN regime < vpin_kill (the kill switch: entries stop and open entries are pulled),
 *         size = base × regime multiplier (> 0).
 * Entries are post-only orders at the touch on the decided side (a buy at the best bid); unfilled
 * after entry_ttl they are canceled. A position is held for `hold`, then exited post-only at the
 * touch (re-pegged as the touch moves), and after exit_timeout the remainder goes out at market.
 */
export class GatedMakerStrategy implements Strategy {
  readonly name = 'gated';
  private clock!: Clock;
  private exec!: ExecutionClient;
  readonly pipeline: FeaturePipeline;
  private readonly ensemble: Ensemble;
  private readonly want: (venue: string, symbol: string) => boolean;
  private readonly x: Float64Array;
  private idx: Int32Array | undefined;
  private vpinIdx = -1;
  private multIdx = -1;
  private readonly vpinCol: string | undefined;
  private readonly multCol: string | undefined;
  private warmIdx = 2;
  private validIdx = 3;
  // latest decision (from the latest row)
  private readonly last: EnsembleDecision = { direction: 0, confidence: 0, side: 0, trade: false };
  private lastKill = false;
  private lastMult = NaN;
  private lastGate = false;
  // trading state
  private state = FLAT;
  private venue = '';
  private sym = '';
  private entryId = 0;
  private exitId = 0;
  private entrySide: Side = BID;
  private firstFillTs = NaN;
  private exitStart = NaN;
  private marketSent = false;
  /** Called with every feature row (tests compare them with offline extraction). */
  onRow: ((row: Float64Array) => void) | undefined;
  readonly counts = { rows: 0, gated: 0, killed: 0, entries: 0, entryFills: 0, exits: 0, marketExits: 0, canceledEntries: 0 };

  constructor(
    readonly artifacts: Artifact[],
    readonly cfg: GatedConfig,
  ) {
    if (artifacts.length === 0) throw new UsageError('gated strategy: give at least one model artifact (--model)');
    const first = artifacts[0];
    for (const a of artifacts) {
      if (a.manifest.featureSpecHash !== first.manifest.featureSpecHash) throw new UsageError(`gated strategy: models ${first.manifest.name}@${first.manifest.version} and ${a.manifest.name}@${a.manifest.version} were trained on different feature specs`);
      if (a.featureSpec === null || a.featureSpec === undefined) throw new UsageError(`model ${a.manifest.name}@${a.manifest.version} has no feature spec: it cannot be driven from market events`);
    }
    this.pipeline = new FeaturePipeline({ spec: first.featureSpec, symbols: [cfg.symbol], onRow: (_i, row) => this.row(row) });
    const spec = this.pipeline.spec;
    const names = new FeatureSet(spec).names;
    for (const a of artifacts) checkData(a, { specHash: spec.hash, columns: names }, `gated strategy (feature spec ${a.dir}/feature-spec.json)`);
    this.ensemble = new Ensemble(
      artifacts.map((a) => ({ model: a.model })),
      cfg.threshold,
    );
    this.x = new Float64Array(first.model.features.length);
    this.vpinCol = columnOf(spec, 'vpin', '_regime');
    this.multCol = columnOf(spec, 'regime', '_mult');
    if (cfg.vpinKill <= 3 && this.vpinCol === undefined) throw new UsageError('gated strategy: the VPIN kill switch needs a vpin feature in the model\'s spec (or pass vpin_kill=off)');
    if (cfg.useRegime && this.multCol === undefined) throw new UsageError('gated strategy: the regime multiplier needs a regime feature in the model\'s spec (or pass regime=off)');
    this.want = symbolFilter(cfg.symbol);
  }

  static fromParams(p: Params, artifacts: Artifact[]): GatedMakerStrategy {
    const kill = p.str('vpin_kill', '3');
    const cfg: GatedConfig = {
      symbol: p.str('symbol'),
      size: p.decimal('size'),
      notional: p.num('notional', 100),
      maxPosition: p.decimal('max_position'),
      maxNotional: p.has('max_notional') ? p.num('max_notional') : undefined,
      threshold: p.num('threshold', DEFAULT_CONFIDENCE_THRESHOLD),
      minEdge: p.num('min_edge', 0.1),
      vpinKill: kill === 'off' ? 99 : Number(kill),
      useRegime: p.str('regime', 'on') !== 'off',
      entryTtlNs: p.dur('entry_ttl', '5s'),
      holdNs: p.dur('hold', '30s'),
      exitTimeoutNs: p.dur('exit_timeout', '10s'),
    };
    p.done();
    if (!(cfg.vpinKill >= 0)) throw new UsageError(`gated strategy: vpin_kill must be a regime code 0..3 or off, got ${kill}`);
    if (!(cfg.threshold >= 0 && cfg.threshold <= 1)) throw new UsageError('gated strategy: threshold must be in [0, 1]');
    if (cfg.symbol.includes(',')) throw new UsageError('gated strategy: one symbol (features and models are per instrument)');
    return new GatedMakerStrategy(artifacts, cfg);
  }

  wants(venue: string, symbol: string): boolean {
    return this.want(venue, symbol);
  }

  init(ctx: StrategyContext): void {
    this.clock = ctx.clock;
    this.exec = ctx.exec;
  }

  /** A feature row: the model's decision and the gates, kept until the next row. */
  private row(row: Float64Array): void {
    this.counts.rows++;
    this.onRow?.(row);
    if (this.idx === undefined) {
      const names = this.pipeline.instruments()[0].set.names;
      const at = (c: string) => names.indexOf(c);
      this.idx = Int32Array.from(this.artifacts[0].model.features, (f) => at(f));
      this.warmIdx = at('warm');
      this.validIdx = at('valid');
      if (this.vpinCol) this.vpinIdx = at(this.vpinCol);
      if (this.multCol) this.multIdx = at(this.multCol);
    }
    const idx = this.idx;
    for (let i = 0; i < idx.length; i++) this.x[i] = row[idx[i]];
    const d = this.ensemble.decide(this.x, 0);
    this.last.direction = d.direction;
    this.last.confidence = d.confidence;
    this.last.side = d.side;
    this.last.trade = d.trade;
    const vr = this.vpinIdx >= 0 ? row[this.vpinIdx] : NaN;
    this.lastKill = vr >= this.cfg.vpinKill;
    this.lastMult = this.cfg.useRegime ? row[this.multIdx] : 1;
    this.lastGate = row[this.warmIdx] === 1 && row[this.validIdx] === 1 && d.trade && Math.abs(d.direction) >= this.cfg.minEdge && !this.lastKill && this.lastMult > 0;
    if (this.lastKill) this.counts.killed++;
    if (this.lastGate) this.counts.gated++;
  }

  onMarket(ev: MarketEvent, book: BookView | undefined): void {
    if (!this.want(ev.venue, ev.symbol)) return;
    this.pipeline.push(ev);
    if (ev.type !== 'book_change' || book === undefined || book.bidCount() === 0 || book.askCount() === 0) return;
    this.venue = ev.venue;
    this.sym = ev.symbol;
    this.act(book);
  }

  private act(book: BookView): void {
    const now = this.clock.now();
    const exec = this.exec;
    const pos = exec.position(this.venue, this.sym);
    const posQty = pos.qty;
    const posSd = pos.sizeDecimals;
    if (this.state === FLAT) {
      if (!this.lastGate) return;
      const side: Side = this.last.side > 0 ? BID : ASK;
      const pd = book.priceDecimals;
      const sd = book.sizeDecimals;
      const mid = (book.bidPrice(0) + book.askPrice(0)) / 2 / POW10[pd];
      let size = this.cfg.size ? scaled(this.cfg.size, sd) : Math.floor((this.cfg.notional / mid) * POW10[sd]);
      if (size !== size) size = Math.floor(this.cfg.size!.toNumber() * POW10[sd]);
      size = Math.floor(size * Math.min(1, this.lastMult));
      const maxPos = this.cfg.maxPosition ? this.cfg.maxPosition.toNumber() : (this.cfg.maxNotional ?? 5 * this.cfg.notional) / mid;
      if (!(size >= 1) || size / POW10[sd] > maxPos) return;
      const price = side === BID ? book.bidPrice(0) : book.askPrice(0);
      this.entrySide = side;
      this.entryId = exec.submit({ venue: this.venue, symbol: this.sym, side, type: 'limit', tif: 'post_only', price, priceDecimals: pd, size, sizeDecimals: sd, tag: 'entry' });
      this.counts.entries++;
      this.state = ENTERING;
      return;
    }
    if (this.state === ENTERING) {
      const o = exec.order(this.entryId)!;
      const gone = o.status === 'rejected' || o.status === 'canceled' || o.status === 'expired' || o.status === 'filled';
      if (gone) {
        if (posQty !== 0) {
          this.state = HOLDING;
          if (this.firstFillTs !== this.firstFillTs) this.firstFillTs = now;
        } else this.toFlat();
        return;
      }
      const stale = now - o.sentTs > this.cfg.entryTtlNs;
      const against = this.lastKill || !this.lastGate || (this.last.side > 0 ? BID : ASK) !== this.entrySide;
      if ((stale || against) && !o.cancelPending && o.status === 'open') {
        exec.cancel(o.id);
        this.counts.canceledEntries++;
      }
      return;
    }
    if (this.state === HOLDING) {
      if (posQty === 0) {
        this.toFlat();
        return;
      }
      if (now - this.firstFillTs >= this.cfg.holdNs || this.lastKill) {
        this.state = EXITING;
        this.exitStart = now;
        this.marketSent = false;
      } else return;
    }
    // EXITING
    if (posQty === 0) {
      const o = this.exitId ? exec.order(this.exitId) : undefined;
      if (o && (o.status === 'open' || o.status === 'pending') && !o.cancelPending) exec.cancel(o.id);
      if (!o || o.status === 'filled' || o.status === 'canceled' || o.status === 'rejected' || o.status === 'expired') {
        this.toFlat();
        this.counts.exits++;
      }
      return;
    }
    const exitSide: Side = posQty > 0 ? ASK : BID;
    const cur = this.exitId ? exec.order(this.exitId) : undefined;
    const live = cur !== undefined && (cur.status === 'open' || cur.status === 'pending');
    if (live && (cur.cancelPending || cur.status === 'pending')) return;
    const remaining = Math.abs(posQty);
    if (now - this.exitStart >= this.cfg.exitTimeoutNs) {
      if (live) {
        exec.cancel(cur.id);
        return;
      }
      if (this.marketSent) return;
      this.exitId = exec.submit({ venue: this.venue, symbol: this.sym, side: exitSide, type: 'market', tif: 'ioc', price: 0, priceDecimals: book.priceDecimals, size: remaining, sizeDecimals: posSd, tag: 'exit-market' });
      this.marketSent = true;
      this.counts.marketExits++;
      return;
    }
    const pd = book.priceDecimals;
    const touch = exitSide === ASK ? book.askPrice(0) : book.bidPrice(0);
    if (live) {
      const price = cur.price * POW10[pd - cur.req.priceDecimals];
      const left = cur.size - cur.filled;
      if (price !== touch || left * POW10[posSd - cur.req.sizeDecimals] !== remaining) exec.cancel(cur.id); // re-peg
      return;
    }
    this.exitId = exec.submit({ venue: this.venue, symbol: this.sym, side: exitSide, type: 'limit', tif: 'post_only', price: touch, priceDecimals: pd, size: remaining, sizeDecimals: posSd, tag: 'exit' });
  }

  private toFlat(): void {
    this.state = FLAT;
    this.entryId = 0;
    this.exitId = 0;
    this.firstFillTs = NaN;
  }

  onOrder(u: OrderUpdate): void {
    if (u.kind !== 'fill' || u.orderId !== this.entryId) return;
    this.counts.entryFills++;
    if (this.state === ENTERING) {
      // the maker entry happened: hold from its first fill, and take no more of it
      this.firstFillTs = u.ts;
      this.state = HOLDING;
      const o = this.exec.order(u.orderId)!;
      if (!u.done && !o.cancelPending) this.exec.cancel(u.orderId);
    }
  }

  onTimer(): void {}

  stats(): Record<string, number> {
    return { ...this.counts };
  }
}

/** A spec column `<name><suffix>` of the first feature of op `op`. */
function columnOf(spec: FeatureSpec, op: string, suffix: string): string | undefined {
  const e = spec.features.find((f) => f.op === op);
  return e ? `${e.name}${suffix}` : undefined;
}
