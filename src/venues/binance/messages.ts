/** Raw Binance payloads (spot, USD-M, COIN-M), as documented and as seen in real captures. */

export type Level = [price: string, qty: string];

export interface DepthUpdate {
  e: 'depthUpdate';
  E: number;
  /** Futures: transaction time. */
  T?: number;
  s: string;
  U: number;
  u: number;
  /** Futures only: final update id of the previous event. */
  pu?: number;
  b: Level[];
  a: Level[];
}

export interface BookTicker {
  e?: 'bookTicker';
  u: number;
  s: string;
  b: string;
  B: string;
  a: string;
  A: string;
  E?: number;
  T?: number;
}

export interface TradeMsg {
  e: 'trade';
  E: number;
  T: number;
  s: string;
  t: number;
  p: string;
  q: string;
  /** Buyer is the maker: the aggressor sold. */
  m: boolean;
  X?: string;
}

export interface AggTradeMsg {
  e: 'aggTrade';
  E: number;
  T: number;
  s: string;
  a: number;
  p: string;
  q: string;
  m: boolean;
}

export interface MarkPriceUpdate {
  e: 'markPriceUpdate';
  E: number;
  s: string;
  p: string;
  i: string;
  r: string;
  T: number;
}

/** REST `GET depth` response (futures add E/T; COIN-M adds symbol/pair). */
export interface DepthSnapshot {
  lastUpdateId: number;
  E?: number;
  T?: number;
  symbol?: string;
  bids: Level[];
  asks: Level[];
}

export type StreamData = DepthUpdate | BookTicker | TradeMsg | AggTradeMsg | MarkPriceUpdate | { e: string; s?: string };

export interface Envelope {
  stream: string;
  data: StreamData;
}
