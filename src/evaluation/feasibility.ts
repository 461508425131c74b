import type { Frame } from '../core/frame.ts';
import { formatDuration, parseDuration } from '../labels/duration.ts';
import { walkBook, type Depth, type Role } from './costs.ts';

/**
 * The feasibility calculator: what a round trip costs on this market before any model is
 * trained, and what edge a strategy would need. Per leg, against the mid:
 *
 *   taker leg: fee + half spread + slippage (walking the book for the order size)
 *   maker leg: fee − half spread + adverse selection (the mid's average move against a maker
 *              order in the markout after its fill, from the fwd_mk*_adv labels)
 *
 * net = expected gross edge (mid to mid) − Σ legs. For each horizon, the mean |mid move| is what
 * a perfect-direction oracle captures gross; a predictor right with probability p captures
 * (2p − 1) × mean|move| on average, so it breaks even at p* = 1/2 + cost / (2 × mean|move|)
 * (p* > 1: no direction model can pay the costs at that horizon).
 */
export interface FeasibilityInput {
  fees: { makerBps: number; takerBps: number; source?: string };
  /** Typical full spread, bps of mid (median). */
  spreadBps: number;
  /** Slippage beyond the touch per taker leg for the order size, bps (default 0). */
  slippageBps?: number;
  /** Adverse selection per maker fill, bps (a cost; default 0 = unknown). */
  adverseBps?: number;
  /** Share of resting orders at the touch that filled within the maker horizon (informational). */
  makerFillRate?: number;
  /** Mean |mid move| per horizon (e.g. from fwd_ret_<h>). */
  moves?: { horizon: string; meanAbsBps: number; medianAbsBps: number; n: number }[];
  /** A model's expected gross edge per trade, bps (optional). */
  edgeBps?: number;
}

export interface FeasibilityScenario {
  scenario: string;
  entry: Role;
  exit: Role;
  feesBps: number;
  spreadBps: number;
  adverseBps: number;
  slippageBps: number;
  /** Round-trip cost against the mid (sum of the above): the gross edge needed to break even. */
  costBps: number;
  /** edgeBps − costBps when an edge was given. */
  netEdgeBps?: number;
  horizons: { horizon: string; meanAbsBps: number; oracleNetBps: number; breakevenHitRate: number }[];
}

export interface Feasibility {
  input: FeasibilityInput;
  scenarios: FeasibilityScenario[];
  notes: string[];
}

export function computeFeasibility(input: FeasibilityInput): Feasibility {
  const legs: [Role, Role][] = [
    ['taker', 'taker'],
    ['maker', 'taker'],
    ['maker', 'maker'],
  ];
  const half = input.spreadBps / 2;
  const slip = input.slippageBps ?? 0;
  const adv = input.adverseBps ?? 0;
  const scenarios = legs.map(([entry, exit]) => {
    let feesBps = 0;
    let spreadBps = 0;
    let adverseBps = 0;
    let slippageBps = 0;
    for (const role of [entry, exit]) {
      if (role === 'taker') {
        feesBps += input.fees.takerBps;
        spreadBps += half;
        slippageBps += slip;
      } else {
        feesBps += input.fees.makerBps;
        spreadBps -= half;
        adverseBps += adv;
      }
    }
    const costBps = feesBps + spreadBps + adverseBps + slippageBps;
    const horizons = (input.moves ?? []).map((m) => ({
      horizon: m.horizon,
      meanAbsBps: m.meanAbsBps,
      oracleNetBps: m.meanAbsBps - costBps,
      breakevenHitRate: m.meanAbsBps > 0 ? 0.5 + costBps / (2 * m.meanAbsBps) : NaN,
    }));
    const s: FeasibilityScenario = { scenario: `${entry}/${exit}`, entry, exit, feesBps, spreadBps, adverseBps, slippageBps, costBps, horizons };
    if (input.edgeBps !== undefined) s.netEdgeBps = input.edgeBps - costBps;
    return s;
  });
  const notes: string[] = [];
  if (input.adverseBps === undefined) notes.push('adverse selection unknown (0 assumed): maker scenarios are optimistic; give raw files so maker-outcome labels can measure it');
  notes.push('maker legs assume the order fills; fill rate and adverse selection come from the maker-outcome labels');
  return { input, scenarios, notes };
}

function median(a: number[]): number {
  if (a.length === 0) return NaN;
  const s = [...a].sort((x, y) => x - y);
  const k = s.length;
  return k % 2 ? s[(k - 1) >> 1] : (s[k / 2 - 1] + s[k / 2]) / 2;
}

/**
 * Feasibility inputs measured on a labelled frame: median spread over usable rows, mean and median
 * |fwd_ret_<h>| per time horizon, adverse selection and fill rate from the maker-outcome labels
 * (when present), and taker slippage for `size` from depth (when given).
 */
export function measureFeasibility(frame: Frame, opts: { fees: FeasibilityInput['fees']; size?: number; depth?: Depth; edgeBps?: number }): FeasibilityInput {
  const n = frame.n;
  const bid = frame.col('bid');
  const ask = frame.col('ask');
  const mid = frame.col('mid');
  const valid = frame.has('valid') ? frame.col('valid') : undefined;
  // Spread and moves do not depend on features, so rows still warming up count too.
  const use = (i: number) => (valid === undefined || valid[i] === 1) && mid[i] > 0;
  const spreads: number[] = [];
  for (let i = 0; i < n; i++) if (use(i)) spreads.push(((ask[i] - bid[i]) / mid[i]) * 1e4);
  const moves: NonNullable<FeasibilityInput['moves']> = [];
  const retCols = frame.names
    .map((name) => ({ name, m: /^fwd_ret_(\d+(?:ns|us|ms|s))$/.exec(name) }))
    .filter((x) => x.m)
    .map((x) => ({ name: x.name, ns: parseDuration(x.m![1]) }))
    .sort((a, b) => a.ns - b.ns);
  for (const { name, ns } of retCols) {
    const c = frame.col(name);
    const abs: number[] = [];
    for (let i = 0; i < n; i++) if (use(i) && Number.isFinite(c[i])) abs.push(Math.abs(c[i]));
    if (abs.length === 0) continue;
    moves.push({ horizon: formatDuration(ns), meanAbsBps: abs.reduce((a, b) => a + b, 0) / abs.length, medianAbsBps: median(abs), n: abs.length });
  }
  const out: FeasibilityInput = { fees: opts.fees, spreadBps: median(spreads), moves };
  const advCols = frame.names.filter((x) => /^fwd_mk[ab]_adv_/.test(x));
  if (advCols.length) {
    let s = 0;
    let k = 0;
    for (const name of advCols) for (const v of frame.col(name)) if (Number.isFinite(v)) (s += v), k++;
    if (k) out.adverseBps = -s / k;
  }
  const fillCols = frame.names.filter((x) => /^fwd_mk[ab]_fill_/.test(x));
  if (fillCols.length) {
    let s = 0;
    let k = 0;
    for (const name of fillCols) for (const v of frame.col(name)) if (Number.isFinite(v)) (s += v), k++;
    if (k) out.makerFillRate = s / k;
  }
  if (opts.size && opts.size > 0 && opts.depth) {
    const sl: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!use(i)) continue;
      const b = walkBook(opts.depth, i, true, opts.size);
      const s = walkBook(opts.depth, i, false, opts.size);
      if (b > 0) sl.push(((b - ask[i]) / mid[i]) * 1e4);
      if (s > 0) sl.push(((bid[i] - s) / mid[i]) * 1e4);
    }
    out.slippageBps = sl.length ? sl.reduce((a, b) => a + b, 0) / sl.length : NaN;
  }
  if (opts.edgeBps !== undefined) out.edgeBps = opts.edgeBps;
  return out;
}

