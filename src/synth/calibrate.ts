import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { BookEngine } from '../book/engine.ts';
import { syncRulesFor } from '../book/rules.ts';
import { UsageError } from '../core/errors.ts';
import type { MarketEvent } from '../core/events.ts';
import { InstrumentTable } from '../core/instrument.ts';
import { symbolFromFileName } from '../replay/builtin-formats.ts';
import { openReplay } from '../replay/open.ts';
import { ReadReport } from '../replay/report.ts';
import { BinanceParser } from '../venues/binance/parse.ts';
import type { FrameSink } from './binance-feed.ts';
import { Collector, farEdges, type CollectorConfig } from './collector.ts';
import { feedFacts, type FeedFacts } from './facts.ts';
import { SymbolGenerator } from './generator.ts';
import { stationary } from './market.ts';
import { SYNTH_FORMAT, parseParams, type InstrumentParams, type SynthParams, type SynthVenue } from './params.ts';
import { correlation, logReturns, mean, onGrid, quantile, sizeTable } from './sample-stats.ts';

export interface CalibrateOptions {
  /** Queue-reactive levels per side (default 5). */
  K?: number;
  /** Queue-size buckets (default 10). */
  buckets?: number;
  /** Refinement rounds: simulate, measure like the recording, rescale rates (default 4). */
  refine?: number;
  /** Simulated minutes per refinement round (default 10). */
  refineMinutes?: number;
  /** Flow-coupling defaults (not identifiable from a recording; chosen with `lobkit simulate validate`). */
  flow?: Partial<InstrumentParams['flow']>;
  onStep?(message: string): void;
}

/** Coupling of the order flow to the latent efficient price (see params.ts `flow`). */
export const DEFAULT_FLOW: InstrumentParams['flow'] = { gapTicks: 1, market: 1.5, limit: 2, cancel: 3, move: 5 };

/** Per-instrument measurements of the recording next to those of the calibrated model. */
export interface CalibrationCheck {
  symbol: string;
  seconds: number;
  real: RateSummary;
  simulated: RateSummary;
}

export interface RateSummary {
  tickersPerS: number;
  tradesPerS: number;
  levelChangesPerS: number;
  marketOrdersPerS: number;
  /** Best queues gone without a trade, and improvements inside the spread (bookTicker). */
  pullsPerS: number;
  improvementsPerS: number;
  /** Mean best queue size (lots). */
  meanBestQueue: number;
}

export interface CalibrationResult {
  params: SynthParams;
  checks: CalibrationCheck[];
}

/**
 * Regime defaults. Minutes of data cannot identify regimes, so these are priors (quiet / active /
 * burst with multi-minute persistence); they are normalized so the long-run average activity and
 * variance multipliers are 1, i.e. the model's average matches the recording it was fitted to.
 */
export function defaultRegimes(): SynthParams['regimes'] {
  const r = {
    names: ['quiet', 'active', 'burst'],
    activity: [0.6, 1.05, 2],
    volatility: [0.65, 1, 1.9],
    meanDurationS: [480, 360, 45],
    transitions: [
      [0, 0.85, 0.15],
      [0.75, 0, 0.25],
      [0.3, 0.7, 0],
    ],
  };
  const pi = stationary(r.transitions, r.meanDurationS);
  const a = pi.reduce((s, p, i) => s + p * r.activity[i], 0);
  const v = Math.sqrt(pi.reduce((s, p, i) => s + p * r.volatility[i] ** 2, 0));
  r.activity = r.activity.map((x) => round(x / a, 4));
  r.volatility = r.volatility.map((x) => round(x / v, 4));
  return r;
}

function round(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const m = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * m) / m;
}

const CALIBRATION_REGIME: SynthParams['regimes'] = { names: ['calibration'], activity: [1], volatility: [1], meanDurationS: [1e9], transitions: [[0]], initial: 0 };

interface Group {
  symbol: string;
  paths: string[];
  facts: FeedFacts;
}

async function groups(paths: string[]): Promise<Group[]> {
  const bySymbol = new Map<string, string[]>();
  if (paths.length === 0) throw new UsageError('no input files given');
  for (const p of paths) {
    if (!existsSync(p)) throw new UsageError(`${p}: no such file`);
    const s = symbolFromFileName(p);
    if (s === undefined) throw new UsageError(`${p}: name raw files <symbol>_<YYYYMMDD>.gz (one instrument per file) to calibrate from them`);
    const g = bySymbol.get(s);
    if (g) g.push(p);
    else bySymbol.set(s, [p]);
  }
  const out: Group[] = [];
  for (const [symbol, ps] of bySymbol) {
    ps.sort((a, b) => (basename(a) < basename(b) ? -1 : 1));
    const facts = await feedFacts(ps);
    if (facts.symbol.includes('_')) throw new UsageError(`${ps[0]}: ${facts.symbol} is COIN-M; the simulator writes USD-M perpetual and spot formats`);
    out.push({ symbol: facts.symbol || symbol, paths: ps, facts });
  }
  return out;
}

/** Replays files through a book engine, routing each instrument's events to its collector. */
async function collectReal(paths: string[], collectors: Map<string, Collector>): Promise<void> {
  const report = new ReadReport();
  const engine = new BookEngine({
    rulesFor: syncRulesFor,
    onBook(st, ev) {
      collectors.get(st.symbol)?.onBook(ev, st.book);
    },
  });
  for await (const batch of await openReplay(paths, report)) for (const ev of batch) route(ev, engine, collectors);
  if (report.badLines > 0 || report.fileErrors > 0) {
    const f = report.files.find((x) => x.badLines > 0 || x.error);
    throw new UsageError(`cannot calibrate from damaged input: ${f?.examples[0] ?? f?.error ?? 'bad lines'}`);
  }
  for (const st of engine.states.values()) {
    if (st.counts.gaps > 0) throw new UsageError(`${st.symbol}: the recording has ${st.counts.gaps} sequence gaps; calibrate from gap-free files`);
  }
  for (const c of collectors.values()) c.finish();
}

function route(ev: MarketEvent, engine: BookEngine, collectors: Map<string, Collector>): void {
  const c = collectors.get(ev.symbol);
  if (c !== undefined) {
    if (ev.type === 'trade') c.onTrade(ev);
    else if (ev.type === 'bbo') c.onBbo(ev);
  }
  engine.onEvent(ev);
}

/** Simulates `minutes` of one instrument in memory and measures it exactly like a recording. */
export function collectSimulated(venue: SynthVenue, p: InstrumentParams, market: Pick<SynthParams, 'regimes' | 'factor'>, cfg: CollectorConfig, minutes: number, seed: number | string): { collector: Collector; events: number } {
  const collector = new Collector(cfg);
  const collectors = new Map([[p.symbol, collector]]);
  const engine = new BookEngine({
    rulesFor: syncRulesFor,
    onBook(st, ev) {
      collectors.get(st.symbol)?.onBook(ev, st.book);
    },
  });
  const parser = new BinanceParser(venue, new InstrumentTable());
  const startMs = Date.UTC(2024, 0, 1);
  const out: MarketEvent[] = [];
  const sink: FrameSink = {
    frame(localNs, _kind, text) {
      out.length = 0;
      parser.parse(text, startMs * 1e6 + localNs, out);
      for (let i = 0; i < out.length; i++) route(out[i], engine, collectors);
    },
  };
  const g = new SymbolGenerator({ venue, params: p, market, seed, startMs, sink });
  g.run(minutes * 60e9);
  g.finish();
  collector.finish();
  return { collector, events: g.model.events };
}

interface Rates {
  arrival: number[][];
  cancel: number[][];
  improve: number[];
  nImprove: number[];
  pull: number[];
  nPull: number[];
  follow: number;
  improveClose: number;
  market: number[];
  cancelAll: number[];
  farArrival: number[];
  farCancel: number[];
  farCancelAll: number[];
  farOccupancy: number[];
  // supports (event counts) for the refinement
  nArr: number[][];
  nCan: number[][];
  nMkt: number[];
  nFarArr: number[];
  nFarCan: number[];
}

/** Rates from a collector (events / exposure time), shrunk toward each row's pooled rate where data is thin. */
function ratesOf(c: Collector): Rates {
  const K = c.K;
  const NB = c.NB;
  const T = Math.max(1, c.seconds);
  const PRIOR_S = 2; // pseudo-seconds of exposure at the pooled rate
  const shrink = (count: Float64Array, time: Float64Array, from: number): number[] => {
    let cs = 0;
    let ts = 0;
    for (let b = from; b < NB; b++) {
      cs += count[b];
      ts += time[b];
    }
    const pooled = ts > 0 ? cs / ts : 0;
    const out: number[] = [];
    for (let b = 0; b < NB; b++) out.push(b < from ? 0 : (count[b] + PRIOR_S * pooled) / (time[b] + PRIOR_S));
    return out;
  };
  const arrival: number[][] = [];
  const cancel: number[][] = [];
  const cancelAll: number[] = [];
  for (let j = 0; j < K; j++) {
    arrival.push(shrink(c.nearArr[j], c.nearTime[j], 0));
    cancel.push(shrink(c.nearCan[j], c.nearTime[j], 1));
    cancelAll.push(c.nearCanN[j] > 0 ? c.nearCanAll[j] / c.nearCanN[j] : 0.5);
  }
  // improvements per side and second at each spread, shrunk toward the pooled rate
  const improve: number[] = [];
  {
    let cs = 0;
    let ts = 0;
    for (let k = 0; k < c.improveCount.length; k++) {
      cs += c.improveCount[k];
      ts += c.improveTime[k];
    }
    const pooled = ts > 0 ? cs / ts / 2 : 50;
    for (let k = 0; k < c.improveCount.length; k++) improve.push((c.improveCount[k] / 2 + PRIOR_S * 0.05 * pooled) / (c.improveTime[k] + PRIOR_S * 0.05));
  }
  const market = shrink(c.moCount, c.moTime, 0);
  const pull = shrink(c.pullCount, c.nearTime[0], 1);
  const nbins = c.edges.length - 1;
  const farArrival: number[] = [];
  const farCancel: number[] = [];
  const farCancelAll: number[] = [];
  const farOccupancy: number[] = [];
  for (let b = 0; b < nbins; b++) {
    const w = c.edges[b + 1] - c.edges[b];
    farArrival.push(c.farArr[b] / (2 * T * w));
    farCancel.push(c.farOccTime[b] > 0 ? c.farCan[b] / c.farOccTime[b] : 0);
    farCancelAll.push(c.farCan[b] > 0 ? c.farDel[b] / c.farCan[b] : 0.5);
    farOccupancy.push(Math.min(1, c.farOccTime[b] / (2 * T * w)));
  }
  return {
    arrival,
    cancel,
    improve,
    nImprove: [...c.improveCount],
    market,
    pull,
    nPull: [...c.pullCount],
    follow: c.improvedWindows > 0 ? c.followedWindows / c.improvedWindows : 0.5,
    improveClose: c.improvements > 0 ? c.improvementsClosing / c.improvements : 0.5,
    cancelAll,
    farArrival,
    farCancel,
    farCancelAll,
    farOccupancy,
    nArr: Array.from({ length: K }, (_, j) => [...c.nearArr[j]]),
    nCan: Array.from({ length: K }, (_, j) => [...c.nearCan[j]]),
    nMkt: [...c.moCount],
    nFarArr: [...c.farArr],
    nFarCan: [...c.farCan],
  };
}

function summary(c: Collector): RateSummary {
  const T = Math.max(1e-9, c.seconds);
  let mo = 0;
  for (const x of c.moCount) mo += x;
  let pulls = 0;
  for (const x of c.pullCount) pulls += x;
  const r = (x: number) => round(x, 4);
  return {
    tickersPerS: r(c.tickers / T),
    tradesPerS: r(c.trades / T),
    levelChangesPerS: r(c.levelChanges / T),
    marketOrdersPerS: r(mo / T),
    pullsPerS: r(pulls / T),
    improvementsPerS: r(c.improvements / T),
    meanBestQueue: r(c.l1Sum / Math.max(1, c.l1N)),
  };
}

/**
 * Efficient-price volatility per √s from the mid's 10 s returns (less bid-ask noise than 1 s),
 * robustly: median |return| / 0.6745, so a burst or a crash in minutes of data does not set the
 * scale (the burst regime adds those).
 */
function volatilityOf(c: Collector): number {
  const grid = onGrid(c.mids, 1e9);
  const r = logReturns(grid, 10);
  if (r.length < 5) return 1e-4;
  return quantile(Array.from(r, Math.abs), 0.5) / 0.6745 / Math.sqrt(10);
}

const MIN_SUPPORT = 15;
const CLAMP = [0.2, 5] as const;

/**
 * Rescales a rate table toward the recording's: each cell by real/simulated rate where both rest
 * on enough events (the shape), then the whole table so that, with the simulation's time spent
 * in each cell, it would produce the recording's event count per second (the total).
 */
function correct(model: number[], real: number[], sim: number[], nReal: number[], nSim: number[], realCountPerS: number, simSeconds: number): number[] {
  const shaped = shape(model, real, sim, nReal, nSim);
  if (!(realCountPerS > 0)) return shaped.map(sig);
  // predicted count per second: (new rate / old rate) × simulated count, per cell
  let predicted = 0;
  for (let k = 0; k < model.length; k++) predicted += model[k] > 0 ? ((shaped[k] / model[k]) * nSim[k]) / simSeconds : 0;
  const total = predicted > 0 ? clamp(realCountPerS / predicted) : 1;
  return shaped.map((x) => sig(x * total));
}

/** Each cell by real/simulated rate where both rest on enough events; other cells by the pooled ratio. */
function shape(model: number[], real: number[], sim: number[], nReal: number[], nSim: number[]): number[] {
  let rs = 0;
  let ss = 0;
  for (let k = 0; k < model.length; k++) {
    if (nReal[k] >= MIN_SUPPORT && nSim[k] >= MIN_SUPPORT) {
      rs += real[k] * nReal[k];
      ss += sim[k] * nReal[k];
    }
  }
  const pooled = rs > 0 && ss > 0 ? clamp(rs / ss) : 1;
  return model.map((m, k) => (m > 0 ? m * (nReal[k] >= MIN_SUPPORT && nSim[k] >= MIN_SUPPORT && sim[k] > 0 ? clamp(real[k] / sim[k]) : pooled) : 0));
}

function sumOf(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function clamp(f: number): number {
  return f < CLAMP[0] ? CLAMP[0] : f > CLAMP[1] ? CLAMP[1] : f;
}

function sig(x: number): number {
  return round(x, 5);
}

/**
 * Estimates the model's parameters from real Binance raw recordings (USD-M or spot; each
 * instrument's day files together): tick and lot, feed timing, queue-reactive touch rates,
 * far-book profile, size distributions, volatility and cross-instrument correlation; then
 * refines the rates by simulating and measuring the simulation exactly like the recording
 * (indirect inference: the diffs aggregate events, so naive rates are biased low).
 */
export async function calibrate(paths: string[], opts: CalibrateOptions = {}): Promise<CalibrationResult> {
  const K = opts.K ?? 5;
  const NB = opts.buckets ?? 10;
  const rounds = opts.refine ?? 4;
  const minutes = opts.refineMinutes ?? 10;
  const step = opts.onStep ?? (() => {});
  step('reading feed facts');
  const gs = await groups(paths);
  const futures = gs[0].facts.futures;
  if (gs.some((g) => g.facts.futures !== futures)) throw new UsageError('calibrate one venue at a time: these files mix spot and futures recordings');
  const venue: SynthVenue = futures ? 'binance-usdm' : 'binance-spot';

  // Pass 1: touch arrival sizes (→ the queue unit) and distances of changes (→ the far zone's extent).
  step('pass 1: sizes and distances');
  const light = new Map<string, Collector>();
  for (const g of gs) light.set(g.symbol, new Collector({ K, buckets: NB, aes: 1, maxDistance: 1 << 15, units: g.facts.units, light: true }));
  await collectReal(paths, light);
  const cfgs = new Map<string, CollectorConfig>();
  for (const g of gs) {
    const c = light.get(g.symbol)!;
    const aes = Math.max(1, Math.round(mean(c.tickerIncreases)) || 1);
    const maxDistance = Math.max(4 * K + 8, Math.min(1 << 15, Math.round(quantile(c.distances, 0.9)) || 1024));
    cfgs.set(g.symbol, { K, buckets: NB, aes, maxDistance, units: g.facts.units });
  }

  step('pass 2: rates');
  const full = new Map<string, Collector>();
  for (const g of gs) full.set(g.symbol, new Collector(cfgs.get(g.symbol)!));
  await collectReal(paths, full);

  const regimes = defaultRegimes();
  const factor = { stepMs: 100, correlation: crossCorrelation([...full.values()]) };
  const instruments: InstrumentParams[] = [];
  const realRates = new Map<string, Rates>();
  for (const g of gs) {
    const c = full.get(g.symbol)!;
    const cfg = cfgs.get(g.symbol)!;
    const r = ratesOf(c);
    realRates.set(g.symbol, r);
    instruments.push(buildInstrument(g, c, cfg, r, venue, { ...DEFAULT_FLOW, ...opts.flow }));
  }
  let params: SynthParams = {
    format: SYNTH_FORMAT,
    venue,
    source: {
      calibratedFrom: gs.flatMap((g) => g.paths.map((p) => basename(p))),
      seconds: Object.fromEntries(gs.map((g) => [g.symbol, round(full.get(g.symbol)!.seconds, 4)])),
      note: 'lobkit simulate calibrate; regimes and perp parameters are priors (not identifiable from minutes of data without a markPrice stream)',
      K,
      buckets: NB,
      refineRounds: rounds,
    },
    regimes,
    factor,
    instruments,
  };

  // Refinement: simulate, measure like the recording, rescale rates toward the recording's.
  const checks: CalibrationCheck[] = [];
  for (let round_ = 1; round_ <= rounds + 1; round_++) {
    const last = round_ === rounds + 1;
    step(last ? 'final check' : `refinement ${round_}/${rounds}`);
    const next: InstrumentParams[] = [];
    for (const ins of params.instruments) {
      const cfg = cfgs.get(ins.symbol)!;
      // one regime at activity 1: the recording's average is the target, regimes only add variation around it
      const { collector, events } = collectSimulated(venue, ins, { regimes: CALIBRATION_REGIME, factor: params.factor }, cfg, minutes, 7);
      const real = realRates.get(ins.symbol)!;
      if (last) {
        const c = full.get(ins.symbol)!;
        checks.push({ symbol: ins.symbol, seconds: round(c.seconds, 4), real: summary(c), simulated: summary(collector) });
        next.push(ins);
        continue;
      }
      const sim = ratesOf(collector);
      const q = ins.queue;
      const simSeconds = Math.max(1, collector.seconds);
      const realSeconds = Math.max(1, full.get(ins.symbol)!.seconds);
      const fix = (model: number[], r: number[], s_: number[], nr: number[], ns: number[]) => correct(model, r, s_, nr, ns, sumOf(nr) / realSeconds, simSeconds);
      const arrival = q.arrival.map((row, i) => fix(row, real.arrival[i], sim.arrival[i], real.nArr[i], sim.nArr[i]));
      const cancel = q.cancel.map((row, i) => fix(row, real.cancel[i], sim.cancel[i], real.nCan[i], sim.nCan[i]));
      const market = fix(q.market, real.market, sim.market, real.nMkt, sim.nMkt);
      // how long a spread stays open depends on these very rates: match rates, not counts
      const improve = correct(q.improve, real.improve, sim.improve, real.nImprove, sim.nImprove, NaN, simSeconds);
      const pull = fix(q.pull, real.pull, sim.pull, real.nPull, sim.nPull);
      // Far book: arrivals per bin toward the recording's counts, cancellation rates toward its
      // occupancy profile (levels per tick), both damped (square root of the ratio) for stability.
      const far = ins.far;
      const damp = (x: number) => (x > 0 && Number.isFinite(x) ? clamp(Math.sqrt(x)) : 1);
      const farArr = far.arrival.map((a, b) => sig(a * damp(real.nFarArr[b] / realSeconds / (sim.nFarArr[b] / simSeconds))));
      const farCan = far.cancel.map((c, b) => sig(c * damp(sim.farOccupancy[b] / real.farOccupancy[b])));
      const feed = { ...ins.feed };
      if (futures) {
        const g = gs.find((x) => x.symbol === ins.symbol)!;
        // ids the venue spends per event we simulate, so U/u/pu advance at the recording's pace
        feed.idsPerEvent = round(Math.max(1, g.facts.idsPerSecond / (events / simSeconds)), 4) || 1;
      }
      // the share of moved quotes re-posted sets how large best queues grow: fit it to their mean size
      const realL1 = full.get(ins.symbol)!.l1Sum / Math.max(1, full.get(ins.symbol)!.l1N);
      const simL1 = collector.l1Sum / Math.max(1, collector.l1N);
      const followShare = round(Math.min(1, Math.max(0.02, q.followShare * (simL1 > 0 ? Math.sqrt(realL1 / simL1) : 1))), 3);
      // maker pieces: the recording's print sizes are biased small (big orders print many small fills); scale the
      // table so that prints per market order match the recording's
      const realC = full.get(ins.symbol)!;
      const perMo = (c: Collector) => c.trades / Math.max(1, sumOf([...c.moCount]));
      const fillScale = Math.min(2, Math.max(0.5, perMo(collector) / Math.max(1e-9, perMo(realC))));
      const fill = ins.sizes.fill.map((x) => Math.max(1, Math.round(x * fillScale)));
      // The mid follows the efficient price through the order flow, with less than its variance
      // where the book is thick: scale the efficient price's volatility so that the simulated mid's
      // 10 s volatility (the same robust estimate) is the recording's.
      const realVol = volatilityOf(realC);
      const simVol = volatilityOf(collector);
      const volatility = round(ins.volatility * (realVol > 0 && simVol > 0 ? Math.min(2, Math.max(0.5, realVol / simVol)) : 1), 4);
      next.push({ ...ins, volatility, sizes: { ...ins.sizes, fill }, queue: { ...q, arrival, cancel, improve, market, pull, followShare }, far: { ...far, arrival: farArr, cancel: farCan }, feed });
    }
    params = { ...params, instruments: next };
  }
  return { params: parseParams(params, 'calibration result'), checks };
}

function buildInstrument(g: Group, c: Collector, cfg: CollectorConfig, r: Rates, venue: SynthVenue, flow: InstrumentParams['flow']): InstrumentParams {
  const f = g.facts;
  const intervals = f.intervals.filter((x) => x > 0);
  const base = quantile(intervals, 0.05);
  const i99 = quantile(intervals, 0.99);
  const capped = intervals.filter((x) => x <= i99);
  const lagExcess = (() => {
    const p1 = quantile(f.lags, 0.01);
    const p99 = quantile(f.lags, 0.99);
    return mean(f.lags.filter((x) => x <= p99).map((x) => (x - p1) / 1e6));
  })();
  const mid = c.mids.length >= 2 ? c.mids[1] : NaN;
  const tickNum = Number(f.tickSize);
  const startPrice = (Math.round(mid) * tickNum).toFixed(f.units.tickDec);
  const edges = farEdges(cfg.K, cfg.maxDistance);
  return {
    symbol: g.symbol,
    tickSize: f.tickSize,
    lotSize: f.lotSize,
    priceDecimals: f.priceDecimals,
    sizeDecimals: f.sizeDecimals,
    startPrice,
    lagMs: 0,
    volatility: round(volatilityOf(c), 4),
    flow,
    queue: {
      aes: cfg.aes,
      buckets: cfg.buckets,
      arrival: r.arrival.map((row) => row.map(sig)),
      cancel: r.cancel.map((row) => row.map(sig)),
      improve: r.improve.map(sig),
      market: r.market.map(sig),
      pull: r.pull.map(sig),
      follow: round(r.follow, 3),
      followShare: 0.5,
      improveClose: round(r.improveClose, 3),
      cancelAll: r.cancelAll.map((x) => round(x, 4)),
    },
    far: {
      edges,
      arrival: r.farArrival.map(sig),
      cancel: r.farCancel.map(sig),
      cancelAll: r.farCancelAll.map((x) => round(x, 4)),
      occupancy: r.farOccupancy.map((x) => round(x, 4)),
    },
    sizes: {
      limit: sizeTable(c.limitSizes),
      near: sizeTable(c.nearSizes),
      far: sizeTable(c.farSizes),
      market: sizeTable(c.marketSizes),
      fill: sizeTable(c.fillSizes),
    },
    feed: {
      depthIntervalMs: round(base, 4),
      depthJitterMs: round(Math.max(0, mean(capped) - base), 4),
      idsPerEvent: 1,
      // The recordings' local clocks are offset from the venue's (README: ~1.3 s behind), so the base
      // latency is not identifiable: a typical same-region 5 ms, with the recording's jitter.
      latencyMs: 5,
      latencyJitterMs: round(Math.max(0.05, lagExcess), 4),
      snapshotDelayMs: f.snapshotDelayMs === f.snapshotDelayMs ? round(f.snapshotDelayMs, 4) : 300,
      snapshotLevels: f.snapshotLevels,
      firstUpdateId: f.firstUpdateId,
      firstTradeId: f.firstTradeId,
    },
    ...(venue === 'binance-usdm'
      ? { perp: { markIntervalMs: 1000, fundingIntervalHours: 8, interestRate: 0.0001, basisVolBps: 1.5, basisHalfLifeS: 600, premiumHalfLifeS: 60, maxFundingRate: 0.0075 } }
      : {}),
  };
}

/** Average correlation of 10 s mid returns between the first instrument and the others (0 if one). */
function crossCorrelation(cs: Collector[]): number {
  if (cs.length < 2) return 0.7;
  const from = Math.max(...cs.map((c) => c.mids[0]));
  const to = Math.min(...cs.map((c) => c.mids[c.mids.length - 2]));
  const series = cs.map((c) => logReturns(onGrid(c.mids, 1e9, from, to), 10));
  const rs: number[] = [];
  for (let k = 1; k < series.length; k++) rs.push(correlation(series[0], series[k]));
  const r = mean(rs.filter((x) => x === x));
  return r === r ? round(Math.max(0, Math.min(0.95, r)), 3) : 0.7;
}
