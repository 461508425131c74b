import { BookEngine, type InstrumentState } from '../book/engine.ts';
import { syncRulesFor } from '../book/rules.ts';
import { InputError, UsageError } from '../core/errors.ts';
import type { BookChange, MarketEvent } from '../core/events.ts';
import { Frame } from '../core/frame.ts';
import { excursions, tripleBarrier } from './barrier.ts';
import { MakerLabeler } from './maker.ts';
import { backwardEventReturns, backwardTimeReturns, directionClasses, eventReturns, smoothedReturns, thresholdBps, timeReturns, type Windowed } from './returns.ts';
import { evName, hName, labelSpecHash, labelSpecJson, needsEvents, type LabelSpec } from './spec.ts';
import { badPrefix, checkTimes, RangeTree } from './time-index.ts';
import { TradeTape, vwapMidReturns } from './trades.ts';

/** Columns every frame to be labelled needs (feature frames start with them). */
export const REQUIRED_COLUMNS = ['ts', 'mid'] as const;

/** The per-row label end time over every label (the max): what purging uses by default. */
export const LABEL_END = 'fwd_end_ts';

export interface MakerReport {
  orders: number;
  filled: number;
  unfilled: number;
  unknown: number;
  /** Rows whose touch matched the replayed book when their orders went live (a check that frame and events are the same market). */
  aligned: number;
  misaligned: number;
  trades: number;
  /** With latency: orders that would have crossed the book on arrival (left unknown). */
  crossedOnArrival: number;
}

export interface LabeledFrame {
  /** The input frame with label columns, their end-time columns and `fwd_end_ts` added. */
  frame: Frame;
  /** Label value columns (every one named fwd_*, end-time columns excluded). */
  labels: string[];
  /** Each label's end-time column (fwd_end_ts_<suffix>). */
  endOf: Record<string, string>;
  /** All end-time columns, `fwd_end_ts` last. */
  endColumns: string[];
  spec: LabelSpec;
  specHash: string;
  maker?: MakerReport;
  /** Trades seen for the instrument (when events were given). */
  trades?: number;
}

export interface LabelOptions {
  /**
   * The instrument's market events after (and including) the frame's span, in stream order:
   * needed by maker-outcome and VWAP-mid labels. Events of other instruments are ignored.
   */
  events?: AsyncIterable<MarketEvent[]>;
  /** Which instrument of the events (defaults: frame.meta.venue / frame.meta.symbol). */
  venue?: string;
  symbol?: string;
  /** Share of rows whose touch may differ from the replayed book before frame/events count as mismatched (default 0.2). */
  maxMisaligned?: number;
}

class Out {
  names: string[] = [];
  cols: Float64Array[] = [];
  labels: string[] = [];
  endOf: Record<string, string> = {};
  ends = new Map<string, Float64Array>();

  label(name: string, col: Float64Array, endName: string, end: Float64Array): void {
    if (this.names.includes(name)) return;
    this.names.push(name);
    this.cols.push(col);
    this.labels.push(name);
    this.endOf[name] = endName;
    if (!this.ends.has(endName)) this.ends.set(endName, end);
  }
}

function mustHave(frame: Frame, cols: readonly string[], why: string): void {
  const missing = cols.filter((c) => !frame.has(c));
  if (missing.length) throw new UsageError(`${why} needs frame column(s) ${missing.join(', ')} (frame has ${frame.names.slice(0, 12).join(', ')}${frame.names.length > 12 ? ', ...' : ''})`);
}

function checkFrame(frame: Frame, spec: LabelSpec): void {
  mustHave(frame, REQUIRED_COLUMNS, 'labelling');
  const usesSpread = [spec.direction?.threshold, spec.smoothed?.threshold, spec.tripleBarrier?.barrier].some((t) => t?.type === 'spread');
  if (usesSpread) mustHave(frame, ['bid', 'ask'], 'a spread-scaled threshold');
  if (spec.maker) mustHave(frame, ['bid', 'ask', 'bid_size', 'ask_size'], 'maker-outcome labels');
  const existing = frame.names.filter((n) => n.startsWith('fwd_'));
  if (existing.length) throw new UsageError(`frame already holds label columns (${existing.slice(0, 5).join(', ')}); label a frame of features only`);
  checkTimes(frame.col('ts'), `frame ${frame.meta.venue ?? ''}:${frame.meta.symbol ?? ''}`);
}

/** Labels that need only the frame's own rows (mid, bid/ask). */
function midLabels(frame: Frame, spec: LabelSpec, out: Out): void {
  const ts = frame.col('ts');
  const mid = frame.col('mid');
  const bad = badPrefix(frame);
  const timeCache = new Map<number, Windowed>();
  const time = (h: number) => {
    let w = timeCache.get(h);
    if (!w) timeCache.set(h, (w = timeReturns(ts, mid, bad, h)));
    return w;
  };
  for (const h of spec.horizons) {
    const w = time(h);
    out.label(`fwd_ret_${hName(h)}`, w.value, `fwd_end_ts_${hName(h)}`, w.end);
  }
  const evCache = new Map<number, Windowed>();
  const events = (k: number) => {
    let w = evCache.get(k);
    if (!w) evCache.set(k, (w = eventReturns(ts, mid, bad, k)));
    return w;
  };
  for (const k of spec.eventHorizons) {
    const w = events(k);
    out.label(`fwd_ret_${evName(k)}`, w.value, `fwd_end_ts_${evName(k)}`, w.end);
  }
  if (spec.direction) {
    const d = spec.direction;
    for (const h of d.horizons) {
      const w = time(h);
      const thr = thresholdBps(frame, d.threshold, () => backwardTimeReturns(ts, mid, bad, h));
      out.label(`fwd_dir_${hName(h)}`, directionClasses(w.value, thr), `fwd_end_ts_${hName(h)}`, w.end);
    }
    for (const k of d.eventHorizons) {
      const w = events(k);
      const thr = thresholdBps(frame, d.threshold, () => backwardEventReturns(mid, bad, k));
      out.label(`fwd_dir_${evName(k)}`, directionClasses(w.value, thr), `fwd_end_ts_${evName(k)}`, w.end);
    }
  }
  if (spec.smoothed) {
    for (const k of spec.smoothed.k) {
      const w = smoothedReturns(ts, mid, bad, k);
      const thr = thresholdBps(frame, spec.smoothed.threshold, () => backwardEventReturns(mid, bad, k));
      const endName = `fwd_end_ts_s${evName(k)}`;
      out.label(`fwd_sret_${evName(k)}`, w.value, endName, w.end);
      out.label(`fwd_sdir_${evName(k)}`, directionClasses(w.value, thr), endName, w.end);
    }
  }
  let tree: RangeTree | undefined;
  if (spec.tripleBarrier) {
    const tb = spec.tripleBarrier;
    tree ??= new RangeTree(mid);
    const unit = thresholdBps(frame, tb.barrier, () => backwardTimeReturns(ts, mid, bad, tb.horizon));
    const r = tripleBarrier(ts, mid, bad, tree, tb.horizon, tb.tp, tb.sl, unit);
    const endName = `fwd_end_ts_tb_${hName(tb.horizon)}`;
    out.label(`fwd_tb_${hName(tb.horizon)}`, r.hit, endName, r.end);
    out.label(`fwd_tb_ret_${hName(tb.horizon)}`, r.ret, endName, r.end);
  }
  if (spec.excursion) {
    tree ??= new RangeTree(mid);
    for (const h of spec.excursion.horizons) {
      const r = excursions(ts, mid, bad, tree, h);
      out.label(`fwd_mfe_${hName(h)}`, r.mfe, `fwd_end_ts_${hName(h)}`, r.end);
      out.label(`fwd_mae_${hName(h)}`, r.mae, `fwd_end_ts_${hName(h)}`, r.end);
    }
  }
}

function finish(frame: Frame, spec: LabelSpec, out: Out, extra: Partial<LabeledFrame>): LabeledFrame {
  const n = frame.n;
  const endNames = [...out.ends.keys()];
  const all = new Float64Array(n).fill(NaN);
  for (const e of out.ends.values()) {
    for (let i = 0; i < n; i++) {
      const v = e[i];
      if (v === v && !(all[i] >= v)) all[i] = v;
    }
  }
  const names = [...out.names, ...endNames, LABEL_END];
  const cols = [...out.cols, ...out.ends.values(), all];
  const labeled = frame.with(names, cols);
  labeled.meta.label_spec = labelSpecJson(spec);
  labeled.meta.label_spec_hash = labelSpecHash(spec);
  return { frame: labeled, labels: out.labels, endOf: out.endOf, endColumns: [...endNames, LABEL_END], spec, specHash: labelSpecHash(spec), ...extra };
}

/** Labels from the frame alone (throws when the spec needs events: use labelFrame). */
export function labelFrameSync(frame: Frame, spec: LabelSpec): LabeledFrame {
  if (needsEvents(spec)) throw new UsageError('maker-outcome and VWAP-mid labels need the market events (trades, book updates): use labelFrame with events');
  checkFrame(frame, spec);
  const out = new Out();
  midLabels(frame, spec, out);
  return finish(frame, spec, out, {});
}

/**
 * Adds forward labels (every column `fwd_*`) to a frame of one instrument, sorted by `ts`
 * (exchange ns), with at least `ts` and `mid` (and `bid`, `ask`, `bid_size`, `ask_size`, `valid`
 * where labels need them). Each label gets its end-time column and `fwd_end_ts` is the max over
 * all of them. A label is NaN when its window runs past the data or crosses an unusable row
 * (valid != 1 or no mid). Maker-outcome and VWAP-mid labels replay `opts.events`.
 */
export async function labelFrame(frame: Frame, spec: LabelSpec, opts: LabelOptions = {}): Promise<LabeledFrame> {
  checkFrame(frame, spec);
  const out = new Out();
  midLabels(frame, spec, out);
  if (!needsEvents(spec)) return finish(frame, spec, out, {});
  if (!opts.events) throw new UsageError('maker-outcome and VWAP-mid labels need the market events (trades, book updates): pass the raw files the frame was built from');
  const ts = frame.col('ts');
  const mid = frame.col('mid');
  const bad = badPrefix(frame);
  const ok = new Uint8Array(frame.n);
  for (let i = 0; i < frame.n; i++) ok[i] = bad[i + 1] === bad[i] ? 1 : 0;
  const venue = opts.venue ?? frame.meta.venue;
  const symbol = opts.symbol ?? frame.meta.symbol;
  const maker = spec.maker ? new MakerLabeler(ts, frame.col('bid'), frame.col('ask'), frame.col('bid_size'), frame.col('ask_size'), ok, spec.maker) : undefined;
  const tape = new TradeTape();
  let st: InstrumentState | undefined;
  let wasValid = false;
  let tNow = 0;
  const engine = new BookEngine({
    rulesFor: syncRulesFor,
    onBook: maker ? (s: InstrumentState, ev: BookChange) => maker.onBook(tNow, ev, s.book) : undefined,
  });
  // The instrument: as given, else the first one the events show (others are then an error).
  let cv = venue;
  let cs = symbol;
  const others = new Set<string>();
  let matched = 0;
  for await (const batch of opts.events) {
    for (let k = 0; k < batch.length; k++) {
      const ev = batch[k];
      if ((symbol !== undefined && ev.symbol !== symbol) || (venue !== undefined && ev.venue !== venue)) continue;
      if (cv === undefined || cs === undefined) {
        cv = ev.venue;
        cs = ev.symbol;
      } else if (ev.venue !== cv || ev.symbol !== cs) {
        others.add(ev.venue + ':' + ev.symbol);
        continue;
      }
      matched++;
      const t = ev.exchTs === ev.exchTs ? ev.exchTs : ev.localTs;
      tNow = t;
      maker?.advance(t, st?.book, st?.valid === true);
      if (ev.type === 'trade') {
        tape.pushTrade(ev, t);
        maker?.onTrade(t, ev.price / 10 ** ev.priceDecimals, ev.size / 10 ** ev.sizeDecimals, ev.aggressor);
      }
      engine.onEvent(ev);
      st ??= engine.states.get(cv + ':' + cs);
      if (st !== undefined) {
        if (wasValid && !st.valid) maker?.onInvalid(t);
        wasValid = st.valid;
      }
    }
  }
  const chosen = `${cv}:${cs}`;
  if (matched === 0) throw new InputError(`no market events${venue || symbol ? ` for ${venue ?? '*'}:${symbol ?? '*'}` : ''} in the given events (raw files of another instrument?)`);
  if (venue === undefined || symbol === undefined) {
    if (others.size) throw new UsageError(`the events hold several instruments (${[chosen, ...others].slice(0, 6).join(', ')}); say which one the frame is (venue and symbol)`);
  }
  const extra: Partial<LabeledFrame> = { trades: tape.n };
  if (spec.vwap) {
    if (tape.n === 0) throw new InputError(`VWAP-mid labels need trades, and the events of ${chosen} hold none`);
    const sorted = tape.sorted();
    for (const N of spec.vwap.trades) {
      const r = vwapMidReturns(ts, mid, bad, sorted, N);
      out.label(`fwd_vwret_${N}t`, r.value, `fwd_end_ts_vw${N}t`, r.end);
    }
  }
  if (maker) {
    maker.finish();
    if (maker.trades === 0) throw new InputError(`maker-outcome labels need trades, and the events of ${chosen} hold none`);
    const lastRow = frame.n > 0 ? ts[frame.n - 1] : 0;
    if (frame.n > 0 && (maker.firstTs > ts[0] || maker.lastTs < lastRow)) {
      throw new InputError(
        `the events of ${chosen} span ${new Date(maker.firstTs / 1e6).toISOString()} .. ${new Date(maker.lastTs / 1e6).toISOString()} but the frame's rows span ${new Date(ts[0] / 1e6).toISOString()} .. ${new Date(lastRow / 1e6).toISOString()}: give the raw files the frame was built from`,
      );
    }
    const checked = maker.aligned + maker.misaligned;
    const maxMis = opts.maxMisaligned ?? 0.2;
    if (checked > 0 && maker.misaligned > maxMis * checked) {
      throw new InputError(`frame and events disagree: ${maker.misaligned} of ${checked} rows have a best bid/ask that differs from the replayed book of ${chosen} at the row's time (are these the raw files the features came from?)`);
    }
    const H = hName(maker.spec.horizon);
    for (const side of ['bid', 'ask'] as const) {
      const c = maker.columns(side, mid, bad);
      const p = side === 'bid' ? 'mkb' : 'mka';
      const endName = `fwd_end_ts_${p}_${H}`;
      out.label(`fwd_${p}_fill_${H}`, c.fill, endName, c.end);
      out.label(`fwd_${p}_ttf_${H}`, c.ttf, endName, c.end);
      out.label(`fwd_${p}_markout_${H}`, c.markout, endName, c.end);
      out.label(`fwd_${p}_adv_${H}`, c.adv, endName, c.end);
      out.label(`fwd_${p}_edge_${H}`, c.edge, endName, c.end);
    }
    extra.maker = { ...maker.counts(), aligned: maker.aligned, misaligned: maker.misaligned, trades: maker.trades, crossedOnArrival: maker.crossedOnArrival };
  }
  return finish(frame, spec, out, extra);
}
