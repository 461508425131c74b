import type { InstrumentState } from '../book/engine.ts';
import type { Instrument } from '../core/instrument.ts';

/** Where a recorded frame goes: the subscription key it belongs to. */
export interface Route {
  /** Subscription key ('btcusdt@depth@100ms', 'orderbook.200.BTCUSDT', 'books:BTC-USDT', 'book-1000:XBT/USD', 'l2_data:BTC-USD'). */
  key: string;
  /** The symbol as the venue's events name it. */
  symbol: string;
  /** A book frame (the target of book faults: drop, gap, reorder, checksum, ...). */
  book: boolean;
}

/** One client connection as a protocol sees it. */
export interface SimConn {
  readonly id: number;
  /** Keys this client is subscribed to. */
  readonly subs: Set<string>;
  /** Protocol state of this connection (sequence counters, channel ids, ...). */
  readonly state: Record<string, number | string>;
  /** Sends a reply or generated frame (not recorded data): counted as control unless `data`. */
  send(text: string, data?: boolean, symbol?: string): void;
  close(code: number, reason: string): void;
}

/** What a protocol may ask of the simulated market. */
export interface MarketView {
  /** The book of a symbol now (valid or not), or undefined if never seen. */
  book(symbol: string): InstrumentState | undefined;
  instrument(symbol: string): Instrument | undefined;
  /** Has playback passed the first recorded frame of this key? (Later subscribers need a generated snapshot.) */
  started(key: string): boolean;
  /** Is this key in the recording at all? */
  known(key: string): boolean;
  /** Does the recording hold any frame of this symbol? (A channel without frames is accepted: it just stays quiet.) */
  knownSymbol(symbol: string): boolean;
  /** Added to the venue's sequence numbers of this symbol (sequence-gap faults). */
  seqShift(symbol: string): number;
  /** Latest exchange time seen (ms), for generated frames. */
  exchMs(): number;
  /**
   * The recorded REST snapshot of a symbol (Binance) while it is still what the venue would
   * answer: playback has not reached it yet, or has just reached it (no book frame since).
   */
  recordedRest(symbol: string): string | undefined;
  /** Original symbol of a clone (bench: one recorded symbol served under many names). */
  original(symbol: string): string;
}

export interface RestReply {
  status: number;
  body: string;
}

/**
 * A venue's protocol, server side: which recorded frames go to which subscription, how clients
 * subscribe, ping and resubscribe, what a snapshot of a book looks like, and how faults rewrite a
 * frame. One implementation per venue family under protocols/.
 */
export interface SimProtocol {
  venue: string;
  /** WebSocket paths clients connect to. */
  paths: string[];
  /** True if frames recorded on a connection to `addr` are this venue's (Bybit linear vs spot in one recording). */
  acceptsAddr?(addr: string | undefined): boolean;
  /** Route of a recorded WebSocket frame; null for frames the simulator makes itself (acks, heartbeats, pongs). */
  route(frame: string): Route | null;
  /** A client connected (Binance: `?streams=` in the URL). */
  onOpen?(c: SimConn, url: URL, m: MarketView): void;
  /** A client message: subscribe, unsubscribe, ping. */
  onMessage(c: SimConn, text: string, m: MarketView): void;
  /** Rewrites a recorded frame for one connection (Coinbase numbers frames per connection). */
  outgoing?(c: SimConn, frame: string): string;
  /** A frame this connection will not get although the venue numbered it (a dropped message). */
  skipped?(c: SimConn): void;
  /** Generated frame for an idle connection (Kraken heartbeat), or for a heartbeat subscription (Coinbase). */
  heartbeat?: { everyMs: number; idleOnly: boolean; frame(c: SimConn): string | undefined };
  /** WebSocket ping from the server every this many ms (Binance). */
  serverPingMs?: number;
  /** REST endpoints (Binance depth snapshot). */
  rest?(path: string, q: URLSearchParams, m: MarketView): RestReply | undefined;
  /** Sequence-gap fault: the frame with its sequence numbers moved by `by`; undefined when the venue has none on this frame. */
  shiftSeq?(frame: string, by: number): string | undefined;
  /** Wrong-checksum fault: the frame with a wrong checksum; undefined when it carries none. */
  breakChecksum?(frame: string): string | undefined;
  /** Per-connection sequence gap (Coinbase numbers frames per connection). */
  connGap?(c: SimConn, by: number): void;
  /** Clone support (bench): the frame as if it were `to`'s. */
  rename?(frame: string, from: string, to: string): string;
  /** Key of a route for a renamed symbol. */
  renameKey?(key: string, from: string, to: string): string;
}

/** Shortest exact decimal of a scaled integer ("30316", "0.0012029"). */
export function minimalDecimal(v: number, decimals: number): string {
  const neg = v < 0;
  if (neg) v = -v;
  while (decimals > 0 && v % 10 === 0) {
    v /= 10;
    decimals--;
  }
  let digits = String(v);
  if (decimals > 0) {
    if (digits.length <= decimals) digits = '0'.repeat(decimals - digits.length + 1) + digits;
    const cut = digits.length - decimals;
    digits = digits.slice(0, cut) + '.' + digits.slice(cut);
  }
  return neg ? '-' + digits : digits;
}

/**
 * A scaled integer written with exactly `wire` decimals, the way a venue with fixed decimals per
 * instrument writes it ("354.81000000"): padded as text, so no rescaled integer can overflow.
 */
export function wireDecimal(v: number, decimals: number, wire: number): string {
  let s = minimalDecimal(v, decimals);
  const dot = s.indexOf('.');
  const have = dot < 0 ? 0 : s.length - dot - 1;
  if (wire > have) s += (dot < 0 ? '.' : '') + '0'.repeat(wire - have);
  return s;
}

/** Best-first [price, size] levels of one side, at most `n`, formatted by `fmt`. */
export function sideLevels(st: InstrumentState, bid: boolean, n: number, fmtPrice: (v: number) => string, fmtSize: (v: number) => string): [string, string][] {
  const side = bid ? st.book.bids : st.book.asks;
  const count = Math.min(side.n, n);
  const out: [string, string][] = [];
  for (let i = 0; i < count; i++) out.push([fmtPrice(side.price(i)), fmtSize(side.size(i))]);
  return out;
}

export function isoOfMs(ms: number): string {
  return new Date(ms).toISOString();
}
