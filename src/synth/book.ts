/**
 * The simulator's order book: one dense array of queue sizes (lots) indexed by absolute tick
 * minus `base`, covering a window of `width` ticks. Bids are the levels at or below `bestBid`,
 * asks at or above `bestAsk`; nothing sits in between. Every size change goes through `set`,
 * which also records which levels (per side) the current publication window touched, so the
 * window's diff is read off in O(changes).
 */
export class SimBook {
  readonly width: number;
  base: number;
  readonly q: Float64Array;
  /** One bit per tick: level occupied. Finding the next level skips 32 empty ticks per word (far books are sparse). */
  private readonly bits: Int32Array;
  bestBid = 0;
  bestAsk = 0;
  /** Occupied levels per side (0 bid, 1 ask). */
  readonly occupied = new Float64Array(2);

  /**
   * Levels touched per side in the current window (bit 1 << side): relative index and side. A
   * price can change sides within one window (a bid is taken out, then an ask is placed there):
   * each side's entry is published on its own.
   */
  private touched: Uint8Array;
  dirty: Int32Array;
  dirtySide: Uint8Array;
  nDirty = 0;

  constructor(width: number, base: number) {
    this.width = width;
    this.base = base;
    this.q = new Float64Array(width);
    this.bits = new Int32Array((width >> 5) + 1);
    this.touched = new Uint8Array(width);
    this.dirty = new Int32Array(1024);
    this.dirtySide = new Uint8Array(1024);
  }

  /** Size at absolute tick `p` (0 outside the window). */
  at(p: number): number {
    const i = p - this.base;
    return i >= 0 && i < this.width ? this.q[i] : 0;
  }

  /** Sets the size at absolute tick `p` of side `side` (0 bid, 1 ask); the caller keeps bests. */
  set(side: number, p: number, size: number): void {
    const i = p - this.base;
    const old = this.q[i];
    const bit = 1 << side;
    if ((this.touched[i] & bit) === 0) {
      this.touched[i] |= bit;
      if (this.nDirty === this.dirty.length) this.growDirty();
      this.dirty[this.nDirty] = i;
      this.dirtySide[this.nDirty] = side;
      this.nDirty++;
    }
    this.q[i] = size;
    if (old === 0) {
      if (size !== 0) {
        this.occupied[side]++;
        this.bits[i >> 5] |= 1 << (i & 31);
      }
    } else if (size === 0) {
      this.occupied[side]--;
      this.bits[i >> 5] &= ~(1 << (i & 31));
    }
  }

  private growDirty(): void {
    const d = new Int32Array(this.dirty.length * 2);
    d.set(this.dirty);
    this.dirty = d;
    const sd = new Uint8Array(this.dirtySide.length * 2);
    sd.set(this.dirtySide);
    this.dirtySide = sd;
  }

  /** Forgets the window's changes (after they were published). */
  clearDirty(): void {
    const t = this.touched;
    const d = this.dirty;
    for (let k = 0; k < this.nDirty; k++) t[d[k]] = 0;
    this.nDirty = 0;
  }

  /** Next occupied bid strictly below `p` (absolute), or NaN within `limit` ticks / the window. */
  nextBidBelow(p: number, limit: number): number {
    const bits = this.bits;
    let i = p - this.base - 1;
    const stop = Math.max(0, p - this.base - limit);
    while (i >= stop) {
      const n = i & 31;
      const w = bits[i >> 5] & (n === 31 ? -1 : (1 << (n + 1)) - 1);
      if (w !== 0) {
        const at = (i & ~31) + 31 - Math.clz32(w);
        return at >= stop ? at + this.base : NaN;
      }
      i = (i & ~31) - 1;
    }
    return NaN;
  }

  /** Next occupied ask strictly above `p` (absolute), or NaN. */
  nextAskAbove(p: number, limit: number): number {
    const bits = this.bits;
    let i = p - this.base + 1;
    const stop = Math.min(this.width - 1, p - this.base + limit);
    while (i <= stop) {
      const w = bits[i >> 5] & (-1 << (i & 31));
      if (w !== 0) {
        const at = (i & ~31) + 31 - Math.clz32(w & -w);
        return at <= stop ? at + this.base : NaN;
      }
      i = (i & ~31) + 32;
    }
    return NaN;
  }

  /**
   * Moves the window so that absolute tick `newBase` is index 0. Only call with no pending
   * changes (right after a publication) and after levels outside the new window were removed.
   */
  rebase(newBase: number): void {
    if (this.nDirty !== 0) throw new Error('SimBook.rebase with unpublished changes');
    const shift = newBase - this.base;
    if (shift === 0) return;
    const q = this.q;
    if (shift > 0) {
      q.copyWithin(0, shift);
      q.fill(0, Math.max(0, this.width - shift));
    } else {
      q.copyWithin(-shift, 0, this.width + shift);
      q.fill(0, 0, Math.min(this.width, -shift));
    }
    this.base = newBase;
    const bits = this.bits;
    bits.fill(0);
    for (let i = 0; i < this.width; i++) if (q[i] !== 0) bits[i >> 5] |= 1 << (i & 31);
  }
}
