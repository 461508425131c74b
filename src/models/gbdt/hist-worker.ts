/** Worker side of HistPool: sleeps on the task generation, claims chunks, signals done. */
import { parentPort, workerData } from 'node:worker_threads';
import type { BinJob } from './binning.ts';
import { runBinClaims, runChunks, runGradientClaims, runPartitionClaims, TASK, type GradientJob } from './hist-pool.ts';
import { objectiveFor } from './objective.ts';

interface Data {
  bins: Uint8Array;
  stride: number;
  rows: Int32Array;
  g: Float64Array;
  h: Float64Array;
  task: Int32Array;
  chunks: Float64Array[];
  binJob?: BinJob;
  binCols?: Uint8Array;
  grad?: GradientJob;
  partL: Int32Array;
  partR: Int32Array;
  partCounts: Int32Array;
}

const d = workerData as Data;
const { task } = d;
const n = d.rows.length;
// Spin briefly before sleeping: the next histogram usually follows within microseconds, and a
// futex wake-up can cost a whole scheduler slice on a busy machine.
const SPIN = 20000;
const objective = d.grad ? objectiveFor(d.grad.objective, d.grad.groups) : undefined;
let seen = Atomics.load(task, TASK.GEN);
parentPort?.postMessage('ready');
for (;;) {
  for (let spin = 0; spin < SPIN && Atomics.load(task, TASK.GEN) === seen; spin++);
  if (Atomics.load(task, TASK.GEN) === seen) Atomics.wait(task, TASK.GEN, seen);
  const gen = Atomics.load(task, TASK.GEN);
  if (gen === seen) continue;
  seen = gen;
  if (Atomics.load(task, TASK.STOP) === 1) break;
  // Parameters were written before the generation was published; a stale read cannot claim a
  // chunk (the claim word carries the generation).
  if (task[TASK.KIND] === 1) {
    if (d.binJob) runBinClaims(task, gen, d.binJob);
    continue;
  }
  if (task[TASK.KIND] === 3) {
    if (d.grad && objective) runGradientClaims(task, gen, n, objective, d.grad, d.g, d.h);
    continue;
  }
  if (task[TASK.KIND] === 2) {
    const f = task[TASK.FEATURE];
    if (d.binCols) runPartitionClaims(task, gen, task[TASK.START], task[TASK.END], d.rows, d.binCols.subarray(f * n, (f + 1) * n), task[TASK.BIN], task[TASK.DEFAULT_LEFT] === 1, d.partL, d.partR, d.partCounts);
    continue;
  }
  const gOff = task[TASK.GOFF];
  runChunks(task, gen, task[TASK.START], task[TASK.END], d.bins, d.stride, d.rows, d.g.subarray(gOff, gOff + n), d.h.subarray(gOff, gOff + n), d.chunks);
}
