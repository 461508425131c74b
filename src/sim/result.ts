import { POW10 } from '../core/decimal.ts';
import { BID } from '../core/events.ts';
import { Frame } from '../core/frame.ts';
import { Backtest, markOf, type FeedStats } from './engine.ts';
import { Fixed } from './fixed.ts';
import { fmtNs } from './latency.ts';
import { byTimeToFill, equityStats, type BucketStats, type EquityStats } from './metrics.ts';
import { EX_CANCELED, EX_EXPIRED, EX_FILLED, EX_IN_FLIGHT, EX_REJECTED, EX_RESTING } from './orders.ts';

/** Final state of one instrument's ledger; exact decimal strings plus display numbers. */
export interface InstrumentReport {
  venue: string;
  symbol: string;
  fills: number;
  makerFills: number;
  exact: { position: string; cash: string; fees: string; funding: string; realized: string; unrealized: string | null; equity: string | null; turnover: string; mark: string | null };
  position: number;
  cash: number;
  fees: number;
  funding: number;
  realized: number;
  unrealized: number | null;
  equity: number | null;
  turnover: number;
  fundingPayments: number;
}

export interface OrderCounts {
  submitted: number;
  filled: number;
  partiallyFilled: number;
  canceled: number;
  rejected: number;
  expired: number;
  resting: number;
  inFlight: number;
  rejectReasons: Record<string, number>;
}

export interface FillSummary {
  count: number;
  maker: number;
  taker: number;
  /** Median time from sending an order to each of its fills, ns. */
  medianTimeToFillNs: number | null;
  /** Mean markout (bps, positive = favourable) at each horizon. */
  markoutBps: (number | null)[];
  mfeBps: number | null;
  maeBps: number | null;
  /** Taker slippage: mean (average fill price − best opposite price on arrival) in bps, signed against us. */
  takerSlippageBps: number | null;
}

export interface BacktestSummary {
  strategy: string;
  config: { latency: string; feed: string; queue: string; fees: string; equityIntervalNs: number; horizonsNs: number[]; ttfEdgesNs: number[] };
  span: { firstTs: number; lastTs: number; seconds: number; marketEvents: number; orderLevelEvents: number };
  feed: FeedStats;
  instruments: InstrumentReport[];
  totals: { pnl: number; fees: number; funding: number; realized: number; unrealized: number; turnover: number };
  equity: EquityStats;
  orders: OrderCounts;
  fills: FillSummary;
  byTimeToFill: BucketStats[];
  strategyStats: Record<string, number>;
}

export interface BacktestResult {
  summary: BacktestSummary;
  /** One row per fill (the ledger). */
  fills: Frame;
  orders: Frame;
  equity: Frame;
}

const STATUS_NAMES = ['in_flight', 'resting', 'filled', 'canceled', 'rejected', 'expired'];

function num(f: Fixed | undefined): number | null {
  return f === undefined ? null : f.toNumber();
}

/** Collects a finished backtest's summary and tables. */
export function collectResult(bt: Backtest, latency: string, feed: string, queue: string, fees: string): BacktestResult {
  const m = bt.metrics;
  const ex = bt.exchange;
  const instruments: InstrumentReport[] = [];
  let pnl = 0;
  let tFees = 0;
  let tFund = 0;
  let tReal = 0;
  let tUnreal = 0;
  let tTurn = 0;
  for (const inst of bt.instruments) {
    const l = inst.ledger;
    if (l.fills === 0 && inst.fundingPayments === 0 && inst.localOpen.length === 0 && inst.ordersSubmitted === 0) continue;
    const mark = markOf(inst);
    const unreal = mark ? l.unrealized(mark) : undefined;
    const eq = mark ? l.equity(mark) : undefined;
    const r: InstrumentReport = {
      venue: inst.venue,
      symbol: inst.symbol,
      fills: l.fills,
      makerFills: l.makerFills,
      exact: {
        position: l.position.toString(),
        cash: l.cash.value.toString(),
        fees: l.fees.value.toString(),
        funding: l.funding.value.toString(),
        realized: l.realized.value.toString(),
        unrealized: unreal?.toString() ?? null,
        equity: eq?.toString() ?? null,
        turnover: l.turnover.value.toString(),
        mark: mark?.toString() ?? null,
      },
      position: l.position.toNumber(),
      cash: l.cash.value.toNumber(),
      fees: l.fees.value.toNumber(),
      funding: l.funding.value.toNumber(),
      realized: l.realized.value.toNumber(),
      unrealized: num(unreal),
      equity: num(eq),
      turnover: l.turnover.value.toNumber(),
      fundingPayments: inst.fundingPayments,
    };
    instruments.push(r);
    pnl += r.equity ?? r.cash;
    tFees += r.fees;
    tFund += r.funding;
    tReal += r.realized;
    tUnreal += r.unrealized ?? 0;
    tTurn += r.turnover;
  }

  // equity frame
  const n = bt.eqTs.length;
  const cols = Backtest.EQUITY_COLUMNS;
  const eqCols = cols.map(() => new Float64Array(n));
  const dd = new Float64Array(n);
  let peak = -Infinity;
  for (let i = 0; i < n; i++) {
    const row = bt.eqRows[i];
    for (let j = 0; j < cols.length; j++) eqCols[j][i] = row[j];
    if (row[0] > peak) peak = row[0];
    dd[i] = peak - row[0];
  }
  const instNames = JSON.stringify(bt.instruments.map((i) => i.key));
  const meta = { strategy: bt.strategy.name, instruments: instNames, latency, feed, queue, fees };
  const equity = new Frame(['ts', ...cols, 'drawdown'], [Float64Array.from(bt.eqTs), ...eqCols, dd], n, meta);
  const stats = equityStats(eqCols[0], n, bt.cfg.equityIntervalNs ?? 1e9);

  // fills frame
  const fl = ex.fills;
  const H = m.horizons;
  const hName = (h: number) => (h % 1e9 === 0 ? `${h / 1e9}s` : `${h / 1e6}ms`);
  const fNames = ['ts', 'local_ts', 'order_id', 'instrument', 'side', 'price', 'qty', 'maker', 'fee', 'realized', 'position_after', 'time_to_fill_ns', 'mid_at_fill', ...H.map((h) => `markout_bps_${hName(h)}`), 'mfe_bps', 'mae_bps'];
  const fCols = fNames.map(() => new Float64Array(fl.length));
  for (let i = 0; i < fl.length; i++) {
    const f = fl[i];
    const row = [f.exchTs, f.localTs, f.orderId, f.instIdx, f.side, f.price, f.qty, f.maker ? 1 : 0, f.fee, f.realized, f.positionAfter, f.timeToFill, f.midAtFill];
    for (let k = 0; k < H.length; k++) {
      const mm = f.markMid[k];
      row.push(mm === mm ? ((f.side === BID ? mm - f.price : f.price - mm) / f.price) * 1e4 : NaN);
    }
    row.push(f.mfeBps, f.maeBps);
    for (let j = 0; j < row.length; j++) fCols[j][i] = row[j];
  }
  const fills = new Frame(fNames, fCols, fl.length, { ...meta, side: '0 = buy, 1 = sell' });

  // orders frame
  const os = bt.orders;
  const oNames = ['id', 'instrument', 'side', 'market', 'tif', 'price', 'size', 'sent_ts', 'arrive_ts', 'done_ts', 'first_fill_ts', 'filled', 'fills', 'status', 'avg_price', 'taker_qty', 'arrive_bid', 'arrive_ask', 'slippage_bps'];
  const oCols = oNames.map(() => new Float64Array(os.length));
  const counts: OrderCounts = { submitted: os.length, filled: 0, partiallyFilled: 0, canceled: 0, rejected: 0, expired: 0, resting: 0, inFlight: 0, rejectReasons: {} };
  let slipSum = 0;
  let slipN = 0;
  for (let i = 0; i < os.length; i++) {
    const o = os[i];
    const inst = bt.instruments[o.instIdx];
    const P = POW10[inst.pd];
    const s = o.exStatus;
    if (s === EX_FILLED) counts.filled++;
    else if (s === EX_CANCELED) counts.canceled++;
    else if (s === EX_REJECTED) {
      counts.rejected++;
      counts.rejectReasons[o.reason] = (counts.rejectReasons[o.reason] ?? 0) + 1;
    } else if (s === EX_EXPIRED) counts.expired++;
    else if (s === EX_RESTING) counts.resting++;
    else if (s === EX_IN_FLIGHT) counts.inFlight++;
    if (s !== EX_FILLED && o.exFilled > 0) counts.partiallyFilled++;
    let slip = NaN;
    if (o.takerQty > 0) {
      const ref = (o.side === BID ? o.arriveAsk : o.arriveBid) / P;
      const avg = o.takerNotional / o.takerQty;
      slip = ((o.side === BID ? avg - ref : ref - avg) / ref) * 1e4;
      slipSum += slip;
      slipN++;
    }
    const tif = o.req.tif === 'gtc' ? 0 : o.req.tif === 'ioc' ? 1 : 2;
    const row = [
      o.id,
      o.instIdx,
      o.side,
      o.req.type === 'market' ? 1 : 0,
      tif,
      o.req.type === 'market' ? NaN : o.req.price / POW10[o.req.priceDecimals],
      o.req.size / POW10[o.req.sizeDecimals],
      o.sentTs,
      o.arriveTs,
      o.doneTs,
      o.firstFillTs,
      o.fillQty,
      o.fills,
      s,
      o.fillQty > 0 ? o.fillNotional / o.fillQty : NaN,
      o.takerQty,
      o.arriveBid / P,
      o.arriveAsk / P,
      slip,
    ];
    for (let j = 0; j < row.length; j++) oCols[j][i] = row[j];
  }
  const orders = new Frame(oNames, oCols, os.length, { ...meta, status: STATUS_NAMES.map((s, i) => `${i} = ${s}`).join(', '), tif: '0 = gtc, 1 = ioc, 2 = post_only' });

  // fill summary
  const ttf = fl.map((f) => f.timeToFill).sort((a, b) => a - b);
  const mean = (xs: number[]) => {
    const v = xs.filter((x) => x === x);
    return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  const markIdx = (k: number) => fNames.indexOf(`markout_bps_${hName(H[k])}`);
  const fillSummary: FillSummary = {
    count: fl.length,
    maker: fl.filter((f) => f.maker).length,
    taker: fl.filter((f) => !f.maker).length,
    medianTimeToFillNs: ttf.length > 0 ? ttf[ttf.length >> 1] : null,
    markoutBps: H.map((_, k) => mean(Array.from(fCols[markIdx(k)]))),
    mfeBps: mean(fl.map((f) => f.mfeBps)),
    maeBps: mean(fl.map((f) => f.maeBps)),
    takerSlippageBps: slipN > 0 ? slipSum / slipN : null,
  };

  const first = bt.firstTs;
  const last = bt.lastTs;
  const summary: BacktestSummary = {
    strategy: bt.strategy.name,
    config: { latency, feed, queue, fees, equityIntervalNs: bt.cfg.equityIntervalNs ?? 1e9, horizonsNs: H, ttfEdgesNs: m.ttfEdges },
    span: { firstTs: first, lastTs: last, seconds: (last - first) / 1e9, marketEvents: bt.marketEvents, orderLevelEvents: bt.orderLevelEvents },
    feed: bt.feedStats(),
    instruments,
    totals: { pnl, fees: tFees, funding: tFund, realized: tReal, unrealized: tUnreal, turnover: tTurn },
    equity: stats,
    orders: counts,
    fills: fillSummary,
    byTimeToFill: byTimeToFill(fl, m),
    strategyStats: bt.strategy.stats?.() ?? {},
  };
  return { summary, fills, orders, equity };
}

const f2 = (x: number | null, d = 2) => (x === null || x !== x ? '-' : x.toFixed(d));

/** A readable summary for the terminal. */
export function formatSummary(s: BacktestSummary): string {
  const lines: string[] = [];
  const iso = (t: number) => (t === t ? new Date(t / 1e6).toISOString() : '?');
  lines.push(`backtest: ${s.strategy}  ${iso(s.span.firstTs)} → ${iso(s.span.lastTs)} (${s.span.seconds.toFixed(1)} s, ${s.span.marketEvents} market events)`);
  lines.push(`  latency ${s.config.latency}; feed ${s.config.feed}; queue ${s.config.queue}; fees ${s.config.fees}`);
  lines.push(
    `  feed: clock offset ${fmtNs(s.feed.clockOffsetNs)}, latency p50 ${fmtNs(s.feed.latencyP50)} p99 ${fmtNs(s.feed.latencyP99)}, ${s.feed.exchInversions} out-of-order exchange times (max ${fmtNs(s.feed.maxExchInversionNs)})`,
  );
  const o = s.orders;
  lines.push(`orders: ${o.submitted} sent, ${o.filled} filled, ${o.partiallyFilled} partly filled, ${o.canceled} canceled, ${o.expired} expired, ${o.rejected} rejected, ${o.resting} resting at end`);
  for (const [r, k] of Object.entries(o.rejectReasons)) lines.push(`  rejected ${k}×: ${r}`);
  const f = s.fills;
  lines.push(
    `fills: ${f.count} (${f.maker} maker, ${f.taker} taker), median time to fill ${f.medianTimeToFillNs === null ? '-' : fmtNs(f.medianTimeToFillNs)}, markout bps ${s.config.horizonsNs.map((h, k) => `${fmtNs(h)} ${f2(f.markoutBps[k])}`).join(', ')}, MFE ${f2(f.mfeBps)} / MAE ${f2(f.maeBps)} bps${f.takerSlippageBps === null ? '' : `, taker slippage ${f2(f.takerSlippageBps)} bps`}`,
  );
  for (const i of s.instruments) {
    lines.push(`  ${i.venue} ${i.symbol}: position ${i.exact.position}, cash ${f2(i.cash, 4)}, fees ${f2(i.fees, 4)}, funding ${f2(i.funding, 4)}, realized ${f2(i.realized, 4)}, unrealized ${f2(i.unrealized, 4)}, equity ${f2(i.equity, 4)}, turnover ${f2(i.turnover, 2)}`);
  }
  const e = s.equity;
  lines.push(`P&L ${f2(s.totals.pnl, 4)} (fees ${f2(s.totals.fees, 4)}, funding ${f2(s.totals.funding, 4)}); max drawdown ${f2(e.maxDrawdown, 4)}; Sharpe-like ${f2(e.sharpeLike)} (annualized from ${fmtNs(e.intervalNs)} P&L steps); turnover ${f2(s.totals.turnover, 2)}`);
  lines.push('P&L by time to fill (markout at each horizon, net of fees):');
  lines.push(`  ${'bucket'.padEnd(10)} ${'fills'.padStart(6)} ${'adverse'.padStart(8)} ${s.config.horizonsNs.map((h) => `pnl@${fmtNs(h)}`.padStart(12) + `bps@${fmtNs(h)}`.padStart(10)).join('')}`);
  for (const b of s.byTimeToFill) {
    if (b.fills === 0) continue;
    lines.push(`  ${b.bucket.padEnd(10)} ${String(b.fills).padStart(6)} ${(b.adverseShare === null ? '-' : `${(b.adverseShare * 100).toFixed(0)}%`).padStart(8)} ${b.pnl.map((p, k) => f2(p, 4).padStart(12) + f2(b.markoutBps[k]).padStart(10)).join('')}`);
  }
  const st = Object.entries(s.strategyStats);
  if (st.length > 0) lines.push(`strategy: ${st.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return lines.join('\n') + '\n';
}
