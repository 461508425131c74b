import { sideLevels, minimalDecimal, isoOfMs, type MarketView, type Route, type SimConn, type SimProtocol } from '../protocol.ts';

const CHANNEL_OF: Record<string, string> = { level2: 'l2_data', market_trades: 'market_trades', ticker: 'ticker' };

/**
 * Coinbase Advanced Trade market data (`/`): `{"type":"subscribe","product_ids":[..],"channel":..}`
 * answered with a `subscriptions` frame, frames numbered per connection (`sequence_num`, rewritten
 * for each client over every frame it gets), a `heartbeats` channel, and a generated `l2_data`
 * snapshot when a product's level2 is subscribed mid-stream.
 */
export function coinbaseProtocol(): SimProtocol {
  const frameOf = (c: SimConn, channel: string, events: unknown[]): string =>
    JSON.stringify({ channel, client_id: '', timestamp: isoOfMs(Date.now()), sequence_num: next(c), events });
  const next = (c: SimConn): number => {
    const n = (c.state.seq as number | undefined) ?? 0;
    c.state.seq = n + 1;
    return n;
  };
  const snapshot = (c: SimConn, product: string, m: MarketView): string | undefined => {
    const st = m.book(product);
    if (st === undefined || !st.valid) return undefined;
    const pd = st.book.priceDecimals;
    const sd = st.book.sizeDecimals;
    const t = isoOfMs(m.exchMs());
    const updates = [
      ...sideLevels(st, true, 1e9, (v) => minimalDecimal(v, pd), (v) => minimalDecimal(v, sd)).map(([p, q]) => ({ side: 'bid', event_time: t, price_level: p, new_quantity: q })),
      ...sideLevels(st, false, 1e9, (v) => minimalDecimal(v, pd), (v) => minimalDecimal(v, sd)).map(([p, q]) => ({ side: 'offer', event_time: t, price_level: p, new_quantity: q })),
    ];
    return frameOf(c, 'l2_data', [{ type: 'snapshot', product_id: product, updates }]);
  };
  return {
    venue: 'coinbase',
    paths: ['/'],
    heartbeat: {
      everyMs: 1000,
      idleOnly: false,
      frame(c) {
        if (c.state.heartbeats !== 1) return undefined;
        const k = ((c.state.hbCount as number | undefined) ?? 0) + 1;
        c.state.hbCount = k;
        return frameOf(c, 'heartbeats', [{ current_time: new Date().toISOString(), heartbeat_counter: k }]);
      },
    },
    route(frame: string): Route | null {
      if (!frame.startsWith('{"channel":"')) return null;
      const channel = frame.slice(12, frame.indexOf('"', 12));
      if (channel !== 'l2_data' && channel !== 'market_trades' && channel !== 'ticker') return null;
      const i = frame.indexOf('"product_id":"');
      if (i < 0) return null;
      const product = frame.slice(i + 14, frame.indexOf('"', i + 14));
      return { key: `${channel}:${product}`, symbol: product, book: channel === 'l2_data' };
    },
    onMessage(c, text, m) {
      let req: { type?: unknown; product_ids?: unknown; channel?: unknown };
      try {
        req = JSON.parse(text) as typeof req;
      } catch {
        c.send(JSON.stringify({ type: 'error', message: 'failure to parse message' }));
        return;
      }
      const channel = typeof req.channel === 'string' ? req.channel : '';
      const products = Array.isArray(req.product_ids) ? req.product_ids.map(String) : [];
      if (req.type !== 'subscribe' && req.type !== 'unsubscribe') {
        c.send(JSON.stringify({ type: 'error', message: `unknown message type ${JSON.stringify(req.type)}` }));
        return;
      }
      if (channel === 'heartbeats') {
        c.state.heartbeats = req.type === 'subscribe' ? 1 : 0;
      } else {
        const ch = CHANNEL_OF[channel];
        if (ch === undefined) {
          c.send(JSON.stringify({ type: 'error', message: `channel ${JSON.stringify(channel)} is not offered by the simulator` }));
          return;
        }
        for (const p of products) {
          const key = `${ch}:${p}`;
          if (req.type === 'unsubscribe') {
            c.subs.delete(key);
            continue;
          }
          if (!m.knownSymbol(p)) {
            c.send(JSON.stringify({ type: 'error', message: `Failed to subscribe: ${p} ${channel} is not in this recording` }));
            continue;
          }
          c.subs.add(key);
        }
      }
      const subs: Record<string, string[]> = {};
      for (const k of c.subs) {
        const [ch, p] = k.split(':');
        const name = Object.keys(CHANNEL_OF).find((n) => CHANNEL_OF[n] === ch)!;
        (subs[name] ??= []).push(p);
      }
      if (c.state.heartbeats === 1) subs.heartbeats = [];
      c.send(frameOf(c, 'subscriptions', [{ subscriptions: subs }]));
      if (req.type === 'subscribe' && channel === 'level2') {
        for (const p of products) {
          if (!c.subs.has(`l2_data:${p}`) || !m.started(`l2_data:${p}`)) continue;
          const snap = snapshot(c, p, m);
          if (snap !== undefined) c.send(snap, true, p);
        }
      }
    },
    outgoing(c, frame) {
      const n = next(c);
      return frame.replace(/"sequence_num":\d+/, `"sequence_num":${n}`);
    },
    skipped(c) {
      next(c);
    },
    connGap(c, by) {
      c.state.seq = ((c.state.seq as number | undefined) ?? 0) + by;
    },
  };
}
