/**
 * Backtest benchmark: market-data events per second through the simulator with the maker quoter,
 * next to plain replay + book measured in the same run, on
 *   1. the real Binance recordings (spot + USD-M: 6 files, 4 linear instruments, all quoted);
 *   2. a long synthetic recording: `--hours` (default 1) of BTCUSDT USD-M written by the synthetic
 *      market generator (src/synth `simulateToFiles`) into a temporary folder, deleted at the end
 *      (or the files given with --synth).
 * For each input, six measurements:
 *   (a) replay + book from the raw files (gunzip, split, parse, BookEngine) — what `lobkit replay` costs
 *   (b) backtest from the raw files: (a) + simulator + maker strategy      — what `lobkit backtest` costs
 *   (c) replay + book from a lobkit-events file of the same events (written once before timing,
 *       as `lobkit replay --events-out` does: hftbacktest's convert-once-to-npz step)
 *   (d) backtest from that lobkit-events file
 *   (e) book only, over events pre-parsed in memory
 *   (f) backtest over the same pre-parsed events
 * Each is timed on the wall clock and in process CPU time (process.cpuUsage: all threads, so
 * gunzip on the thread pool counts), which is less sensitive to other work on a shared machine.
 * Targets: ≥ 2 M events/s and ≤ 2 × the replay cost; the ratios (b)/(a), (d)/(c) and (f)/(e) are printed.
 * Rates are given in two units: venue messages (one MarketEvent: a depth diff with ~50 level rows
 * counts once) and hftbacktest-style events — hftbacktest's data has one event row per price-level
 * change (depth update or snapshot level), per trade and per BBO side; here one per level row, one
 * per trade and one per BBO or other message (a BBO counted once, not twice: conservative).
 * Run: npm run bench:backtest  (options: --rounds N, --hours H, --synth <files...>)
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BookEngine } from '../src/book/engine.ts';
import { syncRulesFor } from '../src/book/rules.ts';
import type { MarketEvent } from '../src/core/events.ts';
import { EventFileWriter } from '../src/replay/event-file.ts';
import { openReplay } from '../src/replay/open.ts';
import { ReadReport } from '../src/replay/report.ts';
import { Backtest, type BacktestConfig } from '../src/sim/engine.ts';
import { parseFeeSpec } from '../src/sim/fees.ts';
import { ConstantLatency } from '../src/sim/latency.ts';
import { parseQueueSpec } from '../src/sim/queue.ts';
import { finishBacktest } from '../src/sim/run.ts';
import { MakerStrategy } from '../src/strategy/maker.ts';
import { Params } from '../src/strategy/params.ts';
import { simulateToFiles } from '../src/synth/index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const DATA = process.env.LOBKIT_DATA ?? resolve(here, '../../shared/data');
const BINANCE = join(DATA, 'binance-hftbacktest');
const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const rounds = opt('--rounds', 3);
const hours = opt('--hours', 1);
const synthIdx = args.indexOf('--synth');
const synthFiles = synthIdx >= 0 ? args.slice(synthIdx + 1).filter((a) => !a.startsWith('--')) : [];

function files(): string[] {
  const out: string[] = [];
  for (const d of ['spot', 'usdm']) for (const f of readdirSync(join(BINANCE, d)).sort()) out.push(join(BINANCE, d, f));
  return out;
}

const config = (): BacktestConfig => ({ latency: new ConstantLatency(5e6, 5e6), queue: parseQueueSpec('risk-averse'), fees: parseFeeSpec('maker=-0.5bp,taker=4.5bp') });
const maker = () => MakerStrategy.fromParams(Params.parse(['notional=1000,max_notional=5000'], 'maker'));

async function replayFiles(paths: string[]): Promise<number> {
  const engine = new BookEngine({ rulesFor: syncRulesFor });
  let n = 0;
  for await (const batch of await openReplay(paths, new ReadReport())) {
    for (let i = 0; i < batch.length; i++) engine.onEvent(batch[i]);
    n += batch.length;
  }
  return n;
}

let lastFills = 0;
let lastOrders = 0;

async function backtestFiles(paths: string[]): Promise<number> {
  const bt = new Backtest(maker(), config());
  let n = 0;
  for await (const batch of await openReplay(paths, new ReadReport())) {
    for (let i = 0; i < batch.length; i++) bt.onEvent(batch[i]);
    n += batch.length;
  }
  const r = finishBacktest(bt);
  lastFills = r.summary.fills.count;
  lastOrders = r.summary.orders.submitted;
  return n;
}

function bookOnly(evs: MarketEvent[]): number {
  const engine = new BookEngine({ rulesFor: syncRulesFor });
  for (let i = 0; i < evs.length; i++) engine.onEvent(evs[i]);
  return evs.length;
}

function backtestMem(evs: MarketEvent[]): number {
  const bt = new Backtest(maker(), config());
  for (let i = 0; i < evs.length; i++) bt.onEvent(evs[i]);
  const r = finishBacktest(bt);
  lastFills = r.summary.fills.count;
  lastOrders = r.summary.orders.submitted;
  return evs.length;
}

async function load(paths: string[]): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const batch of await openReplay(paths, new ReadReport())) for (const ev of batch) out.push(ev);
  return out;
}

/** hftbacktest-style event count: level rows of depth messages, plus one per other message. */
function rowEvents(evs: MarketEvent[]): number {
  let n = 0;
  for (const ev of evs) n += ev.type === 'book_change' ? ev.nBids + ev.nAsks : 1;
  return n;
}

/** Wall and CPU milliseconds of each round. */
interface Times {
  wall: number[];
  cpu: number[];
}

interface Stat {
  med: number;
  best: number;
}
const stat = (xs: number[]): Stat => {
  const s = [...xs].sort((a, b) => a - b);
  return { med: s[(s.length - 1) >> 1], best: s[0] };
};

async function timeIt(into: Times, fn: () => Promise<number> | number): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  into.wall.push(wall);
  into.cpu.push((c.user + c.system) / 1e3);
}

const mps = (n: number, ms: number) => (n / ms / 1e3).toFixed(2);

function line(label: string, t: Times, n: number): string {
  const w = stat(t.wall);
  const c = stat(t.cpu);
  return (
    `${label.padEnd(40)} wall ${w.med.toFixed(0).padStart(6)} ms = ${mps(n, w.med).padStart(5)} M ev/s (best ${mps(n, w.best)})` +
    `   cpu ${c.med.toFixed(0).padStart(6)} ms = ${mps(n, c.med).padStart(5)} M ev/s per CPU-s (best ${mps(n, c.best)})`
  );
}

function ratio(label: string, num: Times, den: Times): string {
  const r = (a: number[], b: number[]) => `${(stat(a).med / stat(b).med).toFixed(2)} median, ${(stat(a).best / stat(b).best).toFixed(2)} best`;
  return `    ${label}: wall ${r(num.wall, den.wall)}; cpu ${r(num.cpu, den.cpu)}        target ≤ 2`;
}

/** Converts the recording to a lobkit-events file in `dir`, streaming (what `lobkit replay --events-out` does). */
async function writeEvents(dir: string, name: string, paths: string[]): Promise<string> {
  const path = join(dir, name + '.lobev');
  const w = EventFileWriter.open(path, { sources: paths, overwrite: true });
  for await (const batch of await openReplay(paths, new ReadReport())) for (const ev of batch) w.write(ev);
  w.close();
  return path;
}

async function bench(name: string, paths: string[], tmp: string): Promise<void> {
  const t = () => ({ wall: [], cpu: [] }) as Times;
  const a = t();
  const b = t();
  const c = t();
  const d = t();
  const e = t();
  const f = t();
  const lobev = await writeEvents(tmp, name.split(' ')[0], paths);
  // the streaming measurements run without the pre-parsed events in memory (a large retained
  // heap makes every garbage collection of the streaming paths slower)
  for (let r = 0; r < rounds; r++) {
    await timeIt(a, () => replayFiles(paths));
    await timeIt(b, () => backtestFiles(paths));
    await timeIt(c, () => replayFiles([lobev]));
    await timeIt(d, () => backtestFiles([lobev]));
  }
  const evs = await load(paths);
  // warm-up (JIT) on a slice
  bookOnly(evs.slice(0, 50000));
  backtestMem(evs.slice(0, 50000));
  for (let r = 0; r < rounds; r++) {
    await timeIt(e, () => bookOnly(evs));
    await timeIt(f, () => backtestMem(evs));
  }
  const n = evs.length;
  const rows = rowEvents(evs);
  console.log(`\n${name}: ${n} market events (venue messages) = ${rows} hftbacktest-style events (${(rows / n).toFixed(2)} per message); the maker sent ${lastOrders} orders, got ${lastFills} fills per run`);
  console.log(line('(a) replay + book from raw files', a, n));
  console.log(line('(b) backtest from raw files (maker)', b, n));
  console.log(ratio('(b)/(a)', b, a));
  console.log(line('(c) replay + book from .lobev', c, n));
  console.log(line('(d) backtest from .lobev (maker)', d, n));
  console.log(ratio('(d)/(c)', d, c));
  console.log(line('(e) book only, pre-parsed in memory', e, n));
  console.log(line('(f) backtest, pre-parsed in memory', f, n));
  console.log(ratio('(f)/(e)', f, e));
  for (const [label, tm] of [['(b) backtest from raw files', b], ['(d) backtest from .lobev', d], ['(f) backtest in memory', f]] as const) {
    const tc = stat(tm.cpu);
    const tw = stat(tm.wall);
    console.log(`    ${label.padEnd(28)} ${mps(n, tw.med)} M messages/s wall median (best ${mps(n, tw.best)}), ${mps(n, tc.med)} per CPU-s; ${mps(rows, tw.med).padStart(5)} M hftbacktest-style events/s wall median (best ${mps(rows, tw.best)}), ${mps(rows, tc.med)} per CPU-s        target ≥ 2 M events/s`);
  }
}

async function main(): Promise<void> {
  const load0 = loadavg();
  console.log(`lobkit backtest benchmark — ${rounds} rounds: medians and best-of-${rounds}, wall clock and process CPU time; load average ${load0.map((x) => x.toFixed(1)).join(' ')}`);
  console.log('strategy: maker (post-only quotes around the microprice), entry/response latency constant 5 ms, feed latency as recorded, risk-averse queue');
  const real = files();
  const tmp = mkdtempSync(join(tmpdir(), 'lobkit-bench-backtest-'));
  try {
    await bench(`real Binance spot + USD-M (${real.length} files)`, real, tmp);
    let paths = synthFiles;
    let name = `synthetic files (${synthFiles.length})`;
    if (paths.length === 0) {
      const t0 = performance.now();
      const s = await simulateToFiles({ out: tmp, hours, symbols: ['BTCUSDT'], seed: 1 });
      paths = s.files;
      name = `synthetic Binance USD-M BTCUSDT, ${hours} h (src/synth, seed 1; generated in ${((performance.now() - t0) / 1e3).toFixed(1)} s, ${(s.bytes / 1e6).toFixed(0)} MB gzip)`;
    }
    await bench(name, paths, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 shared cores: compare ratios measured in the same run; CPU-time figures are the less load-sensitive ones)`);
}

await main();
