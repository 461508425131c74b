import { wireDecimal, sideLevels, type MarketView, type Route, type SimConn, type SimProtocol } from '../protocol.ts';

interface Sub {
  name?: unknown;
  depth?: unknown;
}

/**
 * Kraken WebSocket v1 (`/`): `{"event":"subscribe","pair":[...],"subscription":{"name","depth"}}`
 * answered by one `subscriptionStatus` per pair, channel frames `[channelID, payload, name, pair]`
 * with the channel ids of the recording, `{"event":"ping"}` → pong, a heartbeat on an idle
 * connection, and a generated book snapshot for a book subscribed mid-stream (Kraken resyncs a
 * book by resubscription; updates carry CRC32 checksums of the top 10).
 */
export function krakenProtocol(): SimProtocol {
  const channelIds = new Map<string, number>();
  let nextId = 90_000;
  const channelName = (s: Sub): string | undefined => {
    if (s.name === 'book') return `book-${typeof s.depth === 'number' ? s.depth : 10}`;
    if (s.name === 'trade' || s.name === 'ticker' || s.name === 'spread') return s.name;
    return undefined;
  };
  const status = (c: SimConn, status: string, pair: string, sub: Sub, name: string, extra: Record<string, unknown> = {}): void => {
    const key = `${name}:${pair}`;
    let id = channelIds.get(key);
    if (id === undefined) channelIds.set(key, (id = nextId++));
    const subscription: Record<string, unknown> = { name: sub.name };
    if (sub.name === 'book') subscription.depth = typeof sub.depth === 'number' ? sub.depth : 10;
    c.send(JSON.stringify(status === 'error' ? { ...extra, event: 'subscriptionStatus', pair, status, subscription } : { channelID: id, channelName: name, event: 'subscriptionStatus', pair, status, subscription }));
  };
  const snapshot = (name: string, pair: string, m: MarketView): string | undefined => {
    const st = m.book(pair);
    if (st === undefined || !st.valid) return undefined;
    const depth = Number(name.slice(5));
    const inst = m.instrument(pair)!;
    const pd = st.book.priceDecimals;
    const sd = st.book.sizeDecimals;
    const fp = (v: number): string => wireDecimal(v, pd, inst.price.wireDecimals);
    const fs = (v: number): string => wireDecimal(v, sd, inst.size.wireDecimals);
    const ts = (m.exchMs() / 1000).toFixed(6);
    const lv = (bid: boolean): string[][] => sideLevels(st, bid, depth, fp, fs).map(([p, s]) => [p, s, ts]);
    return JSON.stringify([channelIds.get(`${name}:${pair}`) ?? 0, { as: lv(false), bs: lv(true) }, name, pair]);
  };
  return {
    venue: 'kraken',
    paths: ['/'],
    heartbeat: { everyMs: 1000, idleOnly: true, frame: () => '{"event":"heartbeat"}' },
    route(frame: string): Route | null {
      if (!frame.startsWith('[')) return null;
      // [channelID, ..., "channelName", "PAIR"]
      const end = frame.lastIndexOf('"', frame.length - 2);
      const pairStart = frame.lastIndexOf('"', end - 1);
      const pair = frame.slice(pairStart + 1, end);
      const nameEnd = frame.lastIndexOf('"', pairStart - 1);
      const nameStart = frame.lastIndexOf('"', nameEnd - 1);
      const name = frame.slice(nameStart + 1, nameEnd);
      if (!name || !pair.includes('/')) return null;
      const key = `${name}:${pair}`;
      if (!channelIds.has(key)) {
        const id = Number(frame.slice(1, frame.indexOf(',')));
        if (Number.isInteger(id)) channelIds.set(key, id);
      }
      return { key, symbol: pair, book: name.startsWith('book-') };
    },
    onOpen(c) {
      c.send(JSON.stringify({ connectionID: 8_000_000_000 + c.id, event: 'systemStatus', status: 'online', version: '1.9.1' }));
    },
    onMessage(c, text, m) {
      let req: { event?: unknown; pair?: unknown; subscription?: Sub; reqid?: unknown };
      try {
        req = JSON.parse(text) as typeof req;
      } catch {
        c.send(JSON.stringify({ errorMessage: 'Malformed request', event: 'error' }));
        return;
      }
      const reqid = req.reqid;
      if (req.event === 'ping') {
        c.send(JSON.stringify(reqid !== undefined ? { event: 'pong', reqid } : { event: 'pong' }));
        return;
      }
      if (req.event !== 'subscribe' && req.event !== 'unsubscribe') {
        c.send(JSON.stringify({ errorMessage: `Unsupported event ${JSON.stringify(req.event)}`, event: 'error' }));
        return;
      }
      const sub = req.subscription ?? {};
      const name = channelName(sub);
      const pairs = Array.isArray(req.pair) ? req.pair.map(String) : [];
      if (name === undefined || pairs.length === 0) {
        c.send(JSON.stringify({ errorMessage: 'Subscription name invalid or no pair', event: 'subscriptionStatus', status: 'error', subscription: sub }));
        return;
      }
      for (const pair of pairs) {
        const key = `${name}:${pair}`;
        if (req.event === 'unsubscribe') {
          c.subs.delete(key);
          status(c, 'unsubscribed', pair, sub, name);
          continue;
        }
        const book = name.startsWith('book-');
        if (book ? !m.known(key) : !m.knownSymbol(pair)) {
          status(c, 'error', pair, sub, name, { errorMessage: book && m.knownSymbol(pair) ? `Subscription depth not in this recording (${name} ${pair} is not)` : `Currency pair not in this recording: ${pair}` });
          continue;
        }
        c.subs.add(key);
        status(c, 'subscribed', pair, sub, name);
        if (name.startsWith('book-') && m.started(key)) {
          const snap = snapshot(name, pair, m);
          if (snap !== undefined) c.send(snap, true, pair);
        }
      }
    },
    breakChecksum(frame) {
      if (!/"c":"\d+"/.test(frame)) return undefined;
      return frame.replace(/"c":"(\d+)"/, (_a, n: string) => `"c":"${(Number(n) ^ 0x5a5a5a5a) >>> 0 || 1}"`);
    },
  };
}
