import { UsageError } from '../core/errors.ts';
import type { Frame } from '../core/frame.ts';
import { asOfRow, badPrefix } from '../labels/time-index.ts';
import { depthFromFrame, walkBook, type Costs, type Depth } from './costs.ts';

/**
 * Cost-aware trade simulation from a signal. At each row whose |signal| > threshold, a position of
 * side sign(signal) opens at the row's quote and closes at the quote prevailing `horizon` later
 * (hold to horizon). Taker legs pay the spread (buy at the ask, sell at the bid) and walk the book
 * for `size`; maker legs trade at their own touch (assumed filled); fees are charged on each leg's
 * notional. Returns are in bps of the entry notional:
 *
 *   long:  net = (exit × (1 − f_exit) − entry × (1 + f_entry)) / entry × 1e4
 *   short: net = (entry × (1 − f_entry) − exit × (1 + f_exit)) / entry × 1e4
 *
 * Non-overlapping (the honest default): one position at a time; signals while a position is open
 * are ignored (`blocked`). Overlapping (`overlapping: true`, shown beside it to expose the trap):
 * every signal opens its own position, so one price move is counted by every overlapping trade —
 * trades/day and totals are inflated and no single account could have earned them.
 */
export interface SimOptions {
  /** Hold time, ns. */
  horizon: number;
  /** Enter when |signal| > threshold (default 0). */
  threshold?: number;
  overlapping?: boolean;
  /** Only these rows may open trades (e.g. a fold's test rows); exits may use any later row. */
  rows?: ArrayLike<number>;
  /** Depth for walking the book (default: the frame's depth columns, if any). */
  depth?: Depth;
  /** Keep each trade in the result (default true). */
  keepTrades?: boolean;
}

export interface SimTrade {
  entry: number;
  exit: number;
  side: 1 | -1;
  entryTs: number;
  /** Entry time + horizon (the position is held over [entryTs, exitTs)). */
  exitTs: number;
  entryPx: number;
  exitPx: number;
  /** Mid to mid, signed by side. */
  grossBps: number;
  /** At the traded prices before fees (spread and slippage paid). */
  touchBps: number;
  netBps: number;
  /** Slippage beyond the touch on taker legs, bps (a cost, >= 0). */
  slippageBps: number;
}

export interface SimResult {
  costs: string;
  overlapping: boolean;
  horizon: number;
  threshold: number;
  /** Rows whose signal passed the threshold. */
  signals: number;
  trades: number;
  /** Signals not taken because a position was open (non-overlapping only). */
  blocked: number;
  /** Signals whose horizon ran past the data, crossed an unusable row, or could not be filled at the visible depth. */
  skipped: { incomplete: number; invalid: number; unfillable: number };
  days: number;
  tradesPerDay: number;
  bpsPerTrade: number;
  medianBps: number;
  grossBpsPerTrade: number;
  winRate: number;
  totalBps: number;
  /** Mean / standard deviation of per-trade net bps. */
  sharpePerTrade: number;
  /** sharpePerTrade × sqrt(trades per year): comparable across horizons only as a rough guide. */
  sharpeAnnualized: number;
  /** Mean cost components per trade, bps: spread crossed, fees, slippage beyond the touch. */
  costBps: { spread: number; fees: number; slippage: number };
  /** Most positions open at one instant. */
  maxConcurrent: number;
  list?: SimTrade[];
}

const NS_PER_DAY = 86_400e9;

/** Price of a leg at row i: taker crosses (walks depth for size), maker rests at its own touch. NaN if unfillable. */
function legPrice(buy: boolean, role: 'taker' | 'maker', i: number, bid: Float64Array, ask: Float64Array, bidSz: Float64Array | undefined, askSz: Float64Array | undefined, size: number, depth: Depth | undefined): number {
  if (role === 'maker') return buy ? bid[i] : ask[i];
  const touch = buy ? ask[i] : bid[i];
  if (size <= 0) return touch;
  if (depth) return walkBook(depth, i, buy, size);
  const touchSize = buy ? askSz?.[i] : bidSz?.[i];
  if (touchSize !== undefined && size <= touchSize) return touch;
  throw new UsageError(
    `order size ${size} exceeds the ${buy ? 'ask' : 'bid'} touch size ${touchSize ?? '(unknown)'} at row ${i} and the data has no depth columns (bid_px_k/bid_sz_k/ask_px_k/ask_sz_k): add depth (lobkit label --depth K) or trade a smaller size`,
  );
}

export function simulateTrades(signal: ArrayLike<number>, frame: Frame, costs: Costs, opts: SimOptions): SimResult {
  const n = frame.n;
  if (signal.length !== n) throw new UsageError(`signal has ${signal.length} rows, frame ${n}`);
  const h = opts.horizon;
  if (!(h > 0)) throw new UsageError(`trade horizon must be > 0 ns, got ${h}`);
  const thr = opts.threshold ?? 0;
  const ts = frame.col('ts');
  const bid = frame.col('bid');
  const ask = frame.col('ask');
  const mid = frame.col('mid');
  const bidSz = frame.has('bid_size') ? frame.col('bid_size') : undefined;
  const askSz = frame.has('ask_size') ? frame.col('ask_size') : undefined;
  const depth = opts.depth ?? (costs.size > 0 ? depthFromFrame(frame) : undefined);
  const bad = badPrefix(frame);
  const fe = (costs.entry === 'maker' ? costs.makerBps : costs.takerBps) / 1e4;
  const fx = (costs.exit === 'maker' ? costs.makerBps : costs.takerBps) / 1e4;
  const size = costs.size;
  const last = n > 0 ? ts[n - 1] : 0;
  const keep = opts.keepTrades !== false;
  const rows = opts.rows;
  const m = rows ? rows.length : n;
  const list: SimTrade[] = [];
  const nets: number[] = [];
  let gross = 0;
  let spread = 0;
  let fees = 0;
  let slip = 0;
  let signals = 0;
  let blocked = 0;
  const skipped = { incomplete: 0, invalid: 0, unfillable: 0 };
  let busyUntil = -Infinity;
  const opens: number[] = [];
  let firstTs = Infinity;
  let lastTs = -Infinity;
  let prevTs = -Infinity;
  for (let r = 0; r < m; r++) {
    const i = rows ? rows[r] : r;
    const t = ts[i];
    if (t < prevTs) throw new UsageError('simulateTrades: entry rows must be in time order');
    prevTs = t;
    if (t < firstTs) firstTs = t;
    if (t > lastTs) lastTs = t;
    const s = signal[i];
    if (!(Math.abs(s) > thr)) continue;
    signals++;
    if (!opts.overlapping && t < busyUntil) {
      blocked++;
      continue;
    }
    if (t + h > last) {
      skipped.incomplete++;
      continue;
    }
    const j = asOfRow(ts, t + h);
    if (bad[j + 1] - bad[i] > 0) {
      skipped.invalid++;
      continue;
    }
    const long = s > 0;
    const entryPx = legPrice(long, costs.entry, i, bid, ask, bidSz, askSz, size, depth);
    const exitPx = legPrice(!long, costs.exit, j, bid, ask, bidSz, askSz, size, depth);
    if (!(entryPx > 0 && exitPx > 0)) {
      skipped.unfillable++;
      continue;
    }
    const side = long ? 1 : -1;
    const g = ((side * (mid[j] - mid[i])) / mid[i]) * 1e4;
    const touch = long ? ((exitPx - entryPx) / entryPx) * 1e4 : ((entryPx - exitPx) / entryPx) * 1e4;
    const net = long ? ((exitPx * (1 - fx) - entryPx * (1 + fe)) / entryPx) * 1e4 : ((entryPx * (1 - fe) - exitPx * (1 + fx)) / entryPx) * 1e4;
    let sl = 0;
    if (costs.entry === 'taker' && size > 0) sl += (Math.abs(entryPx - (long ? ask[i] : bid[i])) / entryPx) * 1e4;
    if (costs.exit === 'taker' && size > 0) sl += (Math.abs(exitPx - (long ? bid[j] : ask[j])) / entryPx) * 1e4;
    nets.push(net);
    gross += g;
    spread += g - touch - sl;
    fees += touch - net;
    slip += sl;
    opens.push(t);
    busyUntil = t + h;
    if (keep) list.push({ entry: i, exit: j, side, entryTs: t, exitTs: t + h, entryPx, exitPx, grossBps: g, touchBps: touch, netBps: net, slippageBps: sl });
  }
  const k = nets.length;
  let total = 0;
  let wins = 0;
  for (const v of nets) {
    total += v;
    if (v > 0) wins++;
  }
  const mean = k ? total / k : NaN;
  let ss = 0;
  for (const v of nets) ss += (v - mean) * (v - mean);
  const sd = k > 1 ? Math.sqrt(ss / (k - 1)) : NaN;
  const sorted = [...nets].sort((a, b) => a - b);
  const median = k ? (k % 2 ? sorted[(k - 1) >> 1] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2) : NaN;
  const days = lastTs > firstTs ? (lastTs - firstTs) / NS_PER_DAY : NaN;
  const perDay = days > 0 ? k / days : NaN;
  // Most positions open at once: each is open over [open, open + h).
  let maxConc = 0;
  for (let a = 0, b = 0; a < opens.length; a++) {
    while (opens[b] + h <= opens[a]) b++;
    if (a - b + 1 > maxConc) maxConc = a - b + 1;
  }
  const sharpe = sd > 0 ? mean / sd : NaN;
  return {
    costs: costs.name,
    overlapping: opts.overlapping === true,
    horizon: h,
    threshold: thr,
    signals,
    trades: k,
    blocked,
    skipped,
    days,
    tradesPerDay: perDay,
    bpsPerTrade: mean,
    medianBps: median,
    grossBpsPerTrade: k ? gross / k : NaN,
    winRate: k ? wins / k : NaN,
    totalBps: total,
    sharpePerTrade: sharpe,
    sharpeAnnualized: sharpe * Math.sqrt(perDay * 365),
    costBps: { spread: k ? spread / k : NaN, fees: k ? fees / k : NaN, slippage: k ? slip / k : NaN },
    maxConcurrent: maxConc,
    ...(keep ? { list } : {}),
  };
}

/** The non-overlapping simulation and the overlapping one on the same signal, side by side. */
export function simulateBoth(signal: ArrayLike<number>, frame: Frame, costs: Costs, opts: SimOptions): { honest: SimResult; overlapping: SimResult } {
  return { honest: simulateTrades(signal, frame, costs, { ...opts, overlapping: false }), overlapping: simulateTrades(signal, frame, costs, { ...opts, overlapping: true }) };
}

/**
 * Oracle-direction test: the model's own entries and exits (non-overlapping), each traded in the
 * direction the mid actually moved (long when it did not move). If perfect direction at these
 * entry points does not beat the costs, no direction model can: change the entries or the horizon.
 */
export function oracleDirection(signal: ArrayLike<number>, frame: Frame, costs: Costs, opts: SimOptions): SimResult {
  const model = simulateTrades(signal, frame, costs, { ...opts, overlapping: false, keepTrades: true });
  const mid = frame.col('mid');
  const oracle = new Float64Array(frame.n);
  for (const t of model.list ?? []) oracle[t.entry] = mid[t.exit] >= mid[t.entry] ? 1 : -1;
  const rows = Int32Array.from((model.list ?? []).map((t) => t.entry));
  const r = simulateTrades(oracle, frame, costs, { ...opts, threshold: 0, overlapping: false, rows });
  r.costs = `${costs.name} (oracle direction)`;
  return r;
}

export interface SweepRow {
  threshold: number;
  trades: number;
  tradesPerDay: number;
  bpsPerTrade: number;
  totalBps: number;
  winRate: number;
}

/** Threshold sweep: non-overlapping simulation at each threshold → trades/day, bps/trade, total. */
export function thresholdSweep(signal: ArrayLike<number>, frame: Frame, costs: Costs, opts: SimOptions & { thresholds?: number[] }): SweepRow[] {
  const thresholds = opts.thresholds ?? defaultThresholds(signal, opts.rows);
  return thresholds.map((threshold) => {
    const r = simulateTrades(signal, frame, costs, { ...opts, threshold, overlapping: false, keepTrades: false });
    return { threshold, trades: r.trades, tradesPerDay: r.tradesPerDay, bpsPerTrade: r.bpsPerTrade, totalBps: r.totalBps, winRate: r.winRate };
  });
}

/** 0 and the 50/75/90/95/99th percentiles of |signal| (over `rows` when given). */
export function defaultThresholds(signal: ArrayLike<number>, rows?: ArrayLike<number>): number[] {
  const a: number[] = [];
  const m = rows ? rows.length : signal.length;
  for (let r = 0; r < m; r++) {
    const v = Math.abs(signal[rows ? rows[r] : r]);
    if (Number.isFinite(v)) a.push(v);
  }
  a.sort((x, y) => x - y);
  const q = (p: number) => (a.length ? a[Math.min(a.length - 1, Math.floor(p * a.length))] : 0);
  return [...new Set([0, q(0.5), q(0.75), q(0.9), q(0.95), q(0.99)])].sort((x, y) => x - y);
}
