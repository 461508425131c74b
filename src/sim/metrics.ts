import type { Side } from '../core/events.ts';
import { BID } from '../core/events.ts';

/**
 * Per-fill record (floats: for reports; the ledger holds the exact amounts). Markouts are the
 * mid-price move after the fill, signed for the fill's side (positive = in our favour), in bps of
 * the fill price; MFE / MAE are the best and worst such move within the excursion window.
 */
export interface FillRecord {
  orderId: number;
  instIdx: number;
  side: Side;
  price: number;
  qty: number;
  maker: boolean;
  fee: number;
  realized: number;
  /** Venue time of the fill; local time the strategy heard of it. */
  exchTs: number;
  localTs: number;
  /** Fill time − the order's send time (ns). */
  timeToFill: number;
  midAtFill: number;
  /** Mid at each horizon after the fill (NaN until known / when the data ends first). */
  markMid: Float64Array;
  mfeBps: number;
  maeBps: number;
  /** Horizons still open (count). */
  open: number;
  positionAfter: number;
}

export interface MetricsConfig {
  /** Markout horizons, ns (default 1 s, 10 s, 60 s). */
  horizons: number[];
  /** Excursion (MFE / MAE) window, ns (default: the longest horizon). */
  excursion: number;
  /** Time-to-fill bucket edges, ns (default 1 s, 5 s, 30 s, 120 s). */
  ttfEdges: number[];
}

export const DEFAULT_METRICS: MetricsConfig = { horizons: [1e9, 10e9, 60e9], excursion: 60e9, ttfEdges: [1e9, 5e9, 30e9, 120e9] };

/** Signed move of `mid` relative to a fill, in bps of the fill price (positive = favourable). */
export function moveBps(r: FillRecord, mid: number): number {
  return ((r.side === BID ? mid - r.price : r.price - mid) / r.price) * 1e4;
}

/**
 * Resolves horizons that ended before time `t` with `mid` (the mid held until `t`), and closes
 * records whose horizons and excursion window are all past. Returns the next time at which
 * something is due (a horizon or window end; Infinity when nothing is pending), so callers can
 * skip calls until then.
 *
 * `pending` is in fill-time order (the simulator's clock never goes back), so for each horizon the
 * records already resolved form a prefix, and so do the records due by `t`: only the range
 * between them is touched (a binary search each), and closed records are a prefix too.
 */
export function advanceFills(pending: FillRecord[], t: number, mid: number, cfg: MetricsConfig): number {
  const hs = cfg.horizons;
  const n = pending.length;
  let next = Infinity;
  let allResolved = n; // records resolved at every horizon: a prefix
  for (let k = 0; k < hs.length; k++) {
    const h = hs[k];
    // first unresolved record at this horizon
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      const mm = pending[m].markMid[k];
      if (mm === mm) lo = m + 1;
      else hi = m;
    }
    let i = lo;
    for (; i < n; i++) {
      const r = pending[i];
      if (!(r.exchTs + h < t)) {
        if (r.exchTs + h < next) next = r.exchTs + h;
        break;
      }
      r.markMid[k] = mid;
      r.open--;
    }
    if (i < allResolved) allResolved = i;
  }
  // closed: every horizon resolved and the excursion window over
  const exc = cfg.excursion;
  let c = 0;
  while (c < allResolved && pending[c].exchTs + exc < t) c++;
  if (c > 0) pending.splice(0, c);
  // the oldest open record's window end is the earliest of the open windows
  if (pending.length > 0 && pending[0].exchTs + exc < next) next = pending[0].exchTs + exc;
  return next;
}

/** Updates excursions of open records with a new mid at time `t` (`pending` in fill-time order). */
export function observeMid(pending: FillRecord[], t: number, mid: number, cfg: MetricsConfig): void {
  for (let i = pending.length - 1; i >= 0; i--) {
    const r = pending[i];
    if (t > r.exchTs + cfg.excursion) return; // this record's window is over, and so are the older ones'
    const m = moveBps(r, mid);
    if (m > r.mfeBps) r.mfeBps = m;
    if (m < r.maeBps) r.maeBps = m;
  }
}

export interface BucketStats {
  /** Bucket label, e.g. "<1s", "1s-5s", ">=120s". */
  bucket: string;
  fills: number;
  qty: number;
  notional: number;
  fees: number;
  /** Σ markout P&L at each horizon (quote currency, fees deducted); null when no fill in the bucket reached the horizon. */
  pnl: (number | null)[];
  /** Mean markout in bps at each horizon (fees not deducted). */
  markoutBps: (number | null)[];
  /** Fills whose mid moved against them at the first horizon (adverse selection). */
  adverseShare: number | null;
}

export function bucketLabel(edges: number[], i: number): string {
  const f = (ns: number) => (ns % 1e9 === 0 ? `${ns / 1e9}s` : `${ns / 1e6}ms`);
  if (i === 0) return `<${f(edges[0])}`;
  if (i === edges.length) return `>=${f(edges[edges.length - 1])}`;
  return `${f(edges[i - 1])}-${f(edges[i])}`;
}

/** P&L by time-to-fill bucket: markout P&L per horizon, net of fees. */
export function byTimeToFill(fills: FillRecord[], cfg: MetricsConfig): BucketStats[] {
  const edges = cfg.ttfEdges;
  const H = cfg.horizons.length;
  const out: BucketStats[] = [];
  for (let b = 0; b <= edges.length; b++) {
    const lo = b === 0 ? -Infinity : edges[b - 1];
    const hi = b === edges.length ? Infinity : edges[b];
    const sel = fills.filter((f) => f.timeToFill >= lo && f.timeToFill < hi);
    const pnl: (number | null)[] = [];
    const bps: (number | null)[] = [];
    for (let k = 0; k < H; k++) {
      let s = 0;
      let sb = 0;
      let n = 0;
      for (const f of sel) {
        const m = f.markMid[k];
        if (m !== m) continue;
        s += (f.side === BID ? m - f.price : f.price - m) * f.qty - f.fee;
        sb += moveBps(f, m);
        n++;
      }
      pnl.push(n > 0 ? s : null);
      bps.push(n > 0 ? sb / n : null);
    }
    let adverse = 0;
    let known = 0;
    for (const f of sel) {
      const m = f.markMid[0];
      if (m !== m) continue;
      known++;
      if (moveBps(f, m) < 0) adverse++;
    }
    let qty = 0;
    let notional = 0;
    let fees = 0;
    for (const f of sel) {
      qty += f.qty;
      notional += f.qty * f.price;
      fees += f.fee;
    }
    out.push({ bucket: bucketLabel(edges, b), fills: sel.length, qty, notional, fees, pnl, markoutBps: bps, adverseShare: known > 0 ? adverse / known : null });
  }
  return out;
}

export interface EquityStats {
  samples: number;
  final: number;
  peak: number;
  maxDrawdown: number;
  /** mean / sd of equity changes per interval, × √(intervals per year): a Sharpe-like ratio of P&L (no capital base). */
  sharpeLike: number | null;
  intervalNs: number;
}

export function equityStats(equity: Float64Array, n: number, intervalNs: number): EquityStats {
  let peak = -Infinity;
  let maxDd = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i];
    if (e > peak) peak = e;
    if (peak - e > maxDd) maxDd = peak - e;
  }
  let sharpe: number | null = null;
  if (n > 2) {
    let s = 0;
    for (let i = 1; i < n; i++) s += equity[i] - equity[i - 1];
    const mean = s / (n - 1);
    let v = 0;
    for (let i = 1; i < n; i++) v += (equity[i] - equity[i - 1] - mean) ** 2;
    const sd = Math.sqrt(v / (n - 2));
    if (sd > 0) sharpe = (mean / sd) * Math.sqrt((365 * 86400e9) / intervalNs);
  }
  return { samples: n, final: n > 0 ? equity[n - 1] : 0, peak: n > 0 ? peak : 0, maxDrawdown: maxDd, sharpeLike: sharpe, intervalNs };
}
