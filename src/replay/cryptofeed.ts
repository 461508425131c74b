import type { MarketEvent } from '../core/events.ts';
import type { FrameMeta, FrameParser } from '../venues/venue.ts';
import { parseFrameInto } from './frames.ts';
import { readLines } from './lines.ts';
import { badLine, type FileReport } from './report.ts';

/** A cryptofeed record after decoding: a frame to parse, or a control line. */
interface Rec {
  kind: 'recv' | 'http' | 'control';
  ts: number;
  data: string;
  meta: FrameMeta;
}

interface JsonRecord {
  t?: string;
  ts?: number;
  conn?: string;
  url?: string;
  data?: unknown;
  exchange?: string;
  addr?: string;
}

/** cryptofeed v3 recordings: JSON lines `{"t":"header"|"http"|"connect"|"send"|"recv", ...}`. */
function decodeJsonl(line: string): Rec {
  const r = JSON.parse(line) as JsonRecord;
  if (r.t === 'recv' || r.t === 'http') {
    if (typeof r.ts !== 'number') throw new Error(`"${r.t}" record without a numeric "ts"`);
    if (typeof r.data !== 'string') throw new Error(`"${r.t}" record without a string "data"`);
    return { kind: r.t, ts: Math.round(r.ts * 1e6) * 1e3, data: r.data, meta: r.t === 'http' ? { url: r.url, conn: r.conn } : { conn: r.conn } };
  }
  // A connect record names the connection's address: later frames of that conn carry it (FrameMeta.addr).
  if (r.t === 'connect') return { kind: 'control', ts: 0, data: '', meta: { conn: r.conn, addr: r.addr } };
  if (r.t === 'header' || r.t === 'send' || r.t === 'disconnect') return { kind: 'control', ts: 0, data: '', meta: {} };
  throw new Error(`unknown cryptofeed record type ${JSON.stringify(r.t)}`);
}

const LEGACY_RECV = /^(\d+(?:\.\d+)?): /;
const LEGACY_HTTP = /^(\S+) -> (\d+(?:\.\d+)?): /;
const LEGACY_CONTROL = /^(\S+ <-> \d|\S+ <- \d|configuration: |wss?:\/\/\S+$)/;

/** cryptofeed's older text format: `<ts>: <json>` (WebSocket), `<url> -> <ts>: <json>` (HTTP). */
function decodeLegacy(line: string): Rec {
  let m = LEGACY_RECV.exec(line);
  if (m) return { kind: 'recv', ts: Math.round(Number(m[1]) * 1e6) * 1e3, data: line.slice(m[0].length), meta: {} };
  m = LEGACY_HTTP.exec(line);
  if (m) return { kind: 'http', ts: Math.round(Number(m[2]) * 1e6) * 1e3, data: line.slice(m[0].length), meta: { url: m[1] } };
  if (LEGACY_CONTROL.test(line)) return { kind: 'control', ts: 0, data: '', meta: {} };
  throw new Error(`not a cryptofeed text record: ${JSON.stringify(line.slice(0, 60))}`);
}

/** Reads a cryptofeed recording (either format) through a venue parser. */
export async function* readCryptofeed(path: string, legacy: boolean, parser: FrameParser, report: FileReport, onBytes?: (n: number) => void): AsyncGenerator<MarketEvent[]> {
  const decode = legacy ? decodeLegacy : decodeJsonl;
  const addrs = new Map<string, string>();
  for await (const batch of readLines(path, onBytes)) {
    const out: MarketEvent[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.lines[i];
      report.lines++;
      if (line.length === 0) continue;
      const lineNo = batch.firstLine + i;
      let rec: Rec;
      try {
        rec = decode(line);
      } catch (e) {
        badLine(report, lineNo, (e as Error).message);
        continue;
      }
      if (rec.kind === 'control') {
        if (rec.meta.conn !== undefined && rec.meta.addr !== undefined) addrs.set(rec.meta.conn, rec.meta.addr);
        report.control++;
        continue;
      }
      if (rec.kind === 'recv' && rec.meta.conn !== undefined) rec.meta.addr = addrs.get(rec.meta.conn);
      parseFrameInto(parser, rec.data, rec.ts, rec.meta, out, report, path, lineNo);
    }
    if (out.length > 0) yield out;
  }
}

/** Venue name from a cryptofeed header line or a legacy file name (`KRAKEN.ws.50.0.gz`). */
export function cryptofeedExchange(path: string, firstLine: string): string | undefined {
  if (firstLine.startsWith('{"t":"header"')) {
    try {
      return (JSON.parse(firstLine) as JsonRecord).exchange;
    } catch {
      return undefined;
    }
  }
  const base = path.split('/').pop() ?? '';
  const m = /^([A-Z_]+)\.(ws|http)\.\d+\.\d+(\.gz)?$/.exec(base);
  return m ? m[1] : undefined;
}
