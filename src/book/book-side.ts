/**
 * One side of an L2 book as two parallel sorted typed arrays (price, size), best level at the END,
 * so the updates that dominate real traffic (near the touch) shift only a few elements. Bids are
 * kept ascending, asks descending: in both cases the best price is `prices[n - 1]`.
 * Prices and sizes are scaled integers held exactly in float64.
 */
export class BookSide {
  prices: Float64Array;
  sizes: Float64Array;
  n = 0;

  constructor(
    /** true for bids (ascending storage), false for asks (descending storage). */
    readonly isBid: boolean,
    capacity = 1024,
  ) {
    this.prices = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity);
  }

  clear(): void {
    this.n = 0;
  }

  /** Index of the last level found or inserted: the next search starts there (see `find`). */
  private hint = 0;

  /**
   * Index of `price` if present, else `-(insertionPoint) - 1`. Storage order: bids ascending,
   * asks descending; searching with a sign flip keeps one monomorphic loop.
   * A venue message lists its levels in price order, so consecutive lookups land near each other:
   * the search gallops out from the previous result (O(log distance)) and then bisects, which
   * costs a fraction of a full binary search over thousands of levels.
   */
  find(price: number): number {
    const p = this.prices;
    const sign = this.isBid ? 1 : -1;
    const key = price * sign;
    const n = this.n;
    if (n === 0) return -1;
    let h = this.hint;
    if (h >= n) h = n - 1;
    const vh = p[h] * sign;
    if (vh === key) return h;
    // [lo, hi) brackets the answer: every element before lo is < key, every element from hi on is > key
    let lo: number;
    let hi: number;
    if (vh < key) {
      lo = h + 1;
      let step = 1;
      hi = lo + step;
      while (hi < n && p[hi - 1] * sign < key) {
        lo = hi;
        step <<= 1;
        hi = lo + step;
      }
      if (hi > n) hi = n;
    } else {
      hi = h;
      let step = 1;
      lo = hi - step;
      while (lo > 0 && p[lo] * sign > key) {
        hi = lo;
        step <<= 1;
        lo = hi - step;
      }
      if (lo < 0) lo = 0;
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
    if (i >= 0) {
      const prev = this.sizes[i];
      if (size === 0) {
        const n = this.n;
        if (i < n - 1) {
          this.prices.copyWithin(i, i + 1, n);
          this.sizes.copyWithin(i, i + 1, n);
        }
        this.n = n - 1;
      } else {
        this.sizes[i] = size;
      }
      return prev;
    }
    if (size === 0) return 0;
    const at = -i - 1;
    const n = this.n;
    if (n === this.prices.length) this.grow();
    if (at < n) {
      this.prices.copyWithin(at + 1, at, n);
      this.sizes.copyWithin(at + 1, at, n);
    }
    this.prices[at] = price;
    this.sizes[at] = size;
    this.n = n + 1;
    return 0;
  }

  private grow(): void {
    const cap = this.prices.length * 2;
    const p = new Float64Array(cap);
    const s = new Float64Array(cap);
    p.set(this.prices);
    s.set(this.sizes);
    this.prices = p;
    this.sizes = s;
  }

  /** Keeps only the `depth` best levels (venues that maintain a fixed depth, e.g. Kraken). */
  truncate(depth: number): void {
    const n = this.n;
    if (n <= depth) return;
    const from = n - depth;
    this.prices.copyWithin(0, from, n);
    this.sizes.copyWithin(0, from, n);
    this.n = depth;
  }

  /** Multiplies stored prices (column 0) or sizes (column 1) by `m` (scale growth). */
  scale(column: 0 | 1, m: number): void {
    const a = column === 0 ? this.prices : this.sizes;
    for (let i = 0; i < this.n; i++) a[i] *= m;
  }

  /** Price of the i-th best level (0 = best). */
  price(i: number): number {
    return this.prices[this.n - 1 - i];
  }

  size(i: number): number {
    return this.sizes[this.n - 1 - i];
  }

  /** True if storage order holds strictly (used by integrity self-checks). */
  isOrdered(): boolean {
    const sign = this.isBid ? 1 : -1;
    for (let i = 1; i < this.n; i++) if (this.prices[i] * sign <= this.prices[i - 1] * sign) return false;
    return true;
  }
}
