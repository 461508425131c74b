/**
 * Feature-engine benchmark, in one run:
 *   (a) full replay of the real Binance recordings: read + parse + book reconstruction (`lobkit replay`'s work)
 *   (b) the same + the full default feature set (FeaturePipeline: one FeatureSet per instrument, 100 ms rows)
 *   (c) in memory (events parsed beforehand): book engine alone vs book + features — the strictest ratio
 *   (d) a long stream: the real events replayed K times back to back in memory, timestamps and sequence
 *       numbers shifted per copy (src/synth has no index.ts to generate one with), book vs book + features
 *   (e) memory of book + features in a fresh process as the stream grows (peak RSS, live heap after a
 *       full GC, and a run with the old space capped): what the engine holds must not grow with length
 * Target: features add ≤ 1× the reconstruction time, i.e. (b)/(a) ≤ 2 (and (c), (d) reported beside it).
 * Run: npm run bench:features  (options: --rounds N, --copies K, --skip-rss)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BookEngine } from '../src/book/engine.ts';
import { syncRulesFor } from '../src/book/rules.ts';
import type { MarketEvent } from '../src/core/events.ts';
import { DEFAULT_SPEC } from '../src/features/default-spec.ts';
import { FeaturePipeline } from '../src/features/pipeline.ts';
import { openReplay } from '../src/replay/open.ts';
import { ReadReport } from '../src/replay/report.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const DATA = process.env.LOBKIT_DATA ?? resolve(here, '../../shared/data');
const BINANCE = join(DATA, 'binance-hftbacktest');
const args = process.argv.slice(2);
const opt = (name: string, def: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || def : def);
const rounds = opt('--rounds', 5);
const copies = opt('--copies', 6);

function allFiles(): string[] {
  const out: string[] = [];
  for (const d of ['spot', 'usdm', 'cm']) for (const f of readdirSync(join(BINANCE, d)).sort()) out.push(join(BINANCE, d, f));
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const best = (xs: number[]) => Math.min(...xs);

function checkBooks(engine: BookEngine): void {
  for (const st of engine.states.values()) if (st.counts.bbo.mismatched !== 0) throw new Error(`book mismatch in ${st.symbol}`);
}

/** (a): replay files through the book engine only. */
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

/** (b): replay files through book + default features (rows counted, not kept). */
async function replayFeatures(files: string[]): Promise<number> {
  let rows = 0;
  const p = new FeaturePipeline({ spec: DEFAULT_SPEC, sinkFor: () => ({ push: () => void rows++ }) });
  for await (const batch of await openReplay(files, new ReadReport())) for (let i = 0; i < batch.length; i++) p.push(batch[i]);
  p.finish();
  checkBooks(p.engine);
  return rows;
}

function bookOnly(events: Iterable<MarketEvent>): number {
  const engine = new BookEngine({ rulesFor: syncRulesFor });
  let n = 0;
  for (const ev of events) {
    engine.onEvent(ev);
    n++;
  }
  return n;
}

function withFeatures(events: Iterable<MarketEvent>): number {
  let rows = 0;
  const p = new FeaturePipeline({ spec: DEFAULT_SPEC, sinkFor: () => ({ push: () => void rows++ }) });
  for (const ev of events) p.push(ev);
  p.finish();
  return rows;
}

/**
 * The base events `k` times back to back: copy k is shifted by k × (span + 1 s) in both clocks and its
 * sequence numbers by k × 1e13, so each copy resyncs from its own snapshot like a reconnect would.
 */
function* longStream(base: MarketEvent[], k: number): Generator<MarketEvent> {
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of base) {
    const t = e.exchTs === e.exchTs ? e.exchTs : e.localTs;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const span = hi - lo + 1e9;
  for (let c = 0; c < k; c++) {
    const dt = c * span;
    const ds = c * 1e13;
    for (const e of base) yield c === 0 ? e : shifted(e, dt, ds);
  }
}

async function loadEvents(files: string[]): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const batch of await openReplay(files, new ReadReport())) for (const e of batch) out.push(e);
  return out;
}

/** Process CPU time, ms (all threads: the gunzip workers and the GC included). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

function time<T>(fn: () => T): { ms: number; cpu: number; v: T } {
  const c0 = cpuMs();
  const t0 = performance.now();
  const v = fn();
  return { ms: performance.now() - t0, cpu: cpuMs() - c0, v };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; cpu: number; v: T }> {
  const c0 = cpuMs();
  const t0 = performance.now();
  const v = await fn();
  return { ms: performance.now() - t0, cpu: cpuMs() - c0, v };
}

/** `label  wall median (best)  cpu median (best)` */
function line(label: string, wall: number[], cpu: number[], extra = ''): string {
  return `${label.padEnd(34)} wall ${median(wall).toFixed(0).padStart(6)} ms (best ${best(wall).toFixed(0).padStart(6)})   cpu ${median(cpu).toFixed(0).padStart(6)} ms (best ${best(cpu).toFixed(0).padStart(6)})${extra}`;
}

function ratios(label: string, w1: number[], w2: number[], c1: number[], c2: number[]): string {
  return `    ${label}: cpu ${(median(c2) / median(c1)).toFixed(2)} median, ${(best(c2) / best(c1)).toFixed(2)} best; wall ${(median(w2) / median(w1)).toFixed(2)} median, ${(best(w2) / best(w1)).toFixed(2)} best`;
}

/** Shifts copy `c` of an event (see longStream). */
function shifted(e: MarketEvent, dt: number, ds: number): MarketEvent {
  if (e.type === 'book_change') return { ...e, exchTs: e.exchTs + dt, localTs: e.localTs + dt, seq: e.seq + ds, firstSeq: e.firstSeq + ds, prevSeq: e.prevSeq + ds };
  if (e.type === 'bbo') return { ...e, exchTs: e.exchTs + dt, localTs: e.localTs + dt, seq: e.seq + ds };
  return { ...e, exchTs: e.exchTs + dt, localTs: e.localTs + dt };
}

/**
 * Child: book + features over `k` copies streamed from the files (nothing held but the engine), then
 * prints peak RSS MB, the live heap after a full GC while the pipeline is still referenced, and rows.
 */
async function rssChild(k: number): Promise<void> {
  const files = allFiles();
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  const baseHeap = process.memoryUsage().heapUsed;
  let rows = 0;
  const p = new FeaturePipeline({ spec: DEFAULT_SPEC, sinkFor: () => ({ push: () => void rows++ }) });
  const span = 20 * 60e9; // the recordings span < 12 minutes
  for (let c = 0; c < k; c++) {
    for await (const batch of await openReplay(files, new ReadReport())) for (const e of batch) p.push(c === 0 ? e : shifted(e, c * span, c * 1e13));
  }
  p.finish();
  gc();
  const live = process.memoryUsage().heapUsed - baseHeap;
  process.stdout.write(`${(process.resourceUsage().maxRSS / 1024).toFixed(1)} ${(live / 2 ** 20).toFixed(1)} ${rows} ${p.instruments().length}\n`);
}

function child(k: number, heapCapMb?: number): { rss: number; live: number; rows: number } {
  const flags = ['--expose-gc', ...(heapCapMb ? [`--max-old-space-size=${heapCapMb}`] : []), '--import', 'tsx'];
  const r = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), '--rss-child', String(k)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child (${k} copies${heapCapMb ? `, heap ${heapCapMb} MB` : ''}) failed: ${r.stderr.slice(-400)}`);
  const [rss, live, rows] = r.stdout.trim().split(' ').map(Number);
  return { rss, live, rows };
}

async function main(): Promise<void> {
  if (args[0] === '--rss-child') return rssChild(Number(args[1]));
  const files = allFiles();
  const nFeatures = new FeaturePipeline({ spec: DEFAULT_SPEC }).spec.features.length;
  console.log(`lobkit features benchmark — ${files.length} Binance files (${BINANCE}), default spec ${DEFAULT_SPEC.hash} (${nFeatures} operators), ${rounds} rounds`);
  console.log('medians and best-of-N of wall and process CPU time (CPU time is steadier on a shared machine); compare the ratios, measured in the same run');
  await replayBook(files.slice(0, 1)); // JIT warm-up
  await replayFeatures(files.slice(0, 1));

  const aw: number[] = [];
  const ac: number[] = [];
  const bw: number[] = [];
  const bc: number[] = [];
  let msgs = 0;
  let rows = 0;
  for (let r = 0; r < rounds; r++) {
    const ra = await timeAsync(() => replayBook(files));
    const rb = await timeAsync(() => replayFeatures(files));
    aw.push(ra.ms);
    ac.push(ra.cpu);
    bw.push(rb.ms);
    bc.push(rb.cpu);
    msgs = ra.v;
    rows = rb.v;
  }
  console.log(line('(a) replay + book', aw, ac, `   ${msgs} messages`));
  console.log(line('(b) replay + book + features', bw, bc, `   ${rows} rows`));
  console.log(ratios('(b)/(a)', aw, bw, ac, bc) + '   target ≤ 2 (features add ≤ 1× the reconstruction)');

  const events = await loadEvents(files);
  const cw1: number[] = [];
  const cc1: number[] = [];
  const cw2: number[] = [];
  const cc2: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const x = time(() => bookOnly(events));
    const y = time(() => withFeatures(events));
    cw1.push(x.ms);
    cc1.push(x.cpu);
    cw2.push(y.ms);
    cc2.push(y.cpu);
  }
  console.log(`(c) in memory: the same ${events.length} events parsed beforehand`);
  console.log(line('    book only', cw1, cc1));
  console.log(line('    book + features', cw2, cc2, `   features ${(((median(cc2) - median(cc1)) / events.length) * 1e6).toFixed(0)} ns cpu per event`));
  console.log(ratios('(c) ratio', cw1, cw2, cc1, cc2));

  const dw1: number[] = [];
  const dc1: number[] = [];
  const dw2: number[] = [];
  const dc2: number[] = [];
  let longRows = 0;
  const dRounds = Math.max(1, Math.min(rounds, 3));
  for (let r = 0; r < dRounds; r++) {
    const x = time(() => bookOnly(longStream(events, copies)));
    const y = time(() => withFeatures(longStream(events, copies)));
    dw1.push(x.ms);
    dc1.push(x.cpu);
    dw2.push(y.ms);
    dc2.push(y.cpu);
    longRows = y.v;
  }
  console.log(`(d) long stream: ${copies} × the real events back to back, clocks and sequences shifted per copy (${copies * events.length} events, ${longRows} rows; src/synth has no index.ts to generate one with)`);
  console.log(line('    book only', dw1, dc1));
  console.log(line('    book + features', dw2, dc2));
  console.log(ratios(`(d) ratio, ${dRounds} rounds`, dw1, dw2, dc1, dc2));

  if (!args.includes('--skip-rss')) {
    console.log('(e) memory of book + default features in a fresh process, by stream length (MB; the files replayed k times with shifted clocks, rows counted not kept):');
    console.log('    copies     events      rows   peak RSS   live heap after GC   peak RSS with --max-old-space-size=96');
    for (const k of args.includes('--rss-quick') ? [1, 2] : [1, 2, 4, 8]) {
      const m = child(k);
      const capped = child(k, 96);
      console.log(`    ${String(k).padStart(6)}   ${String(k * events.length).padStart(8)}   ${String(m.rows).padStart(7)}   ${m.rss.toFixed(0).padStart(8)}   ${m.live.toFixed(1).padStart(18)}   ${capped.rss.toFixed(0).padStart(8)}`);
    }
  }
}

await main();
