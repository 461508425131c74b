import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gzip } from 'node:zlib';
import type { FrameKind, FrameSink } from './binance-feed.ts';

const DAY_MS = 86_400_000;
/** Text per gzip member: big enough that independent members cost < 1 % of ratio. */
const CHUNK = 1 << 20;
/** Members compressed at once on zlib's thread pool (libuv's default pool has 4 threads). */
const IN_FLIGHT = 4;

/** `20240101` of epoch ms. */
export function yyyymmdd(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

export interface WrittenFile {
  path: string;
  /** Uncompressed bytes (lines) and lines written. */
  rawBytes: number;
  lines: number;
  /** Compressed bytes on disk. */
  bytes: number;
}

interface OpenFile {
  info: WrittenFile;
  fd: number;
}

/**
 * lobkit's raw capture format for one instrument: lines `<localTsNs> <frame>\n`, gzip, one file
 * per UTC day of the receive time (`<symbol lower>_<YYYYMMDD>.gz`), as hftbacktest's collector
 * writes them.
 *
 * Compression is parallel, pigz-style: every 1 MiB of text becomes its own gzip member,
 * compressed on zlib's thread pool while the caller keeps generating, and the members are
 * appended in order (a file of concatenated members is one valid gzip stream for gunzip, zcat
 * and lobkit's reader). Output is deterministic: the same text gives the same bytes. The caller
 * awaits `drain()` between slices so at most a few members are in flight.
 */
export class DayFileWriter implements FrameSink {
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private lastMs = NaN;
  private msText = '';
  private day = -1;
  private file: OpenFile | null = null;
  readonly files: WrittenFile[] = [];
  /** Members being compressed, in file order, each with the file it belongs to. */
  private pending: { file: OpenFile; done: Promise<Buffer> }[] = [];
  private readonly toClose: OpenFile[] = [];
  frames = 0;

  constructor(
    private readonly dir: string,
    private readonly symbol: string,
    /** Epoch ms of the simulation's time 0 (frames give ns since then). */
    private readonly startMs: number,
    private readonly level: number,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  frame(localNs: number, _kind: FrameKind, text: string): void {
    const ms = this.startMs + Math.floor(localNs / 1e6);
    const day = Math.floor(ms / DAY_MS);
    if (day !== this.day) this.rotate(day, ms);
    const need = text.length + 32;
    if (this.pos + need > this.buf.length) {
      this.push();
      if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
    }
    // "<ms><6-digit ns> <frame>\n", digits written in place (frames are ASCII)
    const b = this.buf;
    let pos = this.pos;
    const start = pos;
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.msText = String(ms);
    }
    pos += b.write(this.msText, pos, 'latin1');
    let ns = Math.floor(localNs % 1e6);
    for (let k = 5; k >= 0; k--) {
      b[pos + k] = 48 + (ns % 10);
      ns = (ns / 10) | 0;
    }
    pos += 6;
    b[pos++] = 32;
    pos += b.write(text, pos, 'latin1');
    b[pos++] = 10;
    this.pos = pos;
    const f = this.file!.info;
    f.rawBytes += pos - start;
    f.lines++;
    this.frames++;
  }

  /** Hands the buffered text to zlib as one member of the current file. */
  private push(): void {
    if (this.pos === 0 || this.file === null) return;
    const chunk = this.buf.subarray(0, this.pos);
    const level = this.level;
    const done = new Promise<Buffer>((resolve, reject) =>
      gzip(chunk, { level, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY }, (e, out) => (e ? reject(e) : resolve(out))),
    );
    done.catch(() => {}); // awaited (and rethrown) in order by flushDone
    this.pending.push({ file: this.file, done });
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.pos = 0;
  }

  private rotate(day: number, ms: number): void {
    this.push();
    if (this.file !== null) this.toClose.push(this.file);
    this.day = day;
    const path = join(this.dir, `${this.symbol.toLowerCase()}_${yyyymmdd(ms)}.gz`);
    const info: WrittenFile = { path, rawBytes: 0, lines: 0, bytes: 0 };
    this.files.push(info);
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (e) {
      throw new Error(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    this.file = { info, fd };
  }

  /** Appends compressed members in order while more than `keep` are in flight. */
  private async flushDone(keep: number): Promise<void> {
    while (this.pending.length > keep) {
      const m = this.pending.shift()!;
      const out = await m.done;
      try {
        writeSync(m.file.fd, out);
      } catch (e) {
        throw new Error(`${m.file.info.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      m.file.info.bytes += out.length;
    }
    // files whose members are all written can be closed
    while (this.toClose.length > 0 && !this.pending.some((p) => p.file === this.toClose[0])) closeSync(this.toClose.shift()!.fd);
  }

  /** Waits while zlib is behind (call between slices of generation). */
  async drain(): Promise<void> {
    if (this.pending.length >= IN_FLIGHT) await this.flushDone(IN_FLIGHT - 1);
  }

  /** Writes everything so far (pacing: readers tailing the file see every complete line). */
  async flush(): Promise<void> {
    this.push();
    await this.flushDone(0);
  }

  async close(): Promise<void> {
    this.push();
    try {
      await this.flushDone(0);
    } finally {
      if (this.file !== null) this.toClose.push(this.file);
      this.file = null;
      for (const f of this.toClose.splice(0)) closeSync(f.fd);
    }
  }
}
