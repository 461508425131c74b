/** Binance endpoints and subscription streams (used by the recorder and the venue simulator). */

export interface BinanceMarket {
  ws: string;
  rest: string;
  depthPath: string;
  /** Diff-depth stream speed suffix. */
  depthStream: string;
}

export const BINANCE_MARKETS: Record<'binance-spot' | 'binance-usdm' | 'binance-coinm' | 'binance-us', BinanceMarket> = {
  'binance-spot': { ws: 'wss://stream.binance.com:9443/stream', rest: 'https://api.binance.com', depthPath: '/api/v3/depth', depthStream: 'depth@100ms' },
  'binance-us': { ws: 'wss://stream.binance.us:9443/stream', rest: 'https://api.binance.us', depthPath: '/api/v3/depth', depthStream: 'depth@100ms' },
  'binance-usdm': { ws: 'wss://fstream.binance.com/stream', rest: 'https://fapi.binance.com', depthPath: '/fapi/v1/depth', depthStream: 'depth@0ms' },
  'binance-coinm': { ws: 'wss://dstream.binance.com/stream', rest: 'https://dapi.binance.com', depthPath: '/dapi/v1/depth', depthStream: 'depth@0ms' },
};

/** Combined-stream names for symbols and channels (book → diff depth, trades, bbo → bookTicker, funding → markPrice). */
export function streamNames(market: BinanceMarket, symbols: string[], channels: string[]): string[] {
  const out: string[] = [];
  for (const s of symbols) {
    const l = s.toLowerCase();
    for (const c of channels) {
      if (c === 'book') out.push(`${l}@${market.depthStream}`);
      else if (c === 'trades') out.push(`${l}@trade`);
      else if (c === 'bbo') out.push(`${l}@bookTicker`);
      else if (c === 'funding' && market.depthPath !== '/api/v3/depth') out.push(`${l}@markPrice@1s`);
    }
  }
  return out;
}

/** REST snapshot URL (limit 1000, as the Binance sync procedure recommends). */
export function depthSnapshotUrl(market: BinanceMarket, symbol: string, base = market.rest): string {
  return `${base}${market.depthPath}?symbol=${symbol.toUpperCase()}&limit=1000`;
}

/** Streams one connection may carry (spot: 1024; USD-M / COIN-M futures: 200). */
export const MAX_STREAMS_PER_CONNECTION: Record<keyof typeof BINANCE_MARKETS, number> = {
  'binance-spot': 1024,
  'binance-us': 1024,
  'binance-usdm': 200,
  'binance-coinm': 200,
};

/** Binance closes every connection after 24 h. */
export const CONNECTION_LIFETIME_MS = 24 * 3600_000;

/**
 * The server sends a WebSocket ping every 20 s (spot) or 3 min (futures) and drops a client that
 * does not pong within a minute (the `ws` package pongs by itself). Clients may ping too: lobkit
 * does, to notice a dead connection on a quiet stream.
 */
export const CLIENT_PING_MS = 20_000;

/** Incoming messages per second a connection may send (spot 5, futures 10): subscriptions are spaced. */
export const SUBSCRIBE_SPACING_MS = 250;
/** Streams per SUBSCRIBE request kept well under the frame size limit. */
export const STREAMS_PER_REQUEST = 200;

/** REST depth `limit` values the endpoints accept (spot also 5000). */
export const DEPTH_LIMITS = [5, 10, 20, 50, 100, 500, 1000, 5000] as const;

/** `{"method":"SUBSCRIBE","params":[...],"id":N}` (and UNSUBSCRIBE), acknowledged with `{"result":null,"id":N}`. */
export function subscribeMessage(streams: string[], id: number, method: 'SUBSCRIBE' | 'UNSUBSCRIBE' = 'SUBSCRIBE'): string {
  return JSON.stringify({ method, params: streams, id });
}

/** Symbol (upper case) of a combined-stream frame `{"stream":"btcusdt@depth@100ms",...}`, or undefined. */
export function streamSymbol(frame: string): string | undefined {
  if (!frame.startsWith('{"stream":"')) return undefined;
  const at = frame.indexOf('@', 11);
  return at > 11 ? frame.slice(11, at).toUpperCase() : undefined;
}
