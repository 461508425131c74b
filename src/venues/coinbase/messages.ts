/** Raw Coinbase payloads: Advanced Trade (`advanced-trade-ws`) and the legacy Exchange / Pro feed. */

// ---- Advanced Trade ------------------------------------------------------------------------

export interface AtLevelUpdate {
  side: 'bid' | 'offer';
  /** µs ISO time. */
  event_time: string;
  price_level: string;
  /** Absolute size at the level; "0" deletes. */
  new_quantity: string;
}

export interface AtL2Event {
  type: 'snapshot' | 'update';
  product_id: string;
  updates: AtLevelUpdate[];
}

export interface AtTrade {
  product_id: string;
  trade_id: string;
  price: string;
  size: string;
  time: string;
  /** The MAKER's side (see parse.ts). */
  side: 'BUY' | 'SELL';
}

export interface AtTradesEvent {
  type: 'snapshot' | 'update';
  trades: AtTrade[];
}

export interface AtTicker {
  type: 'ticker';
  product_id: string;
  price: string;
  best_bid?: string;
  best_ask?: string;
  best_bid_quantity?: string;
  best_ask_quantity?: string;
}

export interface AtTickerEvent {
  type: 'snapshot' | 'update';
  tickers: AtTicker[];
}

/** Every Advanced Trade frame: `sequence_num` counts frames per connection, across all channels. */
export interface AtMessage {
  channel: string;
  client_id?: string;
  /** ns ISO time the frame was sent. */
  timestamp: string;
  sequence_num: number;
  events: unknown[];
}

/** Both feeds: `{"type":"error","message":...,"reason"?:...}`. */
export interface CoinbaseError {
  type: 'error';
  message: string;
  reason?: string;
}

// ---- Coinbase Exchange (Pro) -------------------------------------------------------------------

export type ExLevel = [price: string, size: string];

export interface ExSnapshot {
  type: 'snapshot';
  product_id: string;
  bids: ExLevel[];
  asks: ExLevel[];
}

export interface ExL2Update {
  type: 'l2update';
  product_id: string;
  /** [side, price, size]; side 'buy' = bid, 'sell' = ask; size is absolute, "0" deletes. */
  changes: [side: 'buy' | 'sell', price: string, size: string][];
  time: string;
}

export interface ExTicker {
  type: 'ticker';
  product_id: string;
  sequence?: number;
  price?: string;
  best_bid?: string;
  best_ask?: string;
  /** Added to the feed in 2022; absent in older captures. */
  best_bid_size?: string;
  best_ask_size?: string;
  time?: string;
}

export interface ExMatch {
  type: 'match' | 'last_match';
  trade_id: number;
  /** The MAKER order's side: the aggressor is the opposite. */
  side: 'buy' | 'sell';
  size: string;
  price: string;
  product_id: string;
  sequence?: number;
  time: string;
}

export interface ExOther {
  type: string;
  product_id?: string;
}

export type ExMessage = ExSnapshot | ExL2Update | ExTicker | ExMatch | CoinbaseError | ExOther;
