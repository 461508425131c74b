import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setImmediate as yieldNow } from 'node:timers/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { UsageError } from '../core/errors.ts';
import { log } from '../core/log.ts';
import { Fault, faultFromJson, type FaultSpec } from './faults.ts';
import { Market } from './market.ts';
import type { MarketView, Route, SimConn, SimProtocol } from './protocol.ts';
import { protocolFor } from './protocols/index.ts';
import type { SimFrame } from './source.ts';

export interface SimOptions {
  venue: string;
  host?: string;
  /** 0: a free port. */
  port: number;
  /** Frames to play, in recorded order (a recording or a synthetic generator), as a factory: the recording is read twice (a scan of its keys, then playback). */
  frames(): AsyncGenerator<SimFrame[]>;
  /** Playback speed: 1 = recorded pace, 10 = ten times faster, Infinity = as fast as the clients read. */
  speed: number;
  /** When playback starts: at once, when a first client subscribes (after `settleMs`), or on POST /__sim/start. */
  start: 'now' | 'on-subscribe' | 'paused';
  settleMs?: number;
  faults?: FaultSpec[];
  /** Serve every recorded symbol under this many names (bench: 2 recorded symbols → 200). Binance only. */
  clone?: number;
  /** Close client connections after this long (a venue's connection lifetime). */
  maxConnAgeMs?: number;
  /** Keep the whole recording in memory after the scan (playback then reads no files). */
  preload?: boolean;
  /** Pause playback while a client has more than this many bytes unsent (default 8 MiB). */
  highWaterBytes?: number;
  /** Longest hold at a recorded REST snapshot waiting for a client to request it (default 5000 ms). */
  restWaitMs?: number;
  /** Stop playback after this many frames (the recording's start only). */
  limit?: number;
  /** Scan only this many frames for keys and REST snapshots (an endless or very long source). */
  scanFrames?: number;
}

/** Counts per (data) symbol. */
type Counts = Record<string, number>;

class Client implements SimConn {
  readonly subs: Set<string>;
  readonly state: Record<string, number | string> = {};
  data = 0;
  control = 0;
  /** Data frames not sent because of a stall or a slow-reader queue. */
  withheld = 0;
  readonly bySymbol: Counts = {};
  lastSentMs = Date.now();
  readonly openedMs = Date.now();
  stalledUntil = 0;
  slowUntil = 0;
  slowQueued = 0;
  closed = false;
  closeInfo = '';
  private readonly controlWritten = (err?: Error): void => {
    if (!err) this.control++;
  };

  constructor(
    readonly id: number,
    readonly path: string,
    readonly ws: WebSocket,
    private readonly sim: VenueSim,
  ) {
    const subscribed = sim.subscribeCounts;
    this.subs = new (class extends Set<string> {
      override add(k: string): this {
        subscribed[k] = (subscribed[k] ?? 0) + 1;
        return super.add(k);
      }
    })();
  }

  send(text: string, data = false, symbol = ''): void {
    if (this.closed) return;
    const now = Date.now();
    if (now < this.stalledUntil) {
      if (data) this.withheld++;
      return;
    }
    if (now < this.slowUntil) {
      if (data) (this.withheld++, this.slowQueued++);
      return;
    }
    this.lastSentMs = now;
    // Counted when the socket has taken the frame (its write callback, once per frame).
    this.ws.send(
      text,
      data
        ? (err?: Error) => {
            if (err) return;
            this.data++;
            this.bySymbol[symbol] = (this.bySymbol[symbol] ?? 0) + 1;
            this.sim.delivered(symbol);
          }
        : this.controlWritten,
    );
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closeInfo = `${code} ${reason}`;
    this.ws.close(code, reason);
  }
}

/**
 * A local venue: WebSocket + REST on 127.0.0.1 speaking one venue's protocol, playing a recording
 * (raw frames as recorded, re-timed) to subscribed clients, with injected faults. Every data frame
 * delivered to a client is counted per symbol (a frame counts once the socket accepted it), so a
 * test can compare what the venue sent with what a recorder wrote.
 */
export class VenueSim {
  readonly protocol: SimProtocol;
  readonly market: Market;
  readonly faults: Fault[];
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly clients: Client[] = [];
  private nextId = 1;
  private state: 'scanning' | 'waiting' | 'playing' | 'done' = 'scanning';
  private gate!: () => void;
  private readonly gateOpen: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private preloaded: SimFrame[][] | undefined;
  private startMs = 0;
  private held = new Map<string, { text: string; symbol: string }>();
  readonly subscribeCounts: Counts = {};
  readonly restCounts: Counts = {};
  readonly deliveredBySymbol: Counts = {};
  played = 0;
  private stopped = false;
  url = '';
  playError: Error | undefined;
  private readonly cloneNames = new Map<string, string[]>();

  constructor(private readonly o: SimOptions) {
    this.protocol = protocolFor(o.venue);
    this.market = new Market(o.venue);
    this.faults = (o.faults ?? []).map((f) => new Fault(f));
    for (const f of this.faults) this.checkFault(f.spec);
    if ((o.clone ?? 1) > 1 && this.protocol.rename === undefined) throw new UsageError(`--clone is supported for Binance venues only, not ${o.venue}`);
    this.gateOpen = new Promise((r) => (this.gate = r));
  }

  private checkFault(s: FaultSpec): void {
    if (s.kind === 'checksum' && this.protocol.breakChecksum === undefined) throw new UsageError(`fault "checksum": ${this.o.venue} sends no book checksums (kraken and okx do)`);
  }

  delivered(symbol: string): void {
    this.deliveredBySymbol[symbol] = (this.deliveredBySymbol[symbol] ?? 0) + 1;
  }

  /** Scans the recording (keys, recorded REST snapshots), then listens. Resolves with the base URL. */
  async listen(): Promise<string> {
    await this.scan();
    const server = createServer((req, res) => void this.http(req, res));
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1 << 20 });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!this.protocol.paths.some((p) => url.pathname === p || (p !== '/' && url.pathname.startsWith(p + '/')))) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.connection(ws, url));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(new UsageError(`cannot listen on ${this.o.host ?? '127.0.0.1'}:${this.o.port}: ${e.code ?? e.message}`)));
      server.listen(this.o.port, this.o.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.wss = wss;
    const a = server.address() as AddressInfo;
    this.url = `http://${this.o.host ?? '127.0.0.1'}:${a.port}`;
    this.timer = setInterval(() => this.housekeeping(), 100);
    this.state = 'waiting';
    if (this.o.start === 'now') this.begin();
    void this.play();
    return this.url;
  }

  /** Pass over the recording: which keys exist (subscriptions are checked against them) and each symbol's recorded REST snapshot. */
  private async scan(): Promise<void> {
    let keep: SimFrame[][] | undefined = this.o.preload ? [] : undefined;
    const m = this.market;
    let frames = 0;
    const scanLimit = this.o.scanFrames ?? Infinity;
    scan: for await (const batch of this.o.frames()) {
      keep?.push(batch);
      for (const f of batch) {
        if (frames >= scanLimit) break scan;
        frames++;
        if (f.kind === 'rest') {
          const sym = m.restSymbol(f);
          if (sym !== undefined && !m.pendingRest.has(sym)) m.pendingRest.set(sym, f.text);
          continue;
        }
        if (this.protocol.acceptsAddr && !this.protocol.acceptsAddr(f.addr)) continue;
        const r = this.protocol.route(f.text);
        if (r === null) continue;
        if (!m.knownKeys.has(r.key)) {
          m.knownKeys.add(r.key);
          m.knownSymbols.add(r.symbol);
          for (const name of this.clonesOf(r.symbol)) {
            m.knownKeys.add(this.protocol.renameKey!(r.key, r.symbol, name));
            m.knownSymbols.add(name);
          }
        }
      }
    }
    if (this.o.scanFrames !== undefined) keep = undefined; // a partial scan: playback generates the source again
    if (m.knownKeys.size === 0) throw new UsageError(`the recording holds no ${this.o.venue} market data frames (${frames} frames read): wrong --venue?`);
    this.preloaded = keep;
    log.info({ venue: this.o.venue, frames, keys: m.knownKeys.size }, 'recording scanned');
  }

  /** Extra names a recorded symbol is served under (`--clone`). */
  private clonesOf(symbol: string): string[] {
    const n = this.o.clone ?? 1;
    if (n <= 1) return [];
    let names = this.cloneNames.get(symbol);
    if (names === undefined) {
      names = [];
      for (let k = 2; k <= n; k++) {
        const name = `${symbol}${k}`;
        names.push(name);
        this.market.clones.set(name, symbol);
      }
      this.cloneNames.set(symbol, names);
    }
    return names;
  }

  /** Starts playback (POST /__sim/start, or automatically per `start`). */
  begin(): void {
    if (this.state !== 'waiting') return;
    this.state = 'playing';
    this.startMs = Date.now();
    this.gate();
  }

  private async play(): Promise<void> {
    try {
      await this.gateOpen;
      const speed = this.o.speed;
      const high = this.o.highWaterBytes ?? 8 << 20;
      let t0 = NaN;
      let n = 0;
      const source = this.preloaded !== undefined ? fromArray(this.preloaded) : this.o.frames();
      for await (const batch of source) {
        this.cork();
        for (let i = 0; i < batch.length; i++) {
          if (this.stopped) return;
          if (this.o.limit !== undefined && this.played >= this.o.limit) break;
          const f = batch[i];
          if (speed !== Infinity) {
            if (t0 !== t0) t0 = f.ts - (Date.now() - this.startMs) * 1e6 * speed;
            const due = this.startMs + (f.ts - t0) / 1e6 / speed;
            const wait = due - Date.now();
            if (wait >= 1) {
              this.uncork();
              await new Promise((r) => setTimeout(r, wait));
              this.cork();
            }
          }
          const restSymbol = this.playFrame(f);
          if (restSymbol !== undefined) {
            this.uncork();
            await this.awaitRestRequest(restSymbol);
            this.cork();
          }
          if (++n % 256 === 0) {
            this.uncork();
            await yieldNow();
            while (this.blocked(high)) await new Promise((r) => setTimeout(r, 2));
            this.cork();
          }
        }
        // Nothing stays corked while the source is awaited (a live source may pause).
        this.uncork();
      }
      this.uncork();
      for (const [key, h] of this.held) this.deliver(key, h.symbol, h.text);
      this.held.clear();
      // Done once every client's socket has taken all it was sent (write callbacks counted).
      const until = Date.now() + 60_000;
      while (this.clients.some((c) => !c.closed && c.ws.bufferedAmount > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20));
      this.state = 'done';
      log.info({ played: this.played }, 'recording played to its end');
    } catch (e) {
      this.playError = e as Error;
      this.state = 'done';
      log.error({ err: (e as Error).message }, 'playback failed');
    }
  }

  /**
   * Frames played in one run go out in one write per client (corked socket): a syscall per
   * frame would cap the simulator far below what a venue sends.
   */
  private corked: Socket[] = [];
  private cork(): void {
    for (const c of this.clients) {
      const sock = (c.ws as unknown as { _socket?: Socket })._socket;
      if (!c.closed && sock !== undefined) {
        sock.cork();
        this.corked.push(sock);
      }
    }
  }

  private uncork(): void {
    for (const s of this.corked) s.uncork();
    this.corked.length = 0;
  }

  /** A client that has not read what it was sent (not one being made a slow reader on purpose). */
  private blocked(high: number): boolean {
    const now = Date.now();
    for (const c of this.clients) if (!c.closed && c.ws.bufferedAmount > high && now >= c.slowUntil) return true;
    return false;
  }

  /**
   * A recorded REST snapshot is served where it was recorded: when playback reaches it and a
   * client subscribed to that book has not asked for a snapshot yet, playback holds (up to
   * `restWaitMs`) until it does, so a recorder syncs from the very snapshot of the recording.
   */
  private async awaitRestRequest(symbol: string): Promise<void> {
    const prefix = symbol.toLowerCase() + '@depth';
    const subscribed = (): boolean => this.clients.some((c) => !c.closed && [...c.subs].some((k) => k.startsWith(prefix)));
    const until = Date.now() + (this.o.restWaitMs ?? 5000);
    while (this.restCounts[symbol] === undefined && subscribed() && Date.now() < until && !this.stopped) await new Promise((r) => setTimeout(r, 2));
  }

  private playFrame(f: SimFrame): string | undefined {
    const p = this.protocol;
    if (f.kind === 'ws' && p.acceptsAddr && !p.acceptsAddr(f.addr)) return undefined;
    const route = f.kind === 'ws' ? p.route(f.text) : null;
    const restSymbol = this.market.apply(f, route, this.o.venue !== 'coinbase');
    if (route === null) return restSymbol;
    this.played++;
    this.frame(route, f.text);
    const clones = this.cloneNames.get(route.symbol);
    if (clones !== undefined) {
      for (const name of clones) {
        const key = p.renameKey!(route.key, route.symbol, name);
        this.market.markStarted(key);
        this.frame({ key, symbol: name, book: route.book }, p.rename!(f.text, route.symbol, name));
      }
    }
    return undefined;
  }

  /** One frame of one symbol: faults, sequence shift, delivery. */
  private frame(route: Route, text: string): void {
    const playedMs = Date.now() - this.startMs;
    let action: 'send' | 'drop' | 'duplicate' | 'reorder' = 'send';
    for (const f of this.faults) {
      if (f.count(route.symbol, playedMs) && !f.frameFault) {
        this.connectionFault(f);
        f.fire(`${f.spec.kind} at frame ${this.played}`, this.played);
      }
      if (!f.armed || !f.frameFault || !route.book || (f.spec.symbol !== undefined && f.spec.symbol !== route.symbol) || action !== 'send') continue;
      const k = f.spec.kind;
      if (k === 'checksum') {
        const bad = this.protocol.breakChecksum!(text);
        if (bad === undefined) continue; // this frame carries no checksum: the next one will
        text = bad;
      } else if (k === 'corrupt') {
        text = text.slice(0, Math.max(1, Math.floor(text.length * 0.6))) + '#corrupt';
      } else if (k === 'gap') {
        const by = f.spec.count ?? 5;
        if (this.protocol.connGap !== undefined) {
          for (const c of this.clients) if (c.subs.has(route.key)) this.protocol.connGap(c, by);
        } else if (this.protocol.shiftSeq !== undefined && this.protocol.shiftSeq(text, 0) !== undefined) {
          this.market.addShift(route.symbol, by);
        } else {
          action = 'drop'; // no sequence numbers on this venue's frames: a lost frame is the gap
        }
      } else action = k === 'duplicate' ? 'duplicate' : k === 'reorder' ? 'reorder' : 'drop';
      f.fire(`${k} on ${route.symbol} at frame ${this.played}`, this.played, route.symbol);
    }
    const shift = this.market.seqShift(route.symbol);
    if (shift !== 0) text = this.protocol.shiftSeq?.(text, shift) ?? text;
    const held = this.held.get(route.key);
    if (action === 'reorder' && held === undefined) {
      this.held.set(route.key, { text, symbol: route.symbol });
      return;
    }
    if (action === 'drop') {
      for (const c of this.clients) if (c.subs.has(route.key)) this.protocol.skipped?.(c);
    } else {
      this.deliver(route.key, route.symbol, text);
      if (action === 'duplicate') this.deliver(route.key, route.symbol, text);
    }
    if (held !== undefined) {
      this.held.delete(route.key);
      this.deliver(route.key, held.symbol, held.text);
    }
  }

  private deliver(key: string, symbol: string, text: string): void {
    const out = this.protocol.outgoing;
    for (let i = 0; i < this.clients.length; i++) {
      const c = this.clients[i];
      if (!c.closed && c.subs.has(key)) c.send(out !== undefined ? out(c, text) : text, true, symbol);
    }
  }

  private connectionFault(f: Fault): void {
    const s = f.spec;
    const targets = this.clients.filter((c) => !c.closed && (s.conn === undefined || c.id === s.conn));
    const now = Date.now();
    for (const c of targets) {
      if (s.kind === 'disconnect') c.close(1001, 'simulated disconnect');
      else if (s.kind === 'stall') c.stalledUntil = now + (s.ms ?? 5000);
      else if (s.kind === 'slow-reader') {
        c.slowUntil = now + (s.ms ?? 2000);
        c.slowQueued = 0;
      }
    }
  }

  private connection(ws: WebSocket, url: URL): void {
    const c = new Client(this.nextId++, url.pathname, ws, this);
    this.clients.push(c);
    ws.on('message', (data: Buffer) => {
      if (Date.now() < c.stalledUntil) return;
      const before = c.subs.size;
      this.protocol.onMessage(c, data.toString(), this.market as MarketView);
      if (c.subs.size > before && this.o.start === 'on-subscribe' && this.state === 'waiting') setTimeout(() => this.begin(), this.o.settleMs ?? 300);
    });
    ws.on('close', () => {
      c.closed = true;
    });
    ws.on('error', () => undefined);
    this.protocol.onOpen?.(c, url, this.market);
    if (c.subs.size > 0 && this.o.start === 'on-subscribe' && this.state === 'waiting') setTimeout(() => this.begin(), this.o.settleMs ?? 300);
  }

  private housekeeping(): void {
    const now = Date.now();
    const hb = this.protocol.heartbeat;
    for (const c of this.clients) {
      if (c.closed) continue;
      if (c.slowUntil !== 0 && now >= c.slowUntil) {
        c.slowUntil = 0;
        c.close(1008, `slow consumer: ${c.slowQueued} frames queued`);
        continue;
      }
      if (this.o.maxConnAgeMs !== undefined && now - c.openedMs >= this.o.maxConnAgeMs) {
        c.close(1000, 'connection lifetime reached');
        continue;
      }
      if (now < c.stalledUntil) continue;
      if (hb !== undefined && (hb.idleOnly ? now - c.lastSentMs >= hb.everyMs : now - ((c.state.hbAt as number | undefined) ?? c.openedMs) >= hb.everyMs)) {
        c.state.hbAt = now;
        const frame = hb.frame(c);
        if (frame !== undefined) c.send(frame);
      }
      const ping = this.protocol.serverPingMs;
      if (ping !== undefined && now - ((c.state.pingAt as number | undefined) ?? c.openedMs) >= ping) {
        c.state.pingAt = now;
        c.ws.ping();
      }
    }
  }

  private async http(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (url.pathname === '/__sim/stats') return json(200, this.stats());
    if (url.pathname === '/__sim/start' && req.method === 'POST') {
      this.begin();
      return json(200, { state: this.state });
    }
    if (url.pathname === '/__sim/fault' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      try {
        const spec = faultFromJson(JSON.parse(body));
        this.checkFault(spec);
        this.faults.push(new Fault(spec));
        return json(200, { ok: true, faults: this.faults.length });
      } catch (e) {
        return json(400, { ok: false, error: (e as Error).message });
      }
    }
    const r = this.protocol.rest?.(url.pathname, url.searchParams, this.market);
    if (r !== undefined) {
      const sym = (url.searchParams.get('symbol') ?? '').toUpperCase();
      if (r.status === 200) this.restCounts[sym] = (this.restCounts[sym] ?? 0) + 1;
      return json(r.status, r.body);
    }
    json(404, { code: -1, msg: `no such endpoint on the ${this.o.venue} simulator: ${url.pathname}` });
  }

  stats(): SimStats {
    const totals = { data: 0, control: 0, withheld: 0 };
    for (const c of this.clients) {
      totals.data += c.data;
      totals.control += c.control;
      totals.withheld += c.withheld;
    }
    return {
      venue: this.o.venue,
      url: this.url,
      state: this.state,
      played: this.played,
      error: this.playError?.message,
      totals,
      deliveredBySymbol: { ...this.deliveredBySymbol },
      subscribeCounts: { ...this.subscribeCounts },
      restCounts: { ...this.restCounts },
      clients: this.clients.map((c) => ({ id: c.id, path: c.path, open: !c.closed, closeInfo: c.closeInfo, subs: [...c.subs].sort(), data: c.data, control: c.control, withheld: c.withheld, bySymbol: { ...c.bySymbol } })),
      faults: this.faults.map((f) => ({ ...f.spec, fired: f.fired, log: f.log })),
      marketParseErrors: this.market.parseErrors,
    };
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.begin();
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const c of this.clients) if (!c.closed) c.ws.terminate();
    this.wss?.close();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export interface SimStats {
  venue: string;
  url: string;
  state: string;
  played: number;
  error?: string;
  totals: { data: number; control: number; withheld: number };
  deliveredBySymbol: Counts;
  subscribeCounts: Counts;
  restCounts: Counts;
  clients: { id: number; path: string; open: boolean; closeInfo: string; subs: string[]; data: number; control: number; withheld: number; bySymbol: Counts }[];
  faults: (FaultSpec & { fired: number; log: { atFrame: number; symbol?: string; detail: string }[] })[];
  marketParseErrors: number;
}

async function* fromArray(batches: SimFrame[][]): AsyncGenerator<SimFrame[]> {
  for (const b of batches) yield b;
}
