/**
 * Simulator benchmark (`npm run bench:simulate`), all in one run on one BTC-like USD-M symbol:
 *   (a) model only: book events per second of the queue-reactive model (no frames)
 *   (b) model + Binance frames (bytes built, then dropped)
 *   (c) the real path: model + frames + raw lines + gzip files (`simulateToFiles`, one thread), at
 *       several zlib levels: events/s, MB/s of text, compression ratio
 *   (d) baseline: writing the same, pre-generated lines through the same gzip writer (what any
 *       capture costs) — (c) / (d) is the price of generating the market
 *   (e) two symbols in one thread vs two worker threads
 *   (f) 24 h of the BTC-like symbol: projected from (c), or simulated for real with --day
 * A "book event" is one change of the model's book (a limit order, a cancellation, a market
 * order's fill of one level, a pull): what a venue gives an update id. Medians and best of N
 * (--rounds, default 3); the machine is shared, so compare ratios measured in the same run.
 * Target: ≥ 1M book events/s generated and written; 24 h of one symbol in minutes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AsciiBuffer } from '../src/synth/ascii.ts';
import { F_DEPTH } from '../src/synth/binance-feed.ts';
import { DayFileWriter } from '../src/synth/day-writer.ts';
import { DEFAULT_GZIP_LEVEL, simulateToFiles } from '../src/synth/files.ts';
import { SymbolGenerator } from '../src/synth/generator.ts';
import { resolveSpec } from '../src/synth/spec.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : def);
const rounds = arg('--rounds', 3);
const hours = arg('--hours', 0.25);
const levels = args.includes('--levels') ? args[args.indexOf('--levels') + 1].split(',').map(Number) : [1, 4, 6];
const fullDay = args.includes('--day');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

interface Run {
  ms: number;
  events: number;
  bytes?: number;
  /** CPU time of the whole process (all threads: zlib's pool included), ms. */
  cpuMs?: number;
}

/** Runs `fn` and measures its wall and process CPU time. */
async function timed<T extends { events: number; bytes?: number }>(fn: () => T | Promise<T>): Promise<Run> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, events: r.events, bytes: r.bytes, cpuMs: (c.user + c.system) / 1000 };
}

function best(label: string, runs: Run[]): { evps: number; evpsMed: number; mbps?: number; evPerCpuS?: number } {
  const evps = Math.max(...runs.map((r) => r.events / (r.ms / 1000)));
  const evpsMed = median(runs.map((r) => r.events / (r.ms / 1000)));
  const b = runs[0].bytes;
  const mbps = b === undefined ? undefined : Math.max(...runs.map((r) => r.bytes! / 1e6 / (r.ms / 1000)));
  const evPerCpuS = runs[0].cpuMs === undefined ? undefined : Math.max(...runs.map((r) => r.events / (r.cpuMs! / 1000)));
  console.log(
    `${label.padEnd(58)} best ${fmt(evps).padStart(11)} ev/s   median ${fmt(evpsMed).padStart(11)} ev/s${mbps !== undefined ? `   ${mbps.toFixed(1)} MB/s text` : ''}${evPerCpuS !== undefined ? `   ${fmt(evPerCpuS)} ev per CPU-s` : ''}`,
  );
  return { evps, evpsMed, mbps, evPerCpuS };
}

const spec = resolveSpec({ venue: 'binance-usdm', symbols: ['BTCUSDT'], hours });
const ins = spec.instruments[0];
const simS = spec.durationNs / 1e9;
console.log(`simulator benchmark: ${ins.symbol} (${spec.venue}), ${hours} h simulated per run, ${rounds} rounds, ${cpus().length} cores (shared)\n`);

function generate(withFeed: boolean): { ms: number; events: number; bytes: number } {
  let bytes = 0;
  // frames built as bytes (the path the file writer takes), then dropped
  const scratch = new AsciiBuffer(1 << 20);
  const sink = {
    frame: (_l: number, _k: number, t: string) => void (bytes += t.length + 21),
    beginFrame: () => ((scratch.pos = 0), scratch),
    endFrame: () => void (bytes += scratch.pos + 21),
  };
  const g = new SymbolGenerator({ venue: spec.venue, params: ins, market: spec.params, seed: 1, startMs: spec.startMs, sink });
  if (!withFeed) g.model.feed = null;
  const t0 = performance.now();
  g.run(spec.durationNs);
  return { ms: performance.now() - t0, events: g.model.events, bytes };
}

const runsOf = async (fn: () => { events: number; bytes?: number } | Promise<{ events: number; bytes?: number }>): Promise<Run[]> => {
  const out: Run[] = [];
  for (let r = 0; r < rounds; r++) out.push(await timed(fn));
  return out;
};
const model = best('(a) model only', await runsOf(() => generate(false)));
const frames = best('(b) model + Binance frames (no I/O)', await runsOf(() => generate(true)));

const dir = mkdtempSync(join(tmpdir(), 'lobkit-bench-sim-'));
const written: Record<number, { evps: number; evpsMed: number; ratio: number; mbps: number; raw: number; gz: number; evPerCpuS: number }> = {};
let lastFile = '';
for (const level of levels) {
  const runs: Run[] = [];
  let raw = 0;
  let gz = 0;
  for (let r = 0; r < rounds; r++) {
    const out = join(dir, `l${level}-${r}`);
    runs.push(
      await timed(async () => {
        const s = await simulateToFiles({ out, venue: 'binance-usdm', symbols: ['BTCUSDT'], hours, seed: 1, gzipLevel: level, workers: 1 });
        raw = s.rawBytes;
        gz = s.bytes;
        lastFile = s.files[0];
        return { events: s.events, bytes: s.rawBytes };
      }),
    );
    if (r < rounds - 1) rmSync(out, { recursive: true });
  }
  const b = best(`(c) simulate → gzip files, zlib level ${level} (ratio ${(raw / gz).toFixed(2)})`, runs);
  written[level] = { evps: b.evps, evpsMed: b.evpsMed, ratio: raw / gz, mbps: b.mbps!, raw, gz, evPerCpuS: b.evPerCpuS! };
}

// (d) the same lines, pre-generated in memory, through the same writer
const text = gunzipSync(readFileSync(lastFile)).toString('latin1').split('\n');
text.pop();
const lines = text.map((l) => {
  const sp = l.indexOf(' ');
  return { ns: Number(l.slice(0, sp)) - spec.startMs * 1e6, frame: l.slice(sp + 1) };
});
const baseline: Record<number, number> = {};
for (const level of levels) {
  const runs: Run[] = [];
  for (let r = 0; r < rounds; r++) {
    const w = new DayFileWriter(join(dir, `base-${level}-${r}`), 'BTCUSDT', spec.startMs, level);
    runs.push(
      await timed(async () => {
        for (let i = 0; i < lines.length; i++) {
          w.frame(lines[i].ns, F_DEPTH, lines[i].frame);
          if ((i & 8191) === 0) await w.drain();
        }
        await w.close();
        return { events: lines.length, bytes: written[level].raw };
      }),
    );
  }
  const mbps = Math.max(...runs.map((r) => r.bytes! / 1e6 / (r.ms / 1000)));
  const cpuMbps = Math.max(...runs.map((r) => r.bytes! / 1e6 / (r.cpuMs! / 1000)));
  baseline[level] = mbps;
  console.log(
    `${`(d) baseline: write the same ${fmt(lines.length)} lines, level ${level}`.padEnd(58)} best ${mbps.toFixed(1).padStart(8)} MB/s text   ${cpuMbps.toFixed(1)} MB per CPU-s   → simulate+write takes ${(mbps / written[level].mbps).toFixed(2)}× the wall time of a plain write`,
  );
}

// (e) two symbols: one thread vs two workers
const two = async (workers: number) => {
  const s = await simulateToFiles({ out: join(dir, `two-${workers}-${Math.random()}`), venue: 'binance-usdm', symbols: ['BTCUSDT', 'ETHUSDT'], hours: hours / 2, seed: 1, workers });
  return { ms: s.elapsedMs, events: s.events };
};
const one = best('(e) BTCUSDT + ETHUSDT, one thread', [await timed(() => two(1)), await timed(() => two(1))]);
const w2 = best('(e) BTCUSDT + ETHUSDT, two worker threads', [await timed(() => two(2)), await timed(() => two(2))]);
console.log(`    two workers / one thread: ${(w2.evps / one.evps).toFixed(2)}×`);

// (f) 24 hours of one BTC-like symbol
const level = levels.includes(DEFAULT_GZIP_LEVEL) ? DEFAULT_GZIP_LEVEL : levels[0];
const perSimSecond = (lines.length > 0 ? generate(false).events : 0) / simS;
const dayEvents = perSimSecond * 86400;
console.log(`\n(f) 24 h of ${ins.symbol}: ~${fmt(dayEvents)} book events, ~${(written[level].raw / simS * 86400 / 1e9).toFixed(1)} GB of text, ~${((written[level].gz / simS) * 86400 / 1e9).toFixed(2)} GB gzip (level ${level})`);
console.log(`    projected from (c): ${(dayEvents / written[level].evps / 60).toFixed(1)} min at the best rate, ${(dayEvents / written[level].evpsMed / 60).toFixed(1)} min at the median`);
if (fullDay) {
  const s = await simulateToFiles({ out: join(dir, 'day'), venue: 'binance-usdm', symbols: ['BTCUSDT'], hours: 24, seed: 1, gzipLevel: level, workers: 1 });
  console.log(`    simulated for real (--day): ${fmt(s.events)} events, ${(s.rawBytes / 1e9).toFixed(2)} GB text, ${(s.bytes / 1e9).toFixed(2)} GB gzip in ${(s.elapsedMs / 60000).toFixed(1)} min (${fmt(s.events / (s.elapsedMs / 1000))} ev/s)`);
}
console.log(
  `\nsummary: model ${fmt(model.evps)} ev/s; with frames ${fmt(frames.evps)} ev/s; generated and written (level ${level}) ${fmt(written[level].evps)} ev/s wall, ${fmt(written[level].evPerCpuS)} ev per CPU-second (all threads); target ≥ 1,000,000 ev/s`,
);
console.log(`load average at the end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
rmSync(dir, { recursive: true, force: true });
