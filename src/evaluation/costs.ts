import { UsageError } from '../core/errors.ts';
import type { Frame } from '../core/frame.ts';
import { feesFor } from '../labels/fees.ts';

export type Role = 'taker' | 'maker';

/**
 * What a round trip costs. Taker legs cross the spread (buy at the ask, sell at the bid) and walk
 * the book for `size`; maker legs trade at their own touch (buy at the bid, sell at the ask) and
 * ASSUME the fill — an upper bound: the maker-outcome labels (fwd_mkb_*, fwd_mka_*) measure how
 * often and how adversely such orders really fill.
 */
export interface Costs {
  name: string;
  makerBps: number;
  takerBps: number;
  entry: Role;
  exit: Role;
  /** Order size in base units; 0 = the smallest order: touch price, no slippage. */
  size: number;
}

/** The three scenarios evaluated side by side: taker both legs, maker in / taker out, maker both legs. */
export function feeScenarios(fees: { makerBps: number; takerBps: number }, size = 0): Costs[] {
  const legs: [Role, Role][] = [
    ['taker', 'taker'],
    ['maker', 'taker'],
    ['maker', 'maker'],
  ];
  return legs.map(([entry, exit]) => ({ name: `${entry}/${exit}`, makerBps: fees.makerBps, takerBps: fees.takerBps, entry, exit, size }));
}

/** Fees from a venue's schedule, overridden by explicit bps where given. */
export function resolveFees(venue: string | undefined, makerBps?: number, takerBps?: number): { makerBps: number; takerBps: number; source: string } {
  if (makerBps !== undefined && takerBps !== undefined) return { makerBps, takerBps, source: 'explicit' };
  if (venue === undefined) throw new UsageError('fees: give a venue (--fees <venue>) or both --maker-bps and --taker-bps');
  const f = feesFor(venue);
  return { makerBps: makerBps ?? f.makerBps, takerBps: takerBps ?? f.takerBps, source: makerBps !== undefined || takerBps !== undefined ? `${f.venue} (overridden)` : f.venue };
}

/**
 * Book depth per row, level 1 = best: from frame columns bid_px_k, bid_sz_k, ask_px_k, ask_sz_k
 * (k = 1..K, what `lobkit label --depth K` and book frames write), or from arrays given by the
 * caller (row-major n × K). Missing levels are NaN.
 */
export interface Depth {
  levels: number;
  bidPx: Float64Array;
  bidSz: Float64Array;
  askPx: Float64Array;
  askSz: Float64Array;
}

/** Depth from a frame's columns, or undefined when it has none. */
export function depthFromFrame(frame: Frame): Depth | undefined {
  let K = 0;
  while (frame.has(`bid_px_${K + 1}`) && frame.has(`bid_sz_${K + 1}`) && frame.has(`ask_px_${K + 1}`) && frame.has(`ask_sz_${K + 1}`)) K++;
  if (K === 0) return undefined;
  const n = frame.n;
  const d: Depth = { levels: K, bidPx: new Float64Array(n * K), bidSz: new Float64Array(n * K), askPx: new Float64Array(n * K), askSz: new Float64Array(n * K) };
  for (let k = 0; k < K; k++) {
    const bp = frame.col(`bid_px_${k + 1}`);
    const bs = frame.col(`bid_sz_${k + 1}`);
    const ap = frame.col(`ask_px_${k + 1}`);
    const as = frame.col(`ask_sz_${k + 1}`);
    for (let i = 0; i < n; i++) {
      d.bidPx[i * K + k] = bp[i];
      d.bidSz[i * K + k] = bs[i];
      d.askPx[i * K + k] = ap[i];
      d.askSz[i * K + k] = as[i];
    }
  }
  return d;
}

/**
 * Average price of a market order of `size` at row i walking the given side (buy: asks, sell:
 * bids) level by level; NaN when the visible depth cannot fill it.
 */
export function walkBook(d: Depth, i: number, buy: boolean, size: number): number {
  const K = d.levels;
  const px = buy ? d.askPx : d.bidPx;
  const sz = buy ? d.askSz : d.bidSz;
  let left = size;
  let cost = 0;
  for (let k = 0; k < K && left > 0; k++) {
    const p = px[i * K + k];
    const s = sz[i * K + k];
    if (!(p > 0) || !(s > 0)) break;
    const take = s < left ? s : left;
    cost += take * p;
    left -= take;
  }
  return left > 1e-12 * size ? NaN : cost / size;
}
