/** Raw OKX v5 public WebSocket payloads, as documented and as seen in real captures. */

/** [price, size, deprecated (liquidated orders, always "0"), number of orders]. */
export type OkxLevel = [price: string, size: string, deprecated: string, numOrders: string];

export interface OkxArg {
  channel: string;
  instId?: string;
  instType?: string;
  instFamily?: string;
}

/** One element of `data` on the order book channels. */
export interface OkxBook {
  asks: OkxLevel[];
  bids: OkxLevel[];
  /** Order book time, ms (string). */
  ts: string;
  /** CRC32 of the top 25 levels as a signed 32-bit integer; 0 or absent when not computed. */
  checksum?: number;
  seqId?: number;
  /** -1 on snapshots. */
  prevSeqId?: number;
  instId?: string;
}

export interface OkxTrade {
  instId: string;
  tradeId: string;
  px: string;
  sz: string;
  /** Taker side. */
  side: 'buy' | 'sell';
  ts: string;
  count?: string;
}

export interface OkxTicker {
  instId: string;
  /** Empty strings when a side of the book is empty. */
  bidPx: string;
  bidSz: string;
  askPx: string;
  askSz: string;
  last?: string;
  ts: string;
}

export interface OkxFundingRate {
  instId: string;
  fundingRate: string;
  /** Upcoming settlement time, ms. */
  fundingTime: string;
  nextFundingRate?: string;
  nextFundingTime?: string;
  ts?: string;
}

export interface OkxMarkPrice {
  instId: string;
  markPx: string;
  ts: string;
}

/** Channel push: `{"arg":{...},"action"?:"snapshot"|"update","data":[...]}`. */
export interface OkxPush {
  arg: OkxArg;
  action?: 'snapshot' | 'update';
  data: unknown[];
}

/** Operation responses and notices: subscribe, unsubscribe, error, notice, channel-conn-count, login. */
export interface OkxEventMsg {
  event: string;
  arg?: OkxArg;
  code?: string;
  msg?: string;
  connId?: string;
}

/** REST response envelope (cryptofeed `http` records: instrument lists). */
export interface OkxRest {
  code: string;
  msg?: string;
  data: unknown[];
}
