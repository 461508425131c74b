/**
 * lobkit-events files vs raw gzip on the real Binance recordings (binance-hftbacktest spot + usdm):
 *   (a) replay + book from the raw .gz files (baseline: gunzip, JSON, venue parsing, BookEngine)
 *   (b) writing the .lobev (a's replay + the writer): time, and size vs the raw .gz bytes
 *   (c) replay + book from the .lobev (same BookEngine)
 *   (d) decode only from the .lobev (no book)
 * Rounds alternate a/b/c/d; each figure is the median and the best of N, wall and CPU (this
 * process's user+system time; less sensitive to other load on a shared machine).
 * Run: npm run bench:event-file  (options: --rounds N, default 3)
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BookEngine } from '../src/book/engine.ts';
import { syncRulesFor } from '../src/book/rules.ts';
import type { MarketEvent } from '../src/core/events.ts';
import { EventFileWriter, readEventFile } from '../src/replay/event-file.ts';
import { openReplay } from '../src/replay/open.ts';
import { ReadReport } from '../src/replay/report.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const BINANCE = join(process.env.LOBKIT_DATA ?? resolve(here, '../../shared/data'), 'binance-hftbacktest');
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 3;

const raw: string[] = [];
for (const d of ['spot', 'usdm']) for (const f of readdirSync(join(BINANCE, d)).sort()) raw.push(join(BINANCE, d, f));
const dir = mkdtempSync(join(tmpdir(), 'lobkit-evbench-'));
const lobev = join(dir, 'binance.lobev');

async function replayBook(files: string[], write?: EventFileWriter): Promise<number> {
  const engine = new BookEngine({ rulesFor: syncRulesFor });
  let n = 0;
  for await (const batch of await openReplay(files, new ReadReport())) {
    for (let i = 0; i < batch.length; i++) {
      write?.write(batch[i]);
      engine.onEvent(batch[i]);
    }
    n += batch.length;
  }
  for (const st of engine.states.values()) if (st.counts.gaps !== 0 || st.counts.bbo.mismatched !== 0) throw new Error(`integrity failure in ${st.symbol}`);
  return n;
}

async function decodeOnly(): Promise<number> {
  let n = 0;
  let sink = 0;
  for await (const batch of readEventFile(lobev)) {
    for (let i = 0; i < batch.length; i++) sink += (batch[i] as MarketEvent).localTs;
    n += batch.length;
  }
  if (sink === 0) throw new Error('no events');
  return n;
}

interface Sample {
  wall: number;
  cpu: number;
  n: number;
}
async function measure(fn: () => Promise<number>): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const n = await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, n };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const best = (xs: number[]): number => Math.min(...xs);

const cases = {
  a: { label: '(a) replay+book from raw .gz', s: [] as Sample[] },
  b: { label: '(b) replay+book + write .lobev', s: [] as Sample[] },
  c: { label: '(c) replay+book from .lobev', s: [] as Sample[] },
  d: { label: '(d) decode only from .lobev', s: [] as Sample[] },
};

console.log(`lobkit-events bench: ${raw.length} files (spot + usdm), ${rounds} rounds, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`);
try {
  await replayBook(raw); // warm-up (JIT, page cache)
  for (let r = 0; r < rounds; r++) {
    cases.a.s.push(await measure(() => replayBook(raw)));
    rmSync(lobev, { force: true });
    cases.b.s.push(
      await measure(async () => {
        const w = EventFileWriter.open(lobev, { sources: raw });
        const n = await replayBook(raw, w);
        w.close();
        return n;
      }),
    );
    cases.c.s.push(await measure(() => replayBook([lobev])));
    cases.d.s.push(await measure(decodeOnly));
  }
  const gz = raw.reduce((s, f) => s + statSync(f).size, 0);
  const ev = statSync(lobev).size;
  const n = cases.a.s[0].n;
  for (const k of ['b', 'c', 'd'] as const) for (const s of cases[k].s) if (s.n !== n) throw new Error(`${cases[k].label}: ${s.n} events, raw replay ${n}`);
  console.log(`${n} events; raw .gz ${(gz / 1e6).toFixed(1)} MB, .lobev ${(ev / 1e6).toFixed(1)} MB (${(ev / gz).toFixed(2)}x the gzip bytes, ${(ev / n).toFixed(0)} B/event)`);
  const rate = (ms: number): string => `${((n / ms) * 1e3 / 1e6).toFixed(2)} M/s`;
  console.log('case                              wall median   wall best    rate(best wall)  cpu median   cpu best     rate(best cpu)');
  for (const c of Object.values(cases)) {
    const w = c.s.map((x) => x.wall);
    const cpu = c.s.map((x) => x.cpu);
    console.log(`${c.label.padEnd(34)}${median(w).toFixed(0).padStart(8)} ms ${best(w).toFixed(0).padStart(8)} ms   ${rate(best(w)).padStart(10)}    ${median(cpu).toFixed(0).padStart(8)} ms ${best(cpu).toFixed(0).padStart(8)} ms   ${rate(best(cpu)).padStart(10)}`);
  }
  const ratio = (x: Sample[], y: Sample[], f: (s: Sample) => number, pick: (v: number[]) => number): string => (pick(y.map(f)) / pick(x.map(f))).toFixed(2);
  for (const [k, what] of [
    ['c', 'replay+book from .lobev'],
    ['d', 'decode only'],
    ['b', 'writing the .lobev'],
  ] as const) {
    const s = cases[k].s;
    console.log(`speed-up of ${what} over (a): wall median ${ratio(s, cases.a.s, (x) => x.wall, median)}x, best ${ratio(s, cases.a.s, (x) => x.wall, best)}x; cpu median ${ratio(s, cases.a.s, (x) => x.cpu, median)}x, best ${ratio(s, cases.a.s, (x) => x.cpu, best)}x`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
