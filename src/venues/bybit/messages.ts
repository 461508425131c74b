/**
 * Raw Bybit v5 public WebSocket payloads (spot, linear, inverse), as documented and as seen in
 * real captures. The same JSON is in Bybit's daily order-book history files.
 */

export type Level = [price: string, size: string];

/** `orderbook.{depth}.{symbol}`. */
export interface OrderbookMsg {
  topic: string;
  type: 'snapshot' | 'delta';
  /** Time the market-data service produced the message, ms. */
  ts: number;
  /** Matching-engine time of the book state, ms (pairs with trade `T`). */
  cts?: number;
  data: {
    s: string;
    b: Level[];
    a: Level[];
    /** Update id: contiguous per topic; `u == 1` is a full book after a service restart. */
    u: number;
    /**
     * Cross sequence (matching-engine version), shared with trades and tickers' `cs`. Not
     * contiguous per book and not used for sync; lobkit does not keep it.
     */
    seq?: number;
  };
}

export interface TradeItem {
  /** Trade time, ms. */
  T: number;
  s: string;
  /** Taker side. */
  S: 'Buy' | 'Sell';
  v: string;
  p: string;
  i: string;
  L?: string;
  BT?: boolean;
  seq?: number;
}

/** `publicTrade.{symbol}`: always type snapshot, a batch of trades. */
export interface PublicTradeMsg {
  topic: string;
  type: 'snapshot';
  ts: number;
  data: TradeItem[];
}

/**
 * `tickers.{symbol}` data. Linear/inverse send a snapshot then deltas carrying only the fields
 * that changed; spot sends snapshots only and has no best bid/offer or funding fields.
 */
export interface TickerData {
  symbol: string;
  bid1Price?: string;
  bid1Size?: string;
  ask1Price?: string;
  ask1Size?: string;
  markPrice?: string;
  indexPrice?: string;
  fundingRate?: string;
  /** ms, as a string. */
  nextFundingTime?: string;
  lastPrice?: string;
  usdIndexPrice?: string;
}

export interface TickersMsg {
  topic: string;
  type: 'snapshot' | 'delta';
  ts: number;
  /** Cross sequence. */
  cs?: number;
  data: TickerData;
}

/** Replies to `subscribe`, `ping` and other ops (no `topic`). */
export interface OpReply {
  op: string;
  success?: boolean;
  ret_msg?: string;
  conn_id?: string;
  req_id?: string;
  args?: string[];
}

/** REST responses (instrument lists in cryptofeed recordings): not market data here. */
export interface RestReply {
  retCode: number;
  retMsg?: string;
  result?: unknown;
}

export type TopicMsg = OrderbookMsg | PublicTradeMsg | TickersMsg | { topic: string; type?: string; ts?: number; data?: unknown };

export type BybitMsg = TopicMsg | OpReply | RestReply;
