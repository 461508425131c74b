import type { Scale } from './decimal.ts';
import { makeBbo, type Bbo } from './events.ts';
import type { Instrument } from './instrument.ts';

/**
 * Venue BBOs (tickers, bookTicker, quotes) parsed exactly onto the instrument's scales. Prices are
 * parsed bid then ask, sizes bid then ask, each value once; when the second value of a pair grows
 * the scale, the first is parsed again at the grown scale (rare: the first messages of a file), so
 * both share the event's decimals and the exact-range check applies at the final scale.
 */

export const BBO_BID_PRICE = 0;
export const BBO_BID_SIZE = 1;
export const BBO_ASK_PRICE = 2;
export const BBO_ASK_SIZE = 3;

// Which value is being parsed (module-level, as `parseStop`: no allocation per event).
let at = BBO_BID_PRICE;

/** The value (BBO_BID_PRICE ...) the last `bboEvent` parsed last: after it threw, the one that failed. */
export function bboValueAt(): number {
  return at;
}

/** A number NaN is an absent value (an empty quote side): its field is NaN. */
function value(s: Scale, v: string | number): number {
  return v !== v ? NaN : s.toInt(v);
}

/** Bbo from decimal strings or JSON numbers (NaN: absent). */
export function bboEvent(
  inst: Instrument,
  venue: string,
  symbol: string,
  exchTs: number,
  localTs: number,
  bidPrice: string | number,
  bidSize: string | number,
  askPrice: string | number,
  askSize: string | number,
  seq: number,
): Bbo {
  const px = inst.price;
  const sz = inst.size;
  at = BBO_BID_PRICE;
  let bp = value(px, bidPrice);
  let d = px.decimals;
  at = BBO_ASK_PRICE;
  const ap = value(px, askPrice);
  if (px.decimals !== d) (at = BBO_BID_PRICE), (bp = value(px, bidPrice));
  at = BBO_BID_SIZE;
  let bs = value(sz, bidSize);
  d = sz.decimals;
  at = BBO_ASK_SIZE;
  const as = value(sz, askSize);
  if (sz.decimals !== d) (at = BBO_BID_SIZE), (bs = value(sz, bidSize));
  return makeBbo(venue, symbol, exchTs, localTs, bp, bs, ap, as, px.decimals, sz.decimals, seq);
}

/** As `bboEvent`, each value read from the characters [start, end) of `src` (scanner fast paths). */
export function bboEventRange(
  inst: Instrument,
  venue: string,
  symbol: string,
  exchTs: number,
  localTs: number,
  src: string,
  bidPriceS: number,
  bidPriceE: number,
  bidSizeS: number,
  bidSizeE: number,
  askPriceS: number,
  askPriceE: number,
  askSizeS: number,
  askSizeE: number,
  seq: number,
): Bbo {
  const px = inst.price;
  const sz = inst.size;
  let bp = px.toIntRange(src, bidPriceS, bidPriceE);
  let d = px.decimals;
  const ap = px.toIntRange(src, askPriceS, askPriceE);
  if (px.decimals !== d) bp = px.toIntRange(src, bidPriceS, bidPriceE);
  let bs = sz.toIntRange(src, bidSizeS, bidSizeE);
  d = sz.decimals;
  const as = sz.toIntRange(src, askSizeS, askSizeE);
  if (sz.decimals !== d) bs = sz.toIntRange(src, bidSizeS, bidSizeE);
  return makeBbo(venue, symbol, exchTs, localTs, bp, bs, ap, as, px.decimals, sz.decimals, seq);
}
