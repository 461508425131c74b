import type { BookView } from '../core/book-view.ts';
import type { MarketEvent } from '../core/events.ts';
import { FeatureContext } from './context.ts';
import { DEFAULT_SPEC } from './default-spec.ts';
import { LookAheadError, WANT_BOOK, WANT_FUNDING, WANT_STATUS, WANT_TRADE, type Feature } from './feature.ts';
import { RollingMinMax, SlidingZScore, normalizerFromJSON, type Normalizer, type NormalizerState } from './normalize.ts';
import type { OpDef } from './op-def.ts';
import { opTable } from './registry.ts';
import { TimeGrid, VolumeClock } from './sampler.ts';
import { CORE_COLUMNS, RESERVED_PREFIX, normalizeSpec, type FeatureSpec } from './spec.ts';

/** Where rows go: a FrameBuilder, or anything with the same `push`. The row array is reused: copy it. */
export interface RowSink {
  push(row: Float64Array): void;
}

export interface FeatureSetOptions {
  sink?: RowSink;
  /** Called with each row (the same, reused array) right after the sink got it. */
  onRow?(row: Float64Array): void;
  /** Operators beyond the built-ins (the spec may name them). */
  ops?: readonly OpDef[];
}

/** Normalization state of a FeatureSet, for model artifacts. */
export interface FeatureSetNormalization {
  spec_hash: string;
  columns: { column: string; source: string; state: NormalizerState }[];
}

const MODE_TIME = 0;
const MODE_EVENT = 1;
const MODE_TRADE = 2;
const MODE_VOLUME = 3;

/** The `quietUntil` of operators that declare none: never skipped. */
const NEVER_QUIET = new Float64Array([NaN]);

/** Written into feature columns between rows; a changed value means something wrote outside `write`. */
const CANARY = -7.291122019556398e-304;

const T_TS = 0;
const T_LOCAL = 1;
const T_WARM = 2;
const T_VALID = 3;
const T_BID = 4;

/**
 * A set of feature operators built from a spec, driven by the events of ONE instrument and that
 * instrument's book. The same object runs offline (extractFeatures) and live (LiveFeatureRunner):
 *
 *   fs.advance(ts, localTs)       before the book engine applies an event at `ts` (emits time-grid rows due before it)
 *   engine.onEvent(ev)
 *   fs.onEvent(ev, book, valid)   after it
 *
 * Rows (`names`: CORE_COLUMNS then the spec's columns) go to the sink. Look-ahead is impossible by
 * construction: a row is written before any later event reaches an operator (and `onEvent`
 * refuses an event past a grid row that was not emitted first), and operators write into a work
 * row that is copied out when complete and then filled with a canary — a feature that writes into a
 * row after its `write` (say, from a later event) is caught at the next row and rejected.
 * Event, trade and volume sampling need no `advance` (their rows come after the event).
 */
export class FeatureSet {
  readonly spec: FeatureSpec;
  /** Every output column: CORE_COLUMNS, then the features' columns, then normalized columns. */
  readonly names: string[];
  /** The spec's columns (raw and normalized), without the core columns. */
  readonly featureNames: string[];
  /** The latest row (reused between rows; operators never see this array). */
  readonly row: Float64Array;
  /** The row operators write into; between rows its feature columns hold CANARY. */
  private readonly work: Float64Array;
  rows = 0;
  warmRows = 0;
  validRows = 0;

  private readonly ctx: FeatureContext;
  private readonly ops: Feature[];
  private readonly offsets: Int32Array;
  private readonly owners: string[];
  private readonly bookOps: Feature[] = [];
  /** Per book operator: skip its update on a mid-unchanged book event before this time (Feature.quietUntil). */
  private readonly bookQuiet: Float64Array[] = [];
  private readonly tradeOps: Feature[] = [];
  private readonly fundingOps: Feature[] = [];
  private readonly statusOps: Feature[] = [];
  private readonly normSrc: Int32Array;
  private readonly normDst: Int32Array;
  private readonly norms: Normalizer[];
  private readonly mode: number;
  private readonly grid: TimeGrid | undefined;
  private readonly volume: VolumeClock | undefined;
  private readonly volumeNotional: boolean;
  private readonly featureStart = CORE_COLUMNS.length;
  private readonly sink: RowSink | undefined;
  private readonly onRow: ((row: Float64Array) => void) | undefined;
  private lastLocal = NaN;

  constructor(spec: FeatureSpec | unknown = DEFAULT_SPEC, opts: FeatureSetOptions = {}) {
    // Always re-validated: a normalized spec comes out unchanged (same hash), a hand-edited one is checked.
    const s = normalizeSpec(spec, { ops: opts.ops });
    this.spec = s;
    this.ctx = new FeatureContext(s.trade_sign);
    const table = opTable(opts.ops);
    const names: string[] = [...CORE_COLUMNS];
    const owners: string[] = names.map(() => '(core)');
    this.ops = [];
    const offsets: number[] = [];
    for (const e of s.features) {
      const def = table.get(e.op);
      if (!def) throw new Error(`feature spec names unknown operator "${e.op}"`);
      const f = def.create(e.params, e.name);
      offsets.push(names.length);
      for (const n of f.names) {
        names.push(n);
        owners.push(`${e.op} (${e.name})`);
      }
      this.ops.push(f);
      if (f.wants & WANT_BOOK) {
        this.bookOps.push(f);
        this.bookQuiet.push(f.quietUntil ?? NEVER_QUIET);
      }
      if (f.wants & WANT_TRADE) this.tradeOps.push(f);
      if (f.wants & WANT_FUNDING) this.fundingOps.push(f);
      if (f.wants & WANT_STATUS) this.statusOps.push(f);
    }
    this.offsets = Int32Array.from(offsets);
    const src: number[] = [];
    const dst: number[] = [];
    this.norms = [];
    s.features.forEach((e, i) => {
      if (!e.normalize) return;
      const nz = e.normalize;
      const from = offsets[i];
      for (let j = 0; j < this.ops[i].names.length; j++) {
        src.push(from + j);
        dst.push(names.length);
        names.push(`${names[from + j]}_${nz.method === 'zscore' ? 'z' : 'mm'}`);
        owners.push(`${e.op} (${e.name}) normalization`);
        this.norms.push(nz.method === 'zscore' ? new SlidingZScore(nz.window, nz.min_std, nz.min_count) : new RollingMinMax(nz.window, nz.min_count));
      }
    });
    this.normSrc = Int32Array.from(src);
    this.normDst = Int32Array.from(dst);
    checkNames(names);
    this.names = names;
    this.owners = owners;
    this.featureNames = names.slice(CORE_COLUMNS.length);
    this.row = new Float64Array(names.length).fill(NaN);
    this.work = new Float64Array(names.length).fill(CANARY, this.featureStart);
    const sm = s.sampling;
    this.mode = sm.mode === 'time' ? MODE_TIME : sm.mode === 'event' ? MODE_EVENT : sm.mode === 'trade' ? MODE_TRADE : MODE_VOLUME;
    this.grid = sm.mode === 'time' ? new TimeGrid(sm.interval_ms, sm.max_gap_ms) : undefined;
    this.volume = sm.mode === 'volume' ? new VolumeClock((sm.volume ?? sm.notional)!) : undefined;
    this.volumeNotional = sm.mode === 'volume' && sm.notional !== undefined;
    this.sink = opts.sink;
    this.onRow = opts.onRow;
  }

  /** Index of a column in `names` (and in `row`). */
  indexOf(name: string): number {
    const i = this.names.indexOf(name);
    if (i < 0) throw new Error(`no feature column "${name}"`);
    return i;
  }

  /** Grid rows skipped over silences longer than the spec's `max_gap_ms`. */
  get skippedRows(): number {
    return this.grid?.skipped ?? 0;
  }

  /**
   * Call BEFORE the book engine applies an event at `ts`: emits the time-grid rows due strictly
   * before it (their `local_ts` is `localTs`, when they became known). Returns the rows emitted.
   */
  advance(ts: number, localTs: number): number {
    const g = this.grid;
    if (g === undefined || g.next !== g.next || !(ts > g.next)) return 0;
    g.skipSilence(ts);
    let n = 0;
    while (g.next < ts) {
      this.emit(g.next, localTs);
      g.step();
      n++;
    }
    return n;
  }

  /**
   * Call AFTER the engine applied `ev` to `book` (the instrument's book; `valid`: it is intact).
   * Returns the rows emitted (event, trade and volume sampling emit after the event).
   */
  onEvent(ev: MarketEvent, book: BookView, valid = true): number {
    const ctx = this.ctx;
    ctx.tick(ev);
    this.lastLocal = ev.localTs;
    const g = this.grid;
    if (g !== undefined) {
      if (g.next !== g.next) g.start(ctx.now);
      else if (g.next < ctx.now) {
        throw new LookAheadError(
          `the row at ${g.next} ns was not emitted before an event at ${ctx.now} ns reached the features: call advance(ts, localTs) before the book applies each event, so that no row sees a later book`,
        );
      }
    }
    let emitted = 0;
    switch (ev.type) {
      case 'book_change': {
        ctx.setBook(book, valid);
        const ops = this.bookOps;
        const quiet = this.bookQuiet;
        const now = ctx.now;
        const midSame = ctx.mid === ctx.prevMid;
        for (let i = 0; i < ops.length; i++) if (!(midSame && now < quiet[i][0])) ops[i].update(ctx);
        if (this.mode === MODE_EVENT) emitted = this.emit(ctx.now, ev.localTs);
        break;
      }
      case 'trade': {
        if (!valid && ctx.valid) ctx.invalidate();
        ctx.setTrade(ev);
        const ops = this.tradeOps;
        for (let i = 0; i < ops.length; i++) ops[i].update(ctx);
        if (this.mode === MODE_TRADE) emitted = this.emit(ctx.now, ev.localTs);
        else if (this.mode === MODE_VOLUME && this.volume!.add(this.volumeNotional ? ctx.tradeSize * ctx.tradePrice : ctx.tradeSize)) emitted = this.emit(ctx.now, ev.localTs);
        break;
      }
      case 'funding': {
        ctx.funding = ev;
        const ops = this.fundingOps;
        for (let i = 0; i < ops.length; i++) ops[i].update(ctx);
        break;
      }
      case 'gap':
      case 'disconnect': {
        ctx.invalidate();
        const ops = this.statusOps;
        for (let i = 0; i < ops.length; i++) ops[i].update(ctx);
        break;
      }
      default:
        if (!valid && ctx.valid) ctx.invalidate();
    }
    return emitted;
  }

  /**
   * Live timers: emits the time-grid rows at or before `ts` now, without waiting for the next
   * event (a quiet market). Events that arrive later with an earlier exchange time then miss rows
   * the offline path would have given them, so use a lag of at least the feed's reordering window.
   */
  flush(ts: number, localTs: number): number {
    const g = this.grid;
    if (g === undefined || g.next !== g.next) return 0;
    let n = 0;
    g.skipSilence(ts + 1);
    while (g.next <= ts) {
      this.emit(g.next, localTs);
      g.step();
      n++;
    }
    return n;
  }

  /** End of stream: emits the grid rows at or before the last event's time. */
  finish(): number {
    const now = this.ctx.now;
    return now === now ? this.flush(now, this.lastLocal) : 0;
  }

  private emit(ts: number, localTs: number): number {
    const row = this.work;
    const ctx = this.ctx;
    const n = row.length;
    for (let j = this.featureStart; j < n; j++) {
      if (row[j] !== CANARY) {
        throw new LookAheadError(`feature ${this.owners[j]} wrote column "${this.names[j]}" outside its write() call: operators may fill a row only while it is being written, never afterwards from later events`);
      }
    }
    if (ts > ctx.now || ctx.now !== ctx.now) ctx.now = ts;
    row[T_TS] = ts;
    row[T_LOCAL] = localTs;
    row[T_VALID] = ctx.valid ? 1 : 0;
    row[T_BID] = ctx.bid;
    row[T_BID + 1] = ctx.ask;
    row[T_BID + 2] = ctx.bidSize;
    row[T_BID + 3] = ctx.askSize;
    row[T_BID + 4] = ctx.mid;
    const ops = this.ops;
    let warm = true;
    for (let i = 0; i < ops.length; i++) {
      ops[i].write(row, this.offsets[i], ctx);
      if (warm && !ops[i].warm(ctx)) warm = false;
    }
    const norms = this.norms;
    for (let k = 0; k < norms.length; k++) {
      row[this.normDst[k]] = norms[k].update(row[this.normSrc[k]]);
      if (warm && !norms[k].warm) warm = false;
    }
    row[T_WARM] = warm ? 1 : 0;
    this.rows++;
    if (warm) this.warmRows++;
    if (ctx.valid) this.validRows++;
    const out = this.row;
    out.set(row);
    row.fill(CANARY, this.featureStart);
    this.sink?.push(out);
    this.onRow?.(out);
    return 1;
  }

  /** The normalizers' state (JSON-safe), for model artifacts. */
  normalizationState(): FeatureSetNormalization {
    return {
      spec_hash: this.spec.hash,
      columns: this.norms.map((nz, k) => ({ column: this.names[this.normDst[k]], source: this.names[this.normSrc[k]], state: nz.toJSON() })),
    };
  }

  /** Continues from saved normalizer state (same spec hash and columns, or an error naming the difference). */
  restoreNormalization(s: FeatureSetNormalization): void {
    if (s.spec_hash !== this.spec.hash) throw new Error(`normalization state is for feature spec ${s.spec_hash}, this FeatureSet is ${this.spec.hash}`);
    if (s.columns.length !== this.norms.length) throw new Error(`normalization state has ${s.columns.length} columns, the spec normalizes ${this.norms.length}`);
    s.columns.forEach((c, k) => {
      const want = this.names[this.normDst[k]];
      if (c.column !== want) throw new Error(`normalization state column ${k} is "${c.column}", expected "${want}"`);
      this.norms[k] = normalizerFromJSON(c.state);
    });
  }
}

function checkNames(names: string[]): void {
  const seen = new Set<string>();
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (seen.has(n)) throw new Error(`feature spec produces column "${n}" twice: give one of the operators another name (name: ...)`);
    if (i >= CORE_COLUMNS.length && n.startsWith(RESERVED_PREFIX)) throw new Error(`feature column "${n}": the prefix "${RESERVED_PREFIX}" is reserved for labels`);
    seen.add(n);
  }
}
