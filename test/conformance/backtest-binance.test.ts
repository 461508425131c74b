/**
 * The backtester on real Binance traffic (../shared/data/binance-hftbacktest):
 *  - conservation: cash, position and fees equal what the fills the strategy received imply,
 *    exactly, and cash + position·mark = realized + unrealized − fees (spot BTCUSDT, whose size
 *    decimals grow mid-stream, and USD-M);
 *  - determinism: the same input and seed give byte-identical ledgers;
 *  - more order latency never fills an order earlier (property test over random latency pairs);
 *  - risk-averse queue ≤ probabilistic queue, order by order, on the same order flow.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { BookView } from '../../src/core/book-view.ts';
import { POW10 } from '../../src/core/decimal.ts';
import { ASK, BID, type MarketEvent } from '../../src/core/events.ts';
import type { Frame } from '../../src/core/frame.ts';
import { replayEvents } from '../../src/replay/open.ts';
import { markOf, type BacktestConfig } from '../../src/sim/engine.ts';
import { Backtest } from '../../src/sim/engine.ts';
import { parseFeeSpec } from '../../src/sim/fees.ts';
import { Fixed } from '../../src/sim/fixed.ts';
import { ConstantLatency, parseLatencySpec, type LatencyModel } from '../../src/sim/latency.ts';
import { parseQueueSpec } from '../../src/sim/queue.ts';
import { Rng } from '../../src/sim/rng.ts';
import { backtestEvents, finishBacktest } from '../../src/sim/run.ts';
import type { Clock, ExecutionClient, OrderUpdate, Strategy, StrategyContext } from '../../src/strategy/api.ts';
import { Params } from '../../src/strategy/params.ts';
import { ProbeStrategy } from '../../src/strategy/probe.ts';
import { MakerStrategy } from '../../src/strategy/maker.ts';
import { dataPaths } from '../helpers/data.ts';

const cache = new Map<string, MarketEvent[]>();
async function load(t: TestContext, rels: string[]): Promise<MarketEvent[] | undefined> {
  const paths = dataPaths(t, rels.map((r) => `binance-hftbacktest/${r}`));
  if (!paths) return undefined;
  const key = paths.join('|');
  let evs = cache.get(key);
  if (!evs) {
    evs = [];
    for await (const ev of replayEvents(paths)) evs.push(ev);
    cache.set(key, evs);
  }
  return evs;
}

/**
 * Random order flow from a seeded generator: limit orders around the touch (gtc / post-only /
 * ioc), market orders, cancels and modifies, every `everyMs` of local time.
 */
class ChaosStrategy implements Strategy {
  readonly name = 'chaos';
  readonly fills: Extract<OrderUpdate, { kind: 'fill' }>[] = [];
  private exec!: ExecutionClient;
  private clock!: Clock;
  private readonly rng: Rng;
  private top: { venue: string; symbol: string; bid: number; ask: number; pd: number; sd: number } | undefined;
  private readonly ids: number[] = [];

  constructor(
    seed: number,
    private readonly everyMs = 100,
  ) {
    this.rng = new Rng(seed);
  }
  init(ctx: StrategyContext): void {
    this.exec = ctx.exec;
    this.clock = ctx.clock;
    ctx.clock.setTimer(ctx.clock.now() + 2e9, 0);
  }
  onMarket(ev: MarketEvent, book: BookView | undefined): void {
    if (ev.type !== 'book_change' || !book || book.bidCount() === 0 || book.askCount() === 0) return;
    this.top = { venue: ev.venue, symbol: ev.symbol, bid: book.bidPrice(0), ask: book.askPrice(0), pd: book.priceDecimals, sd: book.sizeDecimals };
  }
  onOrder(u: OrderUpdate): void {
    if (u.kind === 'fill') this.fills.push(u);
  }
  onTimer(): void {
    this.clock.setTimer(this.clock.now() + this.everyMs * 1e6, 0);
    const t = this.top;
    if (!t) return;
    const r = this.rng.next();
    const side = this.rng.next() < 0.5 ? BID : ASK;
    const size = this.rng.int(1, 40) * POW10[Math.max(0, t.sd - 3)];
    if (r < 0.45) {
      const k = this.rng.int(-2, 3); // ticks behind the touch (negative: through it)
      const price = side === BID ? t.bid - k : t.ask + k;
      const tif = (['gtc', 'post_only', 'ioc'] as const)[this.rng.int(0, 2)];
      this.ids.push(this.exec.submit({ venue: t.venue, symbol: t.symbol, side, type: 'limit', tif, price, priceDecimals: t.pd, size, sizeDecimals: t.sd }));
    } else if (r < 0.55) {
      this.ids.push(this.exec.submit({ venue: t.venue, symbol: t.symbol, side, type: 'market', tif: 'ioc', price: 0, priceDecimals: t.pd, size, sizeDecimals: t.sd }));
    } else if (r < 0.85) {
      const open = this.exec.openOrders(t.venue, t.symbol);
      if (open.length > 0) this.exec.cancel(open[this.rng.int(0, open.length - 1)].id);
    } else {
      const open = this.exec.openOrders(t.venue, t.symbol).filter((o) => o.status === 'open');
      if (open.length > 0) {
        const o = open[this.rng.int(0, open.length - 1)];
        const dp = this.rng.int(-1, 1) * POW10[Math.max(0, o.req.priceDecimals - t.pd)];
        this.exec.modify(o.id, o.price + dp, o.size + this.rng.int(-1, 2) * POW10[Math.max(0, o.req.sizeDecimals - 3)] || o.size);
      }
    }
  }
}

const FEES = 'maker=-0.5bp,taker=4.5bp';

function config(latency: LatencyModel, queue = 'risk-averse'): BacktestConfig {
  return { latency, queue: parseQueueSpec(queue), fees: parseFeeSpec(FEES) };
}

/** Checks the ledger against the fills the strategy received, in exact arithmetic. */
function checkConservation(bt: Backtest, fills: Extract<OrderUpdate, { kind: 'fill' }>[], venue: string, symbol: string): void {
  const inst = bt.instruments.find((i) => i.venue === venue && i.symbol === symbol)!;
  const l = inst.ledger;
  const rates = parseFeeSpec(FEES).rates(venue);
  let cash = Fixed.ZERO;
  let pos = Fixed.ZERO;
  let fees = Fixed.ZERO;
  for (const f of fills) {
    const o = bt.orders.find((x) => x.id === f.orderId)!;
    const p = Fixed.of(f.price, f.priceDecimals);
    const q = Fixed.of(f.size, f.sizeDecimals);
    const fee = p.mul(q).mul(f.liquidity === 'maker' ? rates.maker : rates.taker);
    assert.ok(Math.abs(fee.toNumber() - f.fee) <= 1e-12 * Math.max(1, Math.abs(f.fee)), 'fee reported to the strategy');
    fees = fees.add(fee);
    const signed = o.req.side === BID ? q : q.neg();
    pos = pos.add(signed);
    cash = cash.sub(p.mul(signed)).sub(fee);
  }
  assert.equal(l.fills, fills.length, 'every fill reached the strategy');
  assert.ok(l.position.eq(pos), `position ${l.position} vs fills ${pos}`);
  assert.ok(l.cash.value.eq(cash), `cash ${l.cash.value} vs fills ${cash}`);
  assert.ok(l.fees.value.eq(fees), `fees ${l.fees.value} vs fills ${fees}`);
  const mark = markOf(inst)!;
  const lhs = l.cash.value.add(l.position.mul(mark));
  const rhs = l.realized.value.add(l.unrealized(mark)).sub(l.fees.value).add(l.funding.value);
  assert.ok(lhs.eq(rhs), `cash + position·mark ${lhs} = realized + unrealized − fees ${rhs}`);
  // the strategy's own view of its position agrees
  const lp = inst.localPos;
  assert.ok(Fixed.of(lp, inst.localSd).eq(l.position), `local position ${lp}e-${inst.localSd} vs ledger ${l.position}`);
  // per order: fills add up and never exceed the size
  for (const o of bt.orders) {
    const sum = fills.filter((f) => f.orderId === o.id).reduce((s, f) => s + f.size, 0);
    assert.equal(sum, o.filled, `order ${o.id}: fills add up`);
    assert.ok(o.filled <= o.size || o.req.type === 'market' || o.filled <= o.req.size, `order ${o.id}: filled ${o.filled} of ${o.size}`);
  }
}

test('conservation on spot BTCUSDT (size decimals grow mid-stream): ledger = fills received, exactly', async (t) => {
  const evs = await load(t, ['spot/btcusdt_20240808.gz', 'spot/btcusdt_20240809.gz']);
  if (!evs) return;
  const s = new ChaosStrategy(11);
  const bt = new Backtest(s, config(parseLatencySpec('lognormal:median=4ms,sigma=0.6,seed=2')));
  for (const ev of evs) bt.onEvent(ev);
  const r = finishBacktest(bt);
  assert.ok(s.fills.length > 300, `${s.fills.length} fills`);
  assert.ok(r.summary.fills.maker > 20 && r.summary.fills.taker > 20, JSON.stringify(r.summary.fills));
  assert.ok(r.summary.orders.partiallyFilled > 0, 'partial fills happen');
  assert.ok(bt.instruments[0].sd >= 6, 'the size scale grew during the run');
  checkConservation(bt, s.fills, 'binance-spot', 'BTCUSDT');
});

test('conservation on USD-M BTCUSDT with the probabilistic queue', async (t) => {
  const evs = await load(t, ['usdm/btcusdt_20240808.gz']);
  if (!evs) return;
  const s = new ChaosStrategy(5, 150);
  const bt = new Backtest(s, config(new ConstantLatency(3e6, 2e6), 'power:3'));
  for (const ev of evs) bt.onEvent(ev);
  finishBacktest(bt);
  assert.ok(s.fills.length > 300);
  checkConservation(bt, s.fills, 'binance-usdm', 'BTCUSDT');
});

function frameBytes(f: Frame): Buffer {
  const parts: Buffer[] = [Buffer.from(JSON.stringify([f.names, f.meta]))];
  for (const c of f.cols) parts.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  return Buffer.concat(parts);
}

test('determinism: the same input and seeds give byte-identical ledgers, orders and equity', async (t) => {
  const evs = await load(t, ['usdm/btcusdt_20240808.gz']);
  if (!evs) return;
  const once = () => backtestEvents(evs, new ChaosStrategy(3, 120), config(parseLatencySpec('lognormal:median=5ms,sigma=0.8,seed=9'), 'log'));
  const a = once();
  const b = once();
  assert.ok(a.fills.n > 100);
  assert.ok(frameBytes(a.fills).equals(frameBytes(b.fills)), 'fills');
  assert.ok(frameBytes(a.orders).equals(frameBytes(b.orders)), 'orders');
  assert.ok(frameBytes(a.equity).equals(frameBytes(b.equity)), 'equity');
  assert.equal(JSON.stringify(a.summary), JSON.stringify(b.summary));
  // a different latency seed gives a different run (the check above can fail)
  const c = backtestEvents(evs, new ChaosStrategy(3, 120), config(parseLatencySpec('lognormal:median=5ms,sigma=0.8,seed=10'), 'log'));
  assert.ok(!frameBytes(a.fills).equals(frameBytes(c.fills)));
});

/** Latency that is a pure function of the send time (so two runs can be compared message by message). */
class HashLatency implements LatencyModel {
  constructor(
    private readonly seed: number,
    private readonly maxNs: number,
    private readonly base?: LatencyModel,
  ) {}
  private h(t: number, salt: number): number {
    let x = (Math.floor(t / 4096) ^ (Math.floor(t / 4294967296) * 2654435761) ^ (this.seed * 40503) ^ salt) >>> 0;
    x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
    x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
    return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
  }
  entry(t: number): number {
    return (this.base?.entry(t) ?? 0) + Math.round(this.h(t, 1) * this.maxNs);
  }
  response(t: number): number {
    return (this.base?.response(t) ?? 0) + Math.round(this.h(t, 2) * this.maxNs);
  }
  describe(): string {
    return `hash(${this.seed})`;
  }
}

/** Per order: the exchange times at which its cumulative fill reached 1, 2, ... units. */
function fillCurves(fills: FillLog): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const f of fills) {
    let c = out.get(f.orderId);
    if (!c) out.set(f.orderId, (c = []));
    for (let k = 0; k < f.size; k++) c.push(f.exchTs);
  }
  return out;
}
type FillLog = Extract<OrderUpdate, { kind: 'fill' }>[];

function probe(params: string): ProbeStrategy & { log: FillLog } {
  const p = ProbeStrategy.fromParams(Params.parse([params], 'probe')) as ProbeStrategy & { log: FillLog };
  p.log = [];
  const on = p.onOrder.bind(p);
  p.onOrder = (u) => {
    if (u.kind === 'fill') p.log.push(u);
    on(u);
  };
  return p;
}

/** For every order and every unit reached in both runs: the slower run reached it no earlier. */
function assertNoEarlierFill(fast: Map<number, number[]>, slow: Map<number, number[]>, what: string): { later: number; same: number } {
  let later = 0;
  let same = 0;
  for (const [id, s] of slow) {
    const f = fast.get(id) ?? [];
    for (let k = 0; k < s.length && k < f.length; k++) {
      assert.ok(s[k] >= f[k], `${what}: order ${id} unit ${k + 1} filled at ${s[k]} with more latency, ${f[k]} with less`);
      if (s[k] > f[k]) later++;
      else same++;
    }
  }
  return { later, same };
}

test('more latency never produces an earlier fill (risk-averse queue, 8 random latency pairs)', async (t) => {
  const evs = await load(t, ['usdm/btcusdt_20240808.gz']);
  if (!evs) return;
  const rng = new Rng(2024);
  let later = 0;
  let compared = 0;
  for (let trial = 0; trial < 8; trial++) {
    const a = new HashLatency(rng.int(1, 1e6), rng.int(0, 20) * 1e6);
    const b = new HashLatency(rng.int(1, 1e6), rng.int(1, 40) * 1e6, a);
    const run = (lat: LatencyModel) => {
      const s = probe('every=2s,ttl=7s,offset=0,notional=2000,delay=3s');
      const bt = new Backtest(s, config(lat));
      for (const ev of evs) bt.onEvent(ev);
      finishBacktest(bt);
      return fillCurves(s.log);
    };
    const fa = run(a);
    const fb = run(b);
    const r = assertNoEarlierFill(fa, fb, `trial ${trial}`);
    later += r.later;
    compared += r.later + r.same;
  }
  assert.ok(compared > 200, `${compared} filled units compared`);
  assert.ok(later > 0, 'latency made some fills later (the comparison is not vacuous)');
});

test('queue models on real data: risk-averse fills ≤ probabilistic fills, order by order', async (t) => {
  const evs = await load(t, ['usdm/ethusdt_20240808.gz']);
  if (!evs) return;
  const filled = (queue: string) => {
    const s = probe('every=1s,ttl=10s,offset=0,notional=5000,delay=3s');
    const bt = new Backtest(s, config(new ConstantLatency(2e6, 2e6), queue));
    for (const ev of evs) bt.onEvent(ev);
    finishBacktest(bt);
    return bt.orders.map((o) => o.exFilled / o.lot);
  };
  const ra = filled('risk-averse');
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const count = (xs: number[]) => xs.filter((x) => x > 0).length;
  const results: Record<string, [number, number]> = { 'risk-averse': [count(ra), total(ra)] };
  for (const q of ['power:3', 'log', 'power2:2']) {
    const p = filled(q);
    assert.equal(p.length, ra.length, 'same order flow');
    for (let i = 0; i < ra.length; i++) assert.ok(ra[i] <= p[i], `${q}: order ${i + 1} filled ${ra[i]} under risk-averse, ${p[i]} under ${q}`);
    results[q] = [count(p), total(p)];
    assert.ok(total(p) > total(ra), `${q} fills more in total`);
  }
  assert.ok(count(ra) > 50, JSON.stringify(results));
  t.diagnostic(`orders filled (any) / units filled: ${JSON.stringify(results)}`);
});

test('the maker quoter on real data: only maker fills, inventory within its limit, ledger consistent', async (t) => {
  const evs = await load(t, ['usdm/btcusdt_20240808.gz']);
  if (!evs) return;
  const s = MakerStrategy.fromParams(Params.parse(['symbol=BTCUSDT,notional=1000,max_notional=3000'], 'maker'));
  const log: FillLog = [];
  const on = s.onOrder.bind(s);
  s.onOrder = (u) => {
    if (u.kind === 'fill') log.push(u);
    on(u);
  };
  const bt = new Backtest(s, config(new ConstantLatency(5e6, 5e6)));
  for (const ev of evs) bt.onEvent(ev);
  const r = finishBacktest(bt);
  assert.ok(log.length > 50, `${log.length} fills`);
  assert.equal(r.summary.fills.taker, 0, 'post-only quotes never take');
  // inventory: |position| stays within max_notional / price + one order (a fill can land while a quote is in flight)
  const maxBase = 3000 / 55000 + 1000 / 55000;
  for (const f of r.fills.col('position_after')) assert.ok(Math.abs(f) <= maxBase + 1e-9, `position ${f}`);
  checkConservation(bt, log, 'binance-usdm', 'BTCUSDT');
  assert.equal(r.summary.orders.submitted, r.summary.strategyStats.quotesSent);
});
