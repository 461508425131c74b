/**
 * Normalized market-data events. Every event carries the venue, the symbol and two timestamps in
 * integer nanoseconds held in a float64 (`exchTs`: venue time, `localTs`: arrival time). Epoch
 * nanoseconds around 2024 are ~1.7e18, where a float64 is exact to 256 ns: finer than any venue's
 * clock (ms or µs), so the whole project uses `number` ns consistently and `bigint` never.
 *
 * Prices and sizes inside book events are exact scaled integers: `price = int / 10^priceDecimals`.
 * The decimals travel with each event (see `Instrument`), so no float ever enters the book.
 */

export const BID = 0;
export const ASK = 1;
export type Side = typeof BID | typeof ASK;

export interface EventBase {
  venue: string;
  symbol: string;
  /** Venue timestamp, ns (NaN when the venue sends none). */
  exchTs: number;
  /** Local receive timestamp, ns. */
  localTs: number;
}

/**
 * One venue message's worth of level changes: a batch of (side, price, size) rows. Bids come
 * first (`nBids` rows), then asks. `levels` is flat: [price0, size0, price1, size1, ...] in scaled
 * integers. A size of 0 deletes the level. With `isSnapshot`, the batch replaces the whole book.
 */
export interface BookChange extends EventBase {
  type: 'book_change';
  isSnapshot: boolean;
  nBids: number;
  nAsks: number;
  levels: Float64Array;
  priceDecimals: number;
  sizeDecimals: number;
  /** Venue sequence of this message (Binance `u`, Bybit `u`, OKX `seqId`, Coinbase `sequence_num`); NaN if none. */
  seq: number;
  /** First sequence covered (Binance `U`); NaN if none. */
  firstSeq: number;
  /** Sequence this message follows (Binance futures `pu`, OKX `prevSeqId`); NaN if none. */
  prevSeq: number;
  /** Checksum the venue sent for the book after this message, as uint32; NaN if none (or 0 on OKX). */
  checksum: number;
  /** The venue keeps only this many levels per side (Kraken subscription depth): truncate after applying. 0 = unlimited. */
  depth: number;
  /** Source position, for error messages and reports. */
  where?: SourcePos;
}

export interface Trade extends EventBase {
  type: 'trade';
  price: number;
  size: number;
  priceDecimals: number;
  sizeDecimals: number;
  /** Aggressor side: BID = buyer-initiated, ASK = seller-initiated, -1 unknown. */
  aggressor: Side | -1;
  id: string;
}

/** Best bid/offer as published by the venue (Binance `bookTicker`, Bybit tickers, ...). */
export interface Bbo extends EventBase {
  type: 'bbo';
  bidPrice: number;
  bidSize: number;
  askPrice: number;
  askSize: number;
  priceDecimals: number;
  sizeDecimals: number;
  /** The book update id this BBO corresponds to (Binance `u`); NaN if none. */
  seq: number;
}

/** Derivative ticker: mark/index price and funding. Prices as plain numbers (not book data). */
export interface Funding extends EventBase {
  type: 'funding';
  markPrice: number;
  indexPrice: number;
  fundingRate: number;
  /** Next funding time, ns; NaN if unknown. */
  nextFundingTs: number;
}

/** A detected loss of continuity: the book for (venue, symbol) is invalid until a resync. */
export interface Gap extends EventBase {
  type: 'gap';
  reason: string;
  /** Expected and received sequence numbers, when the gap is a sequence break. */
  expected: number;
  received: number;
}

/** The connection carrying this symbol dropped (written by the recorder). */
export interface Disconnect extends EventBase {
  type: 'disconnect';
  reason: string;
}

export type MarketEvent = BookChange | Trade | Bbo | Funding | Gap | Disconnect;
export type EventType = MarketEvent['type'];

export interface SourcePos {
  file: string;
  line: number;
}

/** Decodes one BookChange row, for callers that want (side, price, size) records. */
export function* levelChanges(ev: BookChange): Generator<{ side: Side; price: number; size: number }> {
  const pd = 10 ** ev.priceDecimals;
  const sd = 10 ** ev.sizeDecimals;
  const n = ev.nBids + ev.nAsks;
  for (let i = 0; i < n; i++) {
    yield { side: i < ev.nBids ? BID : ASK, price: ev.levels[2 * i] / pd, size: ev.levels[2 * i + 1] / sd };
  }
}

/**
 * A BookChange from flat `levels` (bids first, `nBids` of them). The one place the event is built,
 * so every venue's events share one object shape (`where`, when set, is added after).
 */
export function makeBookChange(
  venue: string,
  symbol: string,
  isSnapshot: boolean,
  exchTs: number,
  localTs: number,
  levels: Float64Array,
  nBids: number,
  priceDecimals: number,
  sizeDecimals: number,
  seq: number,
  firstSeq: number,
  prevSeq: number,
  checksum: number,
  depth: number,
): BookChange {
  return {
    type: 'book_change',
    venue,
    symbol,
    exchTs,
    localTs,
    isSnapshot,
    nBids,
    nAsks: (levels.length >> 1) - nBids,
    levels,
    priceDecimals,
    sizeDecimals,
    seq,
    firstSeq,
    prevSeq,
    checksum,
    depth,
  };
}

/** A Trade from an already scaled price and size (parse them first: see the callers). */
export function makeTrade(
  venue: string,
  symbol: string,
  exchTs: number,
  localTs: number,
  price: number,
  size: number,
  priceDecimals: number,
  sizeDecimals: number,
  aggressor: Side | -1,
  id: string,
): Trade {
  return { type: 'trade', venue, symbol, exchTs, localTs, price, size, priceDecimals, sizeDecimals, aggressor, id };
}

/** A Bbo from already scaled values; `bboEvent` (core/bbo.ts) parses them. */
export function makeBbo(
  venue: string,
  symbol: string,
  exchTs: number,
  localTs: number,
  bidPrice: number,
  bidSize: number,
  askPrice: number,
  askSize: number,
  priceDecimals: number,
  sizeDecimals: number,
  seq: number,
): Bbo {
  return { type: 'bbo', venue, symbol, exchTs, localTs, bidPrice, bidSize, askPrice, askSize, priceDecimals, sizeDecimals, seq };
}

/** Field order as in the venue parsers' literals, so decoded events share their shapes. */
export function makeFunding(venue: string, symbol: string, exchTs: number, localTs: number, markPrice: number, indexPrice: number, fundingRate: number, nextFundingTs: number): Funding {
  return { type: 'funding', venue, symbol, exchTs, localTs, markPrice, indexPrice, fundingRate, nextFundingTs };
}

export function makeGap(venue: string, symbol: string, exchTs: number, localTs: number, reason: string, expected: number, received: number): Gap {
  return { type: 'gap', venue, symbol, exchTs, localTs, reason, expected, received };
}

export function makeDisconnect(venue: string, symbol: string, exchTs: number, localTs: number, reason: string): Disconnect {
  return { type: 'disconnect', venue, symbol, exchTs, localTs, reason };
}

export function instrumentKey(venue: string, symbol: string): string {
  return venue + ':' + symbol;
}
