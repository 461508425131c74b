/**
 * Kraken spot WebSocket endpoints, subscription messages and keep-alive rules, v1 and v2 (used by
 * the recorder and the venue simulator). Public market data needs no authentication.
 */

export type KrakenVersion = 1 | 2;

export const KRAKEN_WS: Record<KrakenVersion, string> = {
  1: 'wss://ws.kraken.com',
  2: 'wss://ws.kraken.com/v2',
};

/** Levels per side a book subscription may ask for (default 10). The checksum always covers 10. */
export const BOOK_DEPTHS = [10, 25, 100, 500, 1000] as const;
export type BookDepth = (typeof BOOK_DEPTHS)[number];

/** Venue channel names (identical in v1 and v2). */
export type KrakenChannel = 'book' | 'trade' | 'ticker';

/**
 * Kraken sends a heartbeat about once a second on a subscribed connection with no other traffic,
 * so this long without any frame means the connection is dead: reconnect and resubscribe.
 */
export const SILENCE_TIMEOUT_MS = 10_000;
/** Application-level ping cadence (v1 `{"event":"ping"}`, v2 `{"method":"ping"}`); the server answers pong. */
export const PING_INTERVAL_MS = 30_000;

function checkDepth(depth: number): void {
  if (!(BOOK_DEPTHS as readonly number[]).includes(depth)) throw new Error(`Kraken book depth must be one of ${BOOK_DEPTHS.join(', ')}, not ${depth}`);
}

/** v1: `{"event":"subscribe","pair":[...],"subscription":{"name":...,"depth"?}}`; pairs as v1 names ("XBT/USD"). */
export function v1Subscribe(channel: KrakenChannel, pairs: string[], opts: { depth?: number; reqid?: number } = {}): string {
  const subscription: { name: string; depth?: number } = { name: channel };
  if (channel === 'book') {
    const depth = opts.depth ?? 10;
    checkDepth(depth);
    subscription.depth = depth;
  }
  return JSON.stringify({ event: 'subscribe', ...(opts.reqid !== undefined ? { reqid: opts.reqid } : {}), pair: pairs, subscription });
}

/**
 * v2: `{"method":"subscribe","params":{"channel":...,"symbol":[...],"depth"?,"snapshot"?}}`;
 * symbols as v2 names ("BTC/USD"). The `instrument` channel (no symbols) gives the precisions the
 * v2 book checksum is written with: subscribe to it first.
 */
export function v2Subscribe(channel: KrakenChannel | 'instrument', symbols: string[], opts: { depth?: number; snapshot?: boolean; reqId?: number } = {}): string {
  const params: { channel: string; symbol?: string[]; depth?: number; snapshot?: boolean } = { channel };
  if (channel !== 'instrument') params.symbol = symbols;
  if (channel === 'book') {
    const depth = opts.depth ?? 10;
    checkDepth(depth);
    params.depth = depth;
  }
  if (opts.snapshot !== undefined) params.snapshot = opts.snapshot;
  return JSON.stringify({ method: 'subscribe', params, ...(opts.reqId !== undefined ? { req_id: opts.reqId } : {}) });
}

/** Application-level ping for either version. */
export function pingMessage(version: KrakenVersion, id?: number): string {
  if (version === 1) return JSON.stringify(id !== undefined ? { event: 'ping', reqid: id } : { event: 'ping' });
  return JSON.stringify(id !== undefined ? { method: 'ping', req_id: id } : { method: 'ping' });
}

/**
 * Subscription messages for lobkit's channel names (book → book at `depth`, trades → trade,
 * bbo → ticker). v2 subscribes to `instrument` first so book checksums can be verified.
 */
export function subscribeMessages(version: KrakenVersion, symbols: string[], channels: string[], depth = 1000): string[] {
  const out: string[] = [];
  if (version === 2 && channels.includes('book')) out.push(v2Subscribe('instrument', [], { snapshot: true }));
  for (const c of channels) {
    const ch: KrakenChannel | undefined = c === 'book' ? 'book' : c === 'trades' ? 'trade' : c === 'bbo' ? 'ticker' : undefined;
    if (ch === undefined) continue;
    out.push(version === 1 ? v1Subscribe(ch, symbols, { depth }) : v2Subscribe(ch, symbols, { depth }));
  }
  return out;
}

/** v1: `{"event":"unsubscribe","pair":[...],"subscription":{"name":...,"depth"?}}` (a book is resynced by unsubscribe + subscribe: the new subscription starts with a snapshot). */
export function v1Unsubscribe(channel: KrakenChannel, pairs: string[], opts: { depth?: number } = {}): string {
  const subscription: { name: string; depth?: number } = { name: channel };
  if (channel === 'book') subscription.depth = opts.depth ?? 10;
  return JSON.stringify({ event: 'unsubscribe', pair: pairs, subscription });
}

/** Pairs lobkit puts on one connection. */
export const MAX_PAIRS_PER_CONNECTION = 100;
