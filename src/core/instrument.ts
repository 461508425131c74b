import { POW10, Scale } from './decimal.ts';
import { makeBookChange, type BookChange } from './events.ts';

/**
 * What lobkit knows about one instrument: its scales (growing as values arrive, or preset from the
 * venue's instrument metadata) and, where known, the venue's precision for checksums.
 */
export class Instrument {
  readonly price: Scale;
  readonly size: Scale;

  constructor(
    readonly venue: string,
    readonly symbol: string,
    priceDecimals = 0,
    sizeDecimals = 0,
  ) {
    this.price = new Scale(priceDecimals);
    this.size = new Scale(sizeDecimals);
  }
}

/** Per-source table of instruments, created on first sight. */
export class InstrumentTable {
  private readonly byVenue = new Map<string, Map<string, Instrument>>();

  get(venue: string, symbol: string): Instrument {
    let m = this.byVenue.get(venue);
    if (m === undefined) this.byVenue.set(venue, (m = new Map()));
    let inst = m.get(symbol);
    if (inst === undefined) {
      inst = new Instrument(venue, symbol);
      m.set(symbol, inst);
    }
    return inst;
  }

  all(): Instrument[] {
    const out: Instrument[] = [];
    for (const m of this.byVenue.values()) out.push(...m.values());
    return out;
  }
}

/**
 * Collects one message's level changes into the flat layout of `BookChange.levels`, parsing each
 * price and size exactly. If a value grows the instrument's scale mid-message, the rows already
 * collected are rescaled, so every row of one event shares the event's decimals.
 */
export class LevelBuilder {
  private buf = new Float64Array(256);
  private n = 0;
  nBids = 0;
  private inst!: Instrument;
  private pd = 0;
  private sd = 0;

  begin(inst: Instrument): void {
    this.inst = inst;
    this.n = 0;
    this.nBids = 0;
    this.pd = inst.price.decimals;
    this.sd = inst.size.decimals;
  }

  /** Adds one row. Bids must all be added before any ask. */
  add(isBid: boolean, price: string | number, size: string | number): void {
    const p = this.inst.price.toInt(price);
    if (this.inst.price.grew) this.regrow(0, this.inst.price.decimals - this.pd), (this.pd = this.inst.price.decimals);
    const s = this.inst.size.toInt(size);
    if (this.inst.size.grew) this.regrow(1, this.inst.size.decimals - this.sd), (this.sd = this.inst.size.decimals);
    this.push(isBid, p, s);
  }

  /** As `add`, reading price and size from character ranges of `src` (scanner fast paths). */
  addRange(isBid: boolean, src: string, ps: number, pe: number, ss: number, se: number): void {
    const p = this.inst.price.toIntRange(src, ps, pe);
    if (this.inst.price.grew) this.regrow(0, this.inst.price.decimals - this.pd), (this.pd = this.inst.price.decimals);
    const s = this.inst.size.toIntRange(src, ss, se);
    if (this.inst.size.grew) this.regrow(1, this.inst.size.decimals - this.sd), (this.sd = this.inst.size.decimals);
    this.push(isBid, p, s);
  }

  /** Price from a JSON string value starting at `start` (parsing stops at its closing quote: `parseStop()`). */
  priceAt(src: string, start: number): number {
    const p = this.inst.price.toIntAt(src, start);
    if (this.inst.price.grew) this.regrow(0, this.inst.price.decimals - this.pd), (this.pd = this.inst.price.decimals);
    return p;
  }

  sizeAt(src: string, start: number): number {
    const s = this.inst.size.toIntAt(src, start);
    if (this.inst.size.grew) this.regrow(1, this.inst.size.decimals - this.sd), (this.sd = this.inst.size.decimals);
    return s;
  }

  /** Adds a row of already scaled values (from `priceAt` / `sizeAt`, at the current decimals). */
  push(isBid: boolean, p: number, s: number): void {
    if (this.n + 2 > this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = p;
    this.buf[this.n++] = s;
    if (isBid) this.nBids++;
  }

  /**
   * Rescales the collected rows to at least these decimals (Kraken: a venue's wire precision,
   * which keeps trailing zeros that the scale drops).
   */
  widen(priceDecimals: number, sizeDecimals: number): void {
    if (priceDecimals > this.pd) this.regrow(0, priceDecimals - this.pd), (this.pd = priceDecimals);
    if (sizeDecimals > this.sd) this.regrow(1, sizeDecimals - this.sd), (this.sd = sizeDecimals);
  }

  /**
   * The collected rows as one BookChange (an exactly sized copy: the builder can begin the next
   * message at once). NaN sequences and checksum and depth 0 mean "none", as in `BookChange`;
   * `seq` is always given (a venue value is passed through as it is, even when missing).
   */
  event(
    venue: string,
    symbol: string,
    isSnapshot: boolean,
    exchTs: number,
    localTs: number,
    seq: number,
    firstSeq = NaN,
    prevSeq = NaN,
    checksum = NaN,
    depth = 0,
  ): BookChange {
    return makeBookChange(venue, symbol, isSnapshot, exchTs, localTs, this.take(), this.nBids, this.pd, this.sd, seq, firstSeq, prevSeq, checksum, depth);
  }

  private regrow(offset: number, by: number): void {
    const m = POW10[by];
    for (let i = offset; i < this.n; i += 2) this.buf[i] *= m;
  }

  get count(): number {
    return this.n >> 1;
  }

  /** Exactly sized copy of the collected rows. */
  take(): Float64Array {
    return this.buf.slice(0, this.n);
  }

  get priceDecimals(): number {
    return this.pd;
  }

  get sizeDecimals(): number {
    return this.sd;
  }
}
