import { basename } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../core/errors.ts';
import { isMarker } from '../capture/markers.ts';
import { symbolFromFileName } from '../replay/builtin-formats.ts';
import { readLines } from '../replay/lines.ts';
import { simulateFrames } from '../synth/index.ts';

/**
 * A frame of a recording, as the venue sent it: WebSocket frames and REST responses with their
 * recorded receive time. The simulator replays these (re-timed), never re-encoded events.
 */
export interface SimFrame {
  /** Recorded local receive time, epoch ns. */
  ts: number;
  kind: 'ws' | 'rest';
  text: string;
  /** Recorded connection id and address (cryptofeed `connect` records), when known. */
  conn?: string;
  addr?: string;
  /** REST request URL, when recorded. */
  url?: string;
  /** Symbol the file holds (`btcusdt_20240808.gz` → BTCUSDT): Binance REST snapshots do not name theirs. */
  hint?: string;
}

const RAW_LINE = /^\d{13,19} [[{]/;
const BATCH = 4096;

/** Decimal digits as a number; µs timestamps (16 digits) scaled to ns like the raw reader does. */
function tsOf(s: string): number {
  const n = Number(s);
  return n < 1e17 ? n * 1000 : n;
}

/**
 * Frames of lobkit raw captures (`<ts> <frame>`; lobkit marker lines skipped; Binance REST
 * snapshot lines recognized by `{"lastUpdateId"`) and cryptofeed v3 recordings (`recv` and `http`
 * records, `connect` records giving each connection's address).
 */
async function* fileFrames(path: string): AsyncGenerator<SimFrame[]> {
  const hint = symbolFromFileName(path);
  let kind: 'raw' | 'cryptofeed' | undefined;
  const addrs = new Map<string, string>();
  for await (const b of readLines(path)) {
    const out: SimFrame[] = [];
    for (let i = 0; i < b.lines.length; i++) {
      const line = b.lines[i];
      if (line.length === 0) continue;
      if (kind === undefined) {
        if (line.startsWith('{"t":"header"')) kind = 'cryptofeed';
        else if (RAW_LINE.test(line)) kind = 'raw';
        else throw new UsageError(`${path}:${b.firstLine + i}: not a lobkit raw capture or cryptofeed recording (the simulator replays raw frames)`);
      }
      if (kind === 'raw') {
        const sp = line.indexOf(' ');
        if (sp <= 0) continue;
        const text = line.slice(sp + 1);
        if (isMarker(text)) continue;
        out.push({ ts: tsOf(line.slice(0, sp)), kind: text.startsWith('{"lastUpdateId"') ? 'rest' : 'ws', text, hint });
        continue;
      }
      let r: { t?: string; ts?: number; conn?: string; addr?: string; url?: string; data?: unknown };
      try {
        r = JSON.parse(line) as typeof r;
      } catch {
        continue;
      }
      if (r.t === 'connect' && typeof r.conn === 'string' && typeof r.addr === 'string') addrs.set(r.conn, r.addr);
      else if ((r.t === 'recv' || r.t === 'http') && typeof r.ts === 'number' && typeof r.data === 'string') {
        const ts = Math.round(r.ts * 1e6) * 1e3;
        if (r.t === 'recv') out.push({ ts, kind: 'ws', text: r.data, conn: r.conn, addr: r.conn !== undefined ? addrs.get(r.conn) : undefined });
        else out.push({ ts, kind: 'rest', text: r.data, url: r.url });
      }
    }
    if (out.length > 0) yield out;
  }
}

/** Files of one stream (an instrument's day files, a recorder's rotations) read back to back; streams merged by time. */
export async function* recordingFrames(paths: string[]): AsyncGenerator<SimFrame[]> {
  if (paths.length === 0) throw new UsageError('no recording given: --source FILES... or --source synthetic');
  for (const p of paths) {
    if (!existsSync(p)) throw new UsageError(`${p}: no such file`);
    if (statSync(p).isDirectory()) throw new UsageError(`${p}: is a directory; pass the files (e.g. ${p}/*.gz)`);
  }
  const groups = new Map<string, string[]>();
  for (const p of [...paths].sort()) {
    // Day files of one instrument (btcusdt_20240808.gz, btcusdt_20240809.gz) continue one another.
    const key = p.replace(/\d{8}(?=[^/]*$)/, '*').replace(/_\d{6}(?=\.gz)/, '');
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  const streams = [...groups.values()].map((g) => concat(g));
  yield* mergeFrames(streams);
}

async function* concat(paths: string[]): AsyncGenerator<SimFrame[]> {
  for (const p of paths) yield* fileFrames(p);
}

/** K-way merge of frame-batch streams by recorded time (ties keep stream order). */
export async function* mergeFrames(streams: AsyncGenerator<SimFrame[]>[]): AsyncGenerator<SimFrame[]> {
  if (streams.length === 1) {
    yield* streams[0];
    return;
  }
  const k = streams.length;
  const cur: (SimFrame[] | null)[] = [];
  const pos = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const r = await streams[i].next();
    cur.push(r.done ? null : r.value);
  }
  let out: SimFrame[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < k; i++) {
      const b = cur[i];
      if (b !== null && (best === -1 || b[pos[i]].ts < cur[best]![pos[best]].ts)) best = i;
    }
    if (best === -1) break;
    out.push(cur[best]![pos[best]++]);
    if (pos[best] >= cur[best]!.length) {
      pos[best] = 0;
      const r = await streams[best].next();
      cur[best] = r.done ? null : r.value;
    }
    if (out.length >= BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

/** Short description of a recording for logs. */
export function describeSource(paths: string[]): string {
  return paths.length === 1 ? basename(paths[0]) : `${paths.length} files`;
}

export interface SyntheticSource {
  venue: 'binance-usdm' | 'binance-spot';
  symbols?: string[];
  hours: number;
  seed?: number | string;
}

/**
 * Frames of lobkit's synthetic market (src/synth): Binance frames exactly as a recorder receives
 * them, generated lazily and deterministically (same spec and seed, same frames), so the scan and
 * the playback see the same stream. The synthetic REST snapshots become the simulator's recorded
 * REST snapshots.
 */
export async function* syntheticFrames(spec: SyntheticSource): AsyncGenerator<SimFrame[]> {
  const market = simulateFrames({ venue: spec.venue, symbols: spec.symbols, hours: spec.hours, seed: spec.seed });
  let out: SimFrame[] = [];
  for (const f of market) {
    out.push({ ts: f.localTs, kind: f.kind === 'snapshot' ? 'rest' : 'ws', text: f.frame, hint: f.symbol });
    if (out.length >= BATCH) {
      yield out;
      out = [];
      await new Promise((r) => setImmediate(r));
    }
  }
  if (out.length > 0) yield out;
}
