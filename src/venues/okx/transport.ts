/**
 * OKX v5 public WebSocket endpoints, subscriptions and keepalive (docs: okx.com/docs-v5,
 * "WebSocket API / Connect" and the public channel pages).
 */

export const OKX_WS_PUBLIC = 'wss://ws.okx.com:8443/ws/v5/public';
/** Candles and `trades-all` live on the business endpoint. */
export const OKX_WS_BUSINESS = 'wss://ws.okx.com:8443/ws/v5/business';

/**
 * OKX closes a connection that has been silent for 30 s. Keepalive: whenever nothing has arrived
 * for N < 30 s, send the text frame 'ping'; the server answers the text frame 'pong'. If that does
 * not arrive within N s either, reconnect.
 */
export const OKX_PING = 'ping';
export const OKX_PONG = 'pong';
export const OKX_IDLE_PING_MS = 25_000;

export interface OkxSubArg {
  channel: string;
  instId: string;
}

/** Channel args for instruments and lobkit channel kinds (book, trades, bbo, funding). */
export function okxArgs(instIds: string[], kinds: string[], bookChannel: 'books' | 'books5' | 'books50-l2-tbt' | 'books-l2-tbt' = 'books'): OkxSubArg[] {
  const out: OkxSubArg[] = [];
  for (const instId of instIds) {
    for (const k of kinds) {
      if (k === 'book') out.push({ channel: bookChannel, instId });
      else if (k === 'trades') out.push({ channel: 'trades', instId });
      else if (k === 'bbo') out.push({ channel: 'tickers', instId });
      else if (k === 'funding' && instId.endsWith('-SWAP')) out.push({ channel: 'funding-rate', instId }, { channel: 'mark-price', instId });
    }
  }
  return out;
}

/** `{"op":"subscribe","args":[...]}` (one message may carry many args). */
export function okxSubscribe(args: OkxSubArg[]): string {
  return JSON.stringify({ op: 'subscribe', args });
}

export function okxUnsubscribe(args: OkxSubArg[]): string {
  return JSON.stringify({ op: 'unsubscribe', args });
}

/** Book channel for a depth: 5 → `books5` (full top-5 snapshots), 400 → `books` (snapshot + updates, CRC32). */
export const OKX_BOOK_DEPTHS: Record<number, 'books5' | 'books'> = { 5: 'books5', 400: 'books' };

/** Channel args lobkit puts on one connection. */
export const MAX_ARGS_PER_CONNECTION = 240;
