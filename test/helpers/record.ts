import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { SimStats } from '../../src/venue-sim/server.ts';
import { ROOT } from './cli.ts';

const BIN = resolve(ROOT, 'bin/lobkit.js');

/** A `lobkit` child process (the built binary) whose output is collected. */
export class Lobkit {
  readonly child: ChildProcess;
  out = '';
  err = '';
  readonly exited: Promise<number | null>;
  signal: NodeJS.Signals | null = null;

  constructor(args: string[], env: Record<string, string> = {}) {
    if (!existsSync(resolve(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
    this.child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, LOBKIT_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.out += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.err += d.toString()));
    this.exited = new Promise((r) =>
      this.child.on('exit', (code, signal) => {
        this.signal = signal;
        r(code);
      }),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` and waits for the exit code (SIGKILL after `ms`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', ms = 20_000): Promise<number | null> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const t = setTimeout(() => this.child.kill('SIGKILL'), ms);
    try {
      return await this.exited;
    } finally {
      clearTimeout(t);
    }
  }
}

/** The value of `p`, or 'timeout' after `ms` (the timer is cleared either way). */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `fn` until it returns something other than undefined/false. */
export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Sim {
  proc: Lobkit;
  url: string;
  stats(): Promise<SimStats>;
  start(): Promise<void>;
}

/** Starts `lobkit venue-sim` on a free port (paused unless told otherwise); stopped after the test. */
export async function startSim(t: TestContext, venue: string, source: string[], extra: string[] = []): Promise<Sim> {
  const proc = new Lobkit(['venue-sim', '--venue', venue, '--port', '0', '--speed', 'max', '--start', 'paused', ...extra, '--source', ...source]);
  t.after(() => proc.stop('SIGKILL'));
  const url = await waitFor(() => {
    if (!proc.running) throw new Error(`venue-sim exited: ${proc.err}`);
    return /listening on (http:\/\/[0-9.]+:\d+)/.exec(proc.out)?.[1];
  }, 'the simulator to listen');
  return {
    proc,
    url,
    stats: async () => (await (await fetch(`${url}/__sim/stats`)).json()) as SimStats,
    start: async () => {
      await fetch(`${url}/__sim/start`, { method: 'POST' });
    },
  };
}

/** Starts `lobkit record` against a simulator; stopped (SIGKILL) after the test if still running. */
export function startRecorder(t: TestContext, args: string[], env: Record<string, string> = {}): Lobkit {
  const proc = new Lobkit(['record', '--metrics-interval', '0', ...args], env);
  t.after(() => proc.stop('SIGKILL'));
  return proc;
}

/** Waits until one open client of the simulator holds every key in `keys`. */
export async function waitSubscribed(sim: Sim, keys: string[], rec?: Lobkit): Promise<void> {
  await waitFor(async () => {
    if (rec !== undefined && !rec.running) throw new Error(`recorder exited: ${rec.err}`);
    const s = await sim.stats();
    return s.clients.some((c) => c.open && keys.every((k) => c.subs.includes(k)));
  }, `subscriptions ${keys.join(', ')}`);
}

export async function waitDone(sim: Sim, ms = 120_000): Promise<SimStats> {
  return waitFor(async () => {
    const s = await sim.stats();
    return s.state === 'done' ? s : undefined;
  }, 'playback to end', ms);
}

/** Capture files under `dir` (recursively), sorted. */
export function captureFiles(dir: string, suffix = '.gz'): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith(suffix)) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

export interface Line {
  ts: string;
  frame: string;
}

/** Lines of a complete capture file. */
export function readCapture(path: string): Line[] {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  const out: Line[] = [];
  for (const l of text.split('\n')) {
    if (l === '') continue;
    const sp = l.indexOf(' ');
    out.push({ ts: l.slice(0, sp), frame: l.slice(sp + 1) });
  }
  return out;
}

export const isMarkerLine = (l: Line): boolean => l.frame.startsWith('{"lobkit":');
export const isRestLine = (l: Line): boolean => l.frame.startsWith('{"lastUpdateId"');
export function markers(lines: Line[], kind: string): { venue: string; symbol?: string; reason?: string }[] {
  return lines.filter((l) => l.frame.startsWith(`{"lobkit":"${kind}"`)).map((l) => JSON.parse(l.frame) as { venue: string; symbol?: string; reason?: string });
}

/** Top-of-book rows per symbol from a `--tob-out` CSV, for one venue: "exch_ts,bid,bidSize,ask,askSize". */
export function tobBySymbol(csv: string, venue: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(csv, 'utf8').trim().split('\n').slice(1)) {
    const f = line.split(',');
    if (f[2] !== venue) continue;
    let rows = out.get(f[3]);
    if (rows === undefined) out.set(f[3], (rows = []));
    rows.push([f[0], f[4], f[5], f[6], f[7]].join(','));
  }
  return out;
}
