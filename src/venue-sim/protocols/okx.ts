import { okxBookChecksum, okxNumber } from '../../venues/okx/checksum.ts';
import { sideLevels, type MarketView, type Route, type SimConn, type SimProtocol } from '../protocol.ts';

interface Arg {
  channel: string;
  instId: string;
}

const keyOf = (a: Arg): string => `${a.channel}:${a.instId}`;

/**
 * OKX v5 public (`/ws/v5/public`): `{"op":"subscribe","args":[{channel, instId}]}` acknowledged per
 * arg, text 'ping' → 'pong', and for `books` a generated snapshot (with OKX's CRC32 checksum of
 * the simulated book) when a client subscribes after playback passed the recorded snapshot.
 */
export function okxProtocol(): SimProtocol {
  const snapshot = (a: Arg, m: MarketView): string | undefined => {
    const st = m.book(a.instId);
    if (st === undefined || !st.valid) return undefined;
    const pd = st.book.priceDecimals;
    const sd = st.book.sizeDecimals;
    const lv = (bid: boolean): string[][] => sideLevels(st, bid, a.channel === 'books5' ? 5 : 400, (v) => okxNumber(v, pd), (v) => okxNumber(v, sd)).map(([p, s]) => [p, s, '0', '1']);
    const d: Record<string, unknown> = { asks: lv(false), bids: lv(true), ts: String(Math.round(m.exchMs())), checksum: okxBookChecksum(st.book) };
    if (st.lastSeq === st.lastSeq) {
      d.prevSeqId = -1;
      d.seqId = st.lastSeq + m.seqShift(a.instId);
    }
    return JSON.stringify({ arg: a, action: 'snapshot', data: [d] });
  };
  const args = (c: SimConn, raw: unknown): Arg[] | undefined => {
    if (!Array.isArray(raw)) return undefined;
    const out: Arg[] = [];
    for (const x of raw) {
      const a = x as Partial<Arg>;
      if (typeof a?.channel !== 'string' || typeof a.instId !== 'string') {
        c.send(JSON.stringify({ event: 'error', code: '60012', msg: `Invalid request: ${JSON.stringify(x)}`, connId: `sim${c.id}` }));
        return undefined;
      }
      out.push({ channel: a.channel, instId: a.instId });
    }
    return out;
  };
  return {
    venue: 'okx',
    paths: ['/ws/v5/public'],
    route(frame: string): Route | null {
      if (!frame.startsWith('{"arg":{"channel":"')) return null;
      if (!frame.includes('"data":[')) return null;
      const c0 = 19;
      const channel = frame.slice(c0, frame.indexOf('"', c0));
      const i = frame.indexOf('"instId":"');
      if (i < 0) return null;
      const instId = frame.slice(i + 10, frame.indexOf('"', i + 10));
      return { key: `${channel}:${instId}`, symbol: instId, book: channel.startsWith('books') };
    },
    onMessage(c, text, m) {
      if (text === 'ping') {
        c.send('pong');
        return;
      }
      let req: { op?: unknown; args?: unknown };
      try {
        req = JSON.parse(text) as typeof req;
      } catch {
        c.send(JSON.stringify({ event: 'error', code: '60012', msg: `Invalid request: ${text.slice(0, 100)}`, connId: `sim${c.id}` }));
        return;
      }
      const list = args(c, req.args);
      if (list === undefined) return;
      if (req.op === 'subscribe') {
        for (const a of list) {
          if (a.channel.startsWith('books') ? !m.known(keyOf(a)) : !m.knownSymbol(a.instId)) {
            c.send(JSON.stringify({ event: 'error', code: '60018', msg: `Wrong URL or channel:${a.channel},instId:${a.instId} doesn't exist (not in this recording)`, connId: `sim${c.id}` }));
            continue;
          }
          c.subs.add(keyOf(a));
          c.send(JSON.stringify({ event: 'subscribe', arg: a, connId: `sim${c.id}` }));
          if (a.channel.startsWith('books') && m.started(keyOf(a))) {
            const snap = snapshot(a, m);
            if (snap !== undefined) c.send(snap, true, a.instId);
          }
        }
      } else if (req.op === 'unsubscribe') {
        for (const a of list) {
          c.subs.delete(keyOf(a));
          c.send(JSON.stringify({ event: 'unsubscribe', arg: a, connId: `sim${c.id}` }));
        }
      } else c.send(JSON.stringify({ event: 'error', code: '60012', msg: `Invalid request: unknown op ${JSON.stringify(req.op)}`, connId: `sim${c.id}` }));
    },
    shiftSeq(frame, by) {
      if (!frame.includes('"seqId":')) return undefined;
      return frame.replace(/"(seqId|prevSeqId)":(\d+)/g, (_a, k: string, n: string) => `"${k}":${Number(n) + by}`);
    },
    breakChecksum(frame) {
      if (!/"checksum":-?\d+/.test(frame)) return undefined;
      return frame.replace(/"checksum":(-?\d+)/, (_a, n: string) => `"checksum":${(Number(n) ^ 0x5a5a5a5a) | 0 || 1}`);
    },
  };
}
