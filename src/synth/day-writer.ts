import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gzip } from 'node:zlib';
import { AsciiBuffer } from './ascii.ts';
import type { FrameKind, FrameSink } from './binance-feed.ts';

const DAY_MS = 86_400_000;
/** Text per gzip member: big enough that independent members cost < 1 % of ratio. */
const CHUNK = 1 << 20;
/** Members compressed at once on zlib's thread pool (libuv's default pool has 4 threads). */
const IN_FLIGHT = 4;
/** Room past CHUNK for the frame that crosses it (a member ends after the first frame that fills CHUNK). */
const SLACK = 1 << 16;
/** zlib output buffer: a whole member's output at once. */
const OUT_CHUNK = CHUNK >> 1;

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
  /** Text of the member being filled (pushed to zlib once it holds CHUNK bytes). */
  private readonly out = new AsciiBuffer(CHUNK + SLACK);
  private lineStart = 0;
  private lastMs = NaN;
  /** Digits of `lastMs`. */
  private readonly msText = new AsciiBuffer(32);
  /** Compressed members' input buffers, free for reuse. */
  private readonly free: Buffer[] = [];
  private day = -1;
  private file: OpenFile | null = null;
  readonly files: WrittenFile[] = [];
  /** Members being compressed, in file order, each with the file it belongs to. */
  private pending: { file: OpenFile; done: Promise<Buffer>; input: Buffer }[] = [];
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

  frame(localNs: number, kind: FrameKind, text: string): void {
    this.beginFrame(localNs, kind).text(text); // frames are ASCII
    this.endFrame();
  }

  /** Starts the line of a frame received at `localNs`: its text is appended to the returned buffer, then `endFrame()`. */
  beginFrame(localNs: number, _kind: FrameKind): AsciiBuffer {
    const ms = this.startMs + Math.floor(localNs / 1e6);
    if (ms !== this.lastMs) {
      const day = Math.floor(ms / DAY_MS);
      if (day !== this.day) this.rotate(day, ms);
      this.lastMs = ms;
      this.msText.pos = 0;
      this.msText.uint(ms);
    }
    // "<ms><6-digit ns> <frame>\n"
    const o = this.out;
    o.room(this.msText.pos + 7);
    const b = o.buf;
    let pos = o.pos;
    this.lineStart = pos;
    const m = this.msText.buf;
    for (let k = 0, e = this.msText.pos; k < e; k++) b[pos++] = m[k];
    let ns = Math.floor(localNs % 1e6);
    for (let k = 5; k >= 0; k--) {
      const d = (ns / 10) | 0;
      b[pos + k] = 48 + ns - d * 10;
      ns = d;
    }
    pos += 6;
    b[pos++] = 32;
    o.pos = pos;
    return o;
  }

  endFrame(): void {
    const o = this.out;
    o.byte(10);
    const f = this.file!.info;
    f.rawBytes += o.pos - this.lineStart;
    f.lines++;
    this.frames++;
    if (o.pos >= CHUNK) this.push();
  }

  /** Hands the buffered text to zlib as one member of the current file. */
  private push(): void {
    const o = this.out;
    if (o.pos === 0 || this.file === null) return;
    const input = o.buf;
    const chunk = input.subarray(0, o.pos);
    const level = this.level;
    // One output chunk per member (level 1 compresses text ≥ 4×): one round trip to the pool, not one per 16 KiB.
    const done = new Promise<Buffer>((resolve, reject) =>
      gzip(chunk, { level, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY, chunkSize: OUT_CHUNK }, (e, out) => (e ? reject(e) : resolve(out))),
    );
    done.catch(() => {}); // awaited (and rethrown) in order by flushDone
    this.pending.push({ file: this.file, done, input });
    o.buf = this.free.pop() ?? Buffer.allocUnsafe(CHUNK + SLACK);
    o.pos = 0;
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
      if (m.input.length === CHUNK + SLACK && this.free.length < IN_FLIGHT) this.free.push(m.input); // zlib is done with it
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
