import type { Bbo, BookChange } from '../core/events.ts';

/** Test helper: a BookChange from integer levels (decimals 0 unless given). */
export function change(p: {
  snapshot?: boolean;
  bids?: [number, number][];
  asks?: [number, number][];
  seq?: number;
  first?: number;
  prev?: number;
  checksum?: number;
  depth?: number;
  venue?: string;
  symbol?: string;
  ts?: number;
  priceDecimals?: number;
  sizeDecimals?: number;
}): BookChange {
  const bids = p.bids ?? [];
  const asks = p.asks ?? [];
  const levels = new Float64Array(2 * (bids.length + asks.length));
  let k = 0;
  for (const [px, sz] of [...bids, ...asks]) {
    levels[k++] = px;
    levels[k++] = sz;
  }
  return {
    type: 'book_change',
    venue: p.venue ?? 'binance-spot',
    symbol: p.symbol ?? 'TEST',
    exchTs: p.ts ?? 0,
    localTs: p.ts ?? 0,
    isSnapshot: p.snapshot ?? false,
    nBids: bids.length,
    nAsks: asks.length,
    levels,
    priceDecimals: p.priceDecimals ?? 0,
    sizeDecimals: p.sizeDecimals ?? 0,
    seq: p.seq ?? NaN,
    firstSeq: p.first ?? NaN,
    prevSeq: p.prev ?? NaN,
    checksum: p.checksum ?? NaN,
    depth: p.depth ?? 0,
  };
}

export function bbo(seq: number, bid: [number, number], ask: [number, number], symbol = 'TEST', venue = 'binance-spot'): Bbo {
  return { type: 'bbo', venue, symbol, exchTs: 0, localTs: 0, bidPrice: bid[0], bidSize: bid[1], askPrice: ask[0], askSize: ask[1], priceDecimals: 0, sizeDecimals: 0, seq };
}
