import type { BookView } from '../core/book-view.ts';
import type { BookChange, MarketEvent } from '../core/events.ts';
import type { InstrumentTable } from '../core/instrument.ts';

/**
 * The contract every venue folder implements (`venues/<venue>/index.ts` exports a `VenueDef`,
 * listed in `venues/registry.ts`). Parsers are pure functions of (frame, localTs) plus a small
 * per-connection context (channel ids, the symbol a REST snapshot belongs to, ...).
 */

/** Extra facts about a frame that are not inside it. */
export interface FrameMeta {
  /** For REST responses: the request URL (cryptofeed `http` records). */
  url?: string;
  /** Connection id, for venues whose sequence numbers are per connection (Coinbase). */
  conn?: string;
  /** For WebSocket frames: the address the connection was opened to (cryptofeed `connect` records; Bybit tells spot from linear by it). */
  addr?: string;
  /** Symbol hint from the file name (raw files hold one instrument each). */
  symbolHint?: string;
}

export interface FrameParser {
  /**
   * Parses one raw frame received at `localTs` (ns) and pushes the normalized events onto `out`.
   * Frames that carry no market data (subscription acks, heartbeats, pongs) push nothing.
   * Throws (any Error) on a malformed or unknown frame; the reader turns that into a counted,
   * located bad line.
   */
  parse(frame: string, localTs: number, out: MarketEvent[], meta?: FrameMeta): void;
}

export const APPLY = 0;
export const STALE = 1;
export const GAP = 2;
export type Verdict = typeof APPLY | typeof STALE | typeof GAP;

/** A venue's book synchronization rules, used by `book/BookEngine`. */
export interface SyncRules {
  /**
   * Deltas that arrive before the first snapshot are buffered and replayed through `first` once
   * it arrives (Binance's documented procedure). Otherwise they are counted as skipped.
   */
  bufferUntilSnapshot: boolean;
  /** Verdict on the first delta after a snapshot whose sequence is `snapshotSeq`. */
  first(snapshotSeq: number, ev: BookChange): Verdict;
  /** Verdict on a delta following the last applied message, whose sequence is `lastSeq`. */
  next(lastSeq: number, ev: BookChange): Verdict;
  /** The venue's checksum of `book` (uint32), compared with `BookChange.checksum` when that is not NaN. */
  checksum?(book: BookView, ev: BookChange): number;
  /** Snapshots list bids best-first (descending) and asks best-first (ascending): checked. */
  sortedSnapshots: boolean;
}

export interface VenueDef {
  /** Stable id used on the command line and in events: 'binance-spot', 'kraken', ... */
  id: string;
  /** Other names accepted on the command line, in paths and in cryptofeed headers. */
  aliases: string[];
  createParser(instruments: InstrumentTable): FrameParser;
  sync: SyncRules;
  /**
   * True if these first lines of a raw capture file (frames only, timestamps stripped) are this
   * venue's traffic. Raw files do not name their venue; the registry asks venues in order.
   */
  claimsRaw?(frames: string[]): boolean;
}

/** Sequence rule for venues without sequence numbers: apply everything in arrival order. */
export const applyAll = (): Verdict => APPLY;

/** Contiguous integer sequence: next must be last + 1; older or equal is a duplicate. */
export function contiguous(lastSeq: number, seq: number): Verdict {
  if (seq !== seq || lastSeq !== lastSeq) return APPLY; // NaN: venue sent no sequence
  if (seq === lastSeq + 1) return APPLY;
  return seq <= lastSeq ? STALE : GAP;
}
