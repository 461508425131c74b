/**
 * One side of an L2 book as two parallel sorted typed arrays (price, size). The levels occupy
 * `[lo, lo + n)` of the arrays with free room on both ends, best level LAST (`prices[lo + n - 1]`):
 * bids are kept ascending, asks descending. An insert or delete shifts whichever part is shorter
 * (toward the touch or toward the deep end), so both the updates near the touch and the far-book
 * churn of full-depth feeds move few elements. Prices and sizes are scaled integers held exactly
 * in float64.
 */
export class BookSide {
  prices: Float64Array;
  sizes: Float64Array;
  /** Index of the deepest level in `prices` / `sizes`. */
  lo: number;
  n = 0;
  /** Index of the last level found or inserted: the next search starts there (see `find`). */
  private hint: number;

  constructor(
    /** true for bids (ascending storage), false for asks (descending storage). */
    readonly isBid: boolean,
    capacity = 1024,
  ) {
    if (capacity < 4) capacity = 4;
    this.prices = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity);
    this.lo = this.hint = capacity >> 1;
  }

  clear(): void {
    this.n = 0;
    this.lo = this.hint = this.prices.length >> 1;
  }

  /**
   * Array index of `price` if present, else `-(insertionIndex) - 1`. Storage order: bids
   * ascending, asks descending; searching with a sign flip keeps one monomorphic loop.
   * A venue message lists its levels in price order, so consecutive lookups land near each other:
   * the search gallops out from the previous result (O(log distance)) and then bisects, which
   * costs a fraction of a full binary search over thousands of levels.
   */
  find(price: number): number {
    const p = this.prices;
    const sign = this.isBid ? 1 : -1;
    const key = price * sign;
    const L = this.lo;
    const H = L + this.n;
    if (H === L) return -L - 1;
    let h = this.hint;
    if (h >= H) h = H - 1;
    else if (h < L) h = L;
    const vh = p[h] * sign;
    if (vh === key) return h;
    // [lo, hi) brackets the answer: every element before lo is < key, every element from hi on is > key
    let lo: number;
    let hi: number;
    if (vh < key) {
      lo = h + 1;
      let step = 1;
      hi = lo + step;
      while (hi < H && p[hi - 1] * sign < key) {
        lo = hi;
        step <<= 1;
        hi = lo + step;
      }
      if (hi > H) hi = H;
    } else {
      hi = h;
      let step = 1;
      lo = hi - step;
      while (lo > L && p[lo] * sign > key) {
        hi = lo;
        step <<= 1;
        lo = hi - step;
      }
      if (lo < L) lo = L;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = p[mid] * sign;
      if (v < key) lo = mid + 1;
      else if (v > key) hi = mid;
      else {
        this.hint = mid;
        return mid;
      }
    }
    this.hint = lo;
    return -lo - 1;
  }

  /**
   * Sets the size at a price; size 0 removes the level. Returns the size the level had before
   * (0 if it did not exist: a removal that returns 0 found nothing to remove).
   */
  set(price: number, size: number): number {
    const i = this.find(price);
    const p = this.prices;
    const s = this.sizes;
    if (i >= 0) {
      const prev = s[i];
      if (size !== 0) {
        s[i] = size;
        return prev;
      }
      const L = this.lo;
      const H = L + this.n;
      if (i - L < H - 1 - i) {
        // closer to the deep end: move the deeper levels up by one
        if (i > L) {
          p.copyWithin(L + 1, L, i);
          s.copyWithin(L + 1, L, i);
        }
        this.lo = L + 1;
      } else if (i < H - 1) {
        p.copyWithin(i, i + 1, H);
        s.copyWithin(i, i + 1, H);
      }
      this.n--;
      return prev;
    }
    if (size === 0) return 0;
    let at = -i - 1;
    const L = this.lo;
    const H = L + this.n;
    const down = at - L < H - at; // move the deeper part down (else the part toward the touch up)
    if (down ? L === 0 : H === p.length) {
      this.recenter();
      return this.set(price, size);
    }
    if (down) {
      if (at > L) {
        p.copyWithin(L - 1, L, at);
        s.copyWithin(L - 1, L, at);
      }
      this.lo = L - 1;
      at--;
    } else if (at < H) {
      p.copyWithin(at + 1, at, H);
      s.copyWithin(at + 1, at, H);
    }
    p[at] = price;
    s[at] = size;
    this.n++;
    this.hint = at;
    return 0;
  }

  /** Moves the levels to the middle of the arrays (doubling them when over half full). */
  private recenter(): void {
    const n = this.n;
    let cap = this.prices.length;
    if (2 * n + 16 > cap) cap *= 2;
    const lo = (cap - n) >> 1;
    if (cap === this.prices.length) {
      this.prices.copyWithin(lo, this.lo, this.lo + n);
      this.sizes.copyWithin(lo, this.lo, this.lo + n);
    } else {
      const p = new Float64Array(cap);
      const s = new Float64Array(cap);
      p.set(this.prices.subarray(this.lo, this.lo + n), lo);
      s.set(this.sizes.subarray(this.lo, this.lo + n), lo);
      this.prices = p;
      this.sizes = s;
    }
    this.lo = this.hint = lo;
  }

  /** Keeps only the `depth` best levels (venues that maintain a fixed depth, e.g. Kraken). */
  truncate(depth: number): void {
    const n = this.n;
    if (n <= depth) return;
    this.lo += n - depth;
    this.n = depth;
  }

  /** Multiplies stored prices (column 0) or sizes (column 1) by `m` (scale growth). */
  scale(column: 0 | 1, m: number): void {
    const a = column === 0 ? this.prices : this.sizes;
    const end = this.lo + this.n;
    for (let i = this.lo; i < end; i++) a[i] *= m;
  }

  /** Price of the i-th best level (0 = best). */
  price(i: number): number {
    return this.prices[this.lo + this.n - 1 - i];
  }

  size(i: number): number {
    return this.sizes[this.lo + this.n - 1 - i];
  }

  /** Copies another side's levels (same layout). */
  copyFrom(from: BookSide): void {
    const n = from.n;
    const cap = from.prices.length;
    if (this.prices.length !== cap) {
      this.prices = new Float64Array(cap);
      this.sizes = new Float64Array(cap);
    }
    const lo = from.lo;
    this.prices.set(from.prices.subarray(lo, lo + n), lo);
    this.sizes.set(from.sizes.subarray(lo, lo + n), lo);
    this.lo = this.hint = lo;
    this.n = n;
  }

  /** True if storage order holds strictly (used by integrity self-checks). */
  isOrdered(): boolean {
    const sign = this.isBid ? 1 : -1;
    const end = this.lo + this.n;
    for (let i = this.lo + 1; i < end; i++) if (this.prices[i] * sign <= this.prices[i - 1] * sign) return false;
    return true;
  }
}
