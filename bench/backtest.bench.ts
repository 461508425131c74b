/**
 * Backtest benchmark: market-data events per second through the simulator with the maker quoter,
 * next to plain replay + book measured in the same run, on
 *   1. the real Binance recordings (spot + USD-M: 6 files, 4 linear instruments, all quoted);
 *   2. a long synthetic input: files given with --synth (e.g. written by the synthetic market
 *      generator), or else the real events replayed --copies times back to back in memory with
 *      shifted timestamps (the output says which).
 * For each input, four measurements:
 *   (a) replay + book from files (gunzip, split, parse, BookEngine)      — what `lobkit replay` costs
 *   (b) backtest from files: (a) + simulator + maker strategy            — what `lobkit backtest` costs
 *   (c) book only, over events pre-parsed in memory
 *   (d) backtest over the same pre-parsed events
 * Targets: ≥ 2 M events/s and ≤ 2 × the replay cost; both ratios (b)/(a) and (d)/(c) are printed.
 * Run: npm run bench:backtest  (options: --rounds N, --copies K, --synth <files...>)
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BookEngine } from '../src/book/engine.ts';
import { syncRulesFor } from '../src/book/rules.ts';
import type { MarketEvent } from '../src/core/events.ts';
import { openReplay } from '../src/replay/open.ts';
import { ReadReport } from '../src/replay/report.ts';
import { Backtest, type BacktestConfig } from '../src/sim/engine.ts';
import { parseFeeSpec } from '../src/sim/fees.ts';
import { ConstantLatency } from '../src/sim/latency.ts';
import { parseQueueSpec } from '../src/sim/queue.ts';
import { finishBacktest } from '../src/sim/run.ts';
import { MakerStrategy } from '../src/strategy/maker.ts';
import { Params } from '../src/strategy/params.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const DATA = process.env.LOBKIT_DATA ?? resolve(here, '../../shared/data');
const BINANCE = join(DATA, 'binance-hftbacktest');
const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const rounds = opt('--rounds', 5);
const copies = opt('--copies', 4);
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

/** The events `k` times back to back, timestamps shifted by the span, on a generic (arrival-order) venue. */
function replicate(evs: MarketEvent[], k: number): MarketEvent[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const ev of evs) {
    if (ev.localTs < lo) lo = ev.localTs;
    if (ev.localTs > hi) hi = ev.localTs;
  }
  const span = hi - lo + 1e9;
  const out: MarketEvent[] = [];
  for (let c = 0; c < k; c++) for (const ev of evs) out.push({ ...ev, venue: 'synthetic-' + ev.venue, exchTs: ev.exchTs + c * span, localTs: ev.localTs + c * span } as MarketEvent);
  return out;
}

interface Stat {
  med: number;
  best: number;
}
const stat = (xs: number[]): Stat => {
  const s = [...xs].sort((a, b) => a - b);
  return { med: s[s.length >> 1], best: s[0] };
};

async function timeIt(fn: () => Promise<number> | number): Promise<[number, number]> {
  const t0 = performance.now();
  const n = await fn();
  return [performance.now() - t0, n];
}

function line(label: string, s: Stat, n: number): string {
  return `${label.padEnd(44)} ${s.med.toFixed(0).padStart(7)} ms  ${((n / s.med) * 1e3).toFixed(0).padStart(9)} ev/s   (best ${s.best.toFixed(0)} ms, ${((n / s.best) * 1e3).toFixed(0)} ev/s)`;
}

async function bench(name: string, paths: string[] | null, evs: MarketEvent[]): Promise<void> {
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  const d: number[] = [];
  // warm-up
  bookOnly(evs.slice(0, 50000));
  backtestMem(evs.slice(0, 50000));
  for (let r = 0; r < rounds; r++) {
    if (paths) {
      a.push((await timeIt(() => replayFiles(paths)))[0]);
      b.push((await timeIt(() => backtestFiles(paths)))[0]);
    }
    c.push((await timeIt(() => bookOnly(evs)))[0]);
    d.push((await timeIt(() => backtestMem(evs)))[0]);
  }
  const n = evs.length;
  console.log(`\n${name}: ${n} market events; maker quoted every linear instrument: ${lastOrders} orders, ${lastFills} fills per run`);
  if (paths) {
    const sa = stat(a);
    const sb = stat(b);
    console.log(line('(a) replay + book from files', sa, n));
    console.log(line('(b) backtest from files (maker)', sb, n));
    console.log(`    (b)/(a) = ${(sb.med / sa.med).toFixed(2)} median, ${(sb.best / sa.best).toFixed(2)} best        target ≤ 2`);
  }
  const sc = stat(c);
  const sd = stat(d);
  console.log(line('(c) book only, pre-parsed in memory', sc, n));
  console.log(line('(d) backtest, pre-parsed in memory (maker)', sd, n));
  console.log(`    (d)/(c) = ${(sd.med / sc.med).toFixed(2)} median, ${(sd.best / sc.best).toFixed(2)} best        target ≤ 2`);
  console.log(`    (d) ${(n / sd.med / 1e3).toFixed(2)} M ev/s median, ${(n / sd.best / 1e3).toFixed(2)} M ev/s best        target ≥ 2 M ev/s`);
}

async function main(): Promise<void> {
  const real = files();
  console.log(`lobkit backtest benchmark — ${rounds} rounds, medians and best-of-${rounds} (shared machine: compare ratios measured in the same run)`);
  console.log('strategy: maker (post-only quotes around the microprice), latency constant 5 ms, risk-averse queue');
  const evs = await load(real);
  await bench(`real Binance spot + USD-M (${real.length} files)`, real, evs);
  if (synthFiles.length > 0) {
    const sevs = await load(synthFiles);
    await bench(`synthetic files (${synthFiles.length})`, synthFiles, sevs);
  } else {
    const long = replicate(evs, copies);
    await bench(`long input: the real events ${copies}× back to back in memory, timestamps shifted (no synthetic files given: --synth)`, null, long);
  }
}

await main();
