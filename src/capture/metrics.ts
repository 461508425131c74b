import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Recorder metrics: per (venue, symbol) stream messages, bytes, gaps, resyncs and lag (local
 * receive time − exchange time), per connection reconnects and state, and writer totals.
 * Rates are over the interval between two `snapshot()` calls. Served as JSON and Prometheus text.
 */
export class StreamStats {
  messages = 0;
  bytes = 0;
  gaps = 0;
  resyncs = 0;
  /** Lag over the current interval (ms). */
  lagN = 0;
  lagSum = 0;
  lagMax = -Infinity;
  lagLast = NaN;
  // At the previous snapshot:
  prevMessages = 0;
  prevBytes = 0;
  constructor(
    readonly venue: string,
    readonly symbol: string,
  ) {}

  lag(ms: number): void {
    this.lagN++;
    this.lagSum += ms;
    if (ms > this.lagMax) this.lagMax = ms;
    this.lagLast = ms;
  }
}

export class ConnStats {
  reconnects = 0;
  plannedReconnects = 0;
  up = false;
  connectedSinceMs = NaN;
  lastError = '';
  constructor(
    readonly venue: string,
    readonly id: string,
    public url: string,
  ) {}
}

export interface StreamSnapshot {
  venue: string;
  symbol: string;
  messages: number;
  bytes: number;
  messagesPerSecond: number;
  bytesPerSecond: number;
  gaps: number;
  resyncs: number;
  lagMs: { last: number | null; mean: number | null; max: number | null };
}

export interface MetricsSnapshot {
  atMs: number;
  uptimeSeconds: number;
  intervalSeconds: number;
  totals: { messages: number; bytes: number; messagesPerSecond: number; gaps: number; resyncs: number; reconnects: number; parseErrors: number };
  streams: StreamSnapshot[];
  connections: { venue: string; id: string; url: string; up: boolean; connectedSince: string | null; reconnects: number; plannedReconnects: number; lastError: string }[];
  writer: { lines: number; bytesIn: number; bytesOut: number; filesCompleted: number };
  process: { rssBytes: number; maxRssBytes: number; cpuUserSeconds: number; cpuSystemSeconds: number };
}

const r3 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

export class Metrics {
  readonly streams = new Map<string, StreamStats>();
  readonly conns: ConnStats[] = [];
  parseErrors = 0;
  filesCompleted = 0;
  writer = { lines: () => 0, bytesIn: () => 0, bytesOut: () => 0 };
  private readonly startMs: number;
  private lastSnapMs: number;

  constructor(private readonly nowMs: () => number) {
    this.startMs = this.lastSnapMs = nowMs();
  }

  stream(venue: string, symbol: string): StreamStats {
    const k = venue + '\0' + symbol;
    let s = this.streams.get(k);
    if (s === undefined) this.streams.set(k, (s = new StreamStats(venue, symbol)));
    return s;
  }

  conn(venue: string, id: string, url: string): ConnStats {
    const c = new ConnStats(venue, id, url);
    this.conns.push(c);
    return c;
  }

  /**
   * Current figures; rates and lag cover the time since the last interval start. With `advance`
   * (the periodic report), a new interval starts; readers of the HTTP endpoint do not advance it.
   */
  snapshot(advance = true): MetricsSnapshot {
    const now = this.nowMs();
    const dt = Math.max(1e-3, (now - this.lastSnapMs) / 1000);
    if (advance) this.lastSnapMs = now;
    const streams: StreamSnapshot[] = [];
    const totals = { messages: 0, bytes: 0, messagesPerSecond: 0, gaps: 0, resyncs: 0, reconnects: 0, parseErrors: this.parseErrors };
    for (const s of [...this.streams.values()].sort((a, b) => (a.venue + a.symbol < b.venue + b.symbol ? -1 : 1))) {
      const mps = (s.messages - s.prevMessages) / dt;
      streams.push({
        venue: s.venue,
        symbol: s.symbol,
        messages: s.messages,
        bytes: s.bytes,
        messagesPerSecond: r3(mps) ?? 0,
        bytesPerSecond: r3((s.bytes - s.prevBytes) / dt) ?? 0,
        gaps: s.gaps,
        resyncs: s.resyncs,
        lagMs: { last: r3(s.lagLast), mean: s.lagN > 0 ? r3(s.lagSum / s.lagN) : null, max: s.lagN > 0 ? r3(s.lagMax) : null },
      });
      if (advance) {
        s.prevMessages = s.messages;
        s.prevBytes = s.bytes;
        s.lagN = 0;
        s.lagSum = 0;
        s.lagMax = -Infinity;
      }
      totals.messages += s.messages;
      totals.bytes += s.bytes;
      totals.messagesPerSecond += mps;
      totals.gaps += s.gaps;
      totals.resyncs += s.resyncs;
    }
    totals.messagesPerSecond = r3(totals.messagesPerSecond) ?? 0;
    for (const c of this.conns) totals.reconnects += c.reconnects;
    const mem = process.memoryUsage();
    const ru = process.resourceUsage();
    return {
      atMs: now,
      uptimeSeconds: r3((now - this.startMs) / 1000) ?? 0,
      intervalSeconds: r3(dt) ?? 0,
      totals,
      streams,
      connections: this.conns.map((c) => ({
        venue: c.venue,
        id: c.id,
        url: c.url,
        up: c.up,
        connectedSince: c.up && Number.isFinite(c.connectedSinceMs) ? new Date(c.connectedSinceMs).toISOString() : null,
        reconnects: c.reconnects,
        plannedReconnects: c.plannedReconnects,
        lastError: c.lastError,
      })),
      writer: { lines: this.writer.lines(), bytesIn: this.writer.bytesIn(), bytesOut: this.writer.bytesOut(), filesCompleted: this.filesCompleted },
      process: { rssBytes: mem.rss, maxRssBytes: ru.maxRSS * 1024, cpuUserSeconds: ru.userCPUTime / 1e6, cpuSystemSeconds: ru.systemCPUTime / 1e6 },
    };
  }
}

/** One line per venue (totals) for the periodic log on stderr. */
export function formatSnapshot(s: MetricsSnapshot): string {
  const byVenue = new Map<string, { mps: number; bps: number; gaps: number; resyncs: number; lagMax: number; lagMean: number; lagN: number; n: number }>();
  for (const x of s.streams) {
    let v = byVenue.get(x.venue);
    if (v === undefined) byVenue.set(x.venue, (v = { mps: 0, bps: 0, gaps: 0, resyncs: 0, lagMax: -Infinity, lagMean: 0, lagN: 0, n: 0 }));
    v.mps += x.messagesPerSecond;
    v.bps += x.bytesPerSecond;
    v.gaps += x.gaps;
    v.resyncs += x.resyncs;
    if (x.lagMs.max !== null && x.lagMs.max > v.lagMax) v.lagMax = x.lagMs.max;
    if (x.lagMs.mean !== null) (v.lagMean += x.lagMs.mean), v.lagN++;
    if (x.symbol !== '') v.n++;
  }
  let out = '';
  for (const [venue, v] of byVenue) {
    const conns = s.connections.filter((c) => c.venue === venue);
    const up = conns.filter((c) => c.up).length;
    const rc = conns.reduce((a, c) => a + c.reconnects, 0);
    const lag = v.lagN > 0 ? `lag mean ${(v.lagMean / v.lagN).toFixed(1)} ms max ${v.lagMax.toFixed(1)} ms` : 'lag -';
    out += `record ${venue}: ${v.n} symbols, ${v.mps.toFixed(0)} msg/s, ${(v.bps / 1024).toFixed(0)} KiB/s, gaps ${v.gaps}, resyncs ${v.resyncs}, ${lag}, connections ${up}/${conns.length} up, reconnects ${rc}\n`;
  }
  out += `record disk: ${s.writer.lines} lines, ${(s.writer.bytesOut / 1048576).toFixed(1)} MiB gzip, ${s.writer.filesCompleted} files completed; rss ${(s.process.rssBytes / 1048576).toFixed(0)} MiB\n`;
  return out;
}

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Prometheus text exposition format 0.0.4. */
export function prometheusText(s: MetricsSnapshot): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, rows: [Record<string, string>, number | null][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of rows) {
      if (v === null) continue;
      const l = Object.entries(labels)
        .map(([k, x]) => `${k}="${label(x)}"`)
        .join(',');
      lines.push(`${name}${l ? `{${l}}` : ''} ${v}`);
    }
  };
  const vs = (x: StreamSnapshot) => ({ venue: x.venue, symbol: x.symbol });
  metric('lobkit_record_messages_total', 'counter', 'Frames received, per venue and symbol (symbol "" for connection-level frames).', s.streams.map((x) => [vs(x), x.messages]));
  metric('lobkit_record_bytes_total', 'counter', 'Frame bytes received, per venue and symbol.', s.streams.map((x) => [vs(x), x.bytes]));
  metric('lobkit_record_messages_per_second', 'gauge', 'Frames per second over the last metrics interval.', s.streams.map((x) => [vs(x), x.messagesPerSecond]));
  metric('lobkit_record_gaps_total', 'counter', 'Upstream losses detected (sequence breaks, checksum failures), each marked in the raw stream.', s.streams.map((x) => [vs(x), x.gaps]));
  metric('lobkit_record_resyncs_total', 'counter', 'Book resyncs requested (REST snapshot or resubscription).', s.streams.map((x) => [vs(x), x.resyncs]));
  metric('lobkit_record_lag_seconds', 'gauge', 'Local receive time minus exchange time over the last interval (clock skew included).', [
    ...s.streams.map((x): [Record<string, string>, number | null] => [{ ...vs(x), stat: 'mean' }, x.lagMs.mean === null ? null : x.lagMs.mean / 1000]),
    ...s.streams.map((x): [Record<string, string>, number | null] => [{ ...vs(x), stat: 'max' }, x.lagMs.max === null ? null : x.lagMs.max / 1000]),
  ]);
  metric('lobkit_record_connection_up', 'gauge', '1 while the connection is open.', s.connections.map((c) => [{ venue: c.venue, connection: c.id }, c.up ? 1 : 0]));
  metric('lobkit_record_reconnects_total', 'counter', 'Reconnections after a drop or a stale connection.', s.connections.map((c) => [{ venue: c.venue, connection: c.id }, c.reconnects]));
  metric('lobkit_record_planned_reconnects_total', 'counter', 'Reconnections made before the venue connection lifetime ends.', s.connections.map((c) => [{ venue: c.venue, connection: c.id }, c.plannedReconnects]));
  metric('lobkit_record_parse_errors_total', 'counter', 'Frames the venue parser rejected (kept verbatim in the raw stream).', [[{}, s.totals.parseErrors]]);
  metric('lobkit_record_lines_written_total', 'counter', 'Lines accepted by the writer.', [[{}, s.writer.lines]]);
  metric('lobkit_record_written_bytes_total', 'counter', 'Compressed bytes written.', [[{}, s.writer.bytesOut]]);
  metric('lobkit_record_files_completed_total', 'counter', 'Capture files completed and renamed.', [[{}, s.writer.filesCompleted]]);
  metric('process_resident_memory_bytes', 'gauge', 'Resident memory.', [[{}, s.process.rssBytes]]);
  metric('process_cpu_seconds_total', 'counter', 'User and system CPU time.', [[{}, Math.round((s.process.cpuUserSeconds + s.process.cpuSystemSeconds) * 1000) / 1000]]);
  return lines.join('\n') + '\n';
}

/**
 * Serves `/metrics` (Prometheus text) and `/metrics.json` (JSON; also `/`) on host:port. Each
 * request reads the current figures without starting a new rate interval.
 */
export async function serveMetrics(read: () => MetricsSnapshot, host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(prometheusText(read()));
    } else if (path === '/metrics.json' || path === '/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(read()));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /metrics.json\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${a.port}` };
}
