import { BookEngine, type InstrumentState } from '../book/engine.ts';
import { syncRulesFor } from '../book/rules.ts';
import type { MarketEvent } from '../core/events.ts';
import { InstrumentTable, type Instrument } from '../core/instrument.ts';
import { getVenue } from '../venues/registry.ts';
import type { FrameParser } from '../venues/venue.ts';
import type { MarketView, Route } from './protocol.ts';
import type { SimFrame } from './source.ts';

/**
 * The venue's own state while a recording plays: every book rebuilt from the frames played so far
 * with the venue's parser and sync rules, so a client that subscribes (or resubscribes, or asks
 * for a REST snapshot) mid-stream gets a snapshot consistent with the stream it receives.
 */
export class Market implements MarketView {
  readonly engine = new BookEngine({ rulesFor: syncRulesFor });
  readonly instruments = new InstrumentTable();
  private readonly parser: FrameParser;
  private readonly out: MarketEvent[] = [];
  private readonly startedKeys = new Set<string>();
  readonly knownKeys = new Set<string>();
  readonly knownSymbols = new Set<string>();
  /** First recorded REST snapshot of each symbol, until playback reaches it. */
  readonly pendingRest = new Map<string, string>();
  /** A recorded REST snapshot playback has just reached (no book frame of its symbol played since): still the venue's answer. */
  readonly currentRest = new Map<string, string>();
  private readonly shifts = new Map<string, number>();
  readonly clones = new Map<string, string>();
  private lastExchMs = Date.now();
  parseErrors = 0;

  constructor(readonly venue: string) {
    this.parser = getVenue(venue).createParser(this.instruments);
  }

  /**
   * Applies a played frame to the books (`bookOnly`: skip frames that carry no book data).
   * Returns the symbol of a REST snapshot frame, else undefined.
   */
  apply(f: SimFrame, route: Route | null, bookOnly: boolean): string | undefined {
    if (route !== null) {
      this.startedKeys.add(route.key);
      if (route.book && this.currentRest.size > 0) this.currentRest.delete(route.symbol);
    }
    if (f.kind === 'ws' && bookOnly && (route === null || !route.book)) return;
    const out = this.out;
    out.length = 0;
    try {
      this.parser.parse(f.text, f.ts, out, { conn: f.conn, addr: f.addr, url: f.url, symbolHint: f.hint });
    } catch {
      this.parseErrors++;
      return undefined;
    }
    let restSymbol: string | undefined;
    for (let i = 0; i < out.length; i++) {
      const ev = out[i];
      if (ev.exchTs === ev.exchTs) this.lastExchMs = ev.exchTs / 1e6;
      if (ev.type === 'book_change' || ev.type === 'gap') this.engine.onEvent(ev);
      if (f.kind === 'rest' && ev.type === 'book_change') {
        this.pendingRest.delete(ev.symbol);
        this.currentRest.set(ev.symbol, f.text);
        restSymbol = ev.symbol;
      }
    }
    return restSymbol;
  }

  /** Pre-scan: the symbol of a recorded REST snapshot (Binance), parsed without touching the books. */
  restSymbol(f: SimFrame): string | undefined {
    const probe = getVenue(this.venue).createParser(new InstrumentTable());
    const out: MarketEvent[] = [];
    try {
      probe.parse(f.text, f.ts, out, { url: f.url, symbolHint: f.hint });
    } catch {
      return undefined;
    }
    return out.find((e) => e.type === 'book_change')?.symbol;
  }

  markStarted(key: string): void {
    this.startedKeys.add(key);
  }

  original(symbol: string): string {
    return this.clones.get(symbol) ?? symbol;
  }

  book(symbol: string): InstrumentState | undefined {
    return this.engine.states.get(this.venue + ':' + this.original(symbol));
  }

  instrument(symbol: string): Instrument | undefined {
    return this.instruments.get(this.venue, this.original(symbol));
  }

  started(key: string): boolean {
    return this.startedKeys.has(key);
  }

  known(key: string): boolean {
    return this.knownKeys.has(key);
  }

  knownSymbol(symbol: string): boolean {
    return this.knownSymbols.has(symbol);
  }

  seqShift(symbol: string): number {
    return this.shifts.get(symbol) ?? 0;
  }

  addShift(symbol: string, by: number): void {
    this.shifts.set(symbol, this.seqShift(symbol) + by);
  }

  exchMs(): number {
    return this.lastExchMs;
  }

  recordedRest(symbol: string): string | undefined {
    const o = this.original(symbol);
    return this.currentRest.get(o) ?? this.pendingRest.get(o);
  }
}
