import { BookEngine, type InstrumentState } from '../book/engine.ts';
import { syncRulesFor } from '../book/rules.ts';
import type { BookChange, Disconnect, Gap, MarketEvent } from '../core/events.ts';
import { InstrumentTable } from '../core/instrument.ts';
import { log } from '../core/log.ts';
import { getVenue } from '../venues/registry.ts';
import type { VenueDef } from '../venues/venue.ts';
import { ADAPTERS, type VenueAdapter } from './adapters.ts';
import { Backoff } from './backoff.ts';
import type { Clock } from './clock.ts';
import type { RecordSettings, StreamSettings } from './config.ts';
import { VenueConnection } from './connection.ts';
import { badMarker, connectMarker, disconnectMarker, fitsOneLine, gapMarker } from './markers.ts';
import type { Metrics, StreamStats } from './metrics.ts';
import { streamName } from './paths.ts';
import type { RawWriter, StreamHandle } from './writer.ts';

/** GET returning status, headers and body text (the global fetch in production; injectable). */
export type HttpGet = (url: string) => Promise<{ status: number; retryAfterSec?: number; body: string }>;

export const fetchGet: HttpGet = async (url) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const ra = Number(res.headers.get('retry-after'));
  return { status: res.status, retryAfterSec: ra > 0 ? ra : undefined, body: await res.text() };
};

export interface FeedContext {
  settings: RecordSettings;
  writer: RawWriter;
  metrics: Metrics;
  clock: Clock;
  http: HttpGet;
  /** Shared limit on concurrent REST snapshot requests. */
  rest: Limiter;
  random?: () => number;
}

/**
 * REST requests in order: at most `n` at once and at most `perMinute` started per minute (0: no
 * rate limit). Venues meter REST by weight per minute (Binance: a depth snapshot of 1000 levels
 * weighs 20 of the 2400/min futures budget, 50 of the 6000/min spot one: 120 a minute either way).
 */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly starts: number[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    private readonly n: number,
    private readonly perMinute = 0,
    private readonly now: () => number = Date.now,
  ) {}

  get waiting(): number {
    return this.queue.length;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        this.active++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.active--;
            this.pump();
          });
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.active < this.n) {
      if (this.perMinute > 0) {
        const now = this.now();
        while (this.starts.length > 0 && this.starts[0] <= now - 60_000) this.starts.shift();
        if (this.starts.length >= this.perMinute) {
          if (this.timer === undefined) {
            this.timer = setTimeout(() => {
              this.timer = undefined;
              this.pump();
            }, this.starts[0] + 60_000 - now + 1);
            this.timer.unref();
          }
          return;
        }
        this.starts.push(now);
      }
      this.queue.shift()!();
    }
  }
}

/** One symbol of a feed: its connection, file stream, live book state and resync bookkeeping. */
class Sym {
  handle!: StreamHandle;
  resyncing = false;
  /** A REST snapshot request is queued or running (its own timeout applies, not the resync one). */
  restPending = false;
  resyncStartedMs = 0;
  /** Since when the book has been invalid (NaN while valid). */
  invalidSinceMs = NaN;
  resyncAttempts = 0;
  readonly backoff: Backoff;
  constructor(
    readonly symbol: string,
    readonly conn: VenueConnection,
    readonly stream: string,
    readonly state: InstrumentState,
    readonly stats: StreamStats,
    backoff: Backoff,
  ) {
    this.backoff = backoff;
  }
}

/**
 * Where a venue's sync rules judge continuity by sequence numbers alone (no checksum over the
 * book: Binance, Bybit, Coinbase), the live book's levels decide nothing the recorder acts on, so
 * they are not applied: the engine runs the exact same sequence checks on an event without levels
 * (the levels were still parsed and validated, so a malformed frame is caught as before). This
 * is most of the recorder's CPU at full rate. Venues with checksums (Kraken, OKX) keep full books.
 */
function seqOnly(ev: BookChange): void {
  ev.nBids = 0;
  ev.nAsks = 0;
}

const BOOKISH = ['@depth', 'orderbook.', '"books', 'book-', 'l2_data'];
const STREAM_PREFIX = Buffer.from('{"stream":"');

/**
 * One configured stream (a venue and its symbols) recorded live: connections (sharded by the
 * venue's per-connection limits), every frame written in arrival order, and a BookEngine driven
 * with the same venue sync rules `lobkit replay` applies. When a book loses continuity (sequence
 * break, checksum failure) a `gap` marker is written before the frame that revealed it and only
 * that symbol is resynced: a REST snapshot written into the stream (Binance) or a resubscription
 * of its book channel (the others). A dropped connection writes `disconnect` markers for its
 * symbols and reconnects with backoff.
 */
export class Feed {
  readonly adapter: VenueAdapter;
  readonly venue: VenueDef;
  readonly engine: BookEngine;
  readonly instruments = new InstrumentTable();
  readonly conns: VenueConnection[] = [];
  private readonly syms = new Map<string, Sym>();
  private readonly events: MarketEvent[] = [];
  private readonly hasBook: boolean;
  private tickTimer: ReturnType<Clock['setTimeout']> | undefined;
  private stopping = false;
  /** Frames with no symbol (acks, pongs, heartbeats) per connection stream. */
  private readonly connStats = new Map<VenueConnection, StreamStats>();
  private readonly connHandles = new Map<VenueConnection, StreamHandle>();

  constructor(
    readonly cfg: StreamSettings,
    private readonly ctx: FeedContext,
  ) {
    this.adapter = ADAPTERS[cfg.venue];
    this.venue = getVenue(cfg.venue);
    this.engine = new BookEngine({ rulesFor: syncRulesFor });
    this.hasBook = cfg.channels.includes('book');
    const per = this.adapter.symbolsPerConnection(cfg.channels);
    const s = ctx.settings;
    for (let i = 0; i * per < cfg.symbols.length; i++) {
      const symbols = cfg.symbols.slice(i * per, (i + 1) * per);
      const id = `${cfg.venue}-${i}`;
      const url = this.adapter.wsUrl(cfg.baseUrl);
      const conn = new VenueConnection(
        id,
        url,
        symbols,
        this.adapter,
        ctx.clock,
        { staleMs: s.staleMs, backoffBaseMs: s.backoffBaseMs, backoffMaxMs: s.backoffMaxMs, maxConnAgeMs: s.maxConnAgeMs, random: ctx.random },
        { onOpen: (c) => this.onOpen(c), onFrame: (c, d, b, ts) => this.onFrame(c, d, b, ts), onClose: (c, r, ts) => this.onClose(c, r, ts) },
        ctx.metrics.conn(cfg.venue, id, url),
      );
      this.conns.push(conn);
      this.connStats.set(conn, ctx.metrics.stream(cfg.venue, ''));
      for (const raw of symbols) {
        const symbol = this.adapter.eventSymbol(raw);
        const stream = this.adapter.perSymbolFiles ? streamName(symbol) : streamName(id);
        const sym = new Sym(symbol, conn, stream, this.engine.state(cfg.venue, symbol), ctx.metrics.stream(cfg.venue, symbol), new Backoff({ baseMs: s.backoffBaseMs, maxMs: s.backoffMaxMs, random: ctx.random }));
        sym.handle = ctx.writer.handle(cfg.venue, stream);
        this.syms.set(symbol, sym);
      }
    }
  }

  /** File stream of a connection's own frames. */
  private connStream(c: VenueConnection): string {
    return streamName(c.id);
  }

  start(): void {
    for (const c of this.conns) c.start();
    this.armTick();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.tickTimer !== undefined) this.ctx.clock.clearTimeout(this.tickTimer);
    await Promise.all(this.conns.map((c) => c.stop()));
  }

  private armTick(): void {
    this.tickTimer = this.ctx.clock.setTimeout(() => {
      if (this.stopping) return;
      this.tick();
      this.armTick();
    }, 250);
    this.tickTimer.unref?.();
  }

  private tick(): void {
    const now = this.ctx.clock.nowMs();
    for (const c of this.conns) c.tick(now);
    if (!this.hasBook) return;
    const timeout = this.ctx.settings.resyncTimeoutMs;
    for (const s of this.syms.values()) {
      if (s.state.valid || !s.conn.isOpen) continue;
      if (s.resyncing) {
        if (!s.restPending && now - s.resyncStartedMs > timeout) {
          log.warn({ venue: this.cfg.venue, symbol: s.symbol }, `resync did not complete within ${timeout} ms; retrying`);
          s.resyncing = false;
          this.requestResync(s, `resync timed out after ${timeout} ms`, false);
        }
      } else if (this.adapter.snapshotUrl !== undefined && s.state.buffer.length > 0) {
        this.requestResync(s, 'initial snapshot', false);
      } else if (now - s.invalidSinceMs > timeout) {
        this.requestResync(s, `book not valid for ${Math.round(now - s.invalidSinceMs)} ms`, false);
      }
    }
  }

  private write(stream: string, ts: number, frame: string | Buffer): void {
    this.ctx.writer.write(this.cfg.venue, stream, ts, frame);
  }

  private connHandle(c: VenueConnection): StreamHandle {
    let h = this.connHandles.get(c);
    if (h === undefined) this.connHandles.set(c, (h = this.ctx.writer.handle(this.cfg.venue, this.connStream(c))));
    return h;
  }

  /** Streams a marker about `c` goes to: the connection's file, or every symbol file (Binance). */
  private connMarkerStreams(c: VenueConnection): string[] {
    if (!this.adapter.perSymbolFiles) return [this.connStream(c)];
    return [this.connStream(c), ...c.symbols.map((s) => this.syms.get(this.adapter.eventSymbol(s))!.stream)];
  }

  private onOpen(c: VenueConnection): void {
    const ts = this.ctx.clock.nowNs();
    const m = connectMarker(this.cfg.venue, c.connId, c.url);
    for (const st of this.connMarkerStreams(c)) this.write(st, ts, m);
    c.parser = this.venue.createParser(this.instruments);
    const nowMs = ts / 1e6;
    for (const raw of c.symbols) {
      const s = this.syms.get(this.adapter.eventSymbol(raw))!;
      s.resyncing = false;
      s.resyncAttempts = 0;
      s.invalidSinceMs = nowMs;
    }
    const msgs = this.adapter.subscribe(c.symbols, this.cfg.channels, this.cfg.depth);
    for (let i = 0; i < msgs.length; i++) c.send(msgs[i], i * this.adapter.subscribeSpacingMs);
  }

  private onClose(c: VenueConnection, reason: string, ts: number): void {
    // A clean stop loses nothing within the recording: the files just end (a later run starts
    // with connect markers and fresh snapshots). Any other close is a loss, marked per symbol.
    const lost = !this.stopping;
    for (const raw of c.symbols) {
      const s = this.syms.get(this.adapter.eventSymbol(raw))!;
      if (lost) this.write(s.stream, ts, disconnectMarker(this.cfg.venue, s.symbol, reason));
      const ev: Disconnect = { type: 'disconnect', venue: this.cfg.venue, symbol: s.symbol, exchTs: NaN, localTs: ts, reason };
      this.engine.onEvent(ev);
      s.invalidSinceMs = ts / 1e6;
      s.resyncing = false;
    }
  }

  private statsOf(symbol: string, c: VenueConnection): StreamStats {
    if (symbol === '') return this.connStats.get(c)!;
    const s = this.syms.get(symbol);
    return s !== undefined ? s.stats : this.ctx.metrics.stream(this.cfg.venue, symbol);
  }

  private onFrame(c: VenueConnection, data: Buffer, isBinary: boolean, ts: number): void {
    if (isBinary) {
      this.write(this.connStream(c), ts, badMarker(this.cfg.venue, 'binary frame (venues send text)', data));
      this.connStats.get(c)!.messages++;
      return;
    }
    if (data.indexOf(10) !== -1 || data.indexOf(13) !== -1) {
      this.write(this.connStream(c), ts, badMarker(this.cfg.venue, 'frame holds a line break', data.toString('utf8')));
      this.connStats.get(c)!.messages++;
      return;
    }
    // The frame's symbol and kind, from the bytes where the venue allows it (Binance stream
    // prefix), so frames that need no parsing are written as received without a string copy.
    let frame: string | undefined;
    let frameSym: string | undefined;
    let book: boolean;
    const key = this.adapter.perSymbolFiles ? this.streamKey(data) : -1;
    if (key > 0) {
      frameSym = this.lastKeySym;
      book = data[key + 1] === 100 /* d */ && data[key + 2] === 101 /* e */ && data[key + 3] === 112 /* p */;
    } else {
      frame = data.toString('utf8');
      frameSym = this.adapter.frameSymbol(frame);
      book = this.adapter.isBookFrame(frame);
    }
    const events = this.events;
    events.length = 0;
    let parseError: Error | undefined;
    // Only book frames drive the live book; others are written as received without parsing
    // (except where the venue's continuity check spans every frame, Coinbase).
    if ((this.adapter.parseAll || !this.hasBook || book) && c.parser !== undefined) {
      frame ??= data.toString('utf8');
      try {
        c.parser.parse(frame, ts, events, c.meta);
      } catch (e) {
        parseError = e as Error;
        events.length = 0;
      }
    }
    if (frameSym === undefined) frameSym = events.length > 0 ? events[0].symbol : '';
    // Live book: only book events and gap reports matter for continuity.
    let lost: Sym[] | undefined;
    let lostWhy: string[] | undefined;
    let lagDone = false;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i];
      if (!lagDone && ev.exchTs === ev.exchTs) {
        this.statsOf(ev.symbol, c).lag((ts - ev.exchTs) / 1e6);
        lagDone = true;
      }
      if (ev.type !== 'book_change' && ev.type !== 'gap') continue;
      const s = this.syms.get(ev.symbol);
      const st = s !== undefined ? s.state : this.engine.state(ev.venue, ev.symbol);
      const wasValid = st.valid;
      const failedBefore = st.counts.checksum.failed;
      const lastSeq = st.afterSnapshot ? st.snapSeq : st.lastSeq;
      if (ev.type === 'book_change' && st.rules.checksum === undefined) seqOnly(ev);
      this.engine.onEvent(ev);
      if (s === undefined) continue;
      if (wasValid && !st.valid) {
        // A gap the parser reports itself (Coinbase sequence jumps) is a Gap event on replay
        // already; a marker would count it twice.
        if (ev.type === 'gap') this.requestResync(s, ev.reason, true);
        else {
          const why =
            st.counts.checksum.failed > failedBefore
              ? `checksum mismatch: venue ${ev.checksum}, book ${st.rules.checksum?.(st.book, ev) ?? '?'}`
              : `sequence break after ${lastSeq}: got first=${ev.firstSeq} prev=${ev.prevSeq} seq=${ev.seq}`;
          (lost ??= []).push(s);
          (lostWhy ??= []).push(why);
        }
        s.invalidSinceMs = ts / 1e6;
      } else if (!wasValid && st.valid) {
        s.resyncing = false;
        s.resyncAttempts = 0;
        s.invalidSinceMs = NaN;
        s.backoff.reset();
      } else if (!st.valid && !s.resyncing && this.adapter.snapshotUrl !== undefined && st.buffer.length > 0 && this.hasBook) {
        this.requestResync(s, 'initial snapshot', false);
      }
    }
    if (parseError !== undefined) {
      this.ctx.metrics.parseErrors++;
      const s = this.attribute(frame!, c);
      if (s !== undefined) {
        if (frameSym === '') frameSym = s.symbol;
        if (s.state.valid) {
          // A damaged book frame of this symbol: its data is lost; mark it now rather than wait for the next sequence check.
          const reason = `unparseable book frame (${parseError.message.slice(0, 120)})`;
          const gap: Gap = { type: 'gap', venue: this.cfg.venue, symbol: s.symbol, exchTs: NaN, localTs: ts, reason, expected: NaN, received: NaN };
          this.engine.onEvent(gap);
          s.invalidSinceMs = ts / 1e6;
          (lost ??= []).push(s);
          (lostWhy ??= []).push(reason);
        }
      } else log.debug({ venue: this.cfg.venue, err: parseError.message }, 'frame not understood by the venue parser (kept in the stream)');
    }
    if (lost !== undefined) {
      for (let i = 0; i < lost.length; i++) {
        const s = lost[i];
        s.stats.gaps++;
        this.ctx.writer.writeTo(s.handle, ts, gapMarker(this.cfg.venue, s.symbol, lostWhy![i]));
      }
    }
    const sym = frameSym !== '' ? this.syms.get(frameSym) : undefined;
    if (!this.adapter.perSymbolFiles || frameSym === '') this.ctx.writer.writeTo(this.connHandle(c), ts, data);
    else if (sym !== undefined) this.ctx.writer.writeTo(sym.handle, ts, data);
    else this.write(streamName(frameSym), ts, data);
    const stats = sym !== undefined ? sym.stats : this.statsOf(frameSym, c);
    stats.messages++;
    stats.bytes += data.length;
    if (lost !== undefined) for (let i = 0; i < lost.length; i++) this.requestResync(lost[i], lostWhy![i], true);
  }

  /** Stream-prefix symbols seen, by a hash of their bytes (collisions chained): no allocation per frame. */
  private readonly keyCache = new Map<number, { bytes: Buffer; sym: string }[]>();
  private lastKeySym = '';

  /**
   * Binance frames name their symbol in the stream prefix (`{"stream":"btcusdt@...`). Returns
   * the index of the '@' (and sets `lastKeySym`), or -1 for other frames. Frames of many symbols
   * interleave, so the symbol is found by hashing the prefix bytes in place and comparing them with
   * the cached ones: the common case allocates nothing.
   */
  private streamKey(data: Buffer): number {
    const len = data.length;
    if (len < 14) return -1;
    for (let i = 0; i < 11; i++) if (data[i] !== STREAM_PREFIX[i]) return -1;
    let h = 0x811c9dc5;
    let at = 11;
    const lim = len < 81 ? len : 81;
    for (; at < lim; at++) {
      const c = data[at];
      if (c === 64 /* @ */) break;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (at < 12 || at >= lim) return -1;
    const n = at - 11;
    const chain = this.keyCache.get(h);
    if (chain !== undefined) {
      for (let k = 0; k < chain.length; k++) {
        const e = chain[k];
        if (e.bytes.length !== n) continue;
        let same = true;
        for (let i = 0; i < n; i++) {
          if (data[11 + i] !== e.bytes[i]) {
            same = false;
            break;
          }
        }
        if (same) {
          this.lastKeySym = e.sym;
          return at;
        }
      }
    }
    const sym = this.adapter.frameSymbol(data.toString('latin1', 0, at + 1));
    if (sym === undefined) return -1;
    const entry = { bytes: Buffer.from(data.subarray(11, at)), sym };
    if (chain !== undefined) chain.push(entry);
    else this.keyCache.set(h, [entry]);
    this.lastKeySym = sym;
    return at;
  }

  /** The one subscribed symbol a damaged book frame names, if it names exactly one. */
  private attribute(frame: string, c: VenueConnection): Sym | undefined {
    if (!BOOKISH.some((b) => frame.includes(b))) return undefined;
    let found: Sym | undefined;
    for (const raw of c.symbols) {
      const s = this.syms.get(this.adapter.eventSymbol(raw))!;
      if (frame.includes(`"${s.symbol}"`) || frame.includes(`"${s.symbol.toLowerCase()}@`) || frame.includes(`.${s.symbol}"`)) {
        if (found !== undefined) return undefined;
        found = s;
      }
    }
    return found;
  }

  /**
   * Resyncs one book: at once the first time, then with backoff while attempts keep failing.
   * `loss` counts it as a resync in the metrics (an initial snapshot is not one).
   */
  private requestResync(s: Sym, reason: string, loss: boolean): void {
    if (s.resyncing || this.stopping || !this.hasBook) return;
    s.resyncing = true;
    s.resyncStartedMs = this.ctx.clock.nowMs();
    if (loss) s.stats.resyncs++;
    const delay = s.resyncAttempts++ === 0 ? 0 : s.backoff.next();
    log.info({ venue: this.cfg.venue, symbol: s.symbol, reason, delayMs: Math.round(delay) }, 'resync');
    const go = (): void => {
      // After a backoff delay the book may have been synced meanwhile (a snapshot that was on its way).
      if (this.stopping || !s.conn.isOpen || (delay > 0 && s.state.valid)) {
        s.resyncing = false;
        return;
      }
      if (this.adapter.snapshotUrl !== undefined) void this.restSnapshot(s);
      else if (this.adapter.resubscribeBook !== undefined) {
        for (const m of this.adapter.resubscribeBook(s.symbol, this.cfg.depth)) s.conn.send(m);
      }
    };
    if (delay === 0) go();
    else this.ctx.clock.setTimeout(go, delay).unref?.();
  }

  /** Binance: fetch the REST depth snapshot, write it into the symbol's stream in arrival order, feed it to the book. */
  private async restSnapshot(s: Sym): Promise<void> {
    const url = this.adapter.snapshotUrl!(this.cfg.baseUrl, s.symbol, this.cfg.depth);
    const conn = s.conn;
    const attempt = conn.attempt;
    let res: Awaited<ReturnType<HttpGet>>;
    s.restPending = true;
    try {
      res = await this.ctx.rest.run(() => this.ctx.http(url));
    } catch (e) {
      s.restPending = false;
      log.warn({ venue: this.cfg.venue, symbol: s.symbol, url, err: (e as Error).message }, 'REST snapshot request failed; retrying');
      this.retryLater(s, 0);
      return;
    }
    s.restPending = false;
    if (this.stopping) return;
    if (s.state.valid) {
      // Synced meanwhile (a snapshot that arrived first): a second one would only rewind the book.
      s.resyncing = false;
      return;
    }
    if (res.status !== 200) {
      log.warn({ venue: this.cfg.venue, symbol: s.symbol, url, status: res.status, body: res.body.slice(0, 200) }, 'REST snapshot refused; retrying');
      this.retryLater(s, (res.retryAfterSec ?? 0) * 1000);
      return;
    }
    const body = res.body.trim();
    const ts = this.ctx.clock.nowNs();
    if (!fitsOneLine(body)) {
      this.write(s.stream, ts, badMarker(this.cfg.venue, 'REST snapshot holds a line break', body));
      this.retryLater(s, 0);
      return;
    }
    const events = this.events;
    events.length = 0;
    try {
      (conn.parser ?? this.venue.createParser(this.instruments)).parse(body, ts, events, { url });
    } catch (e) {
      log.warn({ venue: this.cfg.venue, symbol: s.symbol, err: (e as Error).message }, 'REST snapshot not understood; retrying');
      this.retryLater(s, 0);
      return;
    }
    this.write(s.stream, ts, body);
    s.stats.bytes += body.length;
    for (const ev of events) {
      if (ev.type !== 'book_change') continue;
      if (s.state.rules.checksum === undefined) seqOnly(ev);
      this.engine.onEvent(ev);
    }
    events.length = 0;
    s.resyncing = false;
    if (s.state.valid) {
      s.resyncAttempts = 0;
      s.invalidSinceMs = NaN;
      s.backoff.reset();
    } else if (conn.attempt === attempt && conn.isOpen) {
      // The snapshot is older than the diffs buffered since (or they skip ids): fetch again.
      this.requestResync(s, 'snapshot did not connect to the diff stream', false);
    }
  }

  private retryLater(s: Sym, minDelayMs: number): void {
    s.resyncing = false;
    if (minDelayMs > 0) {
      s.resyncing = true;
      this.ctx.clock.setTimeout(() => {
        s.resyncing = false;
        this.requestResync(s, 'retry after rate limit', false);
      }, minDelayMs).unref?.();
      return;
    }
    this.requestResync(s, 'retry', false);
  }
}
