import type { VenueDef } from '../venue.ts';
import { COINBASE, CoinbaseParser } from './parse.ts';
import { COINBASE_EXCHANGE, CoinbaseExchangeParser } from './parse-exchange.ts';
import { coinbaseExchangeSync, coinbaseSync } from './sync.ts';

/** Advanced Trade frames: `{"channel":...,"sequence_num":N,"events":[...]}`. */
const isAdvancedTrade = (f: string) => f.startsWith('{"channel":"') && /"sequence_num":\d/.test(f) && f.includes('"events":[');
/** Exchange frames: `{"type":"snapshot"|"l2update"|...,"product_id":...}`. */
const EXCHANGE_FRAME = /^\{"type": ?"(snapshot|l2update|ticker|match|last_match|heartbeat)",.*"product_id": ?"/;

export const coinbase: VenueDef = {
  id: COINBASE,
  aliases: ['COINBASE', 'coinbase-advanced', 'coinbase-at'],
  createParser: (inst) => new CoinbaseParser(inst),
  sync: coinbaseSync,
  claimsRaw: (frames) => frames.some(isAdvancedTrade),
};

export const coinbaseExchange: VenueDef = {
  id: COINBASE_EXCHANGE,
  aliases: ['coinbase-pro', 'COINBASE_PRO', 'gdax'],
  createParser: (inst) => new CoinbaseExchangeParser(inst),
  sync: coinbaseExchangeSync,
  claimsRaw: (frames) => frames.some((f) => EXCHANGE_FRAME.test(f)),
};

export const coinbaseVenues: VenueDef[] = [coinbase, coinbaseExchange];
