/**
 * Replay benchmark on the real Binance recordings (../shared/data/binance-hftbacktest), in one run:
 *   (a) read + JSON.parse only (gunzip, split lines, parse every frame) — the floor
 *   (b) full replay: (a) + venue parsing + book reconstruction + integrity checks (what `lobkit replay` does)
 *   (c) book-apply step alone: lobkit's L2Book vs tardis-dev's OrderBook fed the same normalized changes
 *   (d) peak RSS of (b) in a child process as the number of files grows
 * Targets: (b) ≤ 1.25 × (a); lobkit book-apply ≥ 3 × faster than tardis-dev's.
 * Run: npm run bench  (options: --rounds N, --skip-rss)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrderBook } from 'tardis-dev';
import { BookEngine } from '../src/book/engine.ts';
import { L2Book } from '../src/book/l2book.ts';
import { syncRulesFor } from '../src/book/rules.ts';
import { POW10 } from '../src/core/decimal.ts';
import type { BookChange } from '../src/core/events.ts';
import { readLines } from '../src/replay/lines.ts';
import { openReplay } from '../src/replay/open.ts';
import { ReadReport } from '../src/replay/report.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const DATA = process.env.LOBKIT_DATA ?? resolve(here, '../../shared/data');
const BINANCE = join(DATA, 'binance-hftbacktest');
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 5;

function allFiles(): string[] {
  const out: string[] = [];
  for (const d of ['spot', 'usdm', 'cm']) for (const f of readdirSync(join(BINANCE, d)).sort()) out.push(join(BINANCE, d, f));
  return out;
}

async function readAndParse(files: string[]): Promise<number> {
  let n = 0;
  for (const f of files) {
    for await (const b of readLines(f)) {
      for (const line of b.lines) {
        const sp = line.indexOf(' ');
        if (JSON.parse(line.slice(sp + 1)) !== null) n++;
      }
    }
  }
  return n;
}

async function fullReplay(files: string[], keep?: BookChange[]): Promise<number> {
  const engine = new BookEngine({ rulesFor: syncRulesFor });
  let n = 0;
  for await (const batch of await openReplay(files, new ReadReport())) {
    for (let i = 0; i < batch.length; i++) {
      const ev = batch[i];
      engine.onEvent(ev);
      if (keep !== undefined && ev.type === 'book_change') keep.push(ev);
    }
    n += batch.length;
  }
  for (const st of engine.states.values()) if (st.counts.gaps !== 0 || st.counts.bbo.mismatched !== 0) throw new Error(`integrity failure in ${st.symbol}`);
  return n;
}

async function time(fn: () => Promise<number>): Promise<{ ms: number; n: number }> {
  const t0 = performance.now();
  const n = await fn();
  return { ms: performance.now() - t0, n };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

interface TardisChange {
  type: 'book_change';
  symbol: string;
  exchange: 'binance';
  isSnapshot: boolean;
  bids: { price: number; amount: number }[];
  asks: { price: number; amount: number }[];
  timestamp: Date;
  localTimestamp: Date;
}

/** The same changes in tardis-dev's shape (prebuilt, outside the timed loop). */
function toTardis(changes: BookChange[]): TardisChange[] {
  const ts = new Date(0);
  return changes.map((ev) => {
    const pd = POW10[ev.priceDecimals];
    const sd = POW10[ev.sizeDecimals];
    const bids: { price: number; amount: number }[] = [];
    const asks: { price: number; amount: number }[] = [];
    for (let i = 0; i < ev.nBids + ev.nAsks; i++) {
      const l = { price: ev.levels[2 * i] / pd, amount: ev.levels[2 * i + 1] / sd };
      (i < ev.nBids ? bids : asks).push(l);
    }
    return { type: 'book_change', symbol: ev.symbol, exchange: 'binance', isSnapshot: ev.isSnapshot, bids, asks, timestamp: ts, localTimestamp: ts };
  });
}

/** Applies the changes that the engine applied, per instrument, in order (snapshot first). */
function applyLobkit(changes: BookChange[]): number {
  const books = new Map<string, L2Book>();
  let check = 0;
  for (let i = 0; i < changes.length; i++) {
    const ev = changes[i];
    let b = books.get(ev.symbol);
    if (b === undefined) books.set(ev.symbol, (b = new L2Book()));
    b.apply(ev);
    check += b.bids.n > 0 ? b.bidPrice(0) : 0;
  }
  return check;
}

function applyTardis(changes: TardisChange[]): number {
  const books = new Map<string, OrderBook>();
  let check = 0;
  for (let i = 0; i < changes.length; i++) {
    const ev = changes[i];
    let b = books.get(ev.symbol);
    if (b === undefined) books.set(ev.symbol, (b = new OrderBook()));
    b.update(ev as never);
    check += b.bestBid()?.price ?? 0;
  }
  return check;
}

/** Only the messages the engine would apply: from each instrument's snapshot on (buffered pre-snapshot diffs dropped). */
function appliedOrder(changes: BookChange[]): BookChange[] {
  const started = new Set<string>();
  return changes.filter((ev) => {
    if (ev.isSnapshot) started.add(ev.symbol + ev.venue);
    return started.has(ev.symbol + ev.venue);
  });
}

/** [peak RSS MB, live heap after a full GC MB] of a replay of `files` in a fresh process (optionally with a capped old space). */
async function rssChild(files: string[], heapCapMb?: number): Promise<[number, number]> {
  const flags = ['--expose-gc', ...(heapCapMb ? [`--max-old-space-size=${heapCapMb}`] : []), '--import', 'tsx'];
  const r = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), '--rss-child', ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const [rss, live] = r.stdout.trim().split(' ').map(Number);
  return [rss, live];
}

async function main(): Promise<void> {
  if (args[0] === '--rss-child') {
    await fullReplay(args.slice(1));
    (globalThis as { gc?: () => void }).gc?.();
    process.stdout.write(`${(process.resourceUsage().maxRSS / 1024).toFixed(1)} ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)}\n`);
    return;
  }
  const files = allFiles();
  console.log(`lobkit replay benchmark — ${files.length} Binance files (${BINANCE}), ${rounds} rounds, median`);
  await readAndParse(files.slice(0, 1)); // warm up JIT
  await fullReplay(files.slice(0, 1));
  const a: number[] = [];
  const b: number[] = [];
  let msgs = 0;
  for (let r = 0; r < rounds; r++) {
    const ra = await time(() => readAndParse(files));
    const rb = await time(() => fullReplay(files));
    a.push(ra.ms);
    b.push(rb.ms);
    msgs = rb.n;
  }
  const ma = median(a);
  const mb = median(b);
  console.log(`(a) read + JSON.parse         ${ma.toFixed(0).padStart(6)} ms   ${((msgs / ma) * 1e3).toFixed(0).padStart(8)} msg/s   (best ${Math.min(...a).toFixed(0)} ms)`);
  console.log(`(b) full replay + book        ${mb.toFixed(0).padStart(6)} ms   ${((msgs / mb) * 1e3).toFixed(0).padStart(8)} msg/s   (best ${Math.min(...b).toFixed(0)} ms)`);
  console.log(`    (b)/(a) = ${(mb / ma).toFixed(3)} median, ${(Math.min(...b) / Math.min(...a)).toFixed(3)} best-of-${rounds}   target ≤ 1.25`);

  const kept: BookChange[] = [];
  await fullReplay(files, kept);
  const changes = appliedOrder(kept);
  const tardis = toTardis(changes);
  let levels = 0;
  for (const c of changes) levels += c.nBids + c.nAsks;
  const c1: number[] = [];
  const c2: number[] = [];
  for (let r = 0; r < rounds; r++) {
    c1.push((await time(async () => applyLobkit(changes))).ms);
    c2.push((await time(async () => applyTardis(tardis))).ms);
  }
  const m1 = median(c1);
  const m2 = median(c2);
  console.log(`(c) book apply, ${changes.length} messages / ${levels} level changes:`);
  console.log(`    lobkit L2Book             ${m1.toFixed(1).padStart(6)} ms   ${((levels / m1) * 1e3).toFixed(0).padStart(9)} levels/s`);
  console.log(`    tardis-dev OrderBook      ${m2.toFixed(1).padStart(6)} ms   ${((levels / m2) * 1e3).toFixed(0).padStart(9)} levels/s   speed-up ${(m2 / m1).toFixed(2)}x  target ≥ 3x`);

  if (!args.includes('--skip-rss')) {
    // Peak RSS includes V8's lazily grown heap (it collects later when it may); the live heap after
    // a full GC and the run with a capped heap show what the replay actually holds.
    console.log('(d) memory of a full replay in a fresh process, by number of files (MB):');
    console.log('    files   messages   peak RSS   live heap after GC   peak RSS with --max-old-space-size=48');
    for (const n of [1, 2, 4, 7, 10]) {
      const sub = files.slice(0, n);
      const [rss, live] = await rssChild(sub);
      const [capped] = await rssChild(sub, 48);
      const msgs = await readAndParse(sub);
      console.log(`    ${String(n).padStart(5)}   ${String(msgs).padStart(8)}   ${rss.toFixed(0).padStart(8)}   ${live.toFixed(1).padStart(18)}   ${capped.toFixed(0).padStart(8)}`);
    }
  }
}

await main();
