import { z } from 'zod';
import { InputError, UsageError } from '../core/errors.ts';
import { decimalsOf, toScaled } from '../core/decimal.ts';

/**
 * The simulator's parameters: one JSON document per venue holding the market-wide settings
 * (regimes, common factor) and one parameter set per instrument. Default sets ship in
 * `src/synth/params/` (calibrated by `lobkit simulate calibrate` from the real recordings);
 * `--params file.json` replaces them. Units: rates are events per second (per side), sizes are in
 * lots (the instrument's `lotSize`), distances in ticks (`tickSize`), times in milliseconds
 * unless the name says otherwise.
 *
 * Distances count ticks from the same side's best (j = 0 is the best bid or ask, j = 1 one tick
 * behind it), as in Huang–Lehalle–Rosenbaum. Levels j = 0..K−1 form the queue-reactive "near"
 * zone (rates depend on the level's queue size in units of `queue.aes`, bucketed); j ≥ K is the
 * "far" zone (rates by distance bin, independent of state) up to `far.edges[last] − 1`. Orders
 * that improve the price inside a spread of s ≥ 2 ticks are their own class (`queue.improve`):
 * on large-tick books the spread reopens when a best queue goes and closes again within
 * milliseconds, which a single rate by distance cannot capture.
 */

export const SYNTH_FORMAT = 'lobkit-synth/1';
export const SYNTH_VENUES = ['binance-usdm', 'binance-spot'] as const;
export type SynthVenue = (typeof SYNTH_VENUES)[number];

const rate = z.number().finite().nonnegative();
const prob = z.number().min(0).max(1);
const lots = z.array(z.number().int().positive()).min(1);

const QueueSchema = z.strictObject({
  /** Queue unit in lots (average size of an order event at the touch). */
  aes: z.number().positive(),
  /** Number of queue-size buckets: 0 empty, 1 below one aes, then doubling ([1,2), [2,4), … aes), the last open (see buckets.ts). */
  buckets: z.number().int().min(1).max(64),
  /** [K][buckets] limit-order arrivals per second at distance j = 0..K−1, by the level's bucket. */
  arrival: z.array(z.array(rate)).min(1),
  /** [K][buckets] cancellations per second at distance j (bucket 0 = empty level: unused). */
  cancel: z.array(z.array(rate)).min(1),
  /** Price improvements per second and side inside a spread of 2, 3, … ticks (the last entry for wider spreads). */
  improve: z.array(rate).min(1),
  /** Probability that an improvement closes the spread to one tick; otherwise it lands uniformly inside. */
  improveClose: prob,
  /** [buckets] market orders per second against one side, by the bucket of the best queue they hit. */
  market: z.array(rate).min(1),
  /** [buckets] best queues pulled (cancelled whole, not traded) per second and side, by their bucket: the price jumps to the next level. */
  pull: z.array(rate).min(1),
  /** Probability that an improvement moves the old best's queue along (a quote moved rather than added): its level is cancelled and a share of the volume (`followShare`) joins the new best. */
  follow: prob,
  /** Mean share of a moved quote's volume re-posted at the new best (drawn uniformly in [0, 2·share], at most all of it); the calibration fits it to the best queue's size. */
  followShare: prob,
  /** [K] probability that a cancellation removes the whole level (else a partial cancel); entry 0 (the best) is unused: whole-queue cancels of the best are `pull`. */
  cancelAll: z.array(prob).min(1),
});

const FarSchema = z.strictObject({
  /** Bin edges in ticks: bin b covers distances [edges[b], edges[b+1]). edges[0] = K. */
  edges: z.array(z.number().int().positive()).min(2),
  /** Per bin: limit-order arrivals per second per tick of distance (per side). */
  arrival: z.array(rate),
  /** Per bin: cancellations per second per occupied level. */
  cancel: z.array(rate),
  /** Per bin: probability that a cancellation removes the whole level. */
  cancelAll: z.array(prob),
  /** Per bin: fraction of ticks holding a level (initial book; far cancels scale to hold it). */
  occupancy: z.array(prob),
});

const SizesSchema = z.strictObject({
  /** Empirical size tables in lots (sorted; a draw picks one entry uniformly): orders at the best, behind it (j = 1..K−1), in the far zone. */
  limit: lots,
  near: lots,
  far: lots,
  /** Market (aggressor) order sizes: the sum of the trades of one aggressor order. */
  market: lots,
  /** Maker pieces an aggressor order fills, one trade print each (the recording's print sizes). */
  fill: lots,
});

const FeedSchema = z.strictObject({
  /** Diff-depth publication interval (Binance: 100 ms spot; the USD-M stream here ~50 ms). */
  depthIntervalMs: z.number().positive(),
  depthJitterMs: z.number().nonnegative(),
  /** Mean update ids consumed per book event (spot: 1, contiguous; futures ids jump). */
  idsPerEvent: z.number().min(1),
  /** One-way latency exchange → recorder: base + exponential jitter with this mean. */
  latencyMs: z.number().nonnegative(),
  latencyJitterMs: z.number().nonnegative(),
  /** When the recorder receives the REST snapshot after it starts (the snapshot is taken half-way). */
  snapshotDelayMs: z.number().nonnegative(),
  /** Levels per side in the REST snapshot (Binance `limit=1000`). */
  snapshotLevels: z.number().int().positive(),
  firstUpdateId: z.number().int().nonnegative(),
  firstTradeId: z.number().int().nonnegative(),
});

const PerpSchema = z.strictObject({
  /** markPriceUpdate period (Binance `@markPrice@1s`). */
  markIntervalMs: z.number().positive(),
  fundingIntervalHours: z.number().positive(),
  /** Interest component of the funding rate per interval (Binance: 0.01 %). */
  interestRate: z.number(),
  /** Index − efficient price: mean-reverting basis, in bps. */
  basisVolBps: z.number().nonnegative(),
  basisHalfLifeS: z.number().positive(),
  /** Premium averaging for the funding estimate. */
  premiumHalfLifeS: z.number().positive(),
  /** Funding-rate clamp (Binance USD-M: ±0.75 % on BTC). */
  maxFundingRate: z.number().positive(),
});

const FlowSchema = z.strictObject({
  /** Gap (efficient − mid) in ticks that moves the flow half-way to its maximal skew. */
  gapTicks: z.number().positive(),
  /**
   * Log-multipliers of the skew toward the gap: with s = g / (1 + |g|), g = gap / gapTicks, buy
   * market orders run at e^(market·s) times their rate and sells at e^(−market·s); bid arrivals
   * at e^(limit·s); ask cancellations at e^(cancel·s); the price-moving classes — bid
   * improvements and ask pulls — at e^(move·s) (mirrored for the other side).
   */
  market: z.number().min(0).max(6),
  limit: z.number().min(0).max(6),
  cancel: z.number().min(0).max(6),
  move: z.number().min(0).max(6),
});

export const InstrumentSchema = z.strictObject({
  symbol: z.string().regex(/^[A-Z0-9_]+$/, 'upper-case letters, digits and _'),
  tickSize: z.string(),
  lotSize: z.string(),
  /** Decimals the venue prints prices and sizes with (trailing zeros included). */
  priceDecimals: z.number().int().min(0).max(12),
  sizeDecimals: z.number().int().min(0).max(12),
  startPrice: z.string(),
  /** This symbol follows the common factor `lagMs` late (0 = leader). */
  lagMs: z.number().nonnegative(),
  /** Efficient-price volatility: stdev of the log return per √second, in the "active" regime. */
  volatility: z.number().positive(),
  flow: FlowSchema,
  queue: QueueSchema,
  far: FarSchema,
  sizes: SizesSchema,
  feed: FeedSchema,
  perp: PerpSchema.optional(),
});

const RegimeSchema = z.strictObject({
  names: z.array(z.string()).min(1),
  /** Multiplier of every event rate in each regime. */
  activity: z.array(z.number().positive()),
  /** Multiplier of the efficient-price volatility in each regime. */
  volatility: z.array(z.number().positive()),
  meanDurationS: z.array(z.number().positive()),
  /** Row-stochastic jump matrix (diagonal ignored). */
  transitions: z.array(z.array(prob)),
  /** Regime at the start (default: drawn from the chain's long-run distribution, so a run of any length is unbiased on average). */
  initial: z.number().int().nonnegative().optional(),
});

export const ParamsSchema = z.strictObject({
  format: z.literal(SYNTH_FORMAT),
  venue: z.enum(SYNTH_VENUES),
  /** Where the numbers come from (files, span, date); free-form notes. */
  source: z.record(z.string(), z.unknown()),
  regimes: RegimeSchema,
  factor: z.strictObject({
    /** Grid of the common factor and the regime chain. */
    stepMs: z.number().positive(),
    /** Share of every symbol's efficient-return variance that comes from the common factor. */
    correlation: z.number().min(0).max(1),
  }),
  instruments: z.array(InstrumentSchema).min(1),
});

export type InstrumentParams = z.infer<typeof InstrumentSchema>;
export type SynthParams = z.infer<typeof ParamsSchema>;
export type RegimeParams = SynthParams['regimes'];

/** Validates a parsed params document; errors name the field. */
export function parseParams(doc: unknown, file = 'params'): SynthParams {
  const r = ParamsSchema.safeParse(doc);
  if (!r.success) {
    const iss = r.error.issues[0];
    throw new InputError(`${iss.message}`, { file, field: iss.path.join('.') });
  }
  const p = r.data;
  checkConsistency(p, file);
  return p;
}

function checkConsistency(p: SynthParams, file: string): void {
  const fail = (field: string, msg: string): never => {
    throw new InputError(msg, { file, field });
  };
  const n = p.regimes.names.length;
  for (const k of ['activity', 'volatility', 'meanDurationS', 'transitions'] as const) {
    if (p.regimes[k].length !== n) fail(`regimes.${k}`, `needs ${n} entries (one per regime)`);
  }
  for (let i = 0; i < n; i++) if (p.regimes.transitions[i].length !== n) fail(`regimes.transitions.${i}`, `needs ${n} entries`);
  if (p.regimes.initial !== undefined && p.regimes.initial >= n) fail('regimes.initial', `must be < ${n}`);
  const seen = new Set<string>();
  p.instruments.forEach((ins, j) => {
    const at = `instruments.${j}`;
    if (seen.has(ins.symbol)) fail(`${at}.symbol`, `duplicate symbol ${ins.symbol}`);
    seen.add(ins.symbol);
    const tickDec = decimalsOf(ins.tickSize);
    const lotDec = decimalsOf(ins.lotSize);
    if (tickDec > ins.priceDecimals) fail(`${at}.priceDecimals`, `tick ${ins.tickSize} needs at least ${tickDec} decimals`);
    if (lotDec > ins.sizeDecimals) fail(`${at}.sizeDecimals`, `lot ${ins.lotSize} needs at least ${lotDec} decimals`);
    if (!(toScaled(ins.tickSize, tickDec) > 0)) fail(`${at}.tickSize`, 'must be > 0');
    if (!(toScaled(ins.lotSize, lotDec) > 0)) fail(`${at}.lotSize`, 'must be > 0');
    const start = toScaled(ins.startPrice, Math.max(tickDec, decimalsOf(ins.startPrice)));
    if (!(start > 0)) fail(`${at}.startPrice`, 'must be > 0');
    const q = ins.queue;
    const K = q.arrival.length;
    if (q.cancel.length !== K || q.cancelAll.length !== K) fail(`${at}.queue`, `arrival, cancel and cancelAll need the same number of levels (${K})`);
    for (let i = 0; i < K; i++) {
      if (q.arrival[i].length !== q.buckets) fail(`${at}.queue.arrival.${i}`, `needs ${q.buckets} buckets`);
      if (q.cancel[i].length !== q.buckets) fail(`${at}.queue.cancel.${i}`, `needs ${q.buckets} buckets`);
    }
    if (q.market.length !== q.buckets) fail(`${at}.queue.market`, `needs ${q.buckets} buckets`);
    if (q.pull.length !== q.buckets) fail(`${at}.queue.pull`, `needs ${q.buckets} buckets`);
    const f = ins.far;
    const nb = f.edges.length - 1;
    if (f.edges[0] !== K) fail(`${at}.far.edges`, `must start at K = ${K} (the first distance after the near zone)`);
    for (let b = 1; b <= nb; b++) if (!(f.edges[b] > f.edges[b - 1])) fail(`${at}.far.edges`, 'must increase');
    for (const k of ['arrival', 'cancel', 'cancelAll', 'occupancy'] as const) if (f[k].length !== nb) fail(`${at}.far.${k}`, `needs ${nb} entries (one per bin)`);
    if (p.venue === 'binance-usdm' && ins.perp === undefined) fail(`${at}.perp`, 'a perpetual (binance-usdm) instrument needs perp parameters');
    if (p.venue === 'binance-spot' && ins.feed.idsPerEvent !== 1) fail(`${at}.feed.idsPerEvent`, 'spot update ids are contiguous: must be 1');
  });
}

/**
 * The parameter set of `symbol`. A symbol the document does not hold is simulated with the first
 * instrument's parameters under its own name (and its own random stream).
 */
export function instrumentFor(p: SynthParams, symbol: string): { params: InstrumentParams; cloned: boolean } {
  const found = p.instruments.find((i) => i.symbol === symbol);
  if (found) return { params: found, cloned: false };
  if (!/^[A-Z0-9_]+$/.test(symbol)) throw new UsageError(`bad symbol "${symbol}": upper-case letters, digits and _`);
  return { params: { ...p.instruments[0], symbol }, cloned: true };
}
