import type { MarketEvent } from '../core/events.ts';

const OUT_BATCH = 4096;

/**
 * K-way merge of event-batch streams by `localTs` (ties keep stream order). Each stream must be
 * non-decreasing in local time for the result to be; a stream that steps back is still merged,
 * its events taken in its own order.
 */
export async function* mergeByTime(streams: AsyncGenerator<MarketEvent[]>[]): AsyncGenerator<MarketEvent[]> {
  const k = streams.length;
  const cur: (MarketEvent[] | null)[] = new Array(k).fill(null);
  const pos = new Int32Array(k);
  let live = 0;
  for (let i = 0; i < k; i++) {
    const r = await streams[i].next();
    if (!r.done) {
      cur[i] = r.value;
      live++;
    }
  }
  let out: MarketEvent[] = [];
  while (live > 0) {
    let best = -1;
    let bestTs = Infinity;
    for (let i = 0; i < k; i++) {
      const b = cur[i];
      if (b !== null) {
        const ts = b[pos[i]].localTs;
        if (ts < bestTs || best === -1) {
          bestTs = ts;
          best = i;
        }
      }
    }
    const b = cur[best]!;
    out.push(b[pos[best]++]);
    if (pos[best] >= b.length) {
      pos[best] = 0;
      let r = await streams[best].next();
      while (!r.done && r.value.length === 0) r = await streams[best].next();
      if (r.done) {
        cur[best] = null;
        live--;
      } else cur[best] = r.value;
    }
    if (out.length >= OUT_BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}
