import { POW10 } from '../core/decimal.ts';
import type { Bbo, BookChange, MarketEvent } from '../core/events.ts';
import { APPLY, GAP, STALE, applyAll, type SyncRules } from '../venues/venue.ts';
import { MAX_EXAMPLES, auditBook, newCounts, type IntegrityCounts, type Issue, type IssueKind } from './integrity.ts';
import { L2Book } from './l2book.ts';
import { LogHistogram, RollingMedian } from './stats.ts';

/** Sync rules for venues not in the registry (tardis CSV, LOBSTER): arrival order, snapshots reset. */
export const GENERIC_SYNC: SyncRules = { bufferUntilSnapshot: false, first: applyAll, next: applyAll, sortedSnapshots: false };

export interface EngineOptions {
  /** Sync rules of a venue id. */
  rulesFor(venue: string): SyncRules;
  /** A spread above this many times its rolling median is flagged (default 25). */
  spreadFactor?: number;
  /** Most deltas buffered per instrument while waiting for a snapshot (default 100 000). */
  maxBuffer?: number;
  /** Called after every applied book message while the book is valid. */
  onBook?(st: InstrumentState, ev: BookChange): void;
}

const HISTORY = 256;
/** Most venue BBOs kept waiting for the book update they refer to (older ones are dropped as uncomparable). */
const PENDING_BBO = 1024;
/** Levels per side re-verified after every update (cheap defence in depth for the book structure). */
const AUDIT_DEPTH = 10;

/** Everything the engine tracks for one instrument. */
export class InstrumentState {
  readonly book = new L2Book();
  readonly counts: IntegrityCounts = newCounts();
  readonly examples: Issue[] = [];
  readonly spreadBps = new LogHistogram();
  readonly spreadMedian = new RollingMedian(512);
  valid = false;
  everSnapshot = false;
  hadGap = false;
  afterSnapshot = false;
  lastSeq = NaN;
  snapSeq = NaN;
  buffer: BookChange[] = [];
  messages = 0;
  bookUpdates = 0;
  snapshots = 0;
  trades = 0;
  bbos = 0;
  fundings = 0;
  firstTs = NaN;
  lastTs = NaN;
  firstLocalTs = NaN;
  lastLocalTs = NaN;
  /** Applied sequence → best levels, for matching Bbo events that refer to a past update. */
  readonly hSeq = new Float64Array(HISTORY).fill(NaN);
  readonly hTop = new Float64Array(HISTORY * 4);
  readonly hDec = new Int8Array(HISTORY * 2);
  hPos = 0;
  /** Venue BBOs ahead of the applied book (their update id not applied yet): a ring of PENDING_BBO. */
  readonly pendingBbo: (Bbo | undefined)[] = new Array(PENDING_BBO);
  pendingHead = 0;
  pendingLen = 0;

  constructor(
    readonly venue: string,
    readonly symbol: string,
    readonly rules: SyncRules,
  ) {}

  issue(kind: IssueKind, ts: number, detail: string, ev?: { where?: { file: string; line: number }; localTs: number }): void {
    if (this.examples.length < MAX_EXAMPLES) {
      if (ts !== ts && ev !== undefined) ts = ev.localTs;
      this.examples.push({ kind, ts, detail, file: ev?.where?.file, line: ev?.where?.line });
    }
  }
}

/**
 * Drives normalized events through per-instrument books, applying each venue's sync rules
 * (snapshot/delta, sequence continuity, buffering before the snapshot) and the always-on integrity
 * checks: gaps, crossed/locked books, checksums, spread sanity, snapshot ordering, and the venue's
 * own best bid/offer compared with the reconstructed book.
 */
export class BookEngine {
  readonly states = new Map<string, InstrumentState>();
  private readonly spreadFactor: number;
  private readonly maxBuffer: number;

  constructor(private readonly opts: EngineOptions) {
    this.spreadFactor = opts.spreadFactor ?? 25;
    this.maxBuffer = opts.maxBuffer ?? 100_000;
  }

  private last: InstrumentState | undefined;
  private readonly byVenue = new Map<string, Map<string, InstrumentState>>();

  state(venue: string, symbol: string): InstrumentState {
    const last = this.last;
    if (last !== undefined && last.symbol === symbol && last.venue === venue) return last;
    let m = this.byVenue.get(venue);
    if (m === undefined) this.byVenue.set(venue, (m = new Map()));
    let st = m.get(symbol);
    if (st === undefined) {
      st = new InstrumentState(venue, symbol, this.opts.rulesFor(venue));
      m.set(symbol, st);
      this.states.set(venue + ':' + symbol, st);
    }
    return (this.last = st);
  }

  onEvent(ev: MarketEvent): void {
    const st = this.state(ev.venue, ev.symbol);
    st.messages++;
    const ts = ev.exchTs === ev.exchTs ? ev.exchTs : ev.localTs;
    if (!(st.firstTs <= ts)) st.firstTs = ts;
    if (!(st.lastTs >= ts)) st.lastTs = ts;
    if (!(st.firstLocalTs <= ev.localTs)) st.firstLocalTs = ev.localTs;
    if (!(st.lastLocalTs >= ev.localTs)) st.lastLocalTs = ev.localTs;
    switch (ev.type) {
      case 'book_change':
        if (ev.isSnapshot) this.snapshot(st, ev);
        else this.delta(st, ev);
        break;
      case 'bbo':
        st.bbos++;
        this.bbo(st, ev);
        break;
      case 'trade':
        st.trades++;
        break;
      case 'funding':
        st.fundings++;
        break;
      case 'gap':
        this.invalidate(st, ts, `gap reported by source: ${ev.reason}`, 'gap');
        break;
      case 'disconnect':
        st.counts.disconnects++;
        st.issue('disconnect', ts, ev.reason);
        st.valid = false;
        st.hadGap = true;
        break;
    }
  }

  private snapshot(st: InstrumentState, ev: BookChange): void {
    if (st.rules.sortedSnapshots && !snapshotOrdered(ev)) {
      st.counts.unorderedSnapshots++;
      st.issue('unordered_snapshot', ev.exchTs, 'snapshot levels not in best-first order', ev);
    }
    st.book.apply(ev);
    st.snapshots++;
    st.valid = true;
    st.everSnapshot = true;
    if (st.hadGap) {
      st.counts.resyncs++;
      st.hadGap = false;
    }
    st.lastSeq = ev.seq;
    st.snapSeq = ev.seq;
    st.afterSnapshot = true;
    this.afterApply(st, ev);
    if (st.buffer.length > 0) {
      const buffered = st.buffer;
      st.buffer = [];
      for (let i = 0; i < buffered.length; i++) this.delta(st, buffered[i]);
    }
  }

  private delta(st: InstrumentState, ev: BookChange): void {
    if (!st.valid) {
      if (st.rules.bufferUntilSnapshot) {
        if (st.buffer.length >= this.maxBuffer) {
          st.buffer.shift();
          st.counts.bufferOverflow++;
          if (st.counts.bufferOverflow === 1) st.issue('buffer_overflow', ev.exchTs, `more than ${this.maxBuffer} deltas waiting for a snapshot`, ev);
        }
        st.buffer.push(ev);
      } else {
        st.counts.skippedWhileInvalid++;
      }
      return;
    }
    const verdict = st.afterSnapshot ? st.rules.first(st.snapSeq, ev) : st.rules.next(st.lastSeq, ev);
    if (verdict === STALE) {
      if (st.afterSnapshot) {
        // Diffs the snapshot already covers: dropping them is the documented procedure.
        st.counts.stale++;
      } else {
        st.counts.outOfOrder++;
        st.issue('out_of_order', ev.exchTs, `sequence went back: seq ${ev.seq} after ${st.lastSeq} (duplicate or reordered message, dropped)`, ev);
      }
      return;
    }
    if (verdict === GAP) {
      const expected = st.afterSnapshot ? st.snapSeq : st.lastSeq;
      this.invalidate(st, ev.exchTs, `sequence break after ${expected}: got first=${ev.firstSeq} prev=${ev.prevSeq} seq=${ev.seq}`, 'gap', ev);
      if (st.rules.bufferUntilSnapshot) st.buffer.push(ev);
      return;
    }
    st.book.apply(ev);
    if (ev.seq === ev.seq) st.lastSeq = ev.seq;
    st.afterSnapshot = false;
    this.afterApply(st, ev);
  }

  private invalidate(st: InstrumentState, ts: number, detail: string, kind: IssueKind, ev?: BookChange): void {
    st.counts.gaps++;
    st.issue(kind, ts, detail, ev);
    st.valid = false;
    st.hadGap = true;
  }

  private afterApply(st: InstrumentState, ev: BookChange): void {
    st.bookUpdates++;
    const book = st.book;
    if (ev.depth > 0) book.truncate(ev.depth);
    if (ev.checksum === ev.checksum && st.rules.checksum !== undefined) {
      st.counts.checksum.checked++;
      const got = st.rules.checksum(book, ev);
      if (got !== ev.checksum) {
        st.counts.checksum.failed++;
        this.invalidate(st, ev.exchTs, `checksum mismatch: venue ${ev.checksum}, book ${got}`, 'checksum', ev);
        st.counts.gaps--; // a checksum failure is counted as such, not also as a gap
        return;
      }
    }
    const bad = auditBook(book, AUDIT_DEPTH);
    if (bad !== null) {
      st.counts.disordered++;
      st.issue('disordered', ev.exchTs, bad, ev);
    }
    const nb = book.bids.n;
    const na = book.asks.n;
    if (nb === 0 || na === 0) {
      if (nb + na > 0 && !ev.isSnapshot) {
        st.counts.emptySide++;
        if (st.counts.emptySide <= 3) st.issue('empty_side', ev.exchTs, `${nb === 0 ? 'bid' : 'ask'} side empty`, ev);
      }
    } else {
      const bb = book.bids.price(0);
      const ba = book.asks.price(0);
      if (bb >= ba) {
        if (bb === ba) st.counts.locked++;
        else st.counts.crossed++;
        const pd = POW10[book.priceDecimals];
        st.issue(bb === ba ? 'locked' : 'crossed', ev.exchTs, `best bid ${bb / pd} >= best ask ${ba / pd}`, ev);
      } else {
        const spreadBps = ((ba - bb) / (ba + bb)) * 2e4;
        st.spreadBps.add(spreadBps);
        const med = st.spreadMedian;
        if (med.count >= 32 && spreadBps > this.spreadFactor * med.value) {
          st.counts.spreadOutliers++;
          st.issue('spread_outlier', ev.exchTs, `spread ${spreadBps.toFixed(3)} bps is ${(spreadBps / med.value).toFixed(1)}x its rolling median ${med.value.toFixed(3)} bps`, ev);
        }
        med.add(spreadBps);
      }
      if (ev.seq === ev.seq) this.remember(st, ev.seq);
    }
    if (st.pendingLen > 0) this.matchPending(st);
    this.opts.onBook?.(st, ev);
  }

  private remember(st: InstrumentState, seq: number): void {
    const b = st.book;
    const i = st.hPos;
    st.hSeq[i] = seq;
    st.hTop[4 * i] = b.bids.price(0);
    st.hTop[4 * i + 1] = b.bids.size(0);
    st.hTop[4 * i + 2] = b.asks.price(0);
    st.hTop[4 * i + 3] = b.asks.size(0);
    st.hDec[2 * i] = b.priceDecimals;
    st.hDec[2 * i + 1] = b.sizeDecimals;
    st.hPos = (i + 1) % HISTORY;
  }

  private bbo(st: InstrumentState, ev: Bbo): void {
    if (ev.seq !== ev.seq) return; // venue BBO without an update id: no exact correspondence
    if (!st.valid || ev.seq > st.lastSeq) {
      if (st.pendingLen === PENDING_BBO) {
        st.pendingBbo[st.pendingHead] = undefined;
        st.pendingHead = (st.pendingHead + 1) % PENDING_BBO;
        st.pendingLen--;
        st.counts.bbo.uncomparable++;
      }
      st.pendingBbo[(st.pendingHead + st.pendingLen) % PENDING_BBO] = ev;
      st.pendingLen++;
      return;
    }
    this.compareFromHistory(st, ev);
  }

  private matchPending(st: InstrumentState): void {
    const last = st.lastSeq;
    const p = st.pendingBbo;
    while (st.pendingLen > 0) {
      const h = st.pendingHead;
      const ev = p[h]!;
      if (!(ev.seq <= last)) break;
      this.compareFromHistory(st, ev);
      p[h] = undefined;
      st.pendingHead = (h + 1) % PENDING_BBO;
      st.pendingLen--;
    }
  }

  private compareFromHistory(st: InstrumentState, ev: Bbo): void {
    for (let j = 0; j < HISTORY; j++) {
      const i = (st.hPos - 1 - j + HISTORY) % HISTORY;
      const seq = st.hSeq[i];
      if (seq === ev.seq) {
        st.counts.bbo.compared++;
        const pd = st.hDec[2 * i];
        const sd = st.hDec[2 * i + 1];
        const ok =
          sameScaled(st.hTop[4 * i], pd, ev.bidPrice, ev.priceDecimals) &&
          sameScaled(st.hTop[4 * i + 1], sd, ev.bidSize, ev.sizeDecimals) &&
          sameScaled(st.hTop[4 * i + 2], pd, ev.askPrice, ev.priceDecimals) &&
          sameScaled(st.hTop[4 * i + 3], sd, ev.askSize, ev.sizeDecimals);
        if (!ok) {
          st.counts.bbo.mismatched++;
          if (st.examples.length >= MAX_EXAMPLES) return;
          const P = POW10[pd];
          const S = POW10[sd];
          st.issue(
            'bbo_mismatch',
            ev.exchTs,
            `venue BBO at seq ${ev.seq}: ${ev.bidSize / POW10[ev.sizeDecimals]}@${ev.bidPrice / POW10[ev.priceDecimals]} / ${ev.askSize / POW10[ev.sizeDecimals]}@${ev.askPrice / POW10[ev.priceDecimals]}; book: ${st.hTop[4 * i + 1] / S}@${st.hTop[4 * i] / P} / ${st.hTop[4 * i + 3] / S}@${st.hTop[4 * i + 2] / P}`,
          );
        }
        return;
      }
      if (seq < ev.seq) break; // history is increasing backwards-decreasing; no exact match
    }
    // The BBO's update id is not the final id of any applied message (ids inside an aggregated
    // diff, or before the first snapshot): not comparable, by construction.
    st.counts.bbo.uncomparable++;
  }
}

function sameScaled(a: number, da: number, b: number, db: number): boolean {
  return da === db ? a === b : da > db ? a === b * POW10[da - db] : a * POW10[db - da] === b;
}

/** Bids strictly descending and asks strictly ascending, as venues send snapshots. */
export function snapshotOrdered(ev: BookChange): boolean {
  const lv = ev.levels;
  for (let i = 1; i < ev.nBids; i++) if (lv[2 * i] >= lv[2 * (i - 1)]) return false;
  const n = ev.nBids + ev.nAsks;
  for (let i = ev.nBids + 1; i < n; i++) if (lv[2 * i] <= lv[2 * (i - 1)]) return false;
  return true;
}
