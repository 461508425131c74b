/**
 * Feature-engine benchmark (issue 5): book reconstruction alone vs book + the full default feature
 * set, in one run, on two inputs:
 *   real   the Binance recordings in ../shared/data/binance-hftbacktest (10 files, 6 instruments)
 *   synth  a long synthetic recording: `--synth-hours` (default 1) of BTCUSDT USD-M written by
 *          src/synth `simulateToFiles` into a temp folder at the start (generated once, shared by
 *          every round, deleted at the end; `--synth-dir DIR` reuses/keeps a folder instead)
 * For each input:
 *   (a) from files: read + gunzip + parse + book (`lobkit replay`'s work) vs the same + features
 *   (b) in memory (events parsed beforehand): book engine alone vs book + features — the strictest ratio
 *   (c) memory: a fresh process streams the files through book + features and takes the live heap
 *       after a full GC at several points of the stream (and peak RSS): it must not grow with length
 * Figures: median and best-of-N of wall time and of process CPU time (CPU is steadier on a shared
 * machine), and the ratios of each pair, measured in the same run, rounds interleaved.
 * Target: features add ≤ 1× the reconstruction time, i.e. ratio ≤ 2.
 * Run: npm run bench:features  (options: --rounds N, --synth-hours H, --synth-dir DIR, --skip-files, --skip-mem)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BookEngine } from '../src/book/engine.ts';
import { syncRulesFor } from '../src/book/rules.ts';
import type { MarketEvent } from '../src/core/events.ts';
import { DEFAULT_SPEC } from '../src/features/default-spec.ts';
import { FeatureSet } from '../src/features/feature-set.ts';
import { FeaturePipeline } from '../src/features/pipeline.ts';
import { openReplay } from '../src/replay/open.ts';
import { ReadReport } from '../src/replay/report.ts';
import { simulateToFiles } from '../src/synth/index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const DATA = process.env.LOBKIT_DATA ?? resolve(here, '../../shared/data');
const BINANCE = join(DATA, 'binance-hftbacktest');
const args = process.argv.slice(2);
const opt = (name: string, def: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || def : def);
const rounds = opt('--rounds', 5);
const synthHours = opt('--synth-hours', 1);

function gzFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.gz'))
    .sort()
    .map((f) => join(dir, f));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const best = (xs: number[]) => Math.min(...xs);

function checkBooks(engine: BookEngine): void {
  for (const st of engine.states.values()) if (st.counts.bbo.mismatched !== 0) throw new Error(`book mismatch in ${st.symbol}`);
}

/** Replays files through the book engine only; returns the events. */
async function replayBook(files: string[]): Promise<number> {
  const engine = new BookEngine({ rulesFor: syncRulesFor });
  let n = 0;
  for await (const batch of await openReplay(files, new ReadReport())) {
    for (let i = 0; i < batch.length; i++) engine.onEvent(batch[i]);
    n += batch.length;
  }
  checkBooks(engine);
  return n;
}

/** Replays files through book + default features (rows counted, not kept); returns the rows. */
async function replayFeatures(files: string[]): Promise<number> {
  let rows = 0;
  const p = new FeaturePipeline({ spec: DEFAULT_SPEC, sinkFor: () => ({ push: () => void rows++ }) });
  for await (const batch of await openReplay(files, new ReadReport())) for (let i = 0; i < batch.length; i++) p.push(batch[i]);
  p.finish();
  checkBooks(p.engine);
  return rows;
}

function bookOnly(events: MarketEvent[]): number {
  const engine = new BookEngine({ rulesFor: syncRulesFor });
  for (let i = 0; i < events.length; i++) engine.onEvent(events[i]);
  checkBooks(engine);
  return events.length;
}

function withFeatures(events: MarketEvent[]): number {
  let rows = 0;
  const p = new FeaturePipeline({ spec: DEFAULT_SPEC, sinkFor: () => ({ push: () => void rows++ }) });
  for (let i = 0; i < events.length; i++) p.push(events[i]);
  p.finish();
  checkBooks(p.engine);
  return rows;
}

async function loadEvents(files: string[]): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const batch of await openReplay(files, new ReadReport())) for (let i = 0; i < batch.length; i++) out.push(batch[i]);
  return out;
}

/** Process CPU time, ms (all threads: the gunzip workers and the GC included). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

interface Sample {
  wall: number[];
  cpu: number[];
}
const sample = (): Sample => ({ wall: [], cpu: [] });

// No forced GC between runs: measured, a full GC before each run slows both sides (the feature
// side most: 2.8× instead of 2.2× on the real events in memory), so runs start from the heap as left.
async function timed<T>(into: Sample, fn: () => T | Promise<T>): Promise<T> {
  const c0 = cpuMs();
  const t0 = performance.now();
  const v = await fn();
  into.wall.push(performance.now() - t0);
  into.cpu.push(cpuMs() - c0);
  return v;
}

const f0 = (x: number) => x.toFixed(0).padStart(6);
function line(label: string, s: Sample, extra = ''): string {
  return `    ${label.padEnd(26)} wall ${f0(median(s.wall))} ms (best ${f0(best(s.wall))})   cpu ${f0(median(s.cpu))} ms (best ${f0(best(s.cpu))})${extra}`;
}
function ratio(label: string, base: Sample, x: Sample): string {
  const r = (a: number, b: number) => (b / a).toFixed(2);
  return `    ${label.padEnd(26)} cpu ${r(median(base.cpu), median(x.cpu))} median, ${r(best(base.cpu), best(x.cpu))} best;   wall ${r(median(base.wall), median(x.wall))} median, ${r(best(base.wall), best(x.wall))} best   (target ≤ 2)`;
}

/**
 * A pair (book vs book + features) measured `n` rounds, interleaved (so load changes hit both
 * alike), after one untimed warm-up round.
 */
async function pair<T>(n: number, base: () => T | Promise<T>, feat: () => T | Promise<T>): Promise<{ a: Sample; b: Sample; av: T; bv: T }> {
  const a = sample();
  const b = sample();
  await base();
  await feat();
  let av!: T;
  let bv!: T;
  for (let r = 0; r < n; r++) {
    av = await timed(a, base);
    bv = await timed(b, feat);
  }
  return { a, b, av, bv };
}

/**
 * Child process: streams `files` through book + default features, nothing kept but the engine;
 * after each `1/points` of the events it runs a full GC and records the live heap (MB, above the
 * heap before the pipeline existed). Prints `events rows peakRSS heap1 heap2 ...`.
 */
async function memChild(files: string[], total: number, points: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  const baseHeap = process.memoryUsage().heapUsed;
  let rows = 0;
  const p = new FeaturePipeline({ spec: DEFAULT_SPEC, sinkFor: () => ({ push: () => void rows++ }) });
  const heaps: string[] = [];
  let n = 0;
  let next = 1;
  for await (const batch of await openReplay(files, new ReadReport())) {
    for (let i = 0; i < batch.length; i++) p.push(batch[i]);
    n += batch.length;
    if (n >= (next * total) / points && next < points) {
      gc();
      heaps.push(((process.memoryUsage().heapUsed - baseHeap) / 2 ** 20).toFixed(1) + `@${n}`);
      next++;
    }
  }
  p.finish();
  gc();
  heaps.push(((process.memoryUsage().heapUsed - baseHeap) / 2 ** 20).toFixed(1) + `@${n}`);
  process.stdout.write(`${n} ${rows} ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} ${heaps.join(' ')}\n`);
}

function memory(label: string, files: string[], total: number): void {
  const points = 4;
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--mem-child', String(total), String(points), ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`memory child (${label}) failed: ${r.stderr.slice(-600)}`);
  const [events, rows, rss, ...heaps] = r.stdout.trim().split(' ');
  console.log(`    ${label}: ${events} events, ${rows} rows streamed from the files; peak RSS ${rss} MB; live heap after a full GC, MB @ events: ${heaps.join('  ')}`);
}

async function bench(label: string, files: string[]): Promise<void> {
  const t0 = performance.now();
  const events = await loadEvents(files);
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  let span = 0;
  {
    let lo = Infinity;
    let hi = -Infinity;
    for (const e of events) {
      const t = e.exchTs === e.exchTs ? e.exchTs : e.localTs;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    span = (hi - lo) / 60e9;
  }
  console.log(
    `\n${label}: ${files.length} files, ${events.length} events (${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}), ${span.toFixed(0)} min of market time; parsed into memory in ${((performance.now() - t0) / 1e3).toFixed(1)} s`,
  );
  if (!args.includes('--skip-files')) {
    const { a, b, av, bv } = await pair(rounds, () => replayBook(files), () => replayFeatures(files));
    console.log(`  (a) from files, ${rounds} rounds`);
    console.log(line('replay + book', a, `   ${av} events`));
    console.log(line('replay + book + features', b, `   ${bv} rows`));
    console.log(ratio('ratio', a, b));
  }
  const { a, b, bv } = await pair(rounds, () => bookOnly(events), () => withFeatures(events));
  console.log(`  (b) in memory (events parsed beforehand), ${rounds} rounds`);
  console.log(line('book', a, `   ${((median(a.cpu) / events.length) * 1e6).toFixed(0)} ns cpu/event`));
  console.log(line('book + features', b, `   ${bv} rows; features ${(((median(b.cpu) - median(a.cpu)) / events.length) * 1e6).toFixed(0)} ns cpu/event, ${(((median(b.cpu) - median(a.cpu)) / bv) * 1e3).toFixed(1)} µs cpu/row`));
  console.log(ratio('ratio', a, b));
  if (!args.includes('--skip-mem')) {
    console.log('  (c) memory');
    memory(label, files, events.length);
  }
}

async function main(): Promise<void> {
  if (args[0] === '--mem-child') return memChild(args.slice(3), Number(args[1]), Number(args[2]));
  const nCols = new FeatureSet(DEFAULT_SPEC).featureNames.length;
  console.log(`lobkit features benchmark — default spec ${DEFAULT_SPEC.hash} (${DEFAULT_SPEC.features.length} operators, ${nCols} columns, 100 ms rows), ${rounds} rounds per pair, interleaved`);
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (shared machine: compare the ratios, both sides measured in the same run)`);

  const keep = args.includes('--synth-dir') ? resolve(args[args.indexOf('--synth-dir') + 1]) : undefined;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'lobkit-bench-features-'));
  try {
    let synth = existsSync(dir) ? gzFiles(dir) : [];
    if (synth.length === 0) {
      const t0 = performance.now();
      const s = await simulateToFiles({ out: dir, hours: synthHours, symbols: ['BTCUSDT'], seed: 1 });
      synth = gzFiles(dir);
      console.log(`synthetic: ${synthHours} h of BTCUSDT (binance-usdm, seed 1) generated in ${((performance.now() - t0) / 1e3).toFixed(1)} s → ${s.frames} frames, ${(s.bytes / 2 ** 20).toFixed(1)} MB gzip in ${dir}`);
    } else console.log(`synthetic: reusing ${synth.length} files in ${dir}`);
    await bench(`real Binance recordings (${BINANCE})`, gzFiles(BINANCE));
    await bench(`synthetic ${synthHours} h BTCUSDT`, synth);
  } finally {
    if (keep === undefined) rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nload average at end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

await main();
