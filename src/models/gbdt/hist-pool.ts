import { Worker } from 'node:worker_threads';
import { binBlocks, MISSING_BIN, runBinBlock, type BinJob } from './binning.ts';
import { accumulate, histLength } from './histogram.ts';
import { objectiveFor, type Objective, type ObjectiveName } from './objective.ts';

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
  /** Column-major bins (feature f of row r at f·n + r) for `partition()`; shared when threads > 1. */
  binCols?: Uint8Array;
  /** What `gradients()` computes g and h from (shared when threads > 1). */
  grad?: GradientJob;
  /** A binning job the pool can run once with `bin()` (its buffers shared when threads > 1). */
  binJob?: BinJob;
}

export interface GradientJob {
  objective: ObjectiveName;
  groups: number;
  score: Float64Array;
  y: Float64Array;
  w?: Float64Array;
}

export const CHUNKS = 8;

// Shared task block: [generation, start, end, gOff, claim, chunks completed, stop, kind, feature,
// bin, default left]. The claim word
// holds (generation mod 2^22) << 8 | next chunk, so a worker that wakes late for an old task can
// never claim a chunk of a newer one (its compare-and-swap fails on the generation).
const GEN = 0;
const START = 1;
const END = 2;
const GOFF = 3;
const CLAIM = 4;
const COMPLETED = 5;
const STOP = 6;
/** 0: histogram chunks; 1: blocks of the binning job; 2: partition chunks; 3: gradient chunks. */
const KIND = 7;
const FEATURE = 8;
const BIN = 9;
const DEFAULT_LEFT = 10;
const GEN_MASK = 0x3fffff;

export class HistPool {
  private workers: Worker[] = [];
  /** Rows accumulated into histograms so far (the learner's main cost; for diagnostics and tests). */
  histRows = 0;
  private readonly task: Int32Array;
  private readonly chunks: Float64Array[];
  /** Partition scratch: each chunk's left rows from its own start in `partL`, right rows in `partR`; counts per chunk. */
  private readonly partL: Int32Array;
  private readonly partR: Int32Array;
  private readonly partCounts: Int32Array;
  private objective: Objective | undefined;

  private constructor(
    private readonly buf: SharedTrainBuffers,
    readonly minParallelRows: number,
  ) {
    this.task = new Int32Array(new SharedArrayBuffer(12 * 4));
    const n = buf.rows.length;
    this.partL = new Int32Array(new SharedArrayBuffer(n * 4));
    this.partR = new Int32Array(new SharedArrayBuffer(n * 4));
    this.partCounts = new Int32Array(new SharedArrayBuffer(2 * CHUNKS * 4));
    const len = histLength(buf.stride);
    this.chunks = Array.from({ length: CHUNKS }, () => new Float64Array(new SharedArrayBuffer(len * 8)));
  }

  /** A pool with `threads − 1` workers (the calling thread is the first). */
  static async create(buf: SharedTrainBuffers, threads: number, minParallelRows = 32768): Promise<HistPool> {
    const pool = new HistPool(buf, Math.max(minParallelRows, CHUNKS));
    if (threads > 1) {
      const job = buf.binJob;
      const jobBufs: { buffer: ArrayBufferLike }[] = buf.binCols ? [buf.binCols] : [];
      if (buf.grad) jobBufs.push(buf.grad.score, buf.grad.y, ...(buf.grad.w ? [buf.grad.w] : []));
      if (job) jobBufs.push(...[job.x, job.bins, job.binCols, job.upper, job.nUpper, job.missing, ...(job.vx && job.vBins ? [job.vx, job.vBins] : [])]);
      for (const b of [buf.bins, buf.rows, buf.g, buf.h, ...jobBufs]) if (!(b.buffer instanceof SharedArrayBuffer)) throw new Error('hist pool: buffers must be SharedArrayBuffer-backed for threads > 1');
      const fromTs = import.meta.url.endsWith('.ts');
      const url = new URL(fromTs ? './hist-worker.ts' : './hist-worker.js', import.meta.url);
      const workerData = { bins: buf.bins, stride: buf.stride, rows: buf.rows, g: buf.g, h: buf.h, task: pool.task, chunks: pool.chunks, binJob: buf.binJob, binCols: buf.binCols, grad: buf.grad, partL: pool.partL, partR: pool.partR, partCounts: pool.partCounts };
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
    task[KIND] = 0;
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

  /**
   * g, h = the objective's gradients at the current scores. Row-wise objectives (one group) are
   * computed in CHUNKS row ranges by all threads; each row's values do not depend on the split.
   */
  gradients(): void {
    const j = this.buf.grad;
    if (!j) throw new Error('hist pool: no gradient job');
    const { g, h } = this.buf;
    const n = this.buf.rows.length;
    const W = this.workers.length;
    this.objective ??= objectiveFor(j.objective, j.groups);
    if (j.groups !== 1 || W === 0 || n < this.minParallelRows) {
      this.objective.gradients(j.score, j.y, j.w, n, g, h);
      return;
    }
    const task = this.task;
    const gen = (task[GEN] + 1) & GEN_MASK;
    task[KIND] = 3;
    Atomics.store(task, COMPLETED, 0);
    Atomics.store(task, CLAIM, gen << 8);
    Atomics.store(task, GEN, gen);
    Atomics.notify(task, GEN);
    runGradientClaims(task, gen, n, this.objective, j, g, h);
    for (let spin = 0; spin < 20000 && Atomics.load(task, COMPLETED) < CHUNKS; spin++);
    for (let d = Atomics.load(task, COMPLETED); d < CHUNKS; d = Atomics.load(task, COMPLETED)) Atomics.wait(task, COMPLETED, d);
  }

  /**
   * Stable in-place partition of rows[start..end) by "bin of `feature` ≤ `bin`" (missing bin:
   * `defaultLeft`); returns the first right index. A large segment is cut into the histogram's
   * CHUNKS row ranges, each split by whichever thread claims it into its own left and right
   * lists; the calling thread then concatenates the lists in chunk order, so the result is the
   * unique stable partition whatever the thread count.
   */
  partition(start: number, end: number, feature: number, bin: number, defaultLeft: boolean): number {
    const { rows, binCols } = this.buf;
    if (!binCols) throw new Error('hist pool: no column-major bins to partition with');
    const n = rows.length;
    const col = binCols.subarray(feature * n, (feature + 1) * n);
    const { partL, partR, partCounts } = this;
    // The partition does not depend on the chunking, so unlike histograms it may go parallel at
    // a lower size than minParallelRows (which fixes histogram sums); alone, it runs serially.
    if (end - start < Math.min(this.minParallelRows, 8192) || this.workers.length === 0) {
      // lefts compacted in place (never ahead of the read position), rights via scratch
      let l = start;
      let r = 0;
      for (let i = start; i < end; i++) {
        const row = rows[i];
        const b = col[row];
        if (b === MISSING_BIN ? defaultLeft : b <= bin) rows[l++] = row;
        else partR[r++] = row;
      }
      rows.set(partR.subarray(0, r), l);
      return l;
    }
    const task = this.task;
    const W = this.workers.length;
    const gen = (task[GEN] + 1) & GEN_MASK;
    task[KIND] = 2;
    task[START] = start;
    task[END] = end;
    task[FEATURE] = feature;
    task[BIN] = bin;
    task[DEFAULT_LEFT] = defaultLeft ? 1 : 0;
    Atomics.store(task, COMPLETED, 0);
    Atomics.store(task, CLAIM, gen << 8);
    Atomics.store(task, GEN, gen);
    if (W > 0) Atomics.notify(task, GEN);
    runPartitionClaims(task, gen, start, end, rows, col, bin, defaultLeft, partL, partR, partCounts);
    if (W > 0) {
      for (let spin = 0; spin < 20000 && Atomics.load(task, COMPLETED) < CHUNKS; spin++);
      for (let d = Atomics.load(task, COMPLETED); d < CHUNKS; d = Atomics.load(task, COMPLETED)) Atomics.wait(task, COMPLETED, d);
    }
    const size = Math.ceil((end - start) / CHUNKS);
    let pos = start;
    for (let c = 0; c < CHUNKS; c++) {
      const a = Math.min(end, start + c * size);
      const l = partCounts[c];
      rows.set(partL.subarray(a, a + l), pos);
      pos += l;
    }
    const mid = pos;
    for (let c = 0; c < CHUNKS; c++) {
      const a = Math.min(end, start + c * size);
      const r = partCounts[CHUNKS + c];
      rows.set(partR.subarray(a, a + r), pos);
      pos += r;
    }
    return mid;
  }

  /**
   * Runs the binning job given at creation, its feature blocks claimed by the calling thread and
   * the workers (results do not depend on who ran which block: see BinJob).
   */
  bin(): void {
    const job = this.buf.binJob;
    if (!job) throw new Error('hist pool: no binning job');
    const { count } = binBlocks(job.p);
    const task = this.task;
    const W = this.workers.length;
    const gen = (task[GEN] + 1) & GEN_MASK;
    task[KIND] = 1;
    Atomics.store(task, COMPLETED, 0);
    Atomics.store(task, CLAIM, gen << 8);
    Atomics.store(task, GEN, gen);
    if (W > 0) Atomics.notify(task, GEN);
    runBinClaims(task, gen, job);
    if (W > 0) for (let d = Atomics.load(task, COMPLETED); d < count; d = Atomics.load(task, COMPLETED)) Atomics.wait(task, COMPLETED, d);
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

/** Splits rows[a..b) into partL[a..) (left) and partR[a..) (right), in order; counts at c and CHUNKS + c. */
function partitionChunk(rows: Int32Array, col: Uint8Array, a: number, b: number, bin: number, defaultLeft: boolean, partL: Int32Array, partR: Int32Array, counts: Int32Array, c: number): void {
  let l = a;
  let r = a;
  const missLeft = defaultLeft ? 1 : 0;
  for (let i = a; i < b; i++) {
    const row = rows[i];
    const v = col[row];
    if (v === MISSING_BIN ? missLeft === 1 : v <= bin) partL[l++] = row;
    else partR[r++] = row;
  }
  counts[c] = l - a;
  counts[CHUNKS + c] = r - a;
}

/** Claims partition chunks of task `gen` until none is left. */
export function runPartitionClaims(task: Int32Array, gen: number, start: number, end: number, rows: Int32Array, col: Uint8Array, bin: number, defaultLeft: boolean, partL: Int32Array, partR: Int32Array, counts: Int32Array): void {
  const size = Math.ceil((end - start) / CHUNKS);
  const tag = gen << 8;
  for (;;) {
    const v = Atomics.load(task, CLAIM);
    if ((v & ~0xff) !== tag || (v & 0xff) >= CHUNKS) return;
    if (Atomics.compareExchange(task, CLAIM, v, v + 1) !== v) continue;
    const c = v & 0xff;
    const a = Math.min(end, start + c * size);
    partitionChunk(rows, col, a, Math.min(end, a + size), bin, defaultLeft, partL, partR, counts, c);
    if (Atomics.add(task, COMPLETED, 1) + 1 === CHUNKS) Atomics.notify(task, COMPLETED);
  }
}

/** Claims gradient chunks (row ranges of a one-group objective) of task `gen` until none is left. */
export function runGradientClaims(task: Int32Array, gen: number, n: number, obj: Objective, j: GradientJob, g: Float64Array, h: Float64Array): void {
  const size = Math.ceil(n / CHUNKS);
  const tag = gen << 8;
  for (;;) {
    const v = Atomics.load(task, CLAIM);
    if ((v & ~0xff) !== tag || (v & 0xff) >= CHUNKS) return;
    if (Atomics.compareExchange(task, CLAIM, v, v + 1) !== v) continue;
    const a = Math.min(n, (v & 0xff) * size);
    const b = Math.min(n, a + size);
    obj.gradients(j.score.subarray(a, b), j.y.subarray(a, b), j.w?.subarray(a, b), b - a, g.subarray(a, b), h.subarray(a, b));
    if (Atomics.add(task, COMPLETED, 1) + 1 === CHUNKS) Atomics.notify(task, COMPLETED);
  }
}

/** Claims blocks of the binning job of task `gen` until none is left. */
export function runBinClaims(task: Int32Array, gen: number, job: BinJob): void {
  const { count } = binBlocks(job.p);
  const tag = gen << 8;
  for (;;) {
    const v = Atomics.load(task, CLAIM);
    if ((v & ~0xff) !== tag || (v & 0xff) >= count) return;
    if (Atomics.compareExchange(task, CLAIM, v, v + 1) !== v) continue;
    runBinBlock(job, v & 0xff);
    if (Atomics.add(task, COMPLETED, 1) + 1 === count) Atomics.notify(task, COMPLETED);
  }
}

export const TASK = { GEN, START, END, GOFF, STOP, KIND, FEATURE, BIN, DEFAULT_LEFT };
