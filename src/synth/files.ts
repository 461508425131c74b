import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DayFileWriter } from './day-writer.ts';
import { SymbolGenerator } from './generator.ts';
import { resolveSpec, venueFolder, type ResolvedSpec, type SimulationSpec } from './spec.ts';

/** Simulated time per slice between writer drains / progress reports. */
const SLICE_NS = 10e9;
/** zlib level of the written files: 1 is the fastest per event written (ratio ~5.6 vs ~6.4 at 4; bench/simulate.bench.ts compares levels). */
export const DEFAULT_GZIP_LEVEL = 1;

export interface FileOutputOptions extends SimulationSpec {
  /** Output folder: files go to `<out>/<usdm|spot>/<symbol>_<YYYYMMDD>.gz`. */
  out: string;
  gzipLevel?: number;
  /**
   * Worker threads for several symbols; 1 = in this thread. Default: min(symbols, cores − 1), one
   * core left to zlib's compression threads (on 2 cores that is 1: measured, two workers there
   * are no faster than one thread that generates while the pool compresses).
   */
  workers?: number;
  /** Pace the output at `speed` × real time (files flushed every slice so they can be tailed). Default: as fast as possible. */
  speed?: number;
  /** Called with simulated seconds done (all symbols together) and the total. */
  onProgress?(doneS: number, totalS: number): void;
}

export interface SymbolSummary {
  symbol: string;
  /** Book events of the model (limit arrivals, cancellations, market orders' level changes). */
  events: number;
  marketOrders: number;
  trades: number;
  frames: number;
  files: { path: string; rawBytes: number; lines: number; bytes: number }[];
}

export interface SimulationSummary {
  venue: string;
  seed: number | string;
  start: string;
  hours: number;
  symbols: SymbolSummary[];
  /** Symbols simulated with another instrument's parameters. */
  cloned: string[];
  events: number;
  trades: number;
  frames: number;
  files: string[];
  rawBytes: number;
  /** Bytes on disk (gzip). */
  bytes: number;
  gzipLevel: number;
  elapsedMs: number;
}

/** The per-thread work: some symbols of a resolved spec, written to files. */
export async function writeSymbols(r: ResolvedSpec, symbols: number[], out: string, level: number, speed: number | undefined, onSlice: (dNs: number) => void): Promise<SymbolSummary[]> {
  const dir = join(out, venueFolder(r.venue));
  const gens: SymbolGenerator[] = [];
  const writers: DayFileWriter[] = [];
  for (const k of symbols) {
    const p = r.instruments[k];
    const w = new DayFileWriter(dir, p.symbol, r.startMs, level);
    writers.push(w);
    gens.push(new SymbolGenerator({ venue: r.venue, params: p, market: r.params, seed: r.seed, startMs: r.startMs, sink: w, endNs: r.durationNs }));
  }
  const wall0 = performance.now();
  try {
    for (let t = 0; t < r.durationNs; ) {
      const next = Math.min(r.durationNs, t + SLICE_NS);
      for (let i = 0; i < gens.length; i++) {
        gens[i].run(next);
        await writers[i].drain();
      }
      onSlice((next - t) * gens.length);
      t = next;
      if (speed !== undefined) {
        for (const w of writers) await w.flush();
        const due = t / 1e6 / speed - (performance.now() - wall0);
        if (due > 0) await new Promise((res) => setTimeout(res, due));
      }
    }
    for (const g of gens) g.finish();
  } catch (e) {
    for (const w of writers) await w.close().catch(() => {});
    throw e;
  }
  for (const w of writers) await w.close();
  return gens.map((g, i) => ({
    symbol: r.instruments[symbols[i]].symbol,
    events: g.model.events,
    marketOrders: g.model.marketOrders,
    trades: g.model.trades,
    frames: writers[i].frames,
    files: writers[i].files.map((f) => ({ ...f })),
  }));
}

/**
 * Simulates the spec and writes Binance-format raw files (one per instrument and UTC day), in
 * worker threads when there are several symbols and cores.
 */
export async function simulateToFiles(opts: FileOutputOptions): Promise<SimulationSummary> {
  const r = resolveSpec(opts);
  const level = opts.gzipLevel ?? DEFAULT_GZIP_LEVEL;
  const t0 = performance.now();
  const n = r.instruments.length;
  const totalS = (r.durationNs / 1e9) * n;
  let doneS = 0;
  const progress = (dNs: number) => {
    doneS += dNs / 1e9;
    opts.onProgress?.(Math.min(doneS, totalS), totalS);
  };
  const nWorkers = opts.speed !== undefined ? 1 : Math.max(1, Math.min(n, opts.workers ?? availableParallelism() - 1));
  let summaries: SymbolSummary[];
  if (nWorkers <= 1) {
    summaries = await writeSymbols(r, [...Array(n).keys()], opts.out, level, opts.speed, progress);
  } else {
    const parts: number[][] = Array.from({ length: nWorkers }, () => []);
    for (let k = 0; k < n; k++) parts[k % nWorkers].push(k);
    const results = await Promise.all(parts.map((part) => runWorker(r, part, opts.out, level, progress)));
    summaries = [];
    for (let k = 0; k < n; k++) {
      const w = k % nWorkers;
      summaries.push(results[w][parts[w].indexOf(k)]);
    }
  }
  const files = summaries.flatMap((s) => s.files.map((f) => f.path));
  return {
    venue: r.venue,
    seed: r.seed,
    start: new Date(r.startMs).toISOString(),
    hours: r.durationNs / 3600e9,
    symbols: summaries,
    cloned: r.cloned,
    events: sum(summaries, (s) => s.events),
    trades: sum(summaries, (s) => s.trades),
    frames: sum(summaries, (s) => s.frames),
    files,
    rawBytes: sum(summaries, (s) => sum(s.files, (f) => f.rawBytes)),
    bytes: sum(summaries, (s) => sum(s.files, (f) => f.bytes)),
    gzipLevel: level,
    elapsedMs: Math.round(performance.now() - t0),
  };
}

function sum<T>(xs: T[], f: (x: T) => number): number {
  let s = 0;
  for (const x of xs) s += f(x);
  return s;
}

export interface WorkerInput {
  spec: ResolvedSpec;
  symbols: number[];
  out: string;
  level: number;
}

export type WorkerMessage = { type: 'progress'; ns: number } | { type: 'done'; summaries: SymbolSummary[] } | { type: 'error'; message: string };

function runWorker(r: ResolvedSpec, symbols: number[], out: string, level: number, progress: (dNs: number) => void): Promise<SymbolSummary[]> {
  // Source (.ts under tsx) or build (.js): the worker file sits beside this one.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const input: WorkerInput = { spec: r, symbols, out, level };
  const url = new URL(`./worker${ext}`, import.meta.url);
  // Under tsx (tests, benchmarks) the worker registers the TypeScript loader before loading the entry.
  const worker =
    ext === '.ts'
      ? new Worker(`import('tsx/esm/api').then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`, { eval: true, workerData: input })
      : new Worker(url, { workerData: input });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') progress(m.ns);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.summaries);
      } else {
        settled = true;
        reject(new Error(m.message));
      }
    });
    worker.on('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`simulation worker exited with code ${code}`));
    });
  });
}
