import WebSocket from 'ws';
import { log } from '../core/log.ts';
import type { FrameMeta, FrameParser } from '../venues/venue.ts';
import type { VenueAdapter } from './adapters.ts';
import { Backoff } from './backoff.ts';
import type { Clock, Timer } from './clock.ts';
import type { ConnStats } from './metrics.ts';

export interface ConnectionOptions {
  staleMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Planned reconnect after this long (0: none). */
  maxConnAgeMs: number;
  /** A connection up at least this long resets the backoff. */
  healthyMs?: number;
  random?: () => number;
}

export interface ConnectionHooks {
  /** The socket is open: write the connect marker, create the parser, subscribe. */
  onOpen(c: VenueConnection): void;
  onFrame(c: VenueConnection, data: Buffer, isBinary: boolean, tsNs: number): void;
  /** The socket closed (any cause); `reason` says why. Reconnection is scheduled after this returns unless stopping. */
  onClose(c: VenueConnection, reason: string, tsNs: number): void;
}

/**
 * A clean close waits for the venue's close frame, which comes after everything it sent before:
 * as long as frames keep arriving (a backlog being drained) it keeps reading, up to a cap; a
 * connection silent this long is terminated.
 */
const CLOSE_IDLE_MS = 2000;
const CLOSE_CHECK_MS = 200;
const CLOSE_MAX_MS = 30_000;

/**
 * One WebSocket slot of a venue feed: connects, keeps the connection alive (the venue's ping rule),
 * notices a stale one (nothing received for `staleMs`, pongs included), reconnects before the venue's
 * connection lifetime ends, and reconnects after any drop with exponential backoff + jitter.
 */
export class VenueConnection {
  ws: WebSocket | undefined;
  /** Parser of the current connection (per-connection context such as sequence counters). */
  parser: FrameParser | undefined;
  readonly meta: FrameMeta = {};
  attempt = 0;
  connId = '';
  lastRxMs = 0;
  openedAtMs = NaN;
  private lastPingMs = 0;
  private staleTicks = 0;
  private state: 'idle' | 'connecting' | 'open' | 'closing' | 'waiting' | 'stopped' = 'idle';
  private closeReason = '';
  private planned = false;
  private readonly backoff: Backoff;
  private reconnectTimer: Timer | undefined;
  private stopWaiters: (() => void)[] = [];
  private sendQueue: { text: string; atMs: number }[] = [];

  constructor(
    readonly id: string,
    readonly url: string,
    readonly symbols: string[],
    private readonly adapter: VenueAdapter,
    private readonly clock: Clock,
    private readonly opts: ConnectionOptions,
    private readonly hooks: ConnectionHooks,
    readonly stats: ConnStats,
  ) {
    this.backoff = new Backoff({ baseMs: opts.backoffBaseMs, maxMs: opts.backoffMaxMs, random: opts.random });
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  start(): void {
    if (this.state === 'idle') this.connect();
  }

  /** Sends now, or after `delayMs` (subscription pacing); dropped if the connection closes first. */
  send(text: string, delayMs = 0): void {
    if (delayMs > 0) {
      this.sendQueue.push({ text, atMs: this.clock.nowMs() + delayMs });
      return;
    }
    if (this.state === 'open' && this.ws !== undefined && this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  private connect(): void {
    this.state = 'connecting';
    this.attempt++;
    this.connId = `${this.id}#${this.attempt}`;
    this.meta.conn = this.connId;
    this.closeReason = '';
    this.planned = false;
    this.sendQueue = [];
    const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: 10_000, maxPayload: 256 << 20 });
    this.ws = ws;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      if (this.state === 'stopped' || this.state === 'closing') {
        ws.close(1000);
        return;
      }
      this.state = 'open';
      this.staleTicks = 0;
      const now = this.clock.nowMs();
      this.openedAtMs = now;
      this.lastRxMs = now;
      this.lastPingMs = now;
      this.stats.up = true;
      this.stats.connectedSinceMs = now;
      log.info({ conn: this.connId, url: this.url }, 'connected');
      this.hooks.onOpen(this);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const ts = this.clock.nowNs();
      this.lastRxMs = ts / 1e6;
      this.hooks.onFrame(this, data, isBinary, ts);
    });
    ws.on('pong', () => {
      this.lastRxMs = this.clock.nowMs();
    });
    ws.on('ping', () => {
      this.lastRxMs = this.clock.nowMs();
    });
    ws.on('unexpected-response', (_req, res) => {
      this.closeReason ||= `handshake refused: HTTP ${res.statusCode}`;
      ws.terminate();
    });
    ws.on('error', (e: Error) => {
      this.closeReason ||= e.message;
      this.stats.lastError = e.message;
    });
    ws.on('close', (code: number, reason: Buffer) => {
      if (this.ws !== ws) return;
      this.closed(this.closeReason || `closed by the venue (code ${code}${reason.length ? `: ${reason.toString()}` : ''})`);
    });
  }

  private closed(reason: string): void {
    const wasOpen = !Number.isNaN(this.openedAtMs) && this.stats.up;
    const now = this.clock.nowMs();
    const upFor = wasOpen ? now - this.openedAtMs : 0;
    this.stats.up = false;
    this.ws = undefined;
    this.parser = undefined;
    this.sendQueue = [];
    if (wasOpen) this.hooks.onClose(this, reason, this.clock.nowNs());
    this.openedAtMs = NaN;
    if (this.state === 'stopped' || this.stopWaiters.length > 0) {
      this.state = 'stopped';
      for (const w of this.stopWaiters.splice(0)) w();
      return;
    }
    if (upFor >= (this.opts.healthyMs ?? 10_000)) this.backoff.reset();
    const delay = this.planned ? 0 : this.backoff.next();
    if (this.planned) this.stats.plannedReconnects++;
    else this.stats.reconnects++;
    this.stats.lastError = reason;
    log.warn({ conn: this.connId, reason, retryInMs: Math.round(delay) }, this.planned ? 'planned reconnect' : 'connection lost; reconnecting');
    this.state = 'waiting';
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state === 'waiting') this.connect();
    }, delay);
  }

  /** Keep-alive, staleness and lifetime checks; the feed calls this a few times a second. */
  tick(nowMs: number): void {
    if (this.sendQueue.length > 0 && this.state === 'open') {
      while (this.sendQueue.length > 0 && this.sendQueue[0].atMs <= nowMs) this.send(this.sendQueue.shift()!.text);
    }
    if (this.state !== 'open' || this.ws === undefined) return;
    if (nowMs - this.lastRxMs > this.opts.staleMs) {
      // Stale on two ticks in a row: after the process itself was starved of CPU, a timer can run
      // before the frames that arrived meanwhile are read.
      if (++this.staleTicks >= 2) {
        this.drop(`stale: nothing received for ${Math.round(nowMs - this.lastRxMs)} ms (limit ${this.opts.staleMs} ms)`);
        return;
      }
    } else this.staleTicks = 0;
    const age = this.opts.maxConnAgeMs > 0 ? this.opts.maxConnAgeMs : this.adapter.maxConnAgeMs > 0 ? this.adapter.maxConnAgeMs - 10 * 60_000 : 0;
    if (age > 0 && nowMs - this.openedAtMs >= age) {
      this.planned = true;
      this.closeReason = `planned reconnect after ${Math.round((nowMs - this.openedAtMs) / 1000)} s (venue connection lifetime)`;
      this.state = 'closing';
      this.ws.close(1000, 'reconnect');
      this.armCloseTimeout(this.ws);
      return;
    }
    if (nowMs - this.lastPingMs >= this.adapter.pingIntervalMs) {
      this.lastPingMs = nowMs;
      if (this.adapter.ping.kind === 'ws') this.ws.ping();
      else this.ws.send(this.adapter.ping.message());
    }
  }

  /** Drops the connection now (stale, protocol trouble); a reconnect follows. */
  drop(reason: string): void {
    if (this.ws === undefined) return;
    this.closeReason = reason;
    this.ws.terminate();
  }

  /** Closes for good: a clean close handshake (frames the venue sent before it are still read and written), terminated when it stalls. */
  stop(): Promise<void> {
    if (this.reconnectTimer !== undefined) {
      this.clock.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
    }
    const ws = this.ws;
    if (ws === undefined || this.state === 'stopped') {
      this.state = 'stopped';
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.stopWaiters.push(resolve);
      this.closeReason = 'recorder stopped';
      if (ws.readyState === WebSocket.CONNECTING) {
        ws.terminate();
        return;
      }
      this.state = 'closing';
      ws.close(1000, 'bye');
      this.armCloseTimeout(ws);
    });
  }

  private armCloseTimeout(ws: WebSocket): void {
    const start = Date.now();
    let count = 0;
    let lastCount = -1;
    let idleChecks = 0;
    const onMessage = (): void => {
      count++;
    };
    ws.on('message', onMessage);
    // Idleness is counted in checks, not wall time: after the process was starved of CPU, a timer
    // may run before the socket data that arrived meanwhile is read; the next checks see it.
    const t = setInterval(() => {
      if (count !== lastCount) (lastCount = count), (idleChecks = 0);
      else idleChecks++;
      if (ws.readyState === WebSocket.CLOSED || idleChecks * CLOSE_CHECK_MS > CLOSE_IDLE_MS || Date.now() - start > CLOSE_MAX_MS) {
        clearInterval(t);
        ws.off('message', onMessage);
        if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
      }
    }, CLOSE_CHECK_MS);
    t.unref();
  }

}
