import type { VenueDef } from '../venue.ts';
import { BYBIT_INVERSE, BYBIT_LINEAR, BYBIT_SPOT, BybitParser } from './parse.ts';
import { bybitSync } from './sync.ts';

/** A v5 public data frame or op reply (key order differs between categories). */
const isV5 = (f: string) => /^\{"(topic|type|ts)":/.test(f) && /"topic":"(orderbook|publicTrade|tickers|kline)\./.test(f) || (/^\{"success":(true|false),"ret_msg"/.test(f) && f.includes('"conn_id":'));
/** Derivative tickers carry funding; spot tickers carry `usdIndexPrice` instead. */
const derivTicker = (f: string) => f.includes('"topic":"tickers.') && (f.includes('"fundingRate":') || f.includes('"markPrice":'));
const spotTicker = (f: string) => f.includes('"topic":"tickers.') && f.includes('"usdIndexPrice":');
/** Inverse contracts are quoted in USD (BTCUSD, BTCUSDH25); linear ones in USDT/USDC or named PERP. */
const inverseSymbol = (f: string) => /"(?:s|symbol)":"[A-Z0-9]+USD(?:[FGHJKMNQUVXZ]\d\d)?"/.test(f);

/**
 * Which category a raw capture is from. Only tickers tell (order-book and trade frames look the
 * same in every category), so a capture without them is claimed by none and its venue comes from
 * the recorder's folder name or --venue.
 */
function category(frames: string[]): string | undefined {
  const v5 = frames.filter(isV5);
  if (v5.length === 0) return undefined;
  if (v5.some(spotTicker)) return BYBIT_SPOT;
  const d = v5.filter(derivTicker);
  if (d.length === 0) return undefined;
  return d.some(inverseSymbol) ? BYBIT_INVERSE : BYBIT_LINEAR;
}

/** One category: the shared parser and rules, its events attributed to `id`; claims the captures `category` names. */
function bybitVenue(id: string, aliases: string[]): VenueDef {
  return {
    id,
    aliases,
    createParser: (inst) => new BybitParser(id, inst),
    sync: bybitSync,
    claimsRaw: (frames) => category(frames) === id,
  };
}

// cryptofeed's BYBIT recordings mix linear and spot connections: the parser splits them by address.
export const bybitLinear: VenueDef = bybitVenue(BYBIT_LINEAR, ['BYBIT']);
export const bybitSpot: VenueDef = bybitVenue(BYBIT_SPOT, []);
export const bybitInverse: VenueDef = bybitVenue(BYBIT_INVERSE, []);

export const bybitVenues: VenueDef[] = [bybitLinear, bybitSpot, bybitInverse];
