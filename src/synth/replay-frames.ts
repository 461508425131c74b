import { BookEngine } from '../book/engine.ts';
import { syncRulesFor } from '../book/rules.ts';
import type { MarketEvent } from '../core/events.ts';
import { InstrumentTable } from '../core/instrument.ts';
import { BinanceParser } from '../venues/binance/parse.ts';
import type { SimFrame } from './frames.ts';

/**
 * Feeds simulated frames through lobkit's own Binance parser and book engine, exactly as
 * `lobkit replay` treats a recording (tests and in-memory checks use it).
 */
export function replayFrames(venue: string, frames: Iterable<SimFrame>, onEvent?: (ev: MarketEvent) => void): { engine: BookEngine; frames: number } {
  const engine = new BookEngine({ rulesFor: syncRulesFor });
  const parsers = new Map<string, BinanceParser>();
  const out: MarketEvent[] = [];
  let n = 0;
  for (const f of frames) {
    let p = parsers.get(f.symbol);
    if (p === undefined) parsers.set(f.symbol, (p = new BinanceParser(venue, new InstrumentTable())));
    out.length = 0;
    p.parse(f.frame, f.localTs, out, { symbolHint: f.symbol });
    for (const ev of out) {
      onEvent?.(ev);
      engine.onEvent(ev);
    }
    n++;
  }
  return { engine, frames: n };
}
