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
