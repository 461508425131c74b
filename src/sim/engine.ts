import { BookEngine, type InstrumentState } from '../book/engine.ts';
import type { L2Book } from '../book/l2book.ts';
import { syncRulesFor } from '../book/rules.ts';
import type { BookView } from '../core/book-view.ts';
import { POW10 } from '../core/decimal.ts';
import { UsageError } from '../core/errors.ts';
import type { BookChange, MarketEvent } from '../core/events.ts';
import type { SyncRules } from '../venues/venue.ts';
import type { Clock, ExecutionClient, OrderRequest, OrderState, OrderUpdate, Position, Strategy, StrategyContext } from '../strategy/api.ts';
import { SimExchange } from './exchange.ts';
import type { OrderLevelMsg } from './order-level.ts';
import type { FeeModel } from './fees.ts';
import { EventHeap } from './heap.ts';
import { SimInstrument, isInverse } from './instrument.ts';
import { LagView } from './lag-view.ts';
import type { LatencyModel } from './latency.ts';
import { DEFAULT_METRICS, advanceFills, type FillRecord, type MetricsConfig } from './metrics.ts';
import { SimOrder } from './orders.ts';
import type { QueueModel } from './queue.ts';
import { Fixed } from './fixed.ts';

/**
 * Feed latency: `recorded` uses each event's local − exchange time, after removing the clock
 * offset between the recorder and the venue (auto: 0 when every local time is at or after its
 * exchange time, else the most negative difference in the first `warmup` events, so the fastest
 * message had zero latency); `model` draws it from a latency model's `entry`.
 */
export type FeedLatency = { kind: 'recorded'; offsetNs?: number } | { kind: 'model'; model: LatencyModel };

export interface BacktestConfig {
  /** Order entry / response latency. */
  latency: LatencyModel;
  feed?: FeedLatency;
  queue: QueueModel;
  fees: FeeModel;
  /** Equity curve sampling interval on the exchange clock (default 1 s). */
  equityIntervalNs?: number;
  metrics?: Partial<MetricsConfig>;
  /** Events buffered before the start to estimate the clock offset (default 5000). */
  warmup?: number;
  rulesFor?: (venue: string) => SyncRules;
}

const M_NEW = 1;
const M_CANCEL = 2;
const M_MODIFY = 3;
const M_RESP = 4;
const M_TIMER = 5;

interface Msg {
  kind: number;
  order: SimOrder | null;
  upd: OrderUpdate | null;
  rec: FillRecord | null;
  a: number;
  b: number;
}

export interface FeedStats {
  clockOffsetNs: number;
  /** Events whose exchange time was before the simulation's exchange clock (processed at the clock). */
  exchInversions: number;
  maxExchInversionNs: number;
  /** Events whose local time came out before their exchange time (delivered at exchange time). */
  negativeLatency: number;
  /** Feed latency (local − exchange after the offset) quantiles over delivered events, ns. */
  latencyP50: number;
  latencyP99: number;
}

/**
 * Event-driven backtest. One clock (the venue's, ns). Market events go to the exchange side at
 * their exchange time (book engine + matching) and to the strategy at their local time; order
 * requests reach the venue after the entry latency, answers reach the strategy after the response
 * latency (each direction in order, as one connection would). A binary heap orders the bus and
 * timers; local deliveries form a FIFO. Ties go to market data first, then insertion order.
 *
 * Feed it with `onEvent` (market events, and order-level messages for the FIFO queue), in local
 * arrival order; then `finish()`.
 */
export class Backtest {
  readonly books: BookEngine;
  readonly exchange: SimExchange;
  readonly instruments: SimInstrument[] = [];
  private readonly byState = new Map<InstrumentState, SimInstrument>();
  private readonly heap = new EventHeap();
  private readonly msgs: Msg[] = [];
  private readonly freeMsgs: number[] = [];
  private seq = 0;
  // local deliveries (FIFO ring)
  private dTime = new Float64Array(1024);
  private dSeq = new Float64Array(1024);
  private dStart = new Float64Array(1024);
  private dCount = new Int32Array(1024);
  private dValid = new Uint8Array(1024);
  private dEv: (MarketEvent | undefined)[] = new Array(1024);
  private dInst: (SimInstrument | undefined)[] = new Array(1024);
  private dHead = 0;
  private dLen = 0;
  // book changes applied on the exchange side, waiting to reach the local books (ring); with each,
  // its instrument and, when it was applied while the strategy's view was the venue's book, the
  // sizes its levels had before (its undo)
  private appl: (BookChange | undefined)[] = new Array(1024);
  private applInst: (SimInstrument | undefined)[] = new Array(1024);
  private applUndo: (Float64Array | undefined)[] = new Array(1024);
  /** Sizes before the change about to be applied (`capEv`), written by the book while applying it (`beforeChange`). */
  private capBuf = new Float64Array(256);
  private capEv: BookChange | undefined;
  private applHead = 0; // absolute index of the oldest kept
  private applTail = 0; // absolute index one past the newest
  // clocks
  private exNow = -Infinity;
  private localNow = NaN;
  private lastEntry = -Infinity;
  private lastResp = -Infinity;
  private lastLocal = -Infinity;
  private offset = 0;
  private started = false;
  private finished = false;
  private readonly warm: (MarketEvent | OrderLevelMsg)[] = [];
  private readonly warmup: number;
  private cur: SimInstrument | undefined;
  private lastInst: SimInstrument | undefined;
  // orders
  private nextId = 1;
  readonly orders: SimOrder[] = [];
  // equity
  private readonly eqInterval: number;
  private nextEq = NaN;
  readonly eqTs: number[] = [];
  readonly eqRows: number[][] = [];
  // stats
  readonly metrics: MetricsConfig;
  marketEvents = 0;
  orderLevelEvents = 0;
  firstTs = NaN;
  private inversions = 0;
  private maxInversion = 0;
  private negLatency = 0;
  private readonly latSample: number[] = [];
  private latSeen = 0;
  private readonly ctx: StrategyContext;

  constructor(
    readonly strategy: Strategy,
    readonly cfg: BacktestConfig,
  ) {
    this.metrics = { ...DEFAULT_METRICS, ...cfg.metrics };
    if (cfg.metrics?.horizons && cfg.metrics.excursion === undefined) this.metrics.excursion = Math.max(...cfg.metrics.horizons);
    this.eqInterval = cfg.equityIntervalNs ?? 1e9;
    if (!(this.eqInterval > 0)) throw new UsageError('equity interval must be > 0');
    this.warmup = cfg.warmup ?? 5000;
    this.books = new BookEngine({ rulesFor: cfg.rulesFor ?? syncRulesFor, onBook: (_st, ev) => this.applied(ev) });
    this.exchange = new SimExchange(cfg.queue, cfg.fees, this.metrics, (o, u) => this.respond(o, u));
    const self = this;
    const clock: Clock = {
      now: () => self.localNow,
      setTimer: (at, tag) => self.setTimer(at, tag),
    };
    const exec: ExecutionClient = {
      submit: (req) => self.submit(req),
      cancel: (id) => self.cancel(id),
      modify: (id, p, s) => self.modify(id, p, s),
      order: (id) => self.orderOf(id),
      openOrders: (venue, symbol) => self.inst(venue, symbol).localOpen,
      position: (venue, symbol) => self.position(venue, symbol),
    };
    this.ctx = { clock, exec };
  }

  // ------------------------------------------------------------------ input

  onEvent(ev: MarketEvent | OrderLevelMsg): void {
    if (this.finished) throw new Error('backtest already finished');
    if (!this.started) {
      this.warm.push(ev);
      if (this.warm.length >= this.warmup) this.start();
      return;
    }
    this.step(ev);
  }

  private start(): void {
    this.started = true;
    const feed = this.cfg.feed ?? { kind: 'recorded' };
    if (feed.kind === 'recorded') {
      if (feed.offsetNs !== undefined) this.offset = feed.offsetNs;
      else {
        let min = Infinity;
        for (const ev of this.warm) {
          const d = ev.localTs - ev.exchTs;
          if (d < min) min = d;
        }
        this.offset = min < 0 ? min : 0;
      }
    }
    const first = this.warm[0];
    if (first !== undefined) {
      const t = first.exchTs === first.exchTs ? first.exchTs : first.localTs - this.offset;
      this.localNow = t;
      this.firstTs = t;
      this.nextEq = t + this.eqInterval;
    }
    this.strategy.init(this.ctx);
    const w = this.warm.splice(0);
    for (let i = 0; i < w.length; i++) this.step(w[i]);
  }

  private step(ev: MarketEvent | OrderLevelMsg): void {
    let x = ev.exchTs;
    if (x !== x) x = ev.localTs - this.offset;
    if (x < this.exNow) {
      this.inversions++;
      if (this.exNow - x > this.maxInversion) this.maxInversion = this.exNow - x;
      x = this.exNow;
    }
    if (x !== this.exNow) this.drain(x, false);
    if (x > this.nextEq) this.sampleUntil(x);
    this.exNow = x;
    const exchange = this.exchange;
    exchange.now = x;
    if (ev.type === 'order_level') {
      this.orderLevelEvents++;
      const inst = this.inst(ev.venue, ev.symbol);
      if (inst.fundDue <= x) exchange.settleFunding(inst);
      exchange.onOrderLevel(inst, ev);
      return;
    }
    this.marketEvents++;
    let inst = this.lastInst;
    if (inst === undefined || ev.symbol !== inst.symbol || ev.venue !== inst.venue) {
      const st = this.books.state(ev.venue, ev.symbol);
      inst = this.lastInst = this.byState.get(st) ?? this.create(st);
    }
    if (inst.fundDue <= x) exchange.settleFunding(inst);
    if (x > inst.pendingDue) inst.pendingDue = advanceFills(inst.pending, x, inst.midX2 / 2 / POW10[inst.pd], this.metrics);
    const aStart = this.applTail;
    this.cur = inst;
    const capture = ev.type === 'book_change' && inst.undelivered > 0 && inst.wanted && !inst.localOwn && this.beforeChange(inst, ev);
    this.books.onEvent(ev);
    if (capture) {
      inst.st.book.capturePrev = null;
      this.capEv = undefined;
    }
    if (inst.lagChanges === 0) inst.localOwn = false; // nothing pending (e.g. a materialized change was not applied): the venue's book is the view
    if (ev.type === 'trade') exchange.onTrade(inst, ev);
    else if (ev.type === 'funding') exchange.onFunding(inst, ev);
    if (!inst.wanted) return;
    // local delivery
    let y: number;
    const feed = this.cfg.feed;
    if (feed !== undefined && feed.kind === 'model') y = x + feed.model.entry(x);
    else {
      y = ev.localTs - this.offset;
      if (y < x) {
        if (ev.exchTs === ev.exchTs) this.negLatency++;
        y = x;
      }
      if (ev.exchTs === ev.exchTs) this.sampleLatency(ev.localTs - this.offset - ev.exchTs);
    }
    if (y < this.lastLocal) y = this.lastLocal;
    this.lastLocal = y;
    this.pushDelivery(y, ev, inst, aStart, this.applTail - aStart, inst.st.valid);
  }

  /**
   * The strategy's book, without a second copy in the common case. The strategy reads its book
   * only while handling one of its events (the view is valid during onMarket only), so:
   *  - while it has received every book change applied at the venue (`lagChanges` 0), its view is
   *    the venue's book itself;
   *  - a plain delta applied at the venue while events of the instrument are still in flight to
   *    the strategy is kept in a ring with the sizes its levels had before (`beforeChange`); if
   *    the strategy reads its book before receiving it, the delayed state is built then: the
   *    venue's book copied, the pending changes undone newest first (`materialize`);
   *  - from then on (and for snapshots, truncations and decimal changes, which have no cheap undo)
   *    `localBook` is a real copy that takes the pending changes as they are delivered
   *    (`localOwn`), until the strategy has caught up with the venue again.
   * Both paths give the book as of the last change the strategy received, exactly.
   */
  private beforeChange(inst: SimInstrument, ev: BookChange): boolean {
    const book = inst.st.book;
    if (ev.isSnapshot || ev.depth > 0 || ev.priceDecimals > book.priceDecimals || ev.sizeDecimals > book.sizeDecimals) {
      this.materialize(inst);
      return false;
    }
    const n = ev.nBids + ev.nAsks;
    if (this.capBuf.length < n) this.capBuf = new Float64Array(2 * n);
    // the book records each row's previous size while applying it (see L2Book.capturePrev)
    book.capturePrev = this.capBuf;
    this.capEv = ev;
    return true;
  }

  /** Builds the strategy's delayed book in `localBook` (venue's book minus the pending changes); `localOwn` from then on. */
  private materialize(inst: SimInstrument): L2Book {
    const from = inst.st.book;
    const to = inst.localBook;
    to.bids.copyFrom(from.bids);
    to.asks.copyFrom(from.asks);
    to.priceDecimals = from.priceDecimals;
    to.sizeDecimals = from.sizeDecimals;
    if (inst.lagChanges > 0) {
      const mask = this.appl.length - 1;
      for (let a = this.applTail - 1; a >= this.applHead; a--) {
        const k = a & mask;
        if (this.applInst[k] !== inst) continue;
        const ch = this.appl[k]!;
        const undo = this.applUndo[k]!;
        const pm = POW10[to.priceDecimals - ch.priceDecimals];
        const lv = ch.levels;
        const nb = ch.nBids;
        for (let i = nb + ch.nAsks - 1; i >= 0; i--) (i < nb ? to.bids : to.asks).set(lv[2 * i] * pm, undo[i]);
      }
    }
    inst.localOwn = true;
    return to;
  }

  /** BookEngine hook: a book message was applied to the current event's instrument. */
  private applied(ch: BookChange): void {
    const inst = this.cur!;
    inst.depthLimit = ch.depth;
    // Nothing to keep when the strategy has received every earlier event of this instrument: it
    // gets this change together with the event that carried it.
    if (inst.wanted && inst.undelivered > 0) {
      if (this.applTail - this.applHead === this.appl.length) this.growAppl();
      const k = this.applTail & (this.appl.length - 1);
      this.appl[k] = ch;
      this.applInst[k] = inst;
      if (!inst.localOwn) {
        if (ch !== this.capEv) throw new Error(`backtest internal error: a book change of ${inst.key} was applied without its undo`);
        const n = ch.nBids + ch.nAsks;
        let undo = this.applUndo[k];
        if (undo === undefined || undo.length < n) undo = this.applUndo[k] = new Float64Array(Math.max(64, 2 * n));
        for (let i = 0; i < n; i++) undo[i] = this.capBuf[i];
        this.capEv = undefined;
      }
      this.applTail++;
      inst.lagChanges++;
    }
    this.exchange.onBook(inst);
  }

  private create(st: InstrumentState): SimInstrument {
    const inst = new SimInstrument(this.instruments.length, st.venue, st.symbol, st);
    inst.wanted = this.strategy.wants?.(st.venue, st.symbol) ?? true;
    inst.lagView = new LagView(() => this.materialize(inst));
    this.instruments.push(inst);
    this.byState.set(st, inst);
    return inst;
  }

  private inst(venue: string, symbol: string): SimInstrument {
    const st = this.books.state(venue, symbol);
    return this.byState.get(st) ?? this.create(st);
  }

  // ------------------------------------------------------------------ time

  /** Processes bus messages, timers and local deliveries due before `limit` (or at it, if inclusive). */
  private drain(limit: number, inclusive: boolean): void {
    const heap = this.heap;
    for (;;) {
      const ht = heap.topTime();
      const dt = this.dLen > 0 ? this.dTime[this.dHead] : Infinity;
      const fromHeap = ht < dt || (ht === dt && heap.topSeq() < this.dSeq[this.dHead]);
      const t = fromHeap ? ht : dt;
      if (inclusive ? !(t <= limit) : !(t < limit)) return;
      if (t > this.nextEq) this.sampleUntil(t);
      if (fromHeap) this.runMsg(t, heap.pop());
      else this.deliver();
    }
  }

  private deliver(): void {
    const k = this.dHead;
    const ev = this.dEv[k]!;
    const inst = this.dInst[k]!;
    const n = this.dCount[k];
    this.localNow = this.dTime[k];
    if (n > 0) {
      const own = inst.localOwn;
      const book = inst.localBook;
      let a = this.dStart[k];
      const mask = this.appl.length - 1;
      for (let j = 0; j < n; j++, a++) {
        const ch = this.appl[a & mask]!;
        this.appl[a & mask] = undefined;
        this.applInst[a & mask] = undefined;
        if (own) {
          book.apply(ch);
          if (ch.depth > 0) book.truncate(ch.depth);
        }
      }
      this.applHead = a;
      inst.lagChanges -= n;
      if (inst.lagChanges === 0) inst.localOwn = false; // caught up: the venue's book is the view again
    }
    const valid = this.dValid[k] === 1;
    inst.localValid = valid;
    inst.undelivered--;
    this.dEv[k] = undefined;
    this.dInst[k] = undefined;
    this.dHead = (k + 1) & (this.dTime.length - 1);
    this.dLen--;
    let view: BookView | undefined;
    if (valid) view = inst.lagChanges === 0 ? inst.st.book : inst.localOwn ? inst.localBook : inst.lagView!.arm();
    this.strategy.onMarket(ev, view);
  }

  private pushDelivery(t: number, ev: MarketEvent, inst: SimInstrument, start: number, count: number, valid: boolean): void {
    if (this.dLen === this.dTime.length) this.growDeliveries();
    const k = (this.dHead + this.dLen) & (this.dTime.length - 1);
    this.dTime[k] = t;
    this.dSeq[k] = this.seq++;
    this.dStart[k] = start;
    this.dCount[k] = count;
    this.dValid[k] = valid ? 1 : 0;
    this.dEv[k] = ev;
    this.dInst[k] = inst;
    this.dLen++;
    inst.undelivered++;
  }

  private growDeliveries(): void {
    const cap = this.dTime.length;
    const order = (i: number) => (this.dHead + i) & (cap - 1);
    const nT = new Float64Array(cap * 2);
    const nS = new Float64Array(cap * 2);
    const nA = new Float64Array(cap * 2);
    const nC = new Int32Array(cap * 2);
    const nV = new Uint8Array(cap * 2);
    const nE: (MarketEvent | undefined)[] = new Array(cap * 2);
    const nI: (SimInstrument | undefined)[] = new Array(cap * 2);
    for (let i = 0; i < this.dLen; i++) {
      const k = order(i);
      nT[i] = this.dTime[k];
      nS[i] = this.dSeq[k];
      nA[i] = this.dStart[k];
      nC[i] = this.dCount[k];
      nV[i] = this.dValid[k];
      nE[i] = this.dEv[k];
      nI[i] = this.dInst[k];
    }
    this.dTime = nT;
    this.dSeq = nS;
    this.dStart = nA;
    this.dCount = nC;
    this.dValid = nV;
    this.dEv = nE;
    this.dInst = nI;
    this.dHead = 0;
  }

  private growAppl(): void {
    const cap = this.appl.length;
    const next: (BookChange | undefined)[] = new Array(cap * 2);
    const nextInst: (SimInstrument | undefined)[] = new Array(cap * 2);
    const nextUndo: (Float64Array | undefined)[] = new Array(cap * 2);
    for (let a = this.applHead; a < this.applTail; a++) {
      next[a & (cap * 2 - 1)] = this.appl[a & (cap - 1)];
      nextInst[a & (cap * 2 - 1)] = this.applInst[a & (cap - 1)];
      nextUndo[a & (cap * 2 - 1)] = this.applUndo[a & (cap - 1)];
    }
    this.appl = next;
    this.applInst = nextInst;
    this.applUndo = nextUndo;
  }

  private sampleLatency(lat: number): void {
    // reservoir of 4096 feed latencies (deterministic: every k-th once full)
    this.latSeen++;
    if (this.latSample.length < 4096) this.latSample.push(lat);
    else if (this.latSeen % 64 === 0) this.latSample[(this.latSeen >> 6) & 4095] = lat;
  }

  // ------------------------------------------------------------------ bus

  private msg(kind: number, order: SimOrder | null, upd: OrderUpdate | null, a = 0, b = 0): number {
    let i = this.freeMsgs.pop();
    if (i === undefined) {
      i = this.msgs.length;
      this.msgs.push({ kind, order, upd, rec: null, a, b });
    } else {
      const m = this.msgs[i];
      m.kind = kind;
      m.order = order;
      m.upd = upd;
      m.rec = null;
      m.a = a;
      m.b = b;
    }
    return i;
  }

  private runMsg(t: number, i: number): void {
    const m = this.msgs[i];
    const o = m.order;
    const kind = m.kind;
    const upd = m.upd;
    const rec = m.rec;
    const a = m.a;
    const b = m.b;
    m.order = null;
    m.upd = null;
    m.rec = null;
    this.freeMsgs.push(i);
    if (kind === M_RESP) {
      this.localNow = t;
      upd!.ts = t;
      if (rec !== null) rec.localTs = t;
      this.applyUpdate(o!, upd!);
      this.strategy.onOrder(upd!);
      return;
    }
    if (kind === M_TIMER) {
      this.localNow = t;
      this.strategy.onTimer(a);
      return;
    }
    // exchange side
    if (t > this.exNow) this.exNow = t;
    const ex = this.exchange;
    ex.now = this.exNow;
    const inst = this.instruments[o!.instIdx];
    if (inst.fundDue <= ex.now) ex.settleFunding(inst);
    if (kind === M_NEW) ex.arrive(inst, o!);
    else if (kind === M_CANCEL) ex.cancel(inst, o!);
    else if (kind === M_MODIFY) ex.modify(inst, o!, a, b);
  }

  /** Exchange answer → the strategy, after the response latency, in order. */
  private respond(o: SimOrder, u: OrderUpdate): void {
    const now = this.exchange.now;
    let t = now + this.cfg.latency.response(now);
    if (t < this.lastResp) t = this.lastResp;
    this.lastResp = t;
    const i = this.msg(M_RESP, o, u);
    if (u.kind === 'fill') this.msgs[i].rec = this.exchange.fills[this.exchange.fills.length - 1];
    this.heap.push(t, this.seq++, i);
  }

  private sendToVenue(kind: number, o: SimOrder, a = 0, b = 0): void {
    const now = this.localNow;
    let t = now + this.cfg.latency.entry(now);
    if (t < this.lastEntry) t = this.lastEntry;
    this.lastEntry = t;
    this.heap.push(t, this.seq++, this.msg(kind, o, null, a, b));
  }

  private setTimer(at: number, tag: number): void {
    if (!(at === at)) throw new Error('setTimer: time is NaN');
    const t = at > this.localNow ? at : this.localNow;
    this.heap.push(t, this.seq++, this.msg(M_TIMER, null, null, tag));
  }

  // ------------------------------------------------------------------ local side (ExecutionClient)

  private submit(req: OrderRequest): number {
    validateRequest(req);
    if (isInverse(req.venue)) throw new UsageError(`${req.venue} ${req.symbol} is an inverse contract; the backtest ledger handles linear instruments only (choose other symbols)`);
    const inst = this.inst(req.venue, req.symbol);
    const o = new SimOrder(this.nextId++, frozenCopy(req), inst.idx, this.localNow);
    this.orders.push(o);
    inst.ordersSubmitted++;
    inst.localOpen.push(o);
    this.sendToVenue(M_NEW, o);
    return o.id;
  }

  private cancel(id: number): void {
    const o = this.orderOf(id);
    if (o === undefined) throw new Error(`cancel: no order ${id}`);
    if (o.isFinal() || o.cancelPending) return;
    o.cancelPending = true;
    this.sendToVenue(M_CANCEL, o);
  }

  private modify(id: number, price: number, size: number): void {
    const o = this.orderOf(id);
    if (o === undefined) throw new Error(`modify: no order ${id}`);
    if (!Number.isSafeInteger(price) || !Number.isSafeInteger(size) || size <= 0) throw new Error(`modify: price and size must be scaled integers (size > 0), got ${price}, ${size}`);
    if (o.isFinal()) return;
    o.modifyPending = true;
    this.sendToVenue(M_MODIFY, o, price, size);
  }

  /** Order ids are 1, 2, 3… in submission order: `orders` is the index. */
  private orderOf(id: number): SimOrder | undefined {
    return this.orders[id - 1];
  }

  private position(venue: string, symbol: string): Position {
    const inst = this.inst(venue, symbol);
    const v = inst.posView;
    v.qty = inst.localPos;
    v.sizeDecimals = inst.localSd;
    return v;
  }

  private applyUpdate(o: SimOrder, u: OrderUpdate): void {
    switch (u.kind) {
      case 'accepted':
        if (o.status === 'pending') o.status = 'open';
        return;
      case 'fill': {
        o.filled += u.size;
        const inst = this.instruments[o.instIdx];
        if (u.sizeDecimals > inst.localSd) {
          inst.localPos *= POW10[u.sizeDecimals - inst.localSd];
          inst.localSd = u.sizeDecimals;
        }
        const q = u.size * POW10[inst.localSd - u.sizeDecimals];
        inst.localPos += o.req.side === 0 ? q : -q;
        if (o.status === 'pending') o.status = 'open';
        if (u.done) this.close(o, 'filled');
        return;
      }
      case 'canceled':
        o.cancelPending = false;
        this.close(o, 'canceled');
        return;
      case 'expired':
        this.close(o, 'expired');
        return;
      case 'rejected':
        o.reason = u.reason;
        this.close(o, 'rejected');
        return;
      case 'modified':
        o.modifyPending = false;
        o.price = u.price;
        o.size = u.size;
        return;
      case 'cancel_rejected':
        o.cancelPending = false;
        return;
      case 'modify_rejected':
        o.modifyPending = false;
        return;
    }
  }

  private close(o: SimOrder, status: OrderState['status']): void {
    o.status = status;
    const open = this.instruments[o.instIdx].localOpen;
    const i = open.indexOf(o);
    if (i >= 0) open.splice(i, 1);
  }

  // ------------------------------------------------------------------ equity

  private sampleUntil(t: number): void {
    // grid points strictly before t see the state before t
    if (this.nextEq !== this.nextEq) return;
    let g = this.nextEq;
    if ((t - g) / this.eqInterval > 1e6) throw new UsageError(`equity interval ${this.eqInterval} ns gives over a million samples in one gap; use a longer interval`);
    while (g < t) {
      this.sample(g);
      g += this.eqInterval;
    }
    this.nextEq = g;
  }

  /** Columns: equity, cash, position value, realized, unrealized, fees, funding, gross exposure. */
  static readonly EQUITY_COLUMNS = ['equity', 'cash', 'position_value', 'realized', 'unrealized', 'fees', 'funding', 'gross_exposure'];

  private sample(ts: number): void {
    let cash = Fixed.ZERO;
    let value = Fixed.ZERO;
    let realized = Fixed.ZERO;
    let unreal = Fixed.ZERO;
    let fees = Fixed.ZERO;
    let funding = Fixed.ZERO;
    let gross = 0;
    for (const inst of this.instruments) {
      const l = inst.ledger;
      if (l.fills === 0 && inst.fundingPayments === 0) continue;
      const mark = markOf(inst);
      cash = cash.add(l.cash.value);
      realized = realized.add(l.realized.value);
      fees = fees.add(l.fees.value);
      funding = funding.add(l.funding.value);
      if (mark !== undefined) {
        const v = l.position.mul(mark);
        value = value.add(v);
        unreal = unreal.add(l.unrealized(mark));
        gross += Math.abs(v.toNumber());
      }
    }
    this.eqTs.push(ts);
    this.eqRows.push([cash.add(value).toNumber(), cash.toNumber(), value.toNumber(), realized.toNumber(), unreal.toNumber(), fees.toNumber(), funding.toNumber(), gross]);
  }

  // ------------------------------------------------------------------ end

  /**
   * Ends the run: delivers what is due up to the last event's time, then lets the order messages
   * still in flight arrive (the venue is up, only the data stopped; timers past the end do not
   * fire). Returns the end time.
   */
  finish(): number {
    if (this.finished) throw new Error('backtest already finished');
    if (!this.started) this.start();
    this.finished = true;
    let end = this.exNow;
    if (this.dLen > 0) {
      const last = this.dTime[(this.dHead + this.dLen - 1) & (this.dTime.length - 1)];
      if (last > end) end = last;
    }
    if (end === -Infinity) return NaN;
    this.drain(end, true);
    const dataEnd = end;
    let budget = 1_000_000;
    while (this.heap.size > 0) {
      const t = this.heap.topTime();
      const i = this.heap.pop();
      if (this.msgs[i].kind === M_TIMER) {
        this.freeMsgs.push(i);
        continue;
      }
      if (--budget === 0) throw new Error('backtest: order messages keep coming after the data ended (a strategy answering its own updates forever?)');
      if (t > end) end = t;
      this.runMsg(t, i);
    }
    if (end >= this.nextEq) this.sampleUntil(end + 1);
    if (this.eqTs.length === 0 || this.eqTs[this.eqTs.length - 1] < end) this.sample(end);
    for (const inst of this.instruments) if (inst.pending.length > 0) advanceFills(inst.pending, dataEnd + 1, inst.midX2 / 2 / POW10[inst.pd], this.metrics);
    this.endTs = end;
    return end;
  }

  /** Time the run ended (after the last in-flight order message), ns. */
  endTs = NaN;

  feedStats(): FeedStats {
    const s = [...this.latSample].sort((a, b) => a - b);
    const q = (p: number) => (s.length > 0 ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN);
    return { clockOffsetNs: this.offset, exchInversions: this.inversions, maxExchInversionNs: this.maxInversion, negativeLatency: this.negLatency, latencyP50: q(0.5), latencyP99: q(0.99) };
  }

  /** Exchange time of the last market event. */
  get lastTs(): number {
    return this.exNow;
  }
}

/** The mid as an exact Fixed (bid + ask over 2), or undefined before a two-sided book. */
export function markOf(inst: SimInstrument): Fixed | undefined {
  if (inst.midX2 !== inst.midX2) return undefined;
  return new Fixed(BigInt(inst.midX2) * 5n, inst.pd + 1);
}

function validateRequest(r: OrderRequest): void {
  // (no closure here: this runs for every order)
  if (r.side !== 0 && r.side !== 1) badRequest(r, `side must be BID (0) or ASK (1), got ${String(r.side)}`);
  if (r.type !== 'limit' && r.type !== 'market') badRequest(r, `type must be limit or market, got ${String(r.type)}`);
  if (r.tif !== 'gtc' && r.tif !== 'ioc' && r.tif !== 'post_only') badRequest(r, `tif must be gtc, ioc or post_only, got ${String(r.tif)}`);
  if (r.type === 'market' && r.tif === 'post_only') badRequest(r, 'a market order cannot be post-only');
  if (!Number.isSafeInteger(r.size) || r.size <= 0) badRequest(r, `size must be a positive scaled integer, got ${r.size}`);
  if (r.type === 'limit' && (!Number.isSafeInteger(r.price) || r.price <= 0)) badRequest(r, `price must be a positive scaled integer, got ${r.price}`);
  if (!Number.isInteger(r.priceDecimals) || r.priceDecimals < 0 || r.priceDecimals > 18) badRequest(r, `priceDecimals must be an integer 0..18`);
  if (!Number.isInteger(r.sizeDecimals) || r.sizeDecimals < 0 || r.sizeDecimals > 18) badRequest(r, `sizeDecimals must be an integer 0..18`);
}

/** The request as submitted (the strategy may reuse its object); a literal copy is much cheaper than a spread. */
function frozenCopy(r: OrderRequest): Readonly<OrderRequest> {
  const c: OrderRequest = { venue: r.venue, symbol: r.symbol, side: r.side, type: r.type, tif: r.tif, price: r.price, priceDecimals: r.priceDecimals, size: r.size, sizeDecimals: r.sizeDecimals };
  if (r.tag !== undefined) c.tag = r.tag;
  return Object.freeze(c);
}

function badRequest(r: OrderRequest, what: string): never {
  throw new Error(`submit ${r.venue}:${r.symbol}: ${what}`);
}
