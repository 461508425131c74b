import { existsSync, mkdirSync, renameSync, type WriteStream, createWriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { constants as Z, createGzip, type Gzip } from 'node:zlib';
import type { Clock } from './clock.ts';
import { PARTIAL, dayFolder, fileStem, periodOf } from './paths.ts';

/**
 * The raw capture writer: appends `<localTsNs> <frame>\n` lines to gzip files, one per (venue,
 * stream) and rotation period. Guarantees:
 * - each line goes to exactly one file, chosen by its own timestamp: rotation neither drops nor
 *   repeats a line;
 * - a file being written is `*.gz.partial`; when its period ends it is completed (gzip trailer,
 *   fsync) and renamed atomically to `*.gz`;
 * - every `flushMs` all pending lines are compressed and flushed (Z_SYNC_FLUSH) to the file, so a
 *   kill -9 loses at most that much, and the partial file decompresses up to a line boundary;
 * - a write error (disk full, permissions, a file where a folder should be) is reported once
 *   through `onFatal` with the path and errno; nothing is retried silently.
 */
export interface WriterOptions {
  dir: string;
  rotateMinutes: number;
  flushMs: number;
  gzipLevel: number;
  clock: Clock;
  /** Lines accepted but not yet on disk beyond this many bytes is fatal (the disk cannot keep up). */
  maxPendingBytes?: number;
  onFatal(err: WriterError): void;
  /** A file was completed and renamed. */
  onFileDone?(path: string, lines: number): void;
}

export class WriterError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WriterError';
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a path component is a file, not a folder',
  EEXIST: 'a file exists where a folder is needed',
  EISDIR: 'is a folder',
  EIO: 'input/output error',
};

export function describeFsError(e: NodeJS.ErrnoException, path: string, what: string): WriterError {
  const code = e.code;
  const text = code ? `${code} (${ERRNO_TEXT[code] ?? e.message})` : e.message;
  return new WriterError(`cannot ${what} ${path}: ${text}`, path, code);
}

const NEWLINE = Buffer.from('\n');

/** Uncompressed bytes gathered per file before one zlib write. */
const CHUNK = 1 << 16;

class OpenFile {
  /** Lines not yet handed to zlib: `buf[0, pos)`. */
  buf: Buffer | undefined;
  pos = 0;
  lines = 0;
  constructor(
    readonly venue: string,
    readonly stream: string,
    readonly periodEnd: number,
    readonly path: string,
    readonly gzip: Gzip,
    readonly out: WriteStream,
  ) {}
  get partial(): string {
    return this.path + PARTIAL;
  }
}

/** One (venue, stream) of the writer: callers keep it to write without a lookup per line. */
export class StreamHandle {
  file: OpenFile | undefined;
  constructor(
    readonly venue: string,
    readonly stream: string,
  ) {}
}

/** The seconds digits of the last timestamp written (they change once a second). */
let lastHi = -1;
const hiDigits = Buffer.alloc(24);
let hiLen = 0;

/**
 * Writes the decimal digits of an integer-valued ns timestamp (< 2^63) at `pos`; returns the new
 * position. hi * 1e9 is exact in a float64 (a multiple of 2^9 below 2^61), so is the remainder.
 * The seconds part is cached (it changes once a second); the nanoseconds are 9 digits by int32 math.
 */
export function writeNs(buf: Buffer, pos: number, ns: number): number {
  ns = Math.round(ns);
  let hi = Math.floor(ns / 1e9);
  let lo = ns - hi * 1e9;
  if (lo < 0) (hi -= 1), (lo += 1e9);
  else if (lo >= 1e9) (hi += 1), (lo -= 1e9);
  if (hi <= 0) return pos + buf.write(String(lo), pos, 'latin1');
  if (hi !== lastHi) {
    let d = 1;
    let r = hi;
    while (d * 10 <= r) d *= 10;
    hiLen = 0;
    for (; d >= 1; d /= 10) {
      const q = Math.floor(r / d);
      hiDigits[hiLen++] = 48 + q;
      r -= q * d;
    }
    lastHi = hi;
  }
  for (let i = 0; i < hiLen; i++) buf[pos + i] = hiDigits[i];
  pos += hiLen;
  let v = lo | 0;
  for (let k = 8; k >= 0; k--) {
    const q = (v / 10) | 0;
    buf[pos + k] = 48 + (v - q * 10);
    v = q;
  }
  return pos + 9;
}

export class RawWriter {
  private readonly files = new Map<string, OpenFile>();
  private readonly handles = new Map<string, StreamHandle>();
  private readonly closing = new Set<Promise<void>>();
  private readonly maxPending: number;
  private flushTimer: ReturnType<Clock['setTimeout']> | undefined;
  private failed: WriterError | undefined;
  private closed = false;
  /** Lines accepted, uncompressed bytes accepted, and compressed bytes of completed files. */
  linesIn = 0;
  bytesIn = 0;
  private doneBytes = 0;

  constructor(private readonly o: WriterOptions) {
    if (!(o.rotateMinutes > 0 && o.rotateMinutes <= 1440)) throw new RangeError(`rotation must be 1..1440 minutes, got ${o.rotateMinutes}`);
    if (!(o.flushMs > 0)) throw new RangeError(`flush interval must be > 0 ms, got ${o.flushMs}`);
    if (!(Number.isInteger(o.gzipLevel) && o.gzipLevel >= 0 && o.gzipLevel <= 9)) throw new RangeError(`gzip level must be 0..9, got ${o.gzipLevel}`);
    this.maxPending = o.maxPendingBytes ?? 512 << 20;
    this.armFlush();
  }

  get error(): WriterError | undefined {
    return this.failed;
  }

  /** Compressed bytes on disk so far (completed files plus what open files hold). */
  get bytesOut(): number {
    let n = this.doneBytes;
    for (const f of this.files.values()) n += f.out.bytesWritten;
    return n;
  }

  /** The handle of a stream (created on first use). */
  handle(venue: string, stream: string): StreamHandle {
    const key = venue + '\0' + stream;
    let h = this.handles.get(key);
    if (h === undefined) this.handles.set(key, (h = new StreamHandle(venue, stream)));
    return h;
  }

  /** Appends one line to the stream's current file. `frame` (text or its UTF-8 bytes) must not contain a line break. */
  write(venue: string, stream: string, tsNs: number, frame: string | Buffer): void {
    this.writeTo(this.handle(venue, stream), tsNs, frame);
  }

  writeTo(h: StreamHandle, tsNs: number, frame: string | Buffer): void {
    if (this.failed !== undefined || this.closed) return;
    let f = h.file;
    if (f !== undefined && tsNs >= f.periodEnd) {
      this.finish(f);
      f = undefined;
    }
    if (f === undefined) {
      f = this.open(h.venue, h.stream, tsNs);
      if (f === undefined) return;
      h.file = f;
      this.files.set(h.venue + '\0' + h.stream, f);
    }
    // Lines gather in a 64 KiB buffer per file, handed to zlib when full and on every flush tick:
    // a few large zlib writes cost far less than one per line (a kill -9 loses at most `flushMs`).
    const max = typeof frame === 'string' ? frame.length * 3 : frame.length;
    const need = 22 + max;
    if (f.buf !== undefined && f.pos + need > f.buf.length) this.drain(f);
    if (need > CHUNK) {
      // A line larger than a chunk goes to zlib on its own.
      const b = Buffer.allocUnsafe(22);
      const p = writeNs(b, 0, tsNs);
      b[p] = 32;
      const body = typeof frame === 'string' ? Buffer.from(frame, 'utf8') : frame;
      f.gzip.write(b.subarray(0, p + 1));
      f.gzip.write(body);
      f.gzip.write(NEWLINE);
      this.count(f, p + 2 + body.length);
      this.checkPending();
      return;
    }
    const buf = (f.buf ??= Buffer.allocUnsafe(CHUNK));
    let pos = writeNs(buf, f.pos, tsNs);
    buf[pos++] = 32;
    pos += typeof frame === 'string' ? buf.write(frame, pos, 'utf8') : frame.copy(buf, pos);
    buf[pos++] = 10;
    this.count(f, pos - f.pos);
    f.pos = pos;
  }

  private count(f: OpenFile, bytes: number): void {
    f.lines++;
    this.linesIn++;
    this.bytesIn += bytes;
  }

  /** Completes files whose period has ended (called on every flush tick, so idle streams rotate too). */
  rotateIdle(): void {
    const now = this.o.clock.nowNs();
    for (const f of this.files.values()) if (now >= f.periodEnd) this.finish(f);
  }

  /** Compresses and flushes everything accepted so far (Z_SYNC_FLUSH). */
  flush(): Promise<void> {
    const ps: Promise<void>[] = [];
    for (const f of this.files.values()) {
      this.drain(f);
      ps.push(new Promise((resolve) => f.gzip.flush(Z.Z_SYNC_FLUSH, () => resolve())));
    }
    return Promise.all(ps).then(() => undefined);
  }

  /** Completes every open file (flush, gzip trailer, fsync, rename). Resolves even after a failure. */
  async close(): Promise<void> {
    if (this.closed) {
      await Promise.all([...this.closing]);
      return;
    }
    this.closed = true;
    if (this.flushTimer !== undefined) this.o.clock.clearTimeout(this.flushTimer);
    for (const f of [...this.files.values()]) this.finish(f);
    await Promise.all([...this.closing]);
  }

  private drain(f: OpenFile): void {
    if (f.buf === undefined || f.pos === 0) return;
    // zlib keeps the chunk: the next lines go to a new buffer.
    this.sinceCheck += f.pos;
    f.gzip.write(f.buf.subarray(0, f.pos));
    f.buf = undefined;
    f.pos = 0;
    // The backlog check walks every open file: once per 1/8 of the limit handed to zlib (and every
    // flush tick) bounds the overshoot without a walk per chunk.
    if (this.sinceCheck * 8 >= this.maxPending) {
      this.sinceCheck = 0;
      this.checkPending();
    }
  }
  private sinceCheck = 0;


  private checkPending(): void {
    let n = 0;
    for (const f of this.files.values()) n += f.gzip.writableLength + f.out.writableLength + f.pos;
    if (n > this.maxPending) {
      const f = this.files.values().next().value as OpenFile;
      this.fail(new WriterError(`cannot write ${f.partial}: the disk does not keep up (${Math.round(n / 1048576)} MB waiting to be written)`, f.partial, 'EBACKLOG'));
    }
  }

  private armFlush(): void {
    this.flushTimer = this.o.clock.setTimeout(() => {
      if (this.closed || this.failed !== undefined) return;
      this.rotateIdle();
      void this.flush();
      this.checkPending();
      this.armFlush();
    }, this.o.flushMs);
    this.flushTimer.unref?.();
  }

  private fail(err: WriterError): void {
    if (this.failed !== undefined) return;
    this.failed = err;
    if (this.flushTimer !== undefined) this.o.clock.clearTimeout(this.flushTimer);
    for (const f of this.files.values()) {
      f.gzip.destroy();
      f.out.destroy();
    }
    this.files.clear();
    for (const h of this.handles.values()) h.file = undefined;
    this.o.onFatal(err);
  }

  private open(venue: string, stream: string, tsNs: number): OpenFile | undefined {
    const [start, end] = periodOf(tsNs, this.o.rotateMinutes);
    const folder = join(this.o.dir, venue, dayFolder(start));
    try {
      mkdirSync(folder, { recursive: true });
    } catch (e) {
      this.fail(describeFsError(e as NodeJS.ErrnoException, folder, 'create folder'));
      return undefined;
    }
    // The period's name, or (after a restart within the period) the first free second from this line on.
    let path = join(folder, fileStem(stream, start) + '.gz');
    for (let t = Math.max(start, Math.floor(tsNs / 1e9) * 1e9); existsSync(path) || existsSync(path + PARTIAL); t += 1e9) {
      path = join(folder, fileStem(stream, t) + '.gz');
    }
    const gzip = createGzip({ level: this.o.gzipLevel, chunkSize: 1 << 16 });
    const out = createWriteStream(path + PARTIAL, { flags: 'wx', flush: true, highWaterMark: 1 << 20 });
    const f = new OpenFile(venue, stream, end, path, gzip, out);
    const onError = (e: NodeJS.ErrnoException): void => this.fail(describeFsError(e, f.partial, 'write'));
    gzip.on('error', onError);
    out.on('error', onError);
    gzip.pipe(out);
    return f;
  }

  private finish(f: OpenFile): void {
    const key = f.venue + '\0' + f.stream;
    if (this.files.get(key) === f) this.files.delete(key);
    const h = this.handles.get(key);
    if (h !== undefined && h.file === f) h.file = undefined;
    this.drain(f);
    const p = new Promise<void>((resolve) => {
      let settled = false;
      const done = (): void => {
        if (settled) return;
        settled = true;
        this.closing.delete(p);
        resolve();
      };
      f.out.once('close', () => {
        if (this.failed === undefined && f.out.errored === null) {
          try {
            renameSync(f.partial, f.path);
            this.doneBytes += f.out.bytesWritten;
            this.o.onFileDone?.(f.path, f.lines);
          } catch (e) {
            this.fail(describeFsError(e as NodeJS.ErrnoException, f.partial, 'rename'));
          }
          void syncDir(dirname(f.path)).then(done);
          return;
        }
        done();
      });
      f.out.once('error', done);
      f.gzip.once('error', done);
      f.gzip.end();
    });
    this.closing.add(p);
  }
}

/**
 * fsync of a folder, so renames in it survive a power loss (best effort, off the main thread;
 * concurrent requests for one folder share one fsync).
 */
const dirSyncs = new Map<string, Promise<void>>();
function syncDir(dir: string): Promise<void> {
  let p = dirSyncs.get(dir);
  if (p === undefined) {
    p = (async () => {
      await new Promise((r) => setImmediate(r));
      dirSyncs.delete(dir);
      let h: FileHandle | undefined;
      try {
        h = await open(dir, 'r');
        await h.sync();
      } catch {
        // not supported on every file system
      } finally {
        await h?.close();
      }
    })();
    dirSyncs.set(dir, p);
  }
  return p;
}
