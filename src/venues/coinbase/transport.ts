/**
 * Coinbase WebSocket endpoints and subscriptions (docs.cdp.coinbase.com: Advanced Trade
 * "WebSocket Overview" / "Channels"; Exchange "WebSocket Feed" / "Authentication").
 */

/** Advanced Trade market data (public channels need no authentication). */
export const COINBASE_WS = 'wss://advanced-trade-ws.coinbase.com';
/** Coinbase Exchange market data (the former `wss://ws-feed.pro.coinbase.com`). */
export const COINBASE_EXCHANGE_WS = 'wss://ws-feed.exchange.coinbase.com';

/** Both feeds disconnect a client that has not subscribed within 5 s of connecting. */
export const SUBSCRIBE_DEADLINE_MS = 5_000;

/**
 * Advanced Trade: one subscribe message per channel. Most channels close after 60-90 s without
 * updates, so `heartbeats` (one frame per second, no products) is always added; there is no
 * client ping. lobkit kinds: book → level2, trades → market_trades, bbo → ticker.
 */
export function coinbaseSubscribeMessages(productIds: string[], kinds: string[]): string[] {
  const out: string[] = [];
  for (const k of kinds) {
    const channel = k === 'book' ? 'level2' : k === 'trades' ? 'market_trades' : k === 'bbo' ? 'ticker' : undefined;
    if (channel) out.push(JSON.stringify({ type: 'subscribe', product_ids: productIds, channel }));
  }
  out.push(JSON.stringify({ type: 'subscribe', channel: 'heartbeats' }));
  return out;
}

/**
 * Coinbase Exchange: one message listing every channel. `level2` requires authentication, so the
 * public book channel is `level2_batch` (same messages, batched every 50 ms). `heartbeat` sends
 * one message per product per second, which also keeps the connection open.
 */
export function coinbaseExchangeSubscribe(productIds: string[], kinds: string[]): string {
  const channels: string[] = [];
  for (const k of kinds) {
    if (k === 'book') channels.push('level2_batch');
    else if (k === 'trades') channels.push('matches');
    else if (k === 'bbo') channels.push('ticker');
  }
  channels.push('heartbeat');
  return JSON.stringify({ type: 'subscribe', product_ids: productIds, channels });
}

/** Advanced Trade unsubscribe for one channel (a book is resynced by unsubscribe + subscribe: the new subscription starts with a snapshot). */
export function coinbaseUnsubscribeMessage(productIds: string[], kind: 'book' | 'trades' | 'bbo'): string {
  const channel = kind === 'book' ? 'level2' : kind === 'trades' ? 'market_trades' : 'ticker';
  return JSON.stringify({ type: 'unsubscribe', product_ids: productIds, channel });
}

/** Products lobkit puts on one connection (level2 for many products is a heavy stream). */
export const MAX_PRODUCTS_PER_CONNECTION = 50;
/** No client ping in the protocol; a WebSocket ping frame keeps a dead connection from going unnoticed. */
export const CLIENT_PING_MS = 20_000;
