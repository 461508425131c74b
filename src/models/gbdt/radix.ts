/**
 * Sorts finite/infinite doubles (no NaN) ascending with an LSD radix sort on their IEEE-754 bits
 * (the high 32-bit word in two passes of 16 bits, then each run of equal high words, short on
 * continuous data, by comparison), several times faster than Float64Array.prototype.sort on the
 * long columns bin finding sorts. Keys are mapped so unsigned order equals numeric order (negative:
 * flip all bits; positive: flip the sign bit); −0 sorts just before +0.
 */
export function radixSortFloat64(a: Float64Array, scratch?: RadixScratch): Float64Array {
  const n = a.length;
  if (n < 2048) return a.slice().sort();
  const sc = scratch ?? new RadixScratch();
  sc.reserve(n);
  // little-endian: lo word at 2i, hi at 2i + 1 (read through a view of a's own bytes)
  const src = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  let lo = sc.lo;
  let hi = sc.hi;
  for (let i = 0; i < n; i++) {
    const h = src[2 * i + 1];
    const l = src[2 * i];
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
  let lo2 = sc.lo2;
  let hi2 = sc.hi2;
  const count = sc.count;
  // Two passes of 16 bits on the high word (sign, exponent, top 20 mantissa bits) carrying the low word;
  // runs of equal high words, short on continuous data, are then finished by a comparison sort.
  for (let pass = 0; pass < 2; pass++) {
    const shift = pass * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(hi[i] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const j = count[(hi[i] >>> shift) & 0xffff]++;
      lo2[j] = lo[i];
      hi2[j] = hi[i];
    }
    let t = lo;
    lo = lo2;
    lo2 = t;
    t = hi;
    hi = hi2;
    hi2 = t;
  }
  const out = scratch ? sc.out.subarray(0, n) : new Float64Array(n);
  const ow = new Uint32Array(out.buffer, out.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    if (h & 0x80000000) {
      ow[2 * i + 1] = (h & 0x7fffffff) >>> 0;
      ow[2 * i] = lo[i];
    } else {
      ow[2 * i + 1] = ~h >>> 0;
      ow[2 * i] = ~lo[i] >>> 0;
    }
  }
  for (let a = 0; a < n; ) {
    const h = hi[a];
    let b = a + 1;
    let sorted = true;
    for (; b < n && hi[b] === h; b++) if (out[b] < out[b - 1]) sorted = false;
    if (!sorted) out.subarray(a, b).sort();
    a = b;
  }
  return out;
}

/**
 * Reusable buffers for radixSortFloat64 (one per thread): sorting many columns then allocates
 * nothing. With a scratch, the result is a view of `out`, valid until the next sort.
 */
export class RadixScratch {
  lo = new Uint32Array(0);
  hi = new Uint32Array(0);
  lo2 = new Uint32Array(0);
  hi2 = new Uint32Array(0);
  out = new Float64Array(0);
  readonly count = new Int32Array(65536);

  reserve(n: number): void {
    if (this.lo.length >= n) return;
    this.lo = new Uint32Array(n);
    this.hi = new Uint32Array(n);
    this.lo2 = new Uint32Array(n);
    this.hi2 = new Uint32Array(n);
    this.out = new Float64Array(n);
  }
}
