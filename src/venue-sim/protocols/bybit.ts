import { wireDecimal, sideLevels, type MarketView, type Route, type SimConn, type SimProtocol } from '../protocol.ts';

/**
 * Bybit v5 public streams (`/v5/public/linear`, `/v5/public/spot`): `{"op":"subscribe","args":[topics]}`
 * with Bybit's acknowledgements, `{"op":"ping"}` → pong, and a generated `orderbook` snapshot for
 * a topic subscribed after playback passed its recorded snapshot (a resubscription resyncs a book).
 */
export function bybitProtocol(id: 'bybit-linear' | 'bybit-spot'): SimProtocol {
  const category = id === 'bybit-linear' ? 'linear' : 'spot';
  const ack = (c: SimConn, op: string, ok: boolean, reqId: string, msg = ''): string =>
    JSON.stringify({ success: ok, ret_msg: ok ? (category === 'spot' ? op : '') : msg, conn_id: `sim-${c.id}`, req_id: reqId, op });
  const snapshot = (topic: string, m: MarketView): string | undefined => {
    const p = topic.split('.');
    const depth = Number(p[1]);
    const symbol = p.slice(2).join('.');
    const st = m.book(symbol);
    if (st === undefined || !st.valid) return undefined;
    const inst = m.instrument(symbol)!;
    const pd = st.book.priceDecimals;
    const sd = st.book.sizeDecimals;
    const fp = (v: number): string => wireDecimal(v, pd, inst.price.wireDecimals);
    const fs = (v: number): string => wireDecimal(v, sd, inst.size.wireDecimals);
    const t = Math.round(m.exchMs());
    const u = st.lastSeq + m.seqShift(symbol);
    return JSON.stringify({ topic, type: 'snapshot', ts: t, data: { s: symbol, b: sideLevels(st, true, depth, fp, fs), a: sideLevels(st, false, depth, fp, fs), u, seq: u }, cts: t });
  };
  return {
    venue: id,
    paths: [`/v5/public/${category}`],
    acceptsAddr: (addr) => addr === undefined || new RegExp(`/v5/public/${category}(?:[/?#]|$)`).test(addr),
    route(frame: string): Route | null {
      if (!frame.startsWith('{"topic":"') && !frame.includes('"topic":"')) return null;
      const i = frame.indexOf('"topic":"') + 9;
      const topic = frame.slice(i, frame.indexOf('"', i));
      const dot = topic.lastIndexOf('.');
      if (dot < 0) return null;
      return { key: topic, symbol: topic.slice(dot + 1), book: topic.startsWith('orderbook.') };
    },
    onMessage(c, text, m) {
      let req: { op?: unknown; args?: unknown; req_id?: unknown };
      try {
        req = JSON.parse(text) as typeof req;
      } catch {
        c.send(JSON.stringify({ success: false, ret_msg: 'error:request not json', conn_id: `sim-${c.id}`, op: '' }));
        return;
      }
      const reqId = typeof req.req_id === 'string' ? req.req_id : '';
      const args = Array.isArray(req.args) ? req.args.map(String) : [];
      if (req.op === 'ping') {
        c.send(category === 'spot' ? JSON.stringify({ req_id: reqId, op: 'pong', args: [String(Date.now())], conn_id: `sim-${c.id}` }) : ack(c, 'ping', true, reqId).replace('"ret_msg":""', '"ret_msg":"pong"'));
      } else if (req.op === 'subscribe') {
        const unknown = args.filter((t) => (t.startsWith('orderbook.') ? !m.known(t) : !m.knownSymbol(t.slice(t.lastIndexOf('.') + 1))));
        if (unknown.length > 0) {
          c.send(ack(c, 'subscribe', false, reqId, `error:handler not found,topic:${unknown.join(',')} (not in this recording)`));
          return;
        }
        for (const t of args) c.subs.add(t);
        c.send(ack(c, 'subscribe', true, reqId));
        for (const t of args) {
          if (!t.startsWith('orderbook.') || !m.started(t)) continue;
          const snap = snapshot(t, m);
          if (snap !== undefined) c.send(snap, true, t.slice(t.lastIndexOf('.') + 1));
        }
      } else if (req.op === 'unsubscribe') {
        for (const t of args) c.subs.delete(t);
        c.send(ack(c, 'unsubscribe', true, reqId));
      } else {
        c.send(ack(c, String(req.op), false, reqId, `error:unknown op ${JSON.stringify(req.op)}`));
      }
    },
    shiftSeq(frame, by) {
      if (!frame.includes('"topic":"orderbook.')) return undefined;
      return frame.replace(/"u":(\d+)/, (_a, n: string) => `"u":${Number(n) + by}`);
    },
  };
}
