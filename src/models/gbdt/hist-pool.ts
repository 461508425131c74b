import { Worker } from 'node:worker_threads';
import { accumulate, histLength } from './histogram.ts';

/**
 * Builds gradient histograms over a leaf's rows, optionally with worker threads. Every buffer the
 * kernel reads (bins, row partition, gradients) lives in SharedArrayBuffers.
 *
 * A large leaf (≥ `minParallelRows` rows) is cut into CHUNKS fixed row ranges, each accumulated
 * into its own histogram; the calling thread and the workers claim chunks from a shared counter
 * (so a descheduled worker on a busy machine just does fewer), and the chunk histograms are then
 * added in chunk order. The sums therefore do not depend on the thread count or on which thread
 * took which chunk: one thread and eight grow bit-identical trees. Small leaves are accumulated
 * directly by the calling thread (a handoff would cost more than it saves).
 */
export interface SharedTrainBuffers {
  bins: Uint8Array;
  stride: number;
  rows: Int32Array;
  g: Float64Array;
  h: Float64Array;
}

export const CHUNKS = 8;

// Shared task block: [generation, start, end, gOff, claim, chunks completed, stop]. The claim word
// holds (generation mod 2^22) << 8 | next chunk, so a worker that wakes late for an old task can
// never claim a chunk of a newer one (its compare-and-swap fails on the generation).
const GEN = 0;
const START = 1;
const END = 2;
const GOFF = 3;
const CLAIM = 4;
const COMPLETED = 5;
const STOP = 6;
const GEN_MASK = 0x3fffff;

export class HistPool {
  private workers: Worker[] = [];
  /** Rows accumulated into histograms so far (the learner's main cost; for diagnostics and tests). */
  histRows = 0;
  private readonly task: Int32Array;
  private readonly chunks: Float64Array[];

  private constructor(
    private readonly buf: SharedTrainBuffers,
    readonly minParallelRows: number,
  ) {
    this.task = new Int32Array(new SharedArrayBuffer(8 * 4));
    const len = histLength(buf.stride);
    this.chunks = Array.from({ length: CHUNKS }, () => new Float64Array(new SharedArrayBuffer(len * 8)));
  }

  /** A pool with `threads − 1` workers (the calling thread is the first). */
  static async create(buf: SharedTrainBuffers, threads: number, minParallelRows = 32768): Promise<HistPool> {
    const pool = new HistPool(buf, Math.max(minParallelRows, CHUNKS));
    if (threads > 1) {
      for (const b of [buf.bins, buf.rows, buf.g, buf.h]) if (!(b.buffer instanceof SharedArrayBuffer)) throw new Error('hist pool: buffers must be SharedArrayBuffer-backed for threads > 1');
      const fromTs = import.meta.url.endsWith('.ts');
      const url = new URL(fromTs ? './hist-worker.ts' : './hist-worker.js', import.meta.url);
      const workerData = { bins: buf.bins, stride: buf.stride, rows: buf.rows, g: buf.g, h: buf.h, task: pool.task, chunks: pool.chunks };
      const started: Promise<void>[] = [];
      for (let t = 1; t < threads; t++) {
        // Running from TypeScript sources (tests, benches under tsx): Node 20 workers do not inherit
        // the loader, so a small bootstrap registers tsx before importing the worker module.
        const worker = fromTs
          ? new Worker(`(async () => { const { register } = await import('tsx/esm/api'); register(); await import(${JSON.stringify(url.href)}); })()`, { eval: true, workerData })
          : new Worker(url, { workerData });
        worker.unref();
        pool.workers.push(worker);
        started.push(
          new Promise((resolve, reject) => {
            worker.once('message', () => resolve());
            worker.once('error', reject);
          }),
        );
      }
      try {
        await Promise.all(started);
      } catch (e) {
        await pool.close();
        throw new Error(`gbdt: could not start worker threads: ${(e as Error).message}`);
      }
    }
    return pool;
  }

  get stride(): number {
    return this.buf.stride;
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** out = histogram of rows[start..end) with gradients at gOff (out is overwritten). */
  build(start: number, end: number, gOff: number, out: Float64Array): void {
    const { bins, stride, rows, g, h } = this.buf;
    const n = rows.length;
    this.histRows += end - start;
    const gv = g.subarray(gOff, gOff + n);
    const hv = h.subarray(gOff, gOff + n);
    if (end - start < this.minParallelRows) {
      out.fill(0);
      accumulate(bins, stride, rows, start, end, gv, hv, out);
      return;
    }
    const task = this.task;
    const W = this.workers.length;
    const gen = (task[GEN] + 1) & GEN_MASK;
    task[START] = start;
    task[END] = end;
    task[GOFF] = gOff;
    Atomics.store(task, COMPLETED, 0);
    Atomics.store(task, CLAIM, gen << 8);
    Atomics.store(task, GEN, gen);
    if (W > 0) Atomics.notify(task, GEN);
    runChunks(task, gen, start, end, bins, stride, rows, gv, hv, this.chunks);
    if (W > 0) {
      for (let spin = 0; spin < 20000 && Atomics.load(task, COMPLETED) < CHUNKS; spin++);
      for (let d = Atomics.load(task, COMPLETED); d < CHUNKS; d = Atomics.load(task, COMPLETED)) Atomics.wait(task, COMPLETED, d);
    }
    // Fixed order: the sums do not depend on which thread did which chunk.
    const c = this.chunks;
    out.set(c[0]);
    for (let k = 1; k < CHUNKS; k++) {
      const ck = c[k];
      for (let i = 0; i < out.length; i++) out[i] += ck[i];
    }
  }

  async close(): Promise<void> {
    const ws = this.workers;
    this.workers = [];
    if (ws.length > 0) {
      Atomics.store(this.task, STOP, 1);
      Atomics.store(this.task, GEN, (this.task[GEN] + 1) & GEN_MASK);
      Atomics.notify(this.task, GEN);
    }
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

/**
 * Claims chunks of task `gen` until none is left (calling thread and workers alike); each finished
 * chunk bumps the completed count the calling thread waits on.
 */
export function runChunks(task: Int32Array, gen: number, start: number, end: number, bins: Uint8Array, stride: number, rows: Int32Array, g: Float64Array, h: Float64Array, chunks: Float64Array[]): void {
  const size = Math.ceil((end - start) / CHUNKS);
  const tag = gen << 8;
  for (;;) {
    const v = Atomics.load(task, CLAIM);
    if ((v & ~0xff) !== tag || (v & 0xff) >= CHUNKS) return;
    if (Atomics.compareExchange(task, CLAIM, v, v + 1) !== v) continue;
    const c = v & 0xff;
    const hc = chunks[c];
    hc.fill(0);
    const a = Math.min(end, start + c * size);
    accumulate(bins, stride, rows, a, Math.min(end, a + size), g, h, hc);
    if (Atomics.add(task, COMPLETED, 1) + 1 === CHUNKS) Atomics.notify(task, COMPLETED);
  }
}

export const TASK = { GEN, START, END, GOFF, STOP };
