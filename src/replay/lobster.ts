import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, formatWhere } from '../core/errors.ts';
import { ASK, BID, makeBookChange, makeTrade, type BookChange, type MarketEvent } from '../core/events.ts';
import type { FormatDef, OpenContext } from './formats.ts';
import { readLines, type LineBatch } from './lines.ts';
import { badLine, type FileReport } from './report.ts';

/**
 * LOBSTER (lobsterdata.com) message + orderbook file pairs, e.g.
 * `AAPL_2012-06-21_34200000_57600000_message_10.csv` with `..._orderbook_10.csv` (row k of the
 * orderbook file is the top N after message k). Prices are integer 1e-4 dollars (scaled integers
 * with 4 decimals), sizes are shares.
 *
 * Time: seconds after midnight (up to 9 decimals) of the date in the file name, in the
 * exchange's zone, America/New_York. The UTC offset is taken from the IANA zone for that date
 * (noon local, away from the 2 a.m. DST switch): EDT, UTC-4, for 2012-06-21. There is no receive
 * time, so `localTs` = `exchTs`.
 *
 * LOBSTER's message file only holds events inside the requested N levels: whatever happens deeper
 * is not in it. So the book is reconstructed from the messages for the price range the previous
 * orderbook row covered (best to level N, or the whole side when it had fewer than N levels), and:
 *  - start: the book before message 1 is orderbook row 1 with message 1 undone (one snapshot);
 *  - levels that enter the top N from deeper than that range (a level uncovered when the top
 *    depletes) come from the orderbook row: they are emitted as a separate BookChange located at
 *    the orderbook file's row (a "level seed"). A level that left the top N and comes back is
 *    seeded again, because it may have changed unseen (it does in the sample: 1160 shares at
 *    587.65 vanish outside the top 10 without a message);
 *  - levels pushed below level N are dropped (`depth` N on every BookChange);
 *  - after every message the top N is compared with the orderbook row; a difference is a bad
 *    line plus a Gap, and the book restarts from that row (a snapshot). Never silently copied.
 */

const NAME = /^(.+)_(\d{4})-(\d{2})-(\d{2})_(\d+)_(\d+)_(message|orderbook)_(\d+)\.csv(\.gz)?$/;
const TIME_ZONE = 'America/New_York';
/** LOBSTER's placeholder prices for empty levels (with size 0). */
const EMPTY_ASK = 9999999999;
const EMPTY_BID = -9999999999;
const PRICE_DECIMALS = 4;

interface LobsterName {
  symbol: string;
  date: string;
  levels: number;
  kind: 'message' | 'orderbook';
}

export function parseLobsterName(path: string): LobsterName | undefined {
  const m = NAME.exec(basename(path));
  if (!m) return undefined;
  return { symbol: m[1], date: `${m[2]}-${m[3]}-${m[4]}`, levels: Number(m[8]), kind: m[7] as 'message' | 'orderbook' };
}

/** The orderbook file belonging to a message file (same compression if present, else the other). */
function orderbookOf(path: string): string {
  const base = basename(path).replace('_message_', '_orderbook_');
  const plain = join(dirname(path), base.replace(/\.gz$/, ''));
  const gz = plain + '.gz';
  if (base.endsWith('.gz')) return existsSync(gz) || !existsSync(plain) ? gz : plain;
  return existsSync(plain) || !existsSync(gz) ? plain : gz;
}

/** Epoch ns of local midnight of `date` (YYYY-MM-DD) in `timeZone`. */
export function midnightNs(date: string, timeZone = TIME_ZONE): number {
  const [y, mo, d] = date.split('-').map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) throw new Error(`not a date: ${date}`);
  const noonUtc = Date.UTC(y, mo - 1, d, 12);
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(noonUtc).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!m) throw new Error(`cannot tell the UTC offset of ${timeZone} on ${date} (${name})`);
  const offsetMin = m[1] === undefined ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return (Date.UTC(y, mo - 1, d) - offsetMin * 60_000) * 1e6;
}

class RowError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function int(s: string, field: string): number {
  const n = s.length;
  let i = n > 0 && s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) throw new RowError(`not an integer: ${JSON.stringify(s)}`, field);
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) throw new RowError(`not an integer: ${JSON.stringify(s)}`, field);
  }
  return Number(s);
}

/** "34200.004241176" → ns after midnight (exact: < 2^53). */
function secondsNs(s: string): number {
  const dot = s.indexOf('.');
  const whole = int(dot < 0 ? s : s.slice(0, dot), 'time');
  let frac = 0;
  if (dot >= 0) {
    const f = s.slice(dot + 1);
    if (f.length === 0 || f.length > 9) throw new RowError(`expected seconds with 1 to 9 decimals, got ${JSON.stringify(s)}`, 'time');
    frac = int(f, 'time') * 10 ** (9 - f.length);
  }
  if (whole < 0) throw new RowError(`negative time ${JSON.stringify(s)}`, 'time');
  return whole * 1e9 + frac;
}

/** One side of the reconstructed top of book, best first, plus the range it is complete for. */
class Side {
  readonly px: Float64Array;
  readonly sz: Float64Array;
  n = 0;
  /** Deepest price up to which this side is known completely; NaN: the whole side. */
  bound = NaN;

  constructor(
    readonly isBid: boolean,
    cap: number,
  ) {
    this.px = new Float64Array(cap);
    this.sz = new Float64Array(cap);
  }

  inRange(p: number): boolean {
    const b = this.bound;
    return b !== b || (this.isBid ? p >= b : p <= b);
  }

  get(p: number): number {
    for (let i = 0; i < this.n; i++) if (this.px[i] === p) return this.sz[i];
    return 0;
  }

  /** Sets the size at a price (0 removes). */
  set(p: number, s: number): void {
    const px = this.px;
    const sz = this.sz;
    let i = 0;
    while (i < this.n && (this.isBid ? px[i] > p : px[i] < p)) i++;
    if (i < this.n && px[i] === p) {
      if (s !== 0) sz[i] = s;
      else {
        px.copyWithin(i, i + 1, this.n);
        sz.copyWithin(i, i + 1, this.n);
        this.n--;
      }
      return;
    }
    if (s === 0) return;
    if (this.n === px.length) throw new Error('side overflow');
    px.copyWithin(i + 1, i, this.n);
    sz.copyWithin(i + 1, i, this.n);
    px[i] = p;
    sz[i] = s;
    this.n++;
  }

  /** Keeps the best `depth` levels; what is dropped leaves the known range. */
  truncate(depth: number): void {
    if (this.n > depth) {
      this.n = depth;
      this.bound = this.px[depth - 1];
    }
  }
}

/** Line-at-a-time access to a file's line batches, awaiting only to refill. */
class Cursor {
  private lines: string[] = [];
  private i = 0;
  private first = 1;
  private done = false;
  line = 0;

  constructor(private readonly it: AsyncGenerator<LineBatch>) {}

  /** The next non-empty line, or undefined at the end. */
  async next(): Promise<string | undefined> {
    for (;;) {
      while (this.i < this.lines.length) {
        const l = this.lines[this.i++];
        if (l.length > 0) {
          this.line = this.first + this.i - 1;
          return l;
        }
      }
      if (this.done) return undefined;
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        return undefined;
      }
      this.lines = r.value.lines;
      this.first = r.value.firstLine;
      this.i = 0;
    }
  }
}

interface Msg {
  ts: number;
  type: number;
  id: string;
  size: number;
  price: number;
  dir: number;
}

function parseMessage(line: string, dayNs: number): Msg {
  const f = line.split(',');
  if (f.length !== 6) throw new RowError(`expected 6 columns (time,type,order id,size,price,direction), got ${f.length}`, 'columns');
  const type = int(f[1], 'type');
  if (type < 1 || type > 7) throw new RowError(`unknown event type ${type}`, 'type');
  const dir = int(f[5], 'direction');
  if (dir !== 1 && dir !== -1) throw new RowError(`direction must be 1 or -1, got ${dir}`, 'direction');
  const size = int(f[3], 'size');
  if (size < 0) throw new RowError(`negative size ${size}`, 'size');
  int(f[2], 'order id');
  return { ts: dayNs + secondsNs(f[0]), type, id: f[2], size, price: int(f[4], 'price'), dir };
}

/** Signed change of visible size at the message's price. */
function visibleDelta(m: Msg): number {
  if (m.type === 1) return m.size;
  if (m.type === 2 || m.type === 3 || m.type === 4) return -m.size;
  return 0;
}

class LobsterReader {
  private readonly bids: Side;
  private readonly asks: Side;
  /** Current orderbook row: [askP, askS, bidP, bidS] per level. */
  private readonly row: Float64Array;
  private readonly rowBids: Float64Array;
  private readonly rowAsks: Float64Array;
  private nRowBids = 0;
  private nRowAsks = 0;
  /** Book state unknown (bad line or mismatch): restart from the next good orderbook row. */
  private resync = false;
  private started = false;

  constructor(
    private readonly msgPath: string,
    private readonly obPath: string,
    private readonly venue: string,
    private readonly symbol: string,
    private readonly depth: number,
    private readonly report: FileReport,
  ) {
    // room for a full row of seeds on top of a full side before truncation (inconsistent data)
    this.bids = new Side(true, 2 * depth + 2);
    this.asks = new Side(false, 2 * depth + 2);
    this.row = new Float64Array(4 * depth);
    this.rowBids = new Float64Array(2 * depth);
    this.rowAsks = new Float64Array(2 * depth);
  }

  /** A bad orderbook row, located in the orderbook file but counted in the message file's report. */
  obBad(line: number, reason: string, field?: string): void {
    const r = this.report;
    r.badLines++;
    if (r.examples.length < 10) r.examples.push(formatWhere({ file: this.obPath, line, field }) + reason);
  }

  /** Parses an orderbook row into rowBids/rowAsks (best first, placeholder levels cut off). */
  parseRow(line: string): void {
    const f = line.split(',');
    const n = 4 * this.depth;
    if (f.length !== n) throw new RowError(`expected ${n} columns, got ${f.length}`, 'columns');
    for (let i = 0; i < n; i++) {
      const v = int(f[i], `column ${i + 1}`);
      if ((i & 1) === 1 && v < 0) throw new RowError(`negative size ${v}`, `column ${i + 1}`);
      this.row[i] = v;
    }
    this.nRowAsks = this.cut(0, EMPTY_ASK, this.rowAsks);
    this.nRowBids = this.cut(2, EMPTY_BID, this.rowBids);
  }

  private cut(off: number, empty: number, out: Float64Array): number {
    let k = 0;
    for (let i = 0; i < this.depth; i++) {
      const p = this.row[4 * i + off];
      const s = this.row[4 * i + off + 1];
      if (p === empty) break;
      out[2 * k] = p;
      out[2 * k + 1] = s;
      k++;
    }
    return k;
  }

  private load(side: Side, lv: Float64Array, n: number): void {
    side.n = 0;
    for (let i = 0; i < n; i++) side.set(lv[2 * i], lv[2 * i + 1]);
    side.bound = n === this.depth ? lv[2 * (n - 1)] : NaN;
  }

  private change(levels: Float64Array, nBids: number, isSnapshot: boolean, ts: number, file: string, line: number): BookChange {
    const ev = makeBookChange(this.venue, this.symbol, isSnapshot, ts, ts, levels, nBids, PRICE_DECIMALS, 0, NaN, NaN, NaN, NaN, this.depth);
    ev.where = { file, line };
    return ev;
  }

  private sideSnapshot(): Float64Array {
    const b = this.bids;
    const a = this.asks;
    const lv = new Float64Array(2 * (b.n + a.n));
    for (let i = 0; i < b.n; i++) (lv[2 * i] = b.px[i]), (lv[2 * i + 1] = b.sz[i]);
    for (let i = 0; i < a.n; i++) (lv[2 * (b.n + i)] = a.px[i]), (lv[2 * (b.n + i) + 1] = a.sz[i]);
    return lv;
  }

  /** The book before message 1: orderbook row 1 with message 1 undone (false if that is impossible). */
  start(m: Msg, out: MarketEvent[], line: number): boolean {
    this.load(this.bids, this.rowBids, this.nRowBids);
    this.load(this.asks, this.rowAsks, this.nRowAsks);
    this.started = true;
    const d = visibleDelta(m);
    const side = m.dir === 1 ? this.bids : this.asks;
    let undone = true;
    if (d !== 0 && side.inRange(m.price)) {
      const before = side.get(m.price) - d;
      if (before < 0) undone = false;
      else side.set(m.price, before);
    }
    side.truncate(this.depth);
    if (!undone) {
      this.load(this.bids, this.rowBids, this.nRowBids);
      this.load(this.asks, this.rowAsks, this.nRowAsks);
    }
    out.push(this.change(this.sideSnapshot(), this.bids.n, true, m.ts, this.obPath, line));
    return undone;
  }

  /** Applies message `m` (undefined: a bad line) and checks the book against its orderbook row. */
  message(m: Msg | undefined, out: MarketEvent[], line: number, obLine: number, obOk: boolean, applyDelta: boolean, ts: number): void {
    if (m !== undefined) {
      if (m.type === 4 || m.type === 5 || m.type === 6) {
        // the message's direction is the resting order's; the aggressor is the other side
        out.push(makeTrade(this.venue, this.symbol, m.ts, m.ts, m.price, m.size, PRICE_DECIMALS, 0, m.type === 6 ? -1 : m.dir === 1 ? ASK : BID, m.id));
      } else if (m.type === 7) {
        this.report.control++; // trading halt / quoting / resume: no book change
      }
    }
    if (m === undefined) this.gap(ts, `bad LOBSTER message line ${line}`, out);
    else if (applyDelta && !this.resync) {
      const d = visibleDelta(m);
      const side = m.dir === 1 ? this.bids : this.asks;
      if (d !== 0 && side.inRange(m.price)) {
        const size = side.get(m.price) + d;
        if (size < 0) {
          badLine(this.report, line, `removes ${m.size} at ${m.price} where the book holds ${side.get(m.price)}`);
          this.gap(ts, 'LOBSTER message removes more than the level holds', out);
        } else {
          side.set(m.price, size);
          side.truncate(this.depth);
          const lv = new Float64Array(2);
          lv[0] = m.price;
          lv[1] = size;
          out.push(this.change(lv, m.dir === 1 ? 1 : 0, false, m.ts, this.msgPath, line));
        }
      }
    }
    if (!obOk) {
      this.gap(ts, `bad LOBSTER orderbook row ${obLine}`, out);
      return;
    }
    if (this.resync) {
      this.restart(ts, obLine, out);
      return;
    }
    this.seed(ts, obLine, out);
    const diff = this.compare();
    if (diff !== undefined) {
      badLine(this.report, line, `book after this message differs from orderbook row ${obLine}: ${diff}`);
      this.gap(ts, `book differs from LOBSTER orderbook row ${obLine}`, out);
      this.restart(ts, obLine, out);
    }
  }

  /** Levels of the row deeper than the range known so far enter from the orderbook file. */
  private seed(ts: number, line: number, out: MarketEvent[]): void {
    let nb = 0;
    let na = 0;
    for (let i = 0; i < this.nRowBids; i++) if (!this.bids.inRange(this.rowBids[2 * i])) nb++;
    for (let i = 0; i < this.nRowAsks; i++) if (!this.asks.inRange(this.rowAsks[2 * i])) na++;
    if (nb + na > 0) {
      const lv = new Float64Array(2 * (nb + na));
      let k = 0;
      for (let i = 0; i < this.nRowBids; i++) {
        const p = this.rowBids[2 * i];
        if (!this.bids.inRange(p)) (lv[k++] = p), (lv[k++] = this.rowBids[2 * i + 1]);
      }
      for (let i = 0; i < this.nRowAsks; i++) {
        const p = this.rowAsks[2 * i];
        if (!this.asks.inRange(p)) (lv[k++] = p), (lv[k++] = this.rowAsks[2 * i + 1]);
      }
      for (let i = 0; i < nb; i++) this.bids.set(lv[2 * i], lv[2 * i + 1]);
      for (let i = nb; i < nb + na; i++) this.asks.set(lv[2 * i], lv[2 * i + 1]);
      this.bids.truncate(this.depth);
      this.asks.truncate(this.depth);
      out.push(this.change(lv, nb, false, ts, this.obPath, line));
    }
    this.bids.bound = this.nRowBids === this.depth ? this.rowBids[2 * (this.depth - 1)] : NaN;
    this.asks.bound = this.nRowAsks === this.depth ? this.rowAsks[2 * (this.depth - 1)] : NaN;
  }

  private compare(): string | undefined {
    return diffSide('bid', this.bids, this.rowBids, this.nRowBids) ?? diffSide('ask', this.asks, this.rowAsks, this.nRowAsks);
  }

  private gap(ts: number, reason: string, out: MarketEvent[]): void {
    if (this.resync) return; // already waiting to restart
    this.resync = true;
    out.push({ type: 'gap', venue: this.venue, symbol: this.symbol, exchTs: ts, localTs: ts, reason, expected: NaN, received: NaN });
  }

  /** Restarts the book from the current orderbook row (after a bad line or a mismatch). */
  private restart(ts: number, line: number, out: MarketEvent[]): void {
    this.load(this.bids, this.rowBids, this.nRowBids);
    this.load(this.asks, this.rowAsks, this.nRowAsks);
    this.resync = false;
    out.push(this.change(this.sideSnapshot(), this.bids.n, true, ts, this.obPath, line));
  }

  get isStarted(): boolean {
    return this.started;
  }
}

function diffSide(name: string, s: Side, lv: Float64Array, n: number): string | undefined {
  const m = Math.max(s.n, n);
  for (let i = 0; i < m; i++) {
    const bp = i < s.n ? s.px[i] : NaN;
    const bs = i < s.n ? s.sz[i] : NaN;
    const rp = i < n ? lv[2 * i] : NaN;
    const rs = i < n ? lv[2 * i + 1] : NaN;
    if (bp !== rp || bs !== rs) return `${name} level ${i + 1}: book ${i < s.n ? `${bs}@${bp}` : 'none'}, file ${i < n ? `${rs}@${rp}` : 'none'}`;
  }
  return undefined;
}

async function* readLobster(path: string, ctx: OpenContext): AsyncGenerator<MarketEvent[]> {
  const name = parseLobsterName(path);
  if (name === undefined) throw new InputError('not a LOBSTER file name (TICKER_YYYY-MM-DD_START_END_message_N.csv)', { file: path });
  if (name.kind === 'orderbook') throw new InputError(`a LOBSTER orderbook file is read with its message file: pass ${basename(path).replace('_orderbook_', '_message_')}`, { file: path });
  const obPath = orderbookOf(path);
  if (!existsSync(obPath)) throw new InputError(`LOBSTER message file without its orderbook file ${obPath}`, { file: path });
  if (!(name.levels > 0 && name.levels <= 200)) throw new InputError(`unsupported number of levels ${name.levels}`, { file: path });
  const report = ctx.report;
  const venue = ctx.venue ?? 'lobster';
  const inst = ctx.instruments.get(venue, name.symbol);
  if (inst.price.decimals < PRICE_DECIMALS) inst.price.decimals = inst.price.wireDecimals = PRICE_DECIMALS;
  let dayNs: number;
  try {
    dayNs = midnightNs(name.date);
  } catch (e) {
    throw new InputError(`bad date in the file name: ${(e as Error).message}`, { file: path });
  }
  const reader = new LobsterReader(path, obPath, venue, name.symbol, name.levels, report);
  const ob = new Cursor(readLines(obPath));
  let lastTs = NaN;
  for await (const batch of readLines(path, ctx.onBytes)) {
    const out: MarketEvent[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.lines[i];
      report.lines++;
      if (line.length === 0) continue;
      const lineNo = batch.firstLine + i;
      let m: Msg | undefined;
      try {
        m = parseMessage(line, dayNs);
        report.frames++;
        lastTs = m.ts;
      } catch (e) {
        badLine(report, lineNo, (e as Error).message, e instanceof RowError ? e.field : undefined);
      }
      const obLine = await ob.next();
      if (obLine === undefined) throw new InputError(`the orderbook file ends before this message (${ob.line} rows)`, { file: path, line: lineNo });
      let obOk = true;
      try {
        reader.parseRow(obLine);
      } catch (e) {
        obOk = false;
        reader.obBad(ob.line, (e as Error).message, e instanceof RowError ? e.field : undefined);
      }
      let apply = true;
      if (!reader.isStarted) {
        if (m === undefined || !obOk) continue; // start at the first good pair
        apply = reader.start(m, out, ob.line);
      }
      reader.message(m, out, lineNo, ob.line, obOk, apply, m?.ts ?? lastTs);
    }
    if (out.length > 0) yield out;
  }
  if ((await ob.next()) !== undefined) throw new InputError('the orderbook file has more rows than the message file', { file: obPath, line: ob.line });
}

export const lobsterFormat: FormatDef = {
  id: 'lobster',
  sniff: (path) => parseLobsterName(path) !== undefined,
  venueOf: (_path, _head, ctx) => ctx.venue ?? 'lobster',
  open: (path, _head, ctx) => readLobster(path, ctx),
  companion(path) {
    const n = parseLobsterName(path);
    return n?.kind === 'message' ? orderbookOf(path) : undefined;
  },
};
