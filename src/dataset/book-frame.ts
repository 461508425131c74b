import { BookEngine, type InstrumentState } from '../book/engine.ts';
import { syncRulesFor } from '../book/rules.ts';
import { POW10 } from '../core/decimal.ts';
import type { MarketEvent } from '../core/events.ts';
import { Frame, FrameBuilder } from '../core/frame.ts';
import { openReplay, type ReplayOptions } from '../replay/open.ts';
import { ReadReport } from '../replay/report.ts';

/** The columns every feature frame starts with (issue 5's layout); book frames hold exactly these (+ depth). */
export const BASE_COLUMNS = ['ts', 'local_ts', 'warm', 'valid', 'bid', 'ask', 'bid_size', 'ask_size', 'mid'] as const;

/** Depth columns of level k (1 = best): bid_px_k, bid_sz_k, ask_px_k, ask_sz_k. */
export function depthColumns(levels: number): string[] {
  const out: string[] = [];
  for (let k = 1; k <= levels; k++) out.push(`bid_px_${k}`, `bid_sz_${k}`, `ask_px_${k}`, `ask_sz_${k}`);
  return out;
}

export interface BookFrameOptions extends ReplayOptions {
  /** Row sampling: 0 = a row after every applied book update; else a row every `sample` ns (the book as of that time). */
  sample?: number;
  /** Book levels per side to include as depth columns (default 0: top of book only). */
  depth?: number;
  /** Keep only these instruments ("SYMBOL" or "venue:SYMBOL"). */
  symbols?: string[];
}

export interface BookFrameResult {
  frames: Frame[];
  report: ReadReport;
  /** Rows whose exchange time went backwards against the previous row (clamped to it), per instrument key. */
  reordered: Record<string, number>;
}

class Sampler {
  readonly b: FrameBuilder;
  readonly row: Float64Array;
  nextGrid = NaN;
  lastTs = -Infinity;
  lastLocal = NaN;
  reordered = 0;
  wasValid = false;
  everValid = false;

  constructor(
    readonly st: InstrumentState,
    readonly depth: number,
  ) {
    const names = [...BASE_COLUMNS, ...depthColumns(depth)];
    this.b = new FrameBuilder(names, 4096);
    this.row = new Float64Array(names.length);
  }

  /** Appends a row from the book as it is now (valid = 0 with NaN prices when the book is not usable). */
  emit(ts: number, localTs: number): void {
    const r = this.row;
    const st = this.st;
    const book = st.book;
    if (ts < this.lastTs) {
      this.reordered++;
      ts = this.lastTs;
    }
    this.lastTs = ts;
    r.fill(NaN);
    r[0] = ts;
    r[1] = localTs;
    r[2] = 1; // warm: a top-of-book row has nothing to warm up
    const usable = st.valid && book.bids.n > 0 && book.asks.n > 0 && book.bids.price(0) < book.asks.price(0);
    r[3] = usable ? 1 : 0;
    if (usable) {
      const P = POW10[book.priceDecimals];
      const S = POW10[book.sizeDecimals];
      const bid = book.bids.price(0) / P;
      const ask = book.asks.price(0) / P;
      r[4] = bid;
      r[5] = ask;
      r[6] = book.bids.size(0) / S;
      r[7] = book.asks.size(0) / S;
      r[8] = (bid + ask) / 2;
      for (let k = 0; k < this.depth; k++) {
        const o = BASE_COLUMNS.length + 4 * k;
        if (k < book.bids.n) {
          r[o] = book.bids.price(k) / P;
          r[o + 1] = book.bids.size(k) / S;
        }
        if (k < book.asks.n) {
          r[o + 2] = book.asks.price(k) / P;
          r[o + 3] = book.asks.size(k) / S;
        }
      }
    }
    this.b.push(r);
  }
}

/**
 * Replays raw files into one top-of-book frame per instrument, with the base columns of a feature
 * frame (ts = exchange ns, local_ts, warm = 1, valid, bid, ask, bid_size, ask_size, mid) and
 * optional depth columns. When the book loses continuity a row with valid = 0 marks it, so labels
 * never bridge a gap. For labelling and evaluation without a feature spec, and for tests.
 */
export async function bookFrames(paths: string[], opts: BookFrameOptions = {}): Promise<BookFrameResult> {
  const report = new ReadReport();
  const stream = await openReplay(paths, report, opts);
  const r = await bookFramesFromEvents(stream, opts);
  return { ...r, report };
}

/** bookFrames over events already in memory or from another source (stream order, as replay yields them). */
export async function bookFramesFromEvents(stream: AsyncIterable<MarketEvent[]> | Iterable<MarketEvent[]>, opts: Omit<BookFrameOptions, keyof ReplayOptions> = {}): Promise<Omit<BookFrameResult, 'report'>> {
  const sample = opts.sample ?? 0;
  const depth = opts.depth ?? 0;
  const want = opts.symbols?.length ? new Set(opts.symbols.map((s) => s.toLowerCase())) : undefined;
  const samplers = new Map<InstrumentState, Sampler>();
  const sampler = (st: InstrumentState) => {
    let s = samplers.get(st);
    if (!s) samplers.set(st, (s = new Sampler(st, depth)));
    return s;
  };
  const keep = (venue: string, symbol: string) => want === undefined || want.has(symbol.toLowerCase()) || want.has(`${venue}:${symbol}`.toLowerCase());
  const engine = new BookEngine({
    rulesFor: syncRulesFor,
    onBook:
      sample === 0
        ? (st, ev) => {
            const s = sampler(st);
            s.everValid = true;
            s.emit(ev.exchTs === ev.exchTs ? ev.exchTs : ev.localTs, ev.localTs);
          }
        : undefined,
  });
  for await (const batch of stream) {
    for (let i = 0; i < batch.length; i++) {
      const ev: MarketEvent = batch[i];
      if (!keep(ev.venue, ev.symbol)) continue;
      const t = ev.exchTs === ev.exchTs ? ev.exchTs : ev.localTs;
      const st = engine.state(ev.venue, ev.symbol);
      if (sample > 0) {
        const s = sampler(st);
        if (s.everValid) {
          if (s.nextGrid !== s.nextGrid) s.nextGrid = Math.ceil(t / sample) * sample;
          while (s.nextGrid < t) {
            s.emit(s.nextGrid, s.lastLocal);
            s.nextGrid += sample;
          }
        }
        engine.onEvent(ev);
        s.lastLocal = ev.localTs;
        if (st.valid && !s.everValid) {
          s.everValid = true;
          s.nextGrid = Math.ceil(t / sample) * sample;
        }
      } else {
        engine.onEvent(ev);
        const s = samplers.get(st);
        if (s !== undefined) {
          if (s.wasValid && !st.valid) s.emit(t, ev.localTs);
          s.wasValid = st.valid;
        }
      }
    }
  }
  const frames: Frame[] = [];
  const reordered: Record<string, number> = {};
  for (const s of samplers.values()) {
    if (s.b.n === 0) continue;
    const key = `${s.st.venue}:${s.st.symbol}`;
    reordered[key] = s.reordered;
    frames.push(s.b.frame({ venue: s.st.venue, symbol: s.st.symbol, source: 'book', sample_ns: String(sample), depth: String(depth) }));
  }
  frames.sort((a, b) => (a.meta.venue + a.meta.symbol < b.meta.venue + b.meta.symbol ? -1 : 1));
  return { frames, reordered };
}
