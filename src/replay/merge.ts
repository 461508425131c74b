import type { MarketEvent } from '../core/events.ts';

const OUT_BATCH = 4096;

/**
 * K-way merge of event-batch streams by `localTs` (ties keep stream order). Each stream must be
 * non-decreasing in local time for the result to be; a stream that steps back is still merged,
 * its events taken in its own order. Closing the merged stream early closes every input.
 */
export async function* mergeByTime(streams: AsyncGenerator<MarketEvent[]>[]): AsyncGenerator<MarketEvent[]> {
  const k = streams.length;
  const cur: (MarketEvent[] | null)[] = new Array(k).fill(null);
  const pos = new Int32Array(k);
  const nextBatch = async (i: number): Promise<MarketEvent[] | null> => {
    let r = await streams[i].next();
    while (!r.done && r.value.length === 0) r = await streams[i].next();
    return r.done ? null : r.value;
  };
  try {
    let live = 0;
    for (let i = 0; i < k; i++) {
      cur[i] = await nextBatch(i);
      if (cur[i] !== null) live++;
    }
    let out: MarketEvent[] = [];
    while (live > 0) {
      // The stream with the earliest head, and the earliest head among the others: the chosen
      // stream's events are emitted in a run until they pass that second time.
      let best = -1;
      let bestTs = Infinity;
      let second = -1;
      let secondTs = Infinity;
      for (let i = 0; i < k; i++) {
        const b = cur[i];
        if (b === null) continue;
        const ts = b[pos[i]].localTs;
        if (best === -1 || ts < bestTs) {
          second = best;
          secondTs = bestTs;
          best = i;
          bestTs = ts;
        } else if (second === -1 || ts < secondTs) {
          second = i;
          secondTs = ts;
        }
      }
      const b = cur[best]!;
      let p = pos[best];
      const tieOk = second === -1 || best < second;
      do {
        out.push(b[p++]);
      } while (p < b.length && (b[p].localTs < secondTs || (tieOk && b[p].localTs === secondTs)));
      pos[best] = p;
      if (p >= b.length) {
        pos[best] = 0;
        cur[best] = await nextBatch(best);
        if (cur[best] === null) live--;
      }
      if (out.length >= OUT_BATCH) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  } finally {
    for (let i = 0; i < k; i++) if (cur[i] !== null) await streams[i].return(undefined);
  }
}
