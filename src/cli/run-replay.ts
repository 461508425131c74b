import type { MarketEvent } from '../core/events.ts';
import { BookEngine, type EngineOptions } from '../book/engine.ts';
import { syncRulesFor } from '../book/rules.ts';
import { openReplay, type ReplayOptions } from '../replay/open.ts';
import { ReadReport } from '../replay/report.ts';
import { fileProgress } from './progress.ts';

export interface RunOptions extends ReplayOptions {
  progress?: boolean;
  spreadFactor?: number;
  onBook?: EngineOptions['onBook'];
  /** Called before each event reaches the engine; return false to stop the replay. */
  before?(ev: MarketEvent, engine: BookEngine): boolean;
}

/** Replays files through a BookEngine (the loop every command shares). */
export async function runReplay(paths: string[], opts: RunOptions = {}): Promise<{ engine: BookEngine; report: ReadReport }> {
  const report = new ReadReport();
  const engine = new BookEngine({ rulesFor: syncRulesFor, spreadFactor: opts.spreadFactor, onBook: opts.onBook });
  const progress = fileProgress(paths, 'replay', opts.progress !== false);
  try {
    const stream = await openReplay(paths, report, { ...opts, onBytes: progress.onBytes });
    const before = opts.before;
    outer: for await (const batch of stream) {
      for (let i = 0; i < batch.length; i++) {
        if (before !== undefined && !before(batch[i], engine)) {
          await stream.return(undefined);
          break outer;
        }
        engine.onEvent(batch[i]);
      }
    }
  } finally {
    progress.stop();
  }
  return { engine, report };
}
