import { parentPort, workerData } from 'node:worker_threads';
import { writeSymbols, type WorkerInput, type WorkerMessage } from './files.ts';

/** Worker thread entry of `simulateToFiles`: simulates and writes some of the symbols. */
const input = workerData as WorkerInput;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
let pending = 0;
let last = 0;
writeSymbols(input.spec, input.symbols, input.out, input.level, undefined, (ns) => {
  pending += ns;
  const now = performance.now();
  if (now - last > 100) {
    last = now;
    post({ type: 'progress', ns: pending });
    pending = 0;
  }
})
  .then((summaries) => {
    if (pending > 0) post({ type: 'progress', ns: pending });
    post({ type: 'done', summaries });
  })
  .catch((e: unknown) => post({ type: 'error', message: (e as Error).message }));
