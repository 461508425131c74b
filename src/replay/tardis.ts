import { InputError } from '../core/errors.ts';
import { bboEvent, bboValueAt } from '../core/bbo.ts';
import { decimalsOf } from '../core/decimal.ts';
import { ASK, BID, makeTrade, type BookChange, type MarketEvent } from '../core/events.ts';
import { LevelBuilder, type Instrument, type InstrumentTable } from '../core/instrument.ts';
import type { FormatDef, OpenContext } from './formats.ts';
import { readLines } from './lines.ts';
import { badLine, type FileReport } from './report.ts';

/**
 * tardis.dev CSV datasets (plain or gzip), told apart by their header line:
 * `incremental_book_L2`, `trades`, `book_snapshot_N` and `quotes`. Timestamps are epoch µs
 * (scaled to ns); `local_timestamp` is tardis' receive time and becomes `localTs`. The venue is
 * `tardis:<exchange column>` (not a registry venue: the engine uses generic sync rules for it)
 * unless one is forced.
 */

const TARDIS_HEADER = 'exchange,symbol,timestamp,local_timestamp,';

type Kind = 'incremental_book_L2' | 'trades' | 'book_snapshot' | 'quotes';

/** A row problem, named by the column it is in. */
class FieldError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function kindOf(cols: string[]): Kind | undefined {
  const has = (c: string) => cols.includes(c);
  if (has('is_snapshot') && has('side') && has('price') && has('amount')) return 'incremental_book_L2';
  if (has('id') && has('side') && has('price') && has('amount')) return 'trades';
  if (has('asks[0].price') && has('bids[0].price')) return 'book_snapshot';
  if (has('ask_price') && has('bid_price') && has('ask_amount') && has('bid_amount')) return 'quotes';
  return undefined;
}

function col(cols: string[], name: string): number {
  const i = cols.indexOf(name);
  if (i < 0) throw new Error(`missing column ${name}`);
  return i;
}

/**
 * One CSV line split in place: field boundaries only, so fields that are compared or parsed as
 * numbers are never copied out (tardis files run to hundreds of millions of rows).
 */
class CsvRow {
  line = '';
  n = 0;
  private readonly starts: Int32Array;

  constructor(readonly cols: number) {
    this.starts = new Int32Array(cols + 2);
  }

  /** Splits `line`; returns its number of fields (stops counting past cols + 1). */
  set(line: string): number {
    this.line = line;
    const st = this.starts;
    const max = this.cols + 1;
    let k = 0;
    st[k++] = 0;
    let i = line.indexOf(',');
    while (i !== -1 && k < max) {
      st[k++] = i + 1;
      i = line.indexOf(',', i + 1);
    }
    if (i !== -1) k++;
    this.n = k;
    if (k <= max) st[k] = line.length + 1;
    return k;
  }

  get(i: number): string {
    return this.line.slice(this.starts[i], this.starts[i + 1] - 1);
  }

  len(i: number): number {
    return this.starts[i + 1] - 1 - this.starts[i];
  }

  is(i: number, s: string): boolean {
    return this.len(i) === s.length && this.line.startsWith(s, this.starts[i]);
  }

  /** Epoch µs → ns. Empty → NaN when `optional`. */
  micros(i: number, field: string, optional: boolean): number {
    const a = this.starts[i];
    const b = this.starts[i + 1] - 1;
    if (a === b) {
      if (optional) return NaN;
      throw new FieldError('empty timestamp', field);
    }
    let v = 0;
    for (let j = a; j < b; j++) {
      const c = this.line.charCodeAt(j);
      if (c < 48 || c > 57) throw new FieldError(`not an integer µs timestamp: ${JSON.stringify(this.get(i))}`, field);
      v = v * 10 + (c - 48);
    }
    return v * 1000;
  }
}

function checkDecimal(s: string, field: string): void {
  try {
    decimalsOf(s);
  } catch {
    throw new FieldError(`not a decimal number: ${JSON.stringify(s)}`, field);
  }
}

/** Per-file reader state shared by the four kinds. */
class TardisReader {
  private readonly lb = new LevelBuilder();
  // last exchange/symbol seen, so unchanged cells are compared in place, not copied ('\0': none yet)
  private lastExchange = '\0';
  private lastVenue = '';
  private lastSymbol = '\0';
  readonly cols: string[];
  readonly kind: Kind;
  private readonly iExchange: number;
  private readonly iSymbol: number;
  private readonly iTs: number;
  private readonly iLocal: number;
  // incremental_book_L2 group being collected: one venue message (rows with the same local_timestamp)
  private gOpen = false;
  private gSymbol = '';
  private gVenue = '';
  private gSnapshot = false;
  private gFlag = false;
  private gLocal = 0;
  private gExch = 0;
  private gLine = 0;
  private readonly gBid: string[] = [];
  private readonly gAsk: string[] = [];
  /** Last is_snapshot flag per symbol: a snapshot starts where it flips to true. */
  private readonly lastFlag = new Map<string, boolean>();
  // column indexes per kind (incremental: is_snapshot, side, price, amount; trades: id, side,
  // price, amount; quotes: bid_price, bid_amount, ask_price, ask_amount)
  private readonly i1: number;
  private readonly i2: number;
  private readonly i3: number;
  private readonly i4: number;
  /** book_snapshot_N: N. */
  private readonly depth: number;
  /** book_snapshot_N: [bidPrice, bidAmount] column pairs, then ask pairs, level 0 first. */
  private readonly bidCols: number[] = [];
  private readonly askCols: number[] = [];

  constructor(
    private readonly path: string,
    header: string,
    private readonly instruments: InstrumentTable,
    private readonly forcedVenue: string | undefined,
    private readonly report: FileReport,
  ) {
    this.cols = header.split(',');
    const kind = kindOf(this.cols);
    if (kind === undefined) throw new InputError(`tardis CSV with unsupported columns (${this.cols.slice(4).join(',').slice(0, 80)}); supported: incremental_book_L2, trades, book_snapshot_N, quotes`, { file: path, line: 1 });
    this.kind = kind;
    const c = this.cols;
    this.iExchange = col(c, 'exchange');
    this.iSymbol = col(c, 'symbol');
    this.iTs = col(c, 'timestamp');
    this.iLocal = col(c, 'local_timestamp');
    this.i1 = this.i2 = this.i3 = this.i4 = this.depth = -1;
    if (kind === 'incremental_book_L2') {
      this.i1 = col(c, 'is_snapshot');
      this.i2 = col(c, 'side');
      this.i3 = col(c, 'price');
      this.i4 = col(c, 'amount');
    } else if (kind === 'trades') {
      this.i1 = col(c, 'id');
      this.i2 = col(c, 'side');
      this.i3 = col(c, 'price');
      this.i4 = col(c, 'amount');
    } else if (kind === 'quotes') {
      this.i1 = col(c, 'bid_price');
      this.i2 = col(c, 'bid_amount');
      this.i3 = col(c, 'ask_price');
      this.i4 = col(c, 'ask_amount');
    } else {
      for (let i = 0; c.includes(`bids[${i}].price`) || c.includes(`asks[${i}].price`); i++) {
        this.bidCols.push(col(c, `bids[${i}].price`), col(c, `bids[${i}].amount`));
        this.askCols.push(col(c, `asks[${i}].price`), col(c, `asks[${i}].amount`));
      }
      this.depth = this.bidCols.length >> 1;
    }
  }

  private venue(f: CsvRow): string {
    if (this.forcedVenue !== undefined) return this.forcedVenue;
    if (!f.is(this.iExchange, this.lastExchange)) {
      if (f.len(this.iExchange) === 0) throw new FieldError('empty exchange', 'exchange');
      this.lastExchange = f.get(this.iExchange);
      this.lastVenue = 'tardis:' + this.lastExchange;
    }
    return this.lastVenue;
  }

  private symbol(f: CsvRow): string {
    if (!f.is(this.iSymbol, this.lastSymbol)) {
      if (f.len(this.iSymbol) === 0) throw new FieldError('empty symbol', 'symbol');
      this.lastSymbol = f.get(this.iSymbol);
    }
    return this.lastSymbol;
  }

  /** Parses one data row (already split) and pushes what it completes onto `out`. */
  row(f: CsvRow, lineNo: number, out: MarketEvent[]): void {
    const exchTs = f.micros(this.iTs, 'timestamp', true);
    const localTs = f.micros(this.iLocal, 'local_timestamp', false);
    const symbol = this.symbol(f);
    const venue = this.venue(f);
    switch (this.kind) {
      case 'incremental_book_L2':
        return this.incremental(f, venue, symbol, exchTs, localTs, lineNo, out);
      case 'trades':
        return this.trade(f, venue, symbol, exchTs, localTs, out);
      case 'quotes':
        return this.quote(f, venue, symbol, exchTs, localTs, out);
      case 'book_snapshot':
        return this.snapshot(f, venue, symbol, exchTs, localTs, lineNo, out);
    }
  }

  private incremental(f: CsvRow, venue: string, symbol: string, exchTs: number, localTs: number, lineNo: number, out: MarketEvent[]): void {
    const flag = f.is(this.i1, 'true') ? true : f.is(this.i1, 'false') ? false : undefined;
    if (flag === undefined) throw new FieldError(`expected true or false, got ${JSON.stringify(f.get(this.i1))}`, 'is_snapshot');
    const isBid = f.is(this.i2, 'bid') ? true : f.is(this.i2, 'ask') ? false : undefined;
    if (isBid === undefined) throw new FieldError(`expected bid or ask, got ${JSON.stringify(f.get(this.i2))}`, 'side');
    const price = f.get(this.i3);
    const amount = f.get(this.i4);
    checkDecimal(price, 'price');
    checkDecimal(amount, 'amount');
    // One BookChange per venue message: rows with the same local_timestamp and flag. A run of
    // snapshot rows is one snapshot even when it spans several local timestamps (tardis: a new
    // snapshot starts where is_snapshot flips from false to true).
    if (this.gOpen && (symbol !== this.gSymbol || venue !== this.gVenue || flag !== this.gFlag || (!flag && localTs !== this.gLocal))) this.flush(out);
    if (!this.gOpen) {
      this.gOpen = true;
      this.gSymbol = symbol;
      this.gVenue = venue;
      this.gFlag = flag;
      // Snapshot rows continuing an unfinished run of this symbol (interleaved with another symbol) add levels.
      const key = venue + ':' + symbol;
      this.gSnapshot = flag && this.lastFlag.get(key) !== true;
      this.lastFlag.set(key, flag);
      this.gLocal = localTs;
      this.gExch = exchTs;
      this.gLine = lineNo;
    }
    const g = isBid ? this.gBid : this.gAsk;
    g.push(price, amount);
  }

  /** Emits the collected group as one BookChange (bids first). */
  flush(out: MarketEvent[]): void {
    if (!this.gOpen) return;
    this.gOpen = false;
    const inst = this.instruments.get(this.gVenue, this.gSymbol);
    const lb = this.lb;
    try {
      lb.begin(inst);
      const b = this.gBid;
      for (let i = 0; i < b.length; i += 2) lb.add(true, b[i], b[i + 1]);
      const a = this.gAsk;
      for (let i = 0; i < a.length; i += 2) lb.add(false, a[i], a[i + 1]);
    } catch (e) {
      badLine(this.report, this.gLine, `book message starting here: ${(e as Error).message}`);
      return;
    } finally {
      this.gBid.length = 0;
      this.gAsk.length = 0;
    }
    out.push(this.located(lb.event(this.gVenue, inst.symbol, this.gSnapshot, this.gExch, this.gLocal, NaN), this.gLine));
  }

  private located(ev: BookChange, line: number): BookChange {
    ev.where = { file: this.path, line };
    return ev;
  }

  /** `book_snapshot_N`: every row is the whole top N; empty cells are missing levels. */
  private snapshot(f: CsvRow, venue: string, symbol: string, exchTs: number, localTs: number, lineNo: number, out: MarketEvent[]): void {
    const inst = this.instruments.get(venue, symbol);
    const lb = this.lb;
    lb.begin(inst);
    this.levels(f, this.bidCols, true);
    this.levels(f, this.askCols, false);
    out.push(this.located(lb.event(venue, inst.symbol, true, exchTs, localTs, NaN, NaN, NaN, NaN, this.depth), lineNo));
  }

  private levels(f: CsvRow, cols: number[], isBid: boolean): void {
    for (let i = 0; i < cols.length; i += 2) {
      const p = f.get(cols[i]);
      const s = f.get(cols[i + 1]);
      if (p.length === 0 && s.length === 0) continue;
      if (p.length === 0 || s.length === 0) throw new FieldError('price and amount must both be given or both be empty', this.cols[cols[p.length === 0 ? i : i + 1]]);
      checkDecimal(p, this.cols[cols[i]]);
      checkDecimal(s, this.cols[cols[i + 1]]);
      this.lb.add(isBid, p, s);
    }
  }

  private trade(f: CsvRow, venue: string, symbol: string, exchTs: number, localTs: number, out: MarketEvent[]): void {
    const aggressor = f.is(this.i2, 'buy') ? BID : f.is(this.i2, 'sell') ? ASK : f.is(this.i2, 'unknown') ? -1 : undefined;
    if (aggressor === undefined) throw new FieldError(`expected buy, sell or unknown, got ${JSON.stringify(f.get(this.i2))}`, 'side');
    const inst = this.instruments.get(venue, symbol);
    const price = toInt(inst, true, f.get(this.i3), 'price');
    const size = toInt(inst, false, f.get(this.i4), 'amount');
    out.push(makeTrade(venue, symbol, exchTs, localTs, price, size, inst.price.decimals, inst.size.decimals, aggressor, f.get(this.i1)));
  }

  /** `quotes` → Bbo (no update id). An empty side (no quote) is NaN. */
  private quote(f: CsvRow, venue: string, symbol: string, exchTs: number, localTs: number, out: MarketEvent[]): void {
    const inst = this.instruments.get(venue, symbol);
    const bp = f.get(this.i1);
    const bs = f.get(this.i2);
    const ap = f.get(this.i3);
    const as = f.get(this.i4);
    try {
      out.push(bboEvent(inst, venue, symbol, exchTs, localTs, bp || NaN, bs || NaN, ap || NaN, as || NaN, NaN));
    } catch (e) {
      throw new FieldError((e as Error).message, QUOTE_FIELDS[bboValueAt()]);
    }
  }
}

/** `quotes` columns, indexed by `bboValueAt()` (BBO_BID_PRICE, BBO_BID_SIZE, BBO_ASK_PRICE, BBO_ASK_SIZE). */
const QUOTE_FIELDS = ['bid_price', 'bid_amount', 'ask_price', 'ask_amount'];

function toInt(inst: Instrument, price: boolean, s: string, field: string): number {
  if (s.length === 0) throw new FieldError('empty value', field);
  try {
    return (price ? inst.price : inst.size).toInt(s);
  } catch (e) {
    throw new FieldError((e as Error).message, field);
  }
}

async function* readTardis(path: string, ctx: OpenContext): AsyncGenerator<MarketEvent[]> {
  const report = ctx.report;
  let reader: TardisReader | undefined;
  let ncols = 0;
  let row: CsvRow | undefined;
  for await (const batch of readLines(path, ctx.onBytes)) {
    const out: MarketEvent[] = [];
    const lines = batch.lines;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const lineNo = batch.firstLine + i;
      report.lines++;
      if (reader === undefined) {
        if (!line.startsWith(TARDIS_HEADER)) throw new InputError('expected a tardis CSV header (exchange,symbol,timestamp,local_timestamp,...)', { file: path, line: lineNo });
        try {
          reader = new TardisReader(path, line, ctx.instruments, ctx.venue, report);
        } catch (e) {
          throw e instanceof InputError ? e : new InputError(`bad tardis CSV header: ${(e as Error).message}`, { file: path, line: lineNo });
        }
        ncols = reader.cols.length;
        row = new CsvRow(ncols);
        report.control++;
        continue;
      }
      if (line.length === 0) continue;
      const k = row!.set(line);
      if (k !== ncols) {
        badLine(report, lineNo, `expected ${ncols} columns, got ${k > ncols + 1 ? `more than ${ncols + 1}` : k}`);
        continue;
      }
      report.frames++;
      try {
        reader.row(row!, lineNo, out);
      } catch (e) {
        badLine(report, lineNo, (e as Error).message, e instanceof FieldError ? e.field : undefined);
      }
    }
    if (out.length > 0) yield out;
  }
  if (reader !== undefined) {
    const out: MarketEvent[] = [];
    reader.flush(out);
    if (out.length > 0) yield out;
  }
}

/** The `exchange` column of the first data row, for the report. */
function exchangeOf(head: string[]): string | undefined {
  const row = head[1];
  if (row === undefined) return undefined;
  const c = row.indexOf(',');
  return c > 0 ? row.slice(0, c) : undefined;
}

export const tardisFormat: FormatDef = {
  id: 'tardis',
  sniff: (_path, head) => (head[0] ?? '').startsWith(TARDIS_HEADER),
  venueOf(_path, head, ctx) {
    if (ctx.venue) return ctx.venue;
    const ex = exchangeOf(head);
    return ex === undefined ? undefined : 'tardis:' + ex;
  },
  open: (path, _head, ctx) => readTardis(path, ctx),
};
