import { BookEngine, type InstrumentState } from '../../src/book/engine.ts';
import { syncRulesFor } from '../../src/book/rules.ts';
import type { MarketEvent } from '../../src/core/events.ts';
import { openReplay, type ReplayOptions } from '../../src/replay/open.ts';
import { ReadReport } from '../../src/replay/report.ts';

/** Replays files through a BookEngine; `mutate` may alter each event first (to plant bugs). */
export async function replayFiles(paths: string[], opts: ReplayOptions & { mutate?: (ev: MarketEvent) => void } = {}): Promise<{ engine: BookEngine; report: ReadReport; get(symbol: string, venue?: string): InstrumentState }> {
  const report = new ReadReport();
  const engine = new BookEngine({ rulesFor: syncRulesFor });
  const mutate = opts.mutate;
  for await (const batch of await openReplay(paths, report, opts)) {
    for (const ev of batch) {
      if (mutate) mutate(ev);
      engine.onEvent(ev);
    }
  }
  return {
    engine,
    report,
    get(symbol: string, venue?: string) {
      const st = [...engine.states.values()].find((s) => s.symbol === symbol && (venue === undefined || s.venue === venue));
      if (!st) throw new Error(`no instrument ${venue ?? ''}:${symbol}; have ${[...engine.states.keys()].join(', ')}`);
      return st;
    },
  };
}
