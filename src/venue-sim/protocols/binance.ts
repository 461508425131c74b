import { BINANCE_MARKETS } from '../../venues/binance/transport.ts';
import { wireDecimal, sideLevels, type MarketView, type RestReply, type Route, type SimConn, type SimProtocol } from '../protocol.ts';

type BinanceId = 'binance-spot' | 'binance-usdm' | 'binance-coinm';

/** Subscription key of a stream name: Binance stream names are case-insensitive. */
const keyOf = (stream: string): string => stream.toLowerCase();

/**
 * Binance spot / USD-M / COIN-M market streams: `/stream` (combined: `{"stream":..,"data":..}`,
 * streams from `?streams=a/b` or SUBSCRIBE requests) and `/ws` (bare payloads), a WebSocket ping
 * from the server, and the REST depth snapshot, consistent with the diff stream: the book after
 * the last diff played (`lastUpdateId` = its `u`), or, before playback reaches the recording's own
 * snapshot, that recorded snapshot.
 */
export function binanceProtocol(id: BinanceId): SimProtocol {
  const market = BINANCE_MARKETS[id];
  const futures = id !== 'binance-spot';
  const subscribe = (c: SimConn, streams: string[], m: MarketView): string | undefined => {
    for (const s of streams) {
      if (typeof s !== 'string' || !/^[a-z0-9_]+@[a-zA-Z0-9@_]+$/i.test(s)) return `Invalid stream name ${JSON.stringify(s)}`;
    }
    for (const s of streams) {
      const k = keyOf(s);
      // A depth stream must be the recorded one (its speed); other streams of a recorded symbol may just stay quiet.
      if (k.includes('@depth') ? !m.known(k) : !m.knownSymbol(k.slice(0, k.indexOf('@')).toUpperCase())) return `stream ${s} is not in this recording`;
    }
    for (const s of streams) c.subs.add(keyOf(s));
    return undefined;
  };
  return {
    venue: id,
    paths: ['/stream', '/ws'],
    serverPingMs: futures ? 180_000 : 20_000,
    route(frame: string): Route | null {
      if (!frame.startsWith('{"stream":"')) return null;
      const end = frame.indexOf('"', 11);
      const stream = frame.slice(11, end);
      const at = stream.indexOf('@');
      if (at <= 0) return null;
      return { key: keyOf(stream), symbol: stream.slice(0, at).toUpperCase(), book: stream.startsWith('depth', at + 1) };
    },
    onOpen(c, url, m) {
      c.state.bare = url.pathname.startsWith('/ws') ? 1 : 0;
      const streams = url.searchParams.get('streams');
      if (streams) subscribe(c, streams.split('/'), m);
      if (url.pathname.startsWith('/ws/') && url.pathname.length > 4) subscribe(c, url.pathname.slice(4).split('/'), m);
    },
    onMessage(c, text, m) {
      let req: { method?: unknown; params?: unknown; id?: unknown };
      try {
        req = JSON.parse(text) as typeof req;
      } catch {
        c.send(JSON.stringify({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' } }));
        return;
      }
      const id = typeof req.id === 'number' || typeof req.id === 'string' ? req.id : null;
      const params = Array.isArray(req.params) ? (req.params as string[]) : [];
      if (req.method === 'SUBSCRIBE') {
        const err = subscribe(c, params, m);
        c.send(err ? JSON.stringify({ error: { code: 2, msg: err }, id }) : JSON.stringify({ result: null, id }));
      } else if (req.method === 'UNSUBSCRIBE') {
        for (const s of params) c.subs.delete(keyOf(String(s)));
        c.send(JSON.stringify({ result: null, id }));
      } else if (req.method === 'LIST_SUBSCRIPTIONS') {
        c.send(JSON.stringify({ result: [...c.subs], id }));
      } else {
        c.send(JSON.stringify({ error: { code: 1, msg: `Unknown method ${JSON.stringify(req.method)}` }, id }));
      }
    },
    outgoing(c, frame) {
      if (c.state.bare !== 1) return frame;
      // /ws: the payload without the combined-stream envelope.
      const d = frame.indexOf('"data":');
      return d > 0 ? frame.slice(d + 7, -1) : frame;
    },
    rest(path, q, m): RestReply | undefined {
      if (path !== market.depthPath) return undefined;
      const symbol = (q.get('symbol') ?? '').toUpperCase();
      const limit = Number(q.get('limit') ?? '100');
      if (!symbol) return { status: 400, body: JSON.stringify({ code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." }) };
      if (!(limit > 0 && limit <= 5000)) return { status: 400, body: JSON.stringify({ code: -1100, msg: 'Illegal characters found in parameter \'limit\'; legal range is \'5..5000\'.' }) };
      const st = m.book(symbol);
      const shift = m.seqShift(symbol);
      const recorded = m.recordedRest(symbol);
      if (recorded !== undefined) return { status: 200, body: shiftRest(renameRest(recorded, m.original(symbol), symbol), shift) };
      if (st === undefined || !st.valid) {
        if (st === undefined && !m.known(keyOf(`${symbol.toLowerCase()}@${market.depthStream}`))) return { status: 400, body: JSON.stringify({ code: -1121, msg: 'Invalid symbol.' }) };
        return { status: 503, body: JSON.stringify({ code: -1008, msg: `simulator: no valid ${symbol} book at this point of the recording` }) };
      }
      const inst = m.instrument(symbol)!;
      const pd = st.book.priceDecimals;
      const sd = st.book.sizeDecimals;
      const fp = (v: number): string => wireDecimal(v, pd, inst.price.wireDecimals);
      const fs = (v: number): string => wireDecimal(v, sd, inst.size.wireDecimals);
      const bids = sideLevels(st, true, limit, fp, fs);
      const asks = sideLevels(st, false, limit, fp, fs);
      const t = Math.round(m.exchMs());
      const lastUpdateId = st.lastSeq + shift;
      const body =
        id === 'binance-spot'
          ? { lastUpdateId, bids, asks }
          : id === 'binance-usdm'
            ? { lastUpdateId, E: t, T: t, bids, asks }
            : { lastUpdateId, symbol, pair: symbol.split('_')[0], E: t, T: t, bids, asks };
      return { status: 200, body: JSON.stringify(body) };
    },
    shiftSeq(frame, by) {
      if (!frame.includes('"e":"depthUpdate"') && !frame.includes('@bookTicker')) return undefined;
      return frame.replace(/"(U|u|pu)":(\d+)/g, (_all, k: string, n: string) => `"${k}":${Number(n) + by}`);
    },
    rename(frame, from, to) {
      const lf = from.toLowerCase();
      return frame.replace(`"stream":"${lf}@`, `"stream":"${to.toLowerCase()}@`).replace(`"s":"${from}"`, `"s":"${to}"`);
    },
    renameKey(key, from, to) {
      return key.startsWith(from.toLowerCase() + '@') ? to.toLowerCase() + key.slice(from.length) : key;
    },
  };
}

function shiftRest(body: string, by: number): string {
  return by === 0 ? body : body.replace(/"lastUpdateId":(\d+)/, (_a, n: string) => `"lastUpdateId":${Number(n) + by}`);
}

function renameRest(body: string, from: string, to: string): string {
  return from === to ? body : body.replace(`"symbol":"${from}"`, `"symbol":"${to}"`);
}
