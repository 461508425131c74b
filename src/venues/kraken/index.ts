import type { VenueDef } from '../venue.ts';
import { KrakenParser } from './parse.ts';
import { krakenSync } from './sync.ts';

/** v1 channel frames: `[channelID, ..., "book-1000"|"trade"|"ticker"|"spread"|"ohlc-N", "BASE/QUOTE"]`. */
const V1_CHANNEL = /^\[\d+,.*,"(book-\d+|trade|ticker|spread|ohlc-\d+)","[A-Z0-9.]+\/[A-Z0-9.]+"\]$/s;
/** v1 events that only Kraken sends in this shape. */
const V1_EVENT = /^\{"(connectionID|channelID)":\d+,"(event|channelName)":"/;
/** v2 channel messages with Kraken's `BASE/QUOTE` symbols, or its status message. */
const V2_CHANNEL = /^\{"channel":"(book|trade|ticker|instrument|ohlc)","type":"(snapshot|update)","data":[[{]/;
const V2_STATUS = /^\{"channel":"status".*"api_version":"v2"/s;

function isKrakenFrame(f: string): boolean {
  if (V1_CHANNEL.test(f) || V1_EVENT.test(f) || V2_STATUS.test(f)) return true;
  return V2_CHANNEL.test(f) && (f.includes('"pairs":[') || /"symbol":"[A-Z0-9.]+\/[A-Z0-9.]+"/.test(f));
}

/** Kraken spot, WebSocket v1 and v2 (one parser tells them apart); cryptofeed calls it KRAKEN. */
export const kraken: VenueDef = {
  id: 'kraken',
  aliases: ['KRAKEN', 'kraken-spot'],
  createParser: (instruments) => new KrakenParser(instruments),
  sync: krakenSync,
  claimsRaw: (frames) => frames.some(isKrakenFrame),
};
