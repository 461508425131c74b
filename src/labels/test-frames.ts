import { Frame } from '../core/frame.ts';

/**
 * Test helper: a frame with the base columns of a feature frame from times in seconds and mids
 * (bid/ask = mid ∓ halfSpread, sizes 1, valid 1 unless listed in `invalid`).
 */
export function midFrame(tsSec: number[], mid: number[], opts: { halfSpread?: number; invalid?: number[]; meta?: Record<string, string> } = {}): Frame {
  const n = tsSec.length;
  const hs = opts.halfSpread ?? 0.5;
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  const inv = new Set(opts.invalid ?? []);
  return new Frame(
    ['ts', 'local_ts', 'warm', 'valid', 'bid', 'ask', 'bid_size', 'ask_size', 'mid'],
    [
      col((i) => Math.round(tsSec[i] * 1e9)),
      col((i) => Math.round(tsSec[i] * 1e9) + 1e6),
      col(() => 1),
      col((i) => (inv.has(i) ? 0 : 1)),
      col((i) => mid[i] - hs),
      col((i) => mid[i] + hs),
      col(() => 1),
      col(() => 1),
      col((i) => mid[i]),
    ],
    n,
    { venue: 'synthetic', symbol: 'TEST', ...opts.meta },
  );
}
