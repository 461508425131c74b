import {
  BINANCE_MARKETS,
  CLIENT_PING_MS as BINANCE_PING_MS,
  CONNECTION_LIFETIME_MS,
  DEPTH_LIMITS,
  MAX_STREAMS_PER_CONNECTION,
  STREAMS_PER_REQUEST,
  SUBSCRIBE_SPACING_MS,
  depthSnapshotUrl,
  streamNames,
  streamSymbol,
  subscribeMessage,
} from '../venues/binance/transport.ts';
import { BOOK_DEPTHS as BYBIT_DEPTHS, BYBIT_WS, MAX_TOPICS_PER_CONNECTION, PING_INTERVAL_MS as BYBIT_PING_MS, PING_MESSAGE as BYBIT_PING, subscribeMessages as bybitSubscribe, topics, unsubscribeMessages as bybitUnsubscribe, type BybitChannel } from '../venues/bybit/transport.ts';
import { CLIENT_PING_MS as COINBASE_PING_MS, COINBASE_WS, MAX_PRODUCTS_PER_CONNECTION, coinbaseSubscribeMessages, coinbaseUnsubscribeMessage } from '../venues/coinbase/transport.ts';
import { BOOK_DEPTHS as KRAKEN_DEPTHS, KRAKEN_WS, MAX_PAIRS_PER_CONNECTION, PING_INTERVAL_MS as KRAKEN_PING_MS, pingMessage, subscribeMessages as krakenSubscribe, v1Subscribe, v1Unsubscribe } from '../venues/kraken/transport.ts';
import { MAX_ARGS_PER_CONNECTION, OKX_BOOK_DEPTHS, OKX_PING, OKX_WS_PUBLIC, okxArgs, okxSubscribe, okxUnsubscribe } from '../venues/okx/transport.ts';

/**
 * What the recorder needs to know about a venue's client protocol, built from the venue's
 * `transport.ts`: URLs, subscriptions, keep-alive, connection lifetime, how a book is resynced
 * (REST snapshot or resubscribe) and how frames map to capture files.
 */
export const RECORD_VENUES = ['binance-spot', 'binance-usdm', 'binance-coinm', 'bybit-linear', 'bybit-spot', 'kraken', 'okx', 'coinbase'] as const;
export type RecordVenue = (typeof RECORD_VENUES)[number];
export const CHANNELS = ['book', 'trades', 'bbo', 'funding'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface VenueAdapter {
  id: RecordVenue;
  /** Book depth when none is configured; the accepted depths (undefined: the venue has one book depth). */
  defaultDepth: number;
  depths?: readonly number[];
  /** What a depth means here, for messages. */
  depthMeaning: string;
  /** Channels this venue offers; others are dropped with a warning. */
  channels: readonly Channel[];
  /** Venue-native symbol syntax, checked on the configuration. */
  symbolPattern: RegExp;
  symbolExample: string;
  /** Most symbols one connection carries for these channels. */
  symbolsPerConnection(channels: Channel[]): number;
  /** Production WebSocket URL; `base` (scheme://host:port of a simulator) replaces its origin. */
  wsUrl(base: string | undefined): string;
  subscribe(symbols: string[], channels: Channel[], depth: number): string[];
  /** Pause between subscription messages (venue message-rate limits). */
  subscribeSpacingMs: number;
  /** Messages that resync one book by resubscribing (the new subscription starts with a snapshot). */
  resubscribeBook?(symbol: string, depth: number): string[];
  /** REST depth snapshot URL (Binance: books are synced from a REST snapshot written into the stream). */
  snapshotUrl?(base: string | undefined, symbol: string, depth: number): string;
  /** Keep-alive: an application ping message, or a WebSocket ping frame. */
  ping: { kind: 'ws' } | { kind: 'text'; message(): string };
  pingIntervalMs: number;
  /** The venue closes connections after this long (0: no limit); the recorder reconnects before. */
  maxConnAgeMs: number;
  /**
   * Binance writes one file per symbol (a REST snapshot line then belongs to the file's symbol,
   * as in hftbacktest's captures); other venues one file per connection (Coinbase numbers the
   * frames of a connection across products, so they cannot be split).
   */
  perSymbolFiles: boolean;
  /** The symbol a frame belongs to, read cheaply from the frame (undefined: connection-level frames such as acks). */
  frameSymbol(frame: string): string | undefined;
  /** A book frame (cheap test): only those need the venue parser to keep the live book; others are written as they are. */
  isBookFrame(frame: string): boolean;
  /** Every frame must go through the parser (Coinbase checks sequence numbers across all channels). */
  parseAll: boolean;
  /** The symbol as this venue's parser names it in events. */
  eventSymbol(s: string): string;
}

/** `scheme://host:port` of `base` with the path of `url`, ws ↔ http schemes swapped as needed. */
export function withBase(url: string, base: string | undefined, ws: boolean): string {
  if (base === undefined) return url;
  const b = new URL(base);
  const u = new URL(url);
  let scheme = b.protocol.replace(':', '');
  if (ws) scheme = scheme === 'https' || scheme === 'wss' ? 'wss' : 'ws';
  else scheme = scheme === 'wss' || scheme === 'https' ? 'https' : 'http';
  return `${scheme}://${b.host}${u.pathname === '/' && !url.endsWith('/') ? '' : u.pathname}${u.search}`;
}

/** The string value after `key` (`"topic":"`), or its part after the last '.' (`orderbook.200.BTCUSDT` → BTCUSDT). */
function jsonField(f: string, key: string, lastDot: boolean): string | undefined {
  const i = f.indexOf(key);
  if (i < 0) return undefined;
  const s = i + key.length;
  const e = f.indexOf('"', s);
  if (e < 0) return undefined;
  if (!lastDot) return f.slice(s, e);
  const d = f.lastIndexOf('.', e);
  return f.slice(d >= s ? d + 1 : s, e);
}

function binance(id: 'binance-spot' | 'binance-usdm' | 'binance-coinm'): VenueAdapter {
  const m = BINANCE_MARKETS[id];
  const futures = id !== 'binance-spot';
  return {
    id,
    defaultDepth: 1000,
    depths: futures ? DEPTH_LIMITS.filter((d) => d <= 1000) : DEPTH_LIMITS,
    depthMeaning: 'levels of the REST depth snapshot (the diff stream carries every level)',
    channels: futures ? ['book', 'trades', 'bbo', 'funding'] : ['book', 'trades', 'bbo'],
    symbolPattern: futures && id === 'binance-coinm' ? /^[A-Z0-9]+_[A-Z0-9]+$/ : /^[A-Z0-9]+$/,
    symbolExample: id === 'binance-coinm' ? 'BTCUSD_PERP' : 'BTCUSDT',
    symbolsPerConnection: (ch) => Math.max(1, Math.floor(MAX_STREAMS_PER_CONNECTION[id] / Math.max(1, streamNames(m, ['x'], ch).length))),
    wsUrl: (base) => withBase(m.ws, base, true),
    subscribe(symbols, channels) {
      const streams = streamNames(m, symbols, channels);
      const out: string[] = [];
      for (let i = 0; i < streams.length; i += STREAMS_PER_REQUEST) out.push(subscribeMessage(streams.slice(i, i + STREAMS_PER_REQUEST), out.length + 1));
      return out;
    },
    subscribeSpacingMs: SUBSCRIBE_SPACING_MS,
    snapshotUrl: (base, symbol, depth) => depthSnapshotUrl(m, symbol, withBase(m.rest, base, false)).replace(/limit=\d+/, `limit=${depth}`),
    ping: { kind: 'ws' },
    pingIntervalMs: BINANCE_PING_MS,
    maxConnAgeMs: CONNECTION_LIFETIME_MS,
    perSymbolFiles: true,
    frameSymbol: streamSymbol,
    isBookFrame: (f) => f.startsWith('{"stream":"') && f.indexOf('@depth') > 0 && f.indexOf('@depth') < 48,
    parseAll: false,
    eventSymbol: (s) => s.toUpperCase(),
  };
}

function bybit(id: 'bybit-linear' | 'bybit-spot'): VenueAdapter {
  const kinds = (ch: Channel[]): BybitChannel[] => ch;
  return {
    id,
    defaultDepth: 200,
    depths: BYBIT_DEPTHS[id],
    depthMeaning: 'levels per side of orderbook.{depth}',
    // Spot tickers carry neither best bid/offer nor funding.
    channels: id === 'bybit-spot' ? ['book', 'trades'] : ['book', 'trades', 'bbo', 'funding'],
    symbolPattern: /^[A-Z0-9]+$/,
    symbolExample: 'BTCUSDT',
    symbolsPerConnection: (ch) => Math.max(1, Math.floor(MAX_TOPICS_PER_CONNECTION / Math.max(1, topics(id, ['X'], kinds(ch), BYBIT_DEPTHS[id].includes(200) ? 200 : 50).length))),
    wsUrl: (base) => withBase(BYBIT_WS[id], base, true),
    subscribe: (symbols, channels, depth) => bybitSubscribe(topics(id, symbols, kinds(channels), depth)),
    subscribeSpacingMs: 0,
    resubscribeBook: (symbol, depth) => [...bybitUnsubscribe([`orderbook.${depth}.${symbol}`]), ...bybitSubscribe([`orderbook.${depth}.${symbol}`])],
    ping: { kind: 'text', message: () => BYBIT_PING },
    pingIntervalMs: BYBIT_PING_MS,
    maxConnAgeMs: 0,
    perSymbolFiles: false,
    frameSymbol: (f) => jsonField(f, '"topic":"', true),
    isBookFrame: (f) => f.includes('"topic":"orderbook.'),
    parseAll: false,
    eventSymbol: (s) => s.toUpperCase(),
  };
}

const kraken: VenueAdapter = {
  id: 'kraken',
  defaultDepth: 10,
  depths: KRAKEN_DEPTHS,
  depthMeaning: 'levels per side of the WS v1 book subscription (checksums cover the top 10)',
  channels: ['book', 'trades', 'bbo'],
  symbolPattern: /^[A-Z0-9.]+\/[A-Z0-9.]+$/,
  symbolExample: 'XBT/USD',
  symbolsPerConnection: () => MAX_PAIRS_PER_CONNECTION,
  wsUrl: (base) => withBase(KRAKEN_WS[1], base, true),
  subscribe: (symbols, channels, depth) => krakenSubscribe(1, symbols, channels, depth),
  subscribeSpacingMs: 0,
  resubscribeBook: (symbol, depth) => [v1Unsubscribe('book', [symbol], { depth }), v1Subscribe('book', [symbol], { depth })],
  ping: { kind: 'text', message: () => pingMessage(1) },
  pingIntervalMs: KRAKEN_PING_MS,
  maxConnAgeMs: 0,
  perSymbolFiles: false,
  frameSymbol: (f) => (f.startsWith('[') && f.endsWith('"]') ? f.slice(f.lastIndexOf('"', f.length - 3) + 1, -2) : undefined),
  isBookFrame: (f) => f.startsWith('[') && f.includes('"book-'),
  parseAll: false,
  eventSymbol: (s) => s,
};

const okx: VenueAdapter = {
  id: 'okx',
  defaultDepth: 400,
  depths: [5, 400],
  depthMeaning: '400: `books` (snapshot + updates, CRC32 checked); 5: `books5` (top-5 snapshots)',
  channels: ['book', 'trades', 'bbo', 'funding'],
  symbolPattern: /^[A-Z0-9]+-[A-Z0-9]+(-[A-Z0-9]+)*$/,
  symbolExample: 'BTC-USDT',
  symbolsPerConnection: (ch) => Math.max(1, Math.floor(MAX_ARGS_PER_CONNECTION / Math.max(1, ch.length + (ch.includes('funding') ? 1 : 0)))),
  wsUrl: (base) => withBase(OKX_WS_PUBLIC, base, true),
  subscribe: (symbols, channels, depth) => [okxSubscribe(okxArgs(symbols, channels, OKX_BOOK_DEPTHS[depth]))],
  subscribeSpacingMs: 0,
  resubscribeBook: (symbol, depth) => [okxUnsubscribe([{ channel: OKX_BOOK_DEPTHS[depth], instId: symbol }]), okxSubscribe([{ channel: OKX_BOOK_DEPTHS[depth], instId: symbol }])],
  ping: { kind: 'text', message: () => OKX_PING },
  pingIntervalMs: 20_000,
  maxConnAgeMs: 0,
  perSymbolFiles: false,
  frameSymbol: (f) => (f.startsWith('{"arg":') ? jsonField(f, '"instId":"', false) : undefined),
  isBookFrame: (f) => f.startsWith('{"arg":{"channel":"books'),
  parseAll: false,
  eventSymbol: (s) => s,
};

const coinbase: VenueAdapter = {
  id: 'coinbase',
  defaultDepth: 0,
  depthMeaning: 'not applicable: level2 is the full book',
  channels: ['book', 'trades', 'bbo'],
  symbolPattern: /^[A-Z0-9]+-[A-Z0-9]+$/,
  symbolExample: 'BTC-USD',
  symbolsPerConnection: () => MAX_PRODUCTS_PER_CONNECTION,
  wsUrl: (base) => withBase(COINBASE_WS, base, true),
  subscribe: (symbols, channels) => coinbaseSubscribeMessages(symbols, channels),
  subscribeSpacingMs: 0,
  resubscribeBook: (symbol) => [coinbaseUnsubscribeMessage([symbol], 'book'), coinbaseSubscribeMessages([symbol], ['book']).filter((m) => m.includes('"level2"'))[0]],
  ping: { kind: 'ws' },
  pingIntervalMs: COINBASE_PING_MS,
  maxConnAgeMs: 0,
  perSymbolFiles: false,
  frameSymbol: (f) => jsonField(f, '"product_id":"', false),
  isBookFrame: (f) => f.startsWith('{"channel":"l2_data"'),
  parseAll: true,
  eventSymbol: (s) => s,
};

export const ADAPTERS: Record<RecordVenue, VenueAdapter> = {
  'binance-spot': binance('binance-spot'),
  'binance-usdm': binance('binance-usdm'),
  'binance-coinm': binance('binance-coinm'),
  'bybit-linear': bybit('bybit-linear'),
  'bybit-spot': bybit('bybit-spot'),
  kraken,
  okx,
  coinbase,
};
