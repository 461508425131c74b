/** Worker side of HistPool: sleeps on the task generation, claims chunks, signals done. */
import { parentPort, workerData } from 'node:worker_threads';
import { runChunks, TASK } from './hist-pool.ts';

interface Data {
  bins: Uint8Array;
  stride: number;
  rows: Int32Array;
  g: Float64Array;
  h: Float64Array;
  task: Int32Array;
  chunks: Float64Array[];
}

const d = workerData as Data;
const { task } = d;
const n = d.rows.length;
// Spin briefly before sleeping: the next histogram usually follows within microseconds, and a
// futex wake-up can cost a whole scheduler slice on a busy machine.
const SPIN = 20000;
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
  const gOff = task[TASK.GOFF];
  runChunks(task, gen, task[TASK.START], task[TASK.END], d.bins, d.stride, d.rows, d.g.subarray(gOff, gOff + n), d.h.subarray(gOff, gOff + n), d.chunks);
}
