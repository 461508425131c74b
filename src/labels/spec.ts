import { createHash } from 'node:crypto';
import { z } from 'zod';
import { UsageError } from '../core/errors.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { findFees } from './fees.ts';

/**
 * The declarative label spec (JSON or YAML). Durations are strings like "10s" or numbers of seconds;
 * after `normalizeLabelSpec` they are integer nanoseconds, which is what the spec hash covers.
 *
 *     horizons: [1s, 5s, 10s, 30s, 60s, 300s, 600s]   # fwd_ret_<h>: mid return in time
 *     eventHorizons: [10, 100]                        # fwd_ret_<n>ev: mid return n rows ahead
 *     direction: { threshold: { type: spread, k: 0.5 } }         # fwd_dir_<h>, fwd_dir_<n>ev in {-1,0,1}
 *     smoothed: { k: [10, 50], threshold: { type: bps, bps: 0.5 } }  # DeepLOB: fwd_sret_<k>ev, fwd_sdir_<k>ev
 *     vwap: { trades: [50] }                          # fwd_vwret_<N>t
 *     tripleBarrier: { horizon: 60s, tp: 1, sl: 1, barrier: { type: vol, k: 1, window: 600 } }
 *     excursion: { horizons: [10s, 60s] }             # fwd_mfe_<h>, fwd_mae_<h>
 *     maker: { horizon: 10s, markout: 1s, fees: binance-usdm, size: 0, queue: risk-averse, latency: 0 }
 */

const Duration = z.union([z.string(), z.number()]);

const ThresholdIn = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('bps'), bps: z.number().nonnegative() }),
  z.strictObject({ type: z.literal('spread'), k: z.number().nonnegative() }),
  z.strictObject({ type: z.literal('vol'), k: z.number().nonnegative(), window: z.number().int().min(10).default(600) }),
]);

const LabelSpecIn = z.strictObject({
  horizons: z.array(Duration).default(['1s', '5s', '10s', '30s', '60s', '300s', '600s']),
  eventHorizons: z.array(z.number().int().positive()).default([]),
  direction: z
    .strictObject({
      threshold: ThresholdIn.default({ type: 'spread', k: 0.5 }),
      horizons: z.array(Duration).optional(),
      eventHorizons: z.array(z.number().int().positive()).optional(),
    })
    .optional(),
  smoothed: z.strictObject({ k: z.array(z.number().int().positive()).min(1), threshold: ThresholdIn.default({ type: 'bps', bps: 0.5 }) }).optional(),
  vwap: z.strictObject({ trades: z.array(z.number().int().positive()).min(1) }).optional(),
  tripleBarrier: z
    .strictObject({
      horizon: Duration,
      tp: z.number().positive().default(1),
      sl: z.number().positive().default(1),
      barrier: ThresholdIn.default({ type: 'vol', k: 1, window: 600 }),
    })
    .optional(),
  excursion: z.strictObject({ horizons: z.array(Duration).min(1) }).optional(),
  maker: z
    .strictObject({
      horizon: Duration,
      markout: Duration.default('1s'),
      fees: z.union([z.string(), z.number()]).optional(),
      size: z.number().nonnegative().default(0),
      queue: z.enum(['risk-averse', 'trades-only']).default('risk-averse'),
      latency: Duration.default(0),
    })
    .optional(),
});

export type LabelSpecInput = z.input<typeof LabelSpecIn>;

/**
 * Threshold of a direction class or a barrier, in bps of mid: a fixed `bps`; `k` × the row's
 * spread in bps; or `k` × the standard deviation of the backward return over the same horizon
 * across the previous `window` rows (volatility-scaled, backward-looking only).
 */
export type Threshold = { type: 'bps'; bps: number } | { type: 'spread'; k: number } | { type: 'vol'; k: number; window: number };

export interface MakerSpec {
  /** How long the order rests, ns. */
  horizon: number;
  /** Mid markout after the fill, ns. */
  markout: number;
  /** Maker fee in bps of notional (negative = rebate). */
  makerFeeBps: number;
  /** Where the fee came from (venue schedule or explicit). */
  feeSource: string;
  /** Order size (base units); 0 = the smallest order: filled once any volume trades beyond the queue ahead. */
  size: number;
  /** risk-averse: queue ahead shrinks on trades at the price and is capped by the level size; trades-only: on trades only. */
  queue: 'risk-averse' | 'trades-only';
  /** The order becomes live this long after the row, ns. */
  latency: number;
}

export interface LabelSpec {
  horizons: number[];
  eventHorizons: number[];
  direction?: { threshold: Threshold; horizons: number[]; eventHorizons: number[] };
  smoothed?: { k: number[]; threshold: Threshold };
  vwap?: { trades: number[] };
  tripleBarrier?: { horizon: number; tp: number; sl: number; barrier: Threshold };
  excursion?: { horizons: number[] };
  maker?: MakerSpec;
}

const uniqSorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/**
 * Validates a spec (parsed JSON/YAML object) and resolves durations to ns and venue fee names to bps.
 * `venue` is the data's venue, used when `maker.fees` is omitted. `where` names the spec's source.
 */
export function normalizeLabelSpec(input: unknown, opts: { venue?: string; where?: string } = {}): LabelSpec {
  const where = opts.where ?? 'label spec';
  const r = LabelSpecIn.safeParse(input ?? {});
  if (!r.success) throw new UsageError(`${where}: ${z.prettifyError(r.error).replace(/\n/g, '; ')}`);
  const s = r.data;
  const dur = (v: string | number, field: string) => {
    const ns = parseDuration(v, `${where}: ${field}`);
    if (ns <= 0) throw new UsageError(`${where}: ${field} must be > 0`);
    return ns;
  };
  const out: LabelSpec = {
    horizons: uniqSorted(s.horizons.map((h, i) => dur(h, `horizons[${i}]`))),
    eventHorizons: uniqSorted(s.eventHorizons),
  };
  if (s.direction) {
    out.direction = {
      threshold: s.direction.threshold,
      horizons: s.direction.horizons ? uniqSorted(s.direction.horizons.map((h, i) => dur(h, `direction.horizons[${i}]`))) : out.horizons,
      eventHorizons: s.direction.eventHorizons ? uniqSorted(s.direction.eventHorizons) : out.eventHorizons,
    };
  }
  if (s.smoothed) out.smoothed = { k: uniqSorted(s.smoothed.k), threshold: s.smoothed.threshold };
  if (s.vwap) out.vwap = { trades: uniqSorted(s.vwap.trades) };
  if (s.tripleBarrier) {
    const tb = s.tripleBarrier;
    out.tripleBarrier = { horizon: dur(tb.horizon, 'tripleBarrier.horizon'), tp: tb.tp, sl: tb.sl, barrier: tb.barrier };
  }
  if (s.excursion) out.excursion = { horizons: uniqSorted(s.excursion.horizons.map((h, i) => dur(h, `excursion.horizons[${i}]`))) };
  if (s.maker) {
    const m = s.maker;
    let makerFeeBps: number;
    let feeSource: string;
    if (typeof m.fees === 'number') {
      makerFeeBps = m.fees;
      feeSource = 'explicit';
    } else {
      const venue = m.fees ?? opts.venue;
      if (venue === undefined) throw new UsageError(`${where}: maker.fees: give a venue name (e.g. binance-usdm) or a maker fee in bps`);
      const f = findFees(venue);
      if (!f) throw new UsageError(`${where}: maker.fees: no fee schedule for "${venue}"; give the maker fee in bps (e.g. fees: 2)`);
      makerFeeBps = f.makerBps;
      feeSource = f.venue;
    }
    const latency = parseDuration(m.latency, `${where}: maker.latency`);
    out.maker = { horizon: dur(m.horizon, 'maker.horizon'), markout: dur(m.markout, 'maker.markout'), makerFeeBps, feeSource, size: m.size, queue: m.queue, latency };
  }
  return out;
}

/** The default spec: time returns and 3-class direction at 1 s … 600 s, the DeepLOB smoothed label, triple barrier, MFE/MAE; with events also VWAP-mid and maker outcomes. */
export function defaultLabelSpecInput(withEvents: boolean): LabelSpecInput {
  return {
    horizons: ['1s', '5s', '10s', '30s', '60s', '300s', '600s'],
    eventHorizons: [10, 100],
    direction: { threshold: { type: 'spread', k: 0.5 } },
    smoothed: { k: [10, 50], threshold: { type: 'bps', bps: 0.5 } },
    tripleBarrier: { horizon: '60s', tp: 1, sl: 1, barrier: { type: 'vol', k: 1, window: 600 } },
    excursion: { horizons: ['10s', '60s'] },
    ...(withEvents ? { vwap: { trades: [50] }, maker: { horizon: '10s', markout: '1s' } } : {}),
  };
}

/** Does the spec need trades / book events beyond the frame's mid (maker outcomes, VWAP-mid)? */
export function needsEvents(spec: LabelSpec): boolean {
  return spec.maker !== undefined || spec.vwap !== undefined;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) o[k] = canonical((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}

/** Canonical JSON of a normalized spec (sorted keys): what is hashed and stored in manifests. */
export function labelSpecJson(spec: LabelSpec): string {
  return JSON.stringify(canonical(spec));
}

/** 16 hex digits of the SHA-256 of the canonical spec. */
export function labelSpecHash(spec: LabelSpec): string {
  return createHash('sha256').update(labelSpecJson(spec)).digest('hex').slice(0, 16);
}

/** Column-name suffixes. */
export const hName = (ns: number) => formatDuration(ns);
export const evName = (n: number) => `${n}ev`;
