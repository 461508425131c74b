/**
 * Raw Kraken spot WebSocket payloads, v1 (arrays, decimal strings) and v2 (objects, JSON numbers),
 * as documented and as seen in real captures.
 */

// ---- v1 (wss://ws.kraken.com) -------------------------------------------------------------

/** [price, volume, timestamp (epoch s, µs)], plus "r" on updates that republish a level. */
export type V1Level = [price: string, volume: string, timestamp: string, flag?: string];

export interface V1BookSnapshot {
  as: V1Level[];
  bs: V1Level[];
}

/** One side (or both) of an update; `c` (checksum, quoted uint32) is in the last object of the frame. */
export interface V1BookUpdate {
  a?: V1Level[];
  b?: V1Level[];
  c?: string;
}

/** [price, volume, time, side "b"|"s" (taker), orderType "m"|"l", misc, tradeId (newer feeds)]. */
export type V1Trade = [price: string, volume: string, time: string, side: string, orderType: string, misc: string, tradeId?: number | string];

export interface V1Ticker {
  /** [price, whole lot volume, lot volume]. */
  a: [string, number | string, string];
  b: [string, number | string, string];
  c?: [string, string];
}

/** [bid, ask, timestamp, bidVolume, askVolume]. */
export type V1Spread = [bid: string, ask: string, time: string, bidVolume: string, askVolume: string];

/**
 * A channel frame: [channelID, payload, (payload,) channelName, pair]. Book updates carrying both
 * sides come as two payload objects.
 */
export type V1Frame = [number, ...(V1BookSnapshot | V1BookUpdate | V1Trade[] | V1Ticker | V1Spread | unknown[])[], string, string];

/** Event messages: heartbeat, systemStatus, subscriptionStatus, pong, error. */
export interface V1Event {
  event: string;
  status?: string;
  errorMessage?: string;
  channelName?: string;
  pair?: string;
  subscription?: { name: string; depth?: number };
}

// ---- v2 (wss://ws.kraken.com/v2) ----------------------------------------------------------

export interface V2Level {
  price: number;
  qty: number;
}

export interface V2Book {
  symbol: string;
  bids: V2Level[];
  asks: V2Level[];
  /** CRC32 of the top 10 levels after this message, uint32. */
  checksum: number;
  /** RFC 3339; absent on some snapshots. */
  timestamp?: string;
}

export interface V2Trade {
  symbol: string;
  side: 'buy' | 'sell';
  price: number;
  qty: number;
  ord_type?: string;
  trade_id: number;
  timestamp: string;
}

export interface V2Ticker {
  symbol: string;
  bid: number;
  bid_qty: number;
  ask: number;
  ask_qty: number;
  last?: number;
  timestamp?: string;
}

export interface V2Pair {
  symbol: string;
  price_precision: number;
  qty_precision: number;
}

export interface V2InstrumentData {
  pairs?: V2Pair[];
  assets?: unknown[];
}

/** Channel messages: book, trade, ticker, instrument, status, heartbeat. */
export interface V2Message {
  channel: string;
  type?: 'snapshot' | 'update';
  data?: unknown;
}

/** Method responses: subscribe/unsubscribe acks, pong. */
export interface V2Response {
  method: string;
  success?: boolean;
  error?: string;
  result?: { channel?: string; symbol?: string; depth?: number; snapshot?: boolean };
  req_id?: number;
}

// ---- REST (cryptofeed `http` records) ------------------------------------------------------

export interface RestResponse {
  error: string[];
  result: Record<string, unknown>;
}
