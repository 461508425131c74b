import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { InputError, UsageError } from '../../core/errors.ts';
import type { MarketEvent } from '../../core/events.ts';
import { writeParquet } from '../../dataset/parquet.ts';
import { readLines } from '../../replay/lines.ts';
import { midnightNs, parseLobsterName } from '../../replay/lobster.ts';
import { openReplay } from '../../replay/open.ts';
import { ReadReport, type FileReport } from '../../replay/report.ts';
import type { BacktestConfig, FeedLatency } from '../../sim/engine.ts';
import { parseFeeSpec } from '../../sim/fees.ts';
import { parseDuration, parseLatencyRecords, parseLatencySpec, type LatencyModel } from '../../sim/latency.ts';
import { lobsterOrderMessage, type OrderLevelMsg } from '../../sim/order-level.ts';
import { parseQueueSpec } from '../../sim/queue.ts';
import { formatSummary, type BacktestSummary } from '../../sim/result.ts';
import { backtestStream, type SimInput } from '../../sim/run.ts';
import type { Strategy } from '../../strategy/api.ts';
import { asStrategy, createBuiltin, findStrategy, STRATEGIES } from '../../strategy/registry.ts';
import { loadArtifact, resolveArtifact, type Artifact } from '../../models/index.ts';
import { fileProgress } from '../progress.ts';

interface BacktestFlags {
  data: string[];
  strategy: string;
  param: string[];
  model?: string;
  latency: string;
  feedLatency: string;
  queue: string;
  fees: string;
  out: string | false;
  json?: boolean;
  venue?: string;
  format?: string;
  equityInterval: string;
  horizons: string;
  ttfBuckets: string;
  progress: boolean;
}

export interface BacktestCommandResult {
  ok: boolean;
  summary: BacktestSummary;
  data: { files: FileReport[]; badLines: number; fileErrors: number; books: { venue: string; symbol: string; gaps: number; resyncs: number; valid: boolean }[] };
  outputs: { fills: string; orders: string; equity: string; summary: string } | null;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('Event-driven backtest of a strategy on recorded data: latency, queue position, partial fills, fees, funding')
    .requiredOption('--data <files...>', 'recordings (any format `lobkit replay` reads)')
    .requiredOption('--strategy <name|file>', `built-in strategy (${STRATEGIES.map((s) => s.name).join(', ')}) or a module exporting a Strategy factory`)
    .option('--param <key=value>', 'strategy parameter (repeatable; key=value,key=value also works)', collect, [])
    .option('--model <artifacts>', 'model artifact folder(s) or name[@version] under $LOBKIT_MODELS (default ./models), comma-separated: an ensemble (gated strategy)')
    .option('--latency <spec>', 'order latency: constant:5ms | constant:entry=3ms,response=2ms | uniform:min=..,max=.. | normal:mean=..,sd=.. | lognormal:median=..,sigma=.. | exponential:mean=.. (random ones take seed=N) | file:<csv|jsonl of req_ts,exch_ts,resp_ts>', 'constant:5ms')
    .option('--feed-latency <spec>', 'market data latency: recorded (local − exchange time, clock offset estimated) | recorded:offset=<duration> | any --latency spec', 'recorded')
    .option('--queue <model>', 'queue position: risk-averse | power[:n] | log | power2[:n] | log2 | power3[:n] | fifo (order-level LOBSTER data)', 'risk-averse')
    .option('--fees <spec>', 'maker=<rate>,taker=<rate> | <venue>:maker=..,taker=..;... | default | zero (rates: 2bp, 0.02%, 0.0002; negative = rebate)', 'default')
    .option('--out <dir>', 'folder for fills.parquet (the ledger), orders.parquet, equity.parquet, summary.json', 'backtest-out')
    .option('--no-out', 'write no files')
    .option('--json', 'print the summary as one JSON object on stdout')
    .option('--venue <id>', 'venue of raw/cryptofeed files when it cannot be detected')
    .option('--format <id>', 'input format instead of sniffing')
    .option('--equity-interval <duration>', 'equity curve sampling interval (exchange time)', '1s')
    .option('--horizons <list>', 'markout horizons after each fill', '1s,10s,60s')
    .option('--ttf-buckets <list>', 'time-to-fill bucket edges for P&L by time to fill', '1s,5s,30s,120s')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: BacktestFlags) => {
      const r = await backtestCommand(flags);
      if (flags.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else {
        process.stdout.write(formatSummary(r.summary));
        if (r.outputs) process.stdout.write(`wrote ${r.outputs.fills}, ${r.outputs.orders}, ${r.outputs.equity}, ${r.outputs.summary}\n`);
      }
      for (const f of r.data.files) {
        if (f.error) process.stderr.write(`lobkit: ${f.file}: ${f.error}\n`);
        for (const e of f.examples.slice(0, 5)) process.stderr.write(`lobkit: ${e}\n`);
      }
      process.exitCode = r.ok ? 0 : 1;
    });
}

function durations(list: string, what: string): number[] {
  const xs = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => parseDuration(s, what));
  if (xs.length === 0 || xs.some((x) => !(x > 0))) throw new UsageError(`${what}: expected positive durations like 1s,10s,60s`);
  for (let i = 1; i < xs.length; i++) if (!(xs[i] > xs[i - 1])) throw new UsageError(`${what}: durations must increase`);
  return xs;
}

function latencyFile(path: string): ReturnType<typeof parseLatencyRecords> {
  if (!existsSync(path)) throw new UsageError(`--latency file:${path}: no such file`);
  return parseLatencyRecords(readFileSync(path, 'utf8'), path);
}

function feedSpec(spec: string): FeedLatency {
  if (spec === 'recorded') return { kind: 'recorded' };
  const m = /^recorded:offset=(.+)$/.exec(spec);
  if (m) return { kind: 'recorded', offsetNs: parseDuration(m[1], '--feed-latency offset') };
  const model: LatencyModel = parseLatencySpec(spec, '--feed-latency', latencyFile);
  return { kind: 'model', model };
}

/** A built-in strategy by name, or a module's default export / `createStrategy`: `(params) => Strategy`. */
async function loadStrategy(spec: string, params: string[], model: string | undefined): Promise<Strategy> {
  if (findStrategy(spec)) return createBuiltin(spec, params, model === undefined ? [] : loadModels(model));
  const looksLikeFile = spec.includes('/') || spec.includes('\\') || /\.(m?js|ts|mts)$/.test(spec);
  if (!looksLikeFile) return createBuiltin(spec, params); // unknown name: a clear error
  const path = resolve(spec);
  if (!existsSync(path)) throw new UsageError(`--strategy ${spec}: no such file`);
  const ext = extname(path);
  if (ext === '.ts' || ext === '.mts') {
    try {
      const api = (await import('tsx/esm/api')) as { register(): unknown };
      api.register();
    } catch {
      throw new UsageError(`--strategy ${spec}: TypeScript strategy files need the "tsx" package; install it or compile the strategy to .js`);
    }
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`--strategy ${spec}: cannot load: ${(e as Error).message}`);
  }
  const factory = (mod.createStrategy ?? mod.default) as unknown;
  if (typeof factory !== 'function') throw new UsageError(`--strategy ${spec}: export a function createStrategy(params) (or a default export) returning a Strategy`);
  const record: Record<string, string> = {};
  for (const p of params)
    for (const kv of p.split(/,(?=\s*[A-Za-z_][\w.-]*=)/)) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`--param: expected key=value, got ${JSON.stringify(kv)}`);
      record[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    }
  if (model !== undefined) record.model = model;
  return asStrategy(await (factory as (p: Record<string, string>) => unknown)(record), `--strategy ${spec}`);
}

/** `--model a,b`: artifact folders or name[@version] under $LOBKIT_MODELS (default ./models). */
function loadModels(spec: string): Artifact[] {
  const root = process.env.LOBKIT_MODELS ?? 'models';
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((ref) => loadArtifact(resolveArtifact(ref, root)));
}

/** Order-level messages of a LOBSTER message file, in batches. */
async function* lobsterOrders(path: string, venue: string): AsyncGenerator<OrderLevelMsg[]> {
  const name = parseLobsterName(path)!;
  const day = midnightNs(name.date);
  for await (const b of readLines(path)) {
    const out: OrderLevelMsg[] = [];
    for (let i = 0; i < b.lines.length; i++) {
      const line = b.lines[i];
      if (line.length === 0) continue;
      try {
        const m = lobsterOrderMessage(line, day, venue, name.symbol);
        if (m) out.push(m);
      } catch (e) {
        throw new InputError((e as Error).message, { file: path, line: b.firstLine + i });
      }
    }
    if (out.length > 0) yield out;
  }
}

/** Merges market batches with order-level batches by exchange time (an order-level message before the book change it caused). */
async function* mergeOrderLevel(l2: AsyncGenerator<MarketEvent[]>, l3: AsyncGenerator<OrderLevelMsg[]>): AsyncGenerator<SimInput[]> {
  let a: MarketEvent[] = [];
  let ai = 0;
  let b: OrderLevelMsg[] = [];
  let bi = 0;
  let aDone = false;
  let bDone = false;
  const ts = (e: SimInput) => (e.exchTs === e.exchTs ? e.exchTs : e.localTs);
  for (;;) {
    if (ai >= a.length && !aDone) {
      const r = await l2.next();
      if (r.done) aDone = true;
      else (a = r.value), (ai = 0);
      continue;
    }
    if (bi >= b.length && !bDone) {
      const r = await l3.next();
      if (r.done) bDone = true;
      else (b = r.value), (bi = 0);
      continue;
    }
    const out: SimInput[] = [];
    while (ai < a.length && bi < b.length) {
      if (ts(b[bi]) <= ts(a[ai])) out.push(b[bi++]);
      else out.push(a[ai++]);
    }
    if (bi >= b.length && bDone) while (ai < a.length) out.push(a[ai++]);
    if (ai >= a.length && aDone) while (bi < b.length) out.push(b[bi++]);
    if (out.length > 0) yield out;
    if (aDone && bDone && ai >= a.length && bi >= b.length) return;
  }
}

export async function backtestCommand(flags: BacktestFlags): Promise<BacktestCommandResult> {
  const queue = parseQueueSpec(flags.queue);
  const cfg: BacktestConfig = {
    latency: parseLatencySpec(flags.latency, '--latency', latencyFile),
    feed: feedSpec(flags.feedLatency),
    queue,
    fees: parseFeeSpec(flags.fees),
    equityIntervalNs: parseDuration(flags.equityInterval, '--equity-interval'),
    metrics: { horizons: durations(flags.horizons, '--horizons'), ttfEdges: durations(flags.ttfBuckets, '--ttf-buckets') },
  };
  if (!(cfg.equityIntervalNs! > 0)) throw new UsageError('--equity-interval must be > 0');
  const strategy = await loadStrategy(flags.strategy, flags.param, flags.model);
  const lobsterFiles = flags.data.filter((p) => parseLobsterName(p)?.kind === 'message');
  if (queue.orderLevel && lobsterFiles.length === 0) throw new UsageError('--queue fifo needs order-level data: pass LOBSTER message files in --data');
  const report = new ReadReport();
  const progress = fileProgress(flags.data, 'backtest', flags.progress && !flags.json);
  let summary: BacktestSummary;
  let frames: Awaited<ReturnType<typeof backtestStream>>;
  let books: BacktestCommandResult['data']['books'];
  try {
    const l2 = await openReplay(flags.data, report, { venue: flags.venue, format: flags.format, onBytes: progress.onBytes });
    let input: AsyncIterable<SimInput[]> = l2;
    if (queue.orderLevel) {
      const venue = flags.venue ?? 'lobster';
      const streams = lobsterFiles.map((f) => lobsterOrders(f, venue));
      for (const s of streams) input = mergeOrderLevel(input as AsyncGenerator<MarketEvent[]>, s);
    }
    let bt: import('../../sim/engine.ts').Backtest | undefined;
    frames = await backtestStream(input, strategy, cfg, (b) => (bt = b));
    summary = frames.summary;
    books = bt ? bt.instruments.map((i) => ({ venue: i.venue, symbol: i.symbol, gaps: i.st.counts.gaps, resyncs: i.st.counts.resyncs, valid: i.st.valid })) : [];
  } finally {
    progress.stop();
  }
  let outputs: BacktestCommandResult['outputs'] = null;
  if (flags.out) {
    mkdirSync(flags.out, { recursive: true });
    outputs = { fills: join(flags.out, 'fills.parquet'), orders: join(flags.out, 'orders.parquet'), equity: join(flags.out, 'equity.parquet'), summary: join(flags.out, 'summary.json') };
    await writeParquet(outputs.fills, frames.fills);
    await writeParquet(outputs.orders, frames.orders);
    await writeParquet(outputs.equity, frames.equity);
    writeFileSync(outputs.summary, JSON.stringify(summary, null, 2) + '\n');
  }
  const data = { files: report.files, badLines: report.badLines, fileErrors: report.fileErrors, books };
  return { ok: report.badLines === 0 && report.fileErrors === 0, summary, data, outputs };
}
