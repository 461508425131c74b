/**
 * Recorder ingest benchmark: `lobkit venue-sim` serves the real Binance USD-M recording
 * (../shared/data/binance-hftbacktest/usdm, 2 symbols) under 200 symbol names (`--clone 100`) on
 * loopback; `lobkit record` records all 200 (4 connections, 600 streams, one file per symbol).
 *
 *   (a) baseline: a null client (ws, counts frames, nothing else) — the ceiling of simulator + loopback here
 *   (b) max: the recorder at full speed (the simulator waits for it: backpressure): messages/s
 *   (c) fixed rate: the simulator paced to --rate msg/s (default 100k): is it sustained (achieved/offered)?
 * For (b) and (c): zero loss (lines on disk = frames the simulator delivered), recorder CPU per
 * 10k msg/s (share of one core) and messages per CPU-second (also for the null client: less
 * sensitive to load than msg/s), RSS and peak RSS. Medians and best over --rounds (default 3); the machine
 * has 2 cores shared with other work, so compare the ratio (b)/(a), measured in the same run.
 * Run: npm run build && npm run bench:record   (options: --rounds N, --seconds S, --symbols N, --rate R)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import WebSocket from 'ws';
import type { SimStats } from '../src/venue-sim/server.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(here, '..');
const DATA = process.env.LOBKIT_DATA ?? resolve(ROOT, '../shared/data');
const USDM = join(DATA, 'binance-hftbacktest/usdm');
const args = process.argv.slice(2);
const opt = (name: string, def: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : def);
const rounds = opt('--rounds', 3);
const seconds = opt('--seconds', 25);
const nSymbols = opt('--symbols', 200);
const rate = opt('--rate', 100_000);
const WARMUP_S = 8; // books synced (200 REST snapshots) and the pace settled
const TICK = 100; // clock ticks per second in /proc/<pid>/stat

if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('run `npm run build` first (the benchmark runs the built lobkit)');
if (!existsSync(USDM)) throw new Error(`real data not found: ${USDM}`);
const files = readdirSync(USDM).map((f) => join(USDM, f)).sort();
const recorded = ['BTCUSDT', 'ETHUSDT'];
const clone = Math.ceil(nSymbols / recorded.length);
const symbols = recorded.flatMap((s) => Array.from({ length: clone }, (_, k) => (k === 0 ? s : `${s}${k + 1}`))).slice(0, nSymbols);

function lobkit(argv: string[]): ChildProcess & { out: string; err: string } {
  const c = spawn(process.execPath, [join(ROOT, 'bin/lobkit.js'), ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOBKIT_LOG_LEVEL: 'warn' } }) as ChildProcess & { out: string; err: string };
  c.out = '';
  c.err = '';
  c.stdout!.on('data', (d: Buffer) => (c.out += d));
  c.stderr!.on('data', (d: Buffer) => (c.err += d));
  return c;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const exited = (c: ChildProcess): Promise<number | null> => (c.exitCode !== null ? Promise.resolve(c.exitCode) : new Promise((r) => c.once('exit', (code) => r(code))));
async function until<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK; // utime + stime (fields 14, 15)
}
function memMB(pid: number): { rss: number; peak: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN) / 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

async function startSim(speed: string): Promise<{ proc: ChildProcess; url: string; stats(): Promise<SimStats> }> {
  const proc = lobkit(['venue-sim', '--venue', 'binance-usdm', '--port', '0', '--speed', speed, '--start', 'paused', '--clone', String(clone), '--preload', '--source', ...files]);
  const url = await until(() => {
    if (proc.exitCode !== null) throw new Error(`venue-sim exited: ${proc.err}`);
    return /listening on (http:\/\/[0-9.]+:\d+)/.exec(proc.out)?.[1];
  }, 'venue-sim');
  return { proc, url, stats: async () => (await (await fetch(`${url}/__sim/stats`)).json()) as SimStats };
}

interface Result {
  rate: number;
  offered?: number;
  cpuPer10k?: number;
  rssMB?: number;
  peakMB?: number;
  lossless?: boolean;
  frames: number;
}

/** Frames delivered by the simulator over the steady window (after warm-up, `seconds` long). */
/** CPU seconds so far of the recorder process, or of this process (the null client). */
function cpuOf(pid: number | undefined): number {
  if (pid !== undefined) return cpuSeconds(pid);
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function measure(sim: { stats(): Promise<SimStats> }, pid: number | undefined): Promise<{ rate: number; cpu: number }> {
  await sleep(WARMUP_S * 1000);
  const a = (await sim.stats()).totals.data;
  const ca = cpuOf(pid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const b = (await sim.stats()).totals.data;
  const dt = (performance.now() - t0) / 1000;
  const cb = cpuOf(pid);
  return { rate: (b - a) / dt, cpu: (cb - ca) / dt };
}

/** (a) a client that only counts frames, subscribed like the recorder (4 connections x 150 streams). */
async function baseline(): Promise<Result> {
  const sim = await startSim('max');
  try {
    let n = 0;
    const conns: WebSocket[] = [];
    for (let i = 0; i < symbols.length; i += 50) {
      const streams = symbols.slice(i, i + 50).flatMap((s) => [`${s.toLowerCase()}@depth@0ms`, `${s.toLowerCase()}@trade`, `${s.toLowerCase()}@bookTicker`]);
      const ws = new WebSocket(sim.url.replace('http', 'ws') + '/stream', { perMessageDeflate: false });
      await new Promise((r) => ws.once('open', r));
      ws.on('message', () => n++);
      ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: streams, id: 1 }));
      conns.push(ws);
    }
    await until(async () => ((await sim.stats()).clients.reduce((a, c) => a + c.subs.length, 0) === symbols.length * 3 ? true : undefined), 'baseline subscriptions');
    for (const s of recorded) await (await fetch(`${sim.url}/fapi/v1/depth?symbol=${s}&limit=1000`)).text();
    await fetch(`${sim.url}/__sim/start`, { method: 'POST' });
    const m = await measure(sim, undefined);
    for (const ws of conns) ws.terminate();
    return { rate: m.rate, cpuPer10k: (m.cpu / m.rate) * 1e4, frames: n };
  } finally {
    sim.proc.kill('SIGKILL');
    await exited(sim.proc);
  }
}

/** (b)/(c) the recorder, at full speed or paced. */
async function recorder(speed: string): Promise<Result> {
  const sim = await startSim(speed);
  const out = mkdtempSync(join(tmpdir(), 'lobkit-bench-record-'));
  const rec = lobkit(['record', '--venue', 'binance-usdm', '--symbols', symbols.join(','), '--out', out, '--base-url', sim.url, '--metrics-interval', '0', '--rest-concurrency', '16', '--rest-per-minute', '0']);
  try {
    await until(async () => {
      if (rec.exitCode !== null) throw new Error(`recorder exited: ${rec.err}`);
      const s = await sim.stats();
      return s.clients.reduce((a, c) => a + (c.open ? c.subs.length : 0), 0) === symbols.length * 3 ? true : undefined;
    }, 'recorder subscriptions');
    await fetch(`${sim.url}/__sim/start`, { method: 'POST' });
    const m = await measure(sim, rec.pid!);
    const mem = memMB(rec.pid!);
    rec.kill('SIGTERM');
    const code = await exited(rec);
    if (code !== 0) throw new Error(`recorder exit ${code}: ${rec.err}`);
    const stats = await until(async () => {
      const s = await sim.stats();
      return s.clients.every((c) => !c.open) ? s : undefined;
    }, 'connections closed');
    // Zero loss: every frame delivered is a line on disk.
    let lines = 0;
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.gz')) for (const l of gunzipSync(readFileSync(p)).toString().split('\n')) if (l !== '' && !l.includes(' {"lobkit":"') && !l.includes(' {"lastUpdateId"')) lines++;
      }
    };
    walk(out);
    const delivered = stats.totals.data + stats.totals.control;
    return { rate: m.rate, cpuPer10k: (m.cpu / m.rate) * 1e4, rssMB: mem.rss, peakMB: mem.peak, lossless: lines === delivered, frames: delivered };
  } finally {
    rec.kill('SIGKILL');
    sim.proc.kill('SIGKILL');
    await Promise.all([exited(rec), exited(sim.proc)]);
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

// Recorded pace of the 2 USD-M symbols (messages per second of recording), to pace (c).
let recordedMsgs = 0;
let first = Infinity;
let last = 0;
for (const f of files) {
  for (const l of gunzipSync(readFileSync(f)).toString().split('\n')) {
    if (!l.includes(' {"stream":"')) continue;
    recordedMsgs++;
    const ts = Number(l.slice(0, 19));
    if (ts < first) first = ts;
    if (ts > last) last = ts;
  }
}
const recordedRate = (recordedMsgs / ((last - first) / 1e9)) * clone;
const speed = rate / recordedRate;

console.log(`lobkit record benchmark — binance-usdm recording served as ${symbols.length} symbols (${recorded.length} recorded x ${clone}), 4 connections, ${symbols.length * 3} streams`);
console.log(`loopback, ${rounds} rounds of ${seconds} s after ${WARMUP_S} s warm-up; machine: 2 cores shared with other work (medians, best of ${rounds})\n`);
const A: Result[] = [];
const B: Result[] = [];
const C: Result[] = [];
for (let r = 0; r < rounds; r++) {
  A.push(await baseline());
  B.push(await recorder('max'));
  C.push(await recorder(speed.toFixed(4)));
  process.stderr.write(`round ${r + 1}: baseline ${fmt(A[r].rate)}, max ${fmt(B[r].rate)} (lossless ${B[r].lossless}, ${fmt(1e4 / B[r].cpuPer10k!)} msg/CPU-s), paced ${fmt(C[r].rate)} of ${fmt(rate)} (lossless ${C[r].lossless})\n`);
}
const a = median(A.map((x) => x.rate));
const b = median(B.map((x) => x.rate));
const c = median(C.map((x) => x.rate));
const perCpuS = (xs: Result[]): number => median(xs.map((x) => 1e4 / x.cpuPer10k!));
console.log(`(a) baseline null client            ${fmt(a).padStart(10)} msg/s   best ${fmt(Math.max(...A.map((x) => x.rate)))}   ${fmt(perCpuS(A))} msg per CPU-second`);
console.log(`(b) recorder, full speed            ${fmt(b).padStart(10)} msg/s   best ${fmt(Math.max(...B.map((x) => x.rate)))}   (b)/(a) = ${(b / a).toFixed(2)}   target >= 100,000`);
console.log(`    zero loss (lines on disk = frames delivered) in every round: ${B.every((x) => x.lossless)}   (${B.map((x) => fmt(x.frames)).join(', ')} frames)`);
console.log(`    recorder CPU per 10k msg/s: ${(median(B.map((x) => x.cpuPer10k!)) * 100).toFixed(1)}% of one core (${fmt(perCpuS(B))} msg per CPU-second, ${(perCpuS(B) / perCpuS(A)).toFixed(2)} of the null client's); RSS ${fmt(median(B.map((x) => x.rssMB!)))} MB, peak ${fmt(median(B.map((x) => x.peakMB!)))} MB`);
console.log(`(c) recorder, paced at ${fmt(rate)} msg/s (speed x${speed.toFixed(2)})  ${fmt(c).padStart(10)} msg/s   achieved/offered = ${(c / rate).toFixed(3)}`);
console.log(`    zero loss in every round: ${C.every((x) => x.lossless)}; CPU per 10k msg/s ${(median(C.map((x) => x.cpuPer10k!)) * 100).toFixed(1)}% of one core (${fmt(perCpuS(C))} msg per CPU-second); RSS ${fmt(median(C.map((x) => x.rssMB!)))} MB, peak ${fmt(median(C.map((x) => x.peakMB!)))} MB`);
