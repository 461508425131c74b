/**
 * Min-heap of (time, seq) → int32 payload on parallel typed arrays (no allocation per push once
 * grown). `seq` breaks ties so that equal times pop in insertion order, which makes the
 * simulation deterministic.
 */
export class EventHeap {
  private time: Float64Array;
  private seq: Float64Array;
  private val: Int32Array;
  size = 0;

  constructor(capacity = 256) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.val = new Int32Array(capacity);
  }

  push(time: number, seq: number, val: number): void {
    if (this.size === this.time.length) this.grow();
    let i = this.size++;
    const t = this.time;
    const s = this.seq;
    const v = this.val;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (t[p] < time || (t[p] === time && s[p] < seq)) break;
      t[i] = t[p];
      s[i] = s[p];
      v[i] = v[p];
      i = p;
    }
    t[i] = time;
    s[i] = seq;
    v[i] = val;
  }

  /** Time of the top (Infinity when empty). */
  topTime(): number {
    return this.size > 0 ? this.time[0] : Infinity;
  }

  topSeq(): number {
    return this.size > 0 ? this.seq[0] : Infinity;
  }

  /** Removes the top and returns its payload (call only when size > 0). */
  pop(): number {
    const t = this.time;
    const s = this.seq;
    const v = this.val;
    const out = v[0];
    const n = --this.size;
    if (n === 0) return out;
    const lt = t[n];
    const ls = s[n];
    const lv = v[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (t[r] < t[c] || (t[r] === t[c] && s[r] < s[c]))) c = r;
      if (lt < t[c] || (lt === t[c] && ls < s[c])) break;
      t[i] = t[c];
      s[i] = s[c];
      v[i] = v[c];
      i = c;
    }
    t[i] = lt;
    s[i] = ls;
    v[i] = lv;
    return out;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap);
    const s = new Float64Array(cap);
    const v = new Int32Array(cap);
    t.set(this.time);
    s.set(this.seq);
    v.set(this.val);
    this.time = t;
    this.seq = s;
    this.val = v;
  }
}
