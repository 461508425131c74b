import type { Trade } from '../core/events.ts';

/** An instrument's trades as columns (prices/sizes as floats: this is analysis data, not book state). */
export class TradeTape {
  ts = new Float64Array(1024);
  price = new Float64Array(1024);
  size = new Float64Array(1024);
  /** Aggressor: 0 buyer, 1 seller, -1 unknown (as Trade.aggressor). */
  side = new Int8Array(1024);
  n = 0;

  push(ts: number, price: number, size: number, side: number): void {
    if (this.n === this.ts.length) this.grow();
    const i = this.n++;
    this.ts[i] = ts;
    this.price[i] = price;
    this.size[i] = size;
    this.side[i] = side;
  }

  pushTrade(t: Trade, ts: number): void {
    this.push(ts, t.price / 10 ** t.priceDecimals, t.size / 10 ** t.sizeDecimals, t.aggressor);
  }

  private grow(): void {
    const cap = this.ts.length * 2;
    const f = (a: Float64Array) => {
      const o = new Float64Array(cap);
      o.set(a);
      return o;
    };
    this.ts = f(this.ts);
    this.price = f(this.price);
    this.size = f(this.size);
    const s = new Int8Array(cap);
    s.set(this.side);
    this.side = s;
  }

  /** Trades sorted by time (venues' trade and depth streams interleave; stable for equal times). */
  sorted(): TradeTape {
    let ok = true;
    for (let i = 1; i < this.n && ok; i++) if (this.ts[i] < this.ts[i - 1]) ok = false;
    if (ok) return this;
    const idx = Array.from({ length: this.n }, (_, i) => i).sort((a, b) => this.ts[a] - this.ts[b] || a - b);
    const out = new TradeTape();
    for (const i of idx) out.push(this.ts[i], this.price[i], this.size[i], this.side[i]);
    return out;
  }
}

/**
 * Volume-weighted mid return over the next N trades, in bps: the mid prevailing at each of the
 * next N trades after row i (strictly later), weighted by the trade's size, against row i's mid.
 * The end time is the N-th trade's. O(1) per row with prefix sums.
 */
export function vwapMidReturns(ts: Float64Array, mid: Float64Array, bad: Int32Array, tape: TradeTape, N: number): { value: Float64Array; end: Float64Array } {
  const n = ts.length;
  const value = new Float64Array(n).fill(NaN);
  const end = new Float64Array(n).fill(NaN);
  const m = tape.n;
  if (n === 0 || m === 0) return { value, end };
  const base = mid[0] === mid[0] ? mid[0] : 0;
  const W = new Float64Array(m + 1);
  const WM = new Float64Array(m + 1);
  const rowAt = new Int32Array(m);
  let r = -1;
  for (let k = 0; k < m; k++) {
    const t = tape.ts[k];
    while (r + 1 < n && ts[r + 1] <= t) r++;
    rowAt[k] = r;
    const mk = r >= 0 ? mid[r] : NaN;
    const w = tape.size[k];
    W[k + 1] = W[k] + w;
    WM[k + 1] = WM[k] + (mk === mk ? w * (mk - base) : 0);
  }
  let a = 0;
  for (let i = 0; i < n; i++) {
    while (a < m && tape.ts[a] <= ts[i]) a++;
    const b = a + N - 1;
    if (b >= m) break;
    const last = rowAt[b];
    if (last < i || bad[last + 1] - bad[i] > 0) continue;
    const w = W[b + 1] - W[a];
    if (!(w > 0)) continue;
    value[i] = (((WM[b + 1] - WM[a]) / w + base) / mid[i] - 1) * 1e4;
    end[i] = tape.ts[b];
  }
  return { value, end };
}
