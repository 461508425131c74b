import { BookEngine, type InstrumentState } from '../book/engine.ts';
import { syncRulesFor } from '../book/rules.ts';
import type { MarketEvent } from '../core/events.ts';
import type { SyncRules } from '../venues/venue.ts';
import { DEFAULT_SPEC_INPUT } from './default-spec.ts';
import { FeatureSet, type RowSink } from './feature-set.ts';
import type { OpDef } from './op-def.ts';
import { normalizeSpec, specJson, type FeatureSpec } from './spec.ts';

export interface InstrumentFeatures {
  venue: string;
  symbol: string;
  set: FeatureSet;
  /** The engine's state for the instrument (book, validity, integrity counters). */
  state: InstrumentState;
}

export interface PipelineOptions {
  /** Feature spec (user form or normalized); default: the default spec. */
  spec?: unknown;
  /** Operators beyond the built-ins. */
  ops?: readonly OpDef[];
  /** Only these instruments (`SYMBOL` or `venue:SYMBOL`, case-insensitive); events of others are ignored. */
  symbols?: readonly string[];
  /** Where an instrument's rows go (asked once, when the instrument first appears). */
  sinkFor?(venue: string, symbol: string, set: FeatureSet): RowSink | undefined;
  /** Called with every row (the reused row array: copy what you keep). */
  onRow?(inst: InstrumentFeatures, row: Float64Array): void;
  rulesFor?(venue: string): SyncRules;
  spreadFactor?: number;
}

/**
 * Market events in, feature rows out: a BookEngine plus one FeatureSet per instrument, driven one
 * event at a time in arrival order. The offline path (extractFeatures) and the live runner push
 * events through this same code, so their rows are identical by construction (the parity test
 * checks it on real data).
 */
export class FeaturePipeline {
  readonly engine: BookEngine;
  readonly spec: FeatureSpec;
  private readonly byState = new Map<InstrumentState, InstrumentFeatures>();
  private readonly list: InstrumentFeatures[] = [];
  private readonly filter: Set<string> | undefined;
  private lastState: InstrumentState | undefined;
  private lastInst: InstrumentFeatures | undefined;
  /** The filter's verdict on the last (venue, symbol) seen (no string work per event). */
  private fSymbol = '';
  private fVenue = '';
  private fAllowed = false;

  constructor(private readonly opts: PipelineOptions = {}) {
    this.spec = opts.spec === undefined ? normalizeSpec(DEFAULT_SPEC_INPUT, { ops: opts.ops }) : normalizeSpec(opts.spec, { ops: opts.ops });
    this.engine = new BookEngine({ rulesFor: opts.rulesFor ?? syncRulesFor, spreadFactor: opts.spreadFactor });
    this.filter = opts.symbols && opts.symbols.length > 0 ? new Set(opts.symbols.map((s) => s.toUpperCase())) : undefined;
  }

  /** Pushes one event; returns the rows it caused (time-grid rows due before it, then its own). */
  push(ev: MarketEvent): number {
    const filter = this.filter;
    if (filter !== undefined) {
      if (ev.symbol !== this.fSymbol || ev.venue !== this.fVenue) {
        this.fSymbol = ev.symbol;
        this.fVenue = ev.venue;
        this.fAllowed = filter.has(ev.symbol.toUpperCase()) || filter.has(`${ev.venue}:${ev.symbol}`.toUpperCase());
      }
      if (!this.fAllowed) return 0;
    }
    const st = this.engine.state(ev.venue, ev.symbol);
    let inst = this.lastInst;
    if (st !== this.lastState || inst === undefined) {
      inst = this.byState.get(st) ?? this.add(st);
      this.lastState = st;
      this.lastInst = inst;
    }
    const set = inst.set;
    const ts = ev.exchTs === ev.exchTs ? ev.exchTs : ev.localTs;
    let n = set.advance(ts, ev.localTs);
    this.engine.onEvent(ev);
    n += set.onEvent(ev, st.book, st.valid);
    return n;
  }

  /** End of stream: the last time-grid rows of every instrument. */
  finish(): number {
    let n = 0;
    for (const i of this.list) n += i.set.finish();
    return n;
  }

  instruments(): readonly InstrumentFeatures[] {
    return this.list;
  }

  private add(st: InstrumentState): InstrumentFeatures {
    const onRow = this.opts.onRow;
    const to: { sink?: RowSink; inst?: InstrumentFeatures } = {};
    const set = new FeatureSet(this.spec, {
      ops: this.opts.ops,
      sink: { push: (row) => to.sink?.push(row) },
      onRow: onRow ? (row) => onRow(to.inst!, row) : undefined,
    });
    const inst: InstrumentFeatures = { venue: st.venue, symbol: st.symbol, set, state: st };
    to.inst = inst;
    to.sink = this.opts.sinkFor?.(st.venue, st.symbol, set);
    this.byState.set(st, inst);
    this.list.push(inst);
    return inst;
  }
}

/**
 * The live runner: events pushed one at a time as a venue connection delivers them (the same
 * FeaturePipeline as offline), plus `tick` for time-grid rows in a quiet market.
 */
export class LiveFeatureRunner extends FeaturePipeline {
  /** Emits every instrument's grid rows at or before exchange time `ts` (see FeatureSet.flush for the trade-off). */
  tick(ts: number, localTs: number): number {
    let n = 0;
    for (const i of this.instruments()) n += i.set.flush(ts, localTs);
    return n;
  }
}

/** Frame metadata of an instrument's feature rows (goes into Parquet key-value metadata). */
export function frameMeta(venue: string, symbol: string, spec: FeatureSpec): Record<string, string> {
  return { venue, symbol, spec_hash: spec.hash, spec: specJson(spec), sampling: JSON.stringify(spec.sampling) };
}
