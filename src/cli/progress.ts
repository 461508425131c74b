import { statSync } from 'node:fs';
import cliProgress from 'cli-progress';

export interface Progress {
  onBytes(n: number): void;
  stop(): void;
}

/** A byte-based progress bar on stderr when it is a terminal (stdout stays clean for --json). */
export function fileProgress(paths: string[], label: string, enabled = true): Progress {
  if (!enabled || !process.stderr.isTTY) return { onBytes() {}, stop() {} };
  let total = 0;
  for (const p of paths) {
    try {
      total += statSync(p).size;
    } catch {
      // missing files are reported by the reader
    }
  }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} MB | ETA {eta}s`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  const mb = (b: number) => Math.round(b / 1e5) / 10;
  bar.start(mb(total), 0);
  let done = 0;
  let last = 0;
  return {
    onBytes(n) {
      done += n;
      const now = Date.now();
      if (now - last > 100) {
        last = now;
        bar.update(mb(done));
      }
    },
    stop() {
      bar.update(mb(done));
      bar.stop();
    },
  };
}
