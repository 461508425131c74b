/** Bybit v5 public WebSocket endpoints, subscriptions and heartbeat (used by the recorder and live feeds). */

export type BybitVenueId = 'bybit-linear' | 'bybit-spot' | 'bybit-inverse';

export const BYBIT_WS: Record<BybitVenueId, string> = {
  'bybit-linear': 'wss://stream.bybit.com/v5/public/linear',
  'bybit-spot': 'wss://stream.bybit.com/v5/public/spot',
  'bybit-inverse': 'wss://stream.bybit.com/v5/public/inverse',
};

export const BYBIT_WS_TESTNET: Record<BybitVenueId, string> = {
  'bybit-linear': 'wss://stream-testnet.bybit.com/v5/public/linear',
  'bybit-spot': 'wss://stream-testnet.bybit.com/v5/public/spot',
  'bybit-inverse': 'wss://stream-testnet.bybit.com/v5/public/inverse',
};

/**
 * `orderbook.{depth}` levels per category, as the v5 docs list them (linear/inverse push 1 every
 * 10 ms, 50 every 20 ms, 200 every 100 ms, 1000 every 200 ms; spot 200 every 200 ms). Older
 * history files are `ob500` (a depth linear once offered); it is no longer subscribable.
 */
export const BOOK_DEPTHS: Record<BybitVenueId, readonly number[]> = {
  'bybit-linear': [1, 50, 200, 1000],
  'bybit-spot': [1, 50, 200, 1000],
  'bybit-inverse': [1, 50, 200, 1000],
};

/** Bybit closes idle connections; the docs recommend an application ping every 20 s. */
export const PING_INTERVAL_MS = 20_000;
export const PING_MESSAGE = '{"op":"ping"}';

/** Spot accepts at most 10 args per subscribe request; the same cap is used for every category. */
export const MAX_ARGS_PER_REQUEST = 10;

export type BybitChannel = 'book' | 'trades' | 'bbo' | 'funding';

/**
 * Topics for symbols and channels: book → `orderbook.{depth}`, trades → `publicTrade`, bbo and
 * funding → `tickers` (once). Spot tickers carry neither best bid/offer nor funding, so on spot
 * those channels add nothing (a spot BBO comes from the book itself). One depth per symbol:
 * two depths of one symbol would feed one book.
 */
export function topics(venue: BybitVenueId, symbols: string[], channels: BybitChannel[], depth = 200): string[] {
  if (!BOOK_DEPTHS[venue].includes(depth)) throw new RangeError(`${venue}: order book depth ${depth} not offered; choose one of ${BOOK_DEPTHS[venue].join(', ')}`);
  const out: string[] = [];
  for (const raw of symbols) {
    const s = raw.toUpperCase();
    if (channels.includes('book')) out.push(`orderbook.${depth}.${s}`);
    if (channels.includes('trades')) out.push(`publicTrade.${s}`);
    if (venue !== 'bybit-spot' && (channels.includes('bbo') || channels.includes('funding'))) out.push(`tickers.${s}`);
  }
  return out;
}

/** `{"op":"subscribe","args":[...]}` messages, at most MAX_ARGS_PER_REQUEST topics each. */
export function subscribeMessages(topicList: string[], reqIdPrefix?: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < topicList.length; i += MAX_ARGS_PER_REQUEST) {
    const msg: { op: string; args: string[]; req_id?: string } = { op: 'subscribe', args: topicList.slice(i, i + MAX_ARGS_PER_REQUEST) };
    if (reqIdPrefix !== undefined) msg.req_id = `${reqIdPrefix}${i / MAX_ARGS_PER_REQUEST}`;
    out.push(JSON.stringify(msg));
  }
  return out;
}

/** `{"op":"unsubscribe","args":[...]}` messages, at most MAX_ARGS_PER_REQUEST topics each. */
export function unsubscribeMessages(topicList: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < topicList.length; i += MAX_ARGS_PER_REQUEST) out.push(JSON.stringify({ op: 'unsubscribe', args: topicList.slice(i, i + MAX_ARGS_PER_REQUEST) }));
  return out;
}

/**
 * Topics lobkit puts on one connection. Bybit documents no hard cap for public streams but
 * limits request size; a few hundred topics per connection is the range its SDKs use.
 */
export const MAX_TOPICS_PER_CONNECTION = 200;
