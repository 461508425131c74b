import type { VenueDef } from '../venue.ts';
import { BinanceParser } from './parse.ts';
import { futuresSync, spotSync } from './sync.ts';

/** Combined-stream envelopes, bare stream payloads (`{"e":"depthUpdate",...,"s":...}`) and REST depth snapshots. */
const isBinance = (f: string) =>
  (f.startsWith('{"stream":"') && f.includes('@')) || f.startsWith('{"lastUpdateId"') || /^\{"e":"(depthUpdate|bookTicker|trade|aggTrade|markPriceUpdate)","E":\d+,("T":\d+,)?"s":"/.test(f);
/** Futures frames carry `pu` on diffs or `e` on bookTicker; spot frames never do. */
const isFutures = (frames: string[]) => frames.some((f) => f.includes('"pu":') || f.includes('"e":"bookTicker"'));
const isCoinM = (frames: string[]) => frames.some((f) => /"s":"[A-Z0-9]+_[A-Z0-9]+"/.test(f) || /_perp@|usd_\d+@/.test(f));
const binanceFrames = (frames: string[]) => frames.filter(isBinance);

export const binanceCoinM: VenueDef = {
  id: 'binance-coinm',
  aliases: ['BINANCE_DELIVERY', 'cm', 'coinm', 'binance-cm'],
  createParser: (inst) => new BinanceParser('binance-coinm', inst),
  sync: futuresSync,
  claimsRaw(frames) {
    const b = binanceFrames(frames);
    return b.length > 0 && isFutures(b) && isCoinM(b);
  },
};

export const binanceUsdm: VenueDef = {
  id: 'binance-usdm',
  aliases: ['BINANCE_FUTURES', 'usdm', 'binance-futures'],
  createParser: (inst) => new BinanceParser('binance-usdm', inst),
  sync: futuresSync,
  claimsRaw(frames) {
    const b = binanceFrames(frames);
    return b.length > 0 && isFutures(b) && !isCoinM(b);
  },
};

export const binanceSpot: VenueDef = {
  id: 'binance-spot',
  aliases: ['BINANCE', 'binance'],
  createParser: (inst) => new BinanceParser('binance-spot', inst),
  sync: spotSync,
  claimsRaw(frames) {
    const b = binanceFrames(frames);
    return b.length > 0 && !isFutures(b);
  },
};

export const binanceUs: VenueDef = {
  id: 'binance-us',
  aliases: ['BINANCE_US'],
  createParser: (inst) => new BinanceParser('binance-us', inst),
  sync: spotSync,
};

export const binanceVenues: VenueDef[] = [binanceCoinM, binanceUsdm, binanceSpot, binanceUs];
