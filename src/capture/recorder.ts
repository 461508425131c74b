import type { Server } from 'node:http';
import { log } from '../core/log.ts';
import { SystemClock, type Clock } from './clock.ts';
import type { RecordSettings } from './config.ts';
import { Feed, Limiter, fetchGet, type HttpGet } from './feed.ts';
import { Metrics, serveMetrics, type MetricsSnapshot } from './metrics.ts';
import { findPartials, recoverPartial, type Recovered } from './recover.ts';
import { RawWriter, describeFsError, type WriterError } from './writer.ts';
import { accessSync, constants, mkdirSync } from 'node:fs';

export interface RecorderOptions {
  clock?: Clock;
  http?: HttpGet;
  random?: () => number;
  /** Called with each periodic metrics snapshot (every `metricsIntervalSeconds`). */
  onMetrics?(s: MetricsSnapshot): void;
}

/**
 * The capture daemon: every configured stream's feed, one raw writer, metrics (periodic and over
 * HTTP when a port is set). `start()` recovers partial files a crash left behind, opens the
 * metrics server, connects; `stop()` closes connections cleanly, completes every file and
 * resolves; a writer failure (disk full, unwritable folder) stops everything and rejects `done`.
 */
export class Recorder {
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly writer: RawWriter;
  readonly feeds: Feed[];
  metricsUrl: string | undefined;
  recovered: Recovered[] = [];
  private server: Server | undefined;
  private metricsTimer: ReturnType<Clock['setTimeout']> | undefined;
  private stopping: Promise<void> | undefined;
  private fatal: WriterError | undefined;
  private resolveDone!: () => void;
  private rejectDone!: (e: Error) => void;
  /** Settles when the recorder has stopped: resolves after `stop()`, rejects on a fatal writer error. */
  readonly done: Promise<void>;

  constructor(
    readonly settings: RecordSettings,
    private readonly opts: RecorderOptions = {},
  ) {
    this.clock = opts.clock ?? new SystemClock();
    this.metrics = new Metrics(() => this.clock.nowMs());
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => undefined);
    this.writer = new RawWriter({
      dir: settings.out,
      rotateMinutes: settings.rotateMinutes,
      flushMs: settings.flushMs,
      gzipLevel: settings.gzipLevel,
      clock: this.clock,
      onFatal: (e) => this.onFatal(e),
      onFileDone: () => this.metrics.filesCompleted++,
    });
    const w = this.writer;
    this.metrics.writer = { lines: () => w.linesIn, bytesIn: () => w.bytesIn, bytesOut: () => w.bytesOut };
    const rest = new Limiter(settings.restConcurrency, settings.restPerMinute);
    this.feeds = settings.streams.map(
      (s) => new Feed(s, { settings, writer: this.writer, metrics: this.metrics, clock: this.clock, http: opts.http ?? fetchGet, rest, random: opts.random }),
    );
  }

  async start(): Promise<void> {
    // The output folder must exist (or be creatable) and be writable before anything connects.
    for (const [what, op] of [
      ['create folder', () => mkdirSync(this.settings.out, { recursive: true })],
      ['write to folder', () => accessSync(this.settings.out, constants.W_OK)],
    ] as const) {
      try {
        op();
      } catch (e) {
        const err = describeFsError(e as NodeJS.ErrnoException, this.settings.out, what);
        this.onFatal(err);
        throw err;
      }
    }
    if (this.settings.recover) {
      for (const p of findPartials(this.settings.out)) {
        try {
          const r = await recoverPartial(p);
          this.recovered.push(r);
          log.warn({ file: r.path, lines: r.lines, symbols: r.symbols }, 'recovered a partial file left by a previous run');
        } catch (e) {
          log.error({ file: p, err: (e as Error).message }, 'could not recover a partial file; left as it is');
        }
      }
    }
    if (this.settings.metricsPort !== undefined) {
      const m = await serveMetrics(() => this.metrics.snapshot(false), this.settings.metricsHost, this.settings.metricsPort);
      this.server = m.server;
      this.metricsUrl = m.url;
    }
    if (this.fatal !== undefined) return;
    for (const f of this.feeds) f.start();
    this.armMetrics();
  }

  private armMetrics(): void {
    const sec = this.settings.metricsIntervalSeconds;
    if (sec <= 0 || this.opts.onMetrics === undefined) return;
    this.metricsTimer = this.clock.setTimeout(() => {
      this.opts.onMetrics!(this.metrics.snapshot(true));
      this.armMetrics();
    }, sec * 1000);
    this.metricsTimer.unref?.();
  }

  private onFatal(e: WriterError): void {
    if (this.fatal !== undefined) return;
    this.fatal = e;
    log.error({ err: e.message }, 'writer failed; stopping');
    void this.shutdown().then(() => this.rejectDone(e));
  }

  /** Clean stop (SIGINT/SIGTERM): close every connection, write disconnect markers, complete every file. */
  stop(): Promise<void> {
    return this.shutdown().then(() => {
      if (this.fatal === undefined) this.resolveDone();
      else this.rejectDone(this.fatal);
    });
  }

  private shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.metricsTimer !== undefined) this.clock.clearTimeout(this.metricsTimer);
      await Promise.all(this.feeds.map((f) => f.stop()));
      await this.writer.close();
      if (this.server !== undefined) await new Promise<void>((r) => this.server!.close(() => r()));
    })();
    return this.stopping;
  }
}
