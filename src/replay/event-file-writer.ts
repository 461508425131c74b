// Writes a lobkit-events file (layout: event-file-layout.ts, spec: docs/event-file.md).

import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.ts';
import type { MarketEvent, SourcePos } from '../core/events.ts';
import { EVENT_FILE_FORMAT, EVENT_FILE_VERSION, CHUNK_MAGIC, CHUNK_HEADER, HEADER_RESERVE, MIN_NEWLINES, DEFAULT_CHUNK_BYTES, T_BOOK, T_TRADE, T_BBO, T_FUNDING, T_GAP, T_DISCONNECT, F_WHERE, F_SNAPSHOT, F_NUMERIC_ID, crc32, pad8, numericId, type EventFileHeader } from './event-file-layout.ts';

export interface EventFileWriterOptions {
  /** Input files the events came from (kept in the header). */
  sources?: string[];
  /** Replace an existing file at `path`. */
  overwrite?: boolean;
  /** Target payload bytes per chunk (tests force tiny chunks). */
  chunkBytes?: number;
}

export interface EventFileSummary {
  path: string;
  bytes: number;
  events: number;
  chunks: number;
}

/**
 * Streams events to a lobkit-events file: records accumulate in one growing Float64Array and a
 * per-chunk string table, and each full chunk is written out. Writes go to `path.partial`,
 * renamed to `path` by `close()`.
 */
export class EventFileWriter {
  private fd: number;
  private readonly partial: string;
  private readonly header: EventFileHeader;
  private readonly chunkSlots: number;
  private buf = new Float64Array(1 << 14);
  private w = 0;
  private records = 0;
  private strings: string[] = [];
  private stringIds = new Map<string, number>();
  private pairIds = new Map<string, Map<string, number>>();
  private readonly instruments = new Map<string, Set<string>>();
  private offset: number;
  private chunkNo = 0;
  private events = 0;
  private readonly hdr = new DataView(new ArrayBuffer(CHUNK_HEADER));
  private closed = false;

  private constructor(
    readonly path: string,
    opts: EventFileWriterOptions,
  ) {
    if (existsSync(path) && !opts.overwrite) throw new UsageError(`${path} exists; pass --force to replace it`);
    this.partial = path + '.partial';
    this.chunkSlots = Math.max(1, Math.floor((opts.chunkBytes ?? DEFAULT_CHUNK_BYTES) / 8));
    this.header = { format: EVENT_FILE_FORMAT, version: EVENT_FILE_VERSION, created: new Date().toISOString(), sources: opts.sources ?? [], dataOffset: 0 };
    const probe = Buffer.byteLength(JSON.stringify({ ...this.header, dataOffset: 2 ** 40 }));
    this.header.dataOffset = pad8(probe + 1 + HEADER_RESERVE);
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(this.partial, 'w');
    } catch (e) {
      throw new UsageError(`cannot write ${this.partial}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    this.writeHeader(this.header);
    this.offset = this.header.dataOffset;
  }

  static open(path: string, opts: EventFileWriterOptions = {}): EventFileWriter {
    return new EventFileWriter(path, opts);
  }

  get eventCount(): number {
    return this.events;
  }

  write(ev: MarketEvent): void {
    const where = (ev as { where?: SourcePos }).where;
    const need = 16 + (ev.type === 'book_change' ? 2 * (ev.nBids + ev.nAsks) : 0);
    if (this.w + need > this.buf.length) this.grow(this.w + need);
    const b = this.buf;
    let p = this.w;
    const tagAt = p;
    let flags = 0;
    b[p + 1] = this.pair(ev.venue, ev.symbol);
    b[p + 2] = ev.exchTs;
    b[p + 3] = ev.localTs;
    p += 4;
    if (where !== undefined) {
      flags |= F_WHERE;
      b[p] = this.str(where.file);
      b[p + 1] = where.line;
      p += 2;
    }
    let type: number;
    switch (ev.type) {
      case 'book_change': {
        type = T_BOOK;
        if (ev.isSnapshot) flags |= F_SNAPSHOT;
        const n = 2 * (ev.nBids + ev.nAsks);
        b[p] = ev.nBids;
        b[p + 1] = ev.nAsks;
        b[p + 2] = decimals(ev.priceDecimals, ev.sizeDecimals);
        b[p + 3] = ev.seq;
        b[p + 4] = ev.firstSeq;
        b[p + 5] = ev.prevSeq;
        b[p + 6] = ev.checksum;
        b[p + 7] = ev.depth;
        p += 8;
        b.set(n === ev.levels.length ? ev.levels : ev.levels.subarray(0, n), p);
        p += n;
        break;
      }
      case 'trade': {
        type = T_TRADE;
        b[p] = ev.price;
        b[p + 1] = ev.size;
        b[p + 2] = decimals(ev.priceDecimals, ev.sizeDecimals);
        b[p + 3] = ev.aggressor;
        const num = numericId(ev.id);
        if (num >= 0) {
          flags |= F_NUMERIC_ID;
          b[p + 4] = num;
        } else b[p + 4] = this.str(ev.id);
        p += 5;
        break;
      }
      case 'bbo':
        type = T_BBO;
        b[p] = ev.bidPrice;
        b[p + 1] = ev.bidSize;
        b[p + 2] = ev.askPrice;
        b[p + 3] = ev.askSize;
        b[p + 4] = decimals(ev.priceDecimals, ev.sizeDecimals);
        b[p + 5] = ev.seq;
        p += 6;
        break;
      case 'funding':
        type = T_FUNDING;
        b[p] = ev.markPrice;
        b[p + 1] = ev.indexPrice;
        b[p + 2] = ev.fundingRate;
        b[p + 3] = ev.nextFundingTs;
        p += 4;
        break;
      case 'gap':
        type = T_GAP;
        b[p] = this.str(ev.reason);
        b[p + 1] = ev.expected;
        b[p + 2] = ev.received;
        p += 3;
        break;
      case 'disconnect':
        type = T_DISCONNECT;
        b[p] = this.str(ev.reason);
        p += 1;
        break;
      default:
        throw new Error(`event file: unknown event type ${JSON.stringify((ev as { type: unknown }).type)}`);
    }
    b[tagAt] = type | flags;
    this.w = p;
    this.records++;
    this.events++;
    if (this.w >= this.chunkSlots) this.flush();
  }

  /** Writes the last chunk and the final header, then renames `path.partial` to `path`. */
  close(extra: Record<string, unknown> = {}): EventFileSummary {
    if (this.closed) throw new Error('event file writer already closed');
    this.flush();
    const venues = new Set<string>();
    const instruments: string[] = [];
    for (const [v, syms] of this.instruments) {
      venues.add(v);
      for (const s of syms) instruments.push(`${v}:${s}`);
    }
    const final: EventFileHeader = { ...this.header, ...extra, complete: true, events: this.events, chunks: this.chunkNo, venues: [...venues].sort(), instruments: instruments.sort() };
    // The totals must fit the room reserved at open: drop the long lists rather than fail.
    if (!this.fits(final)) delete final.instruments;
    if (!this.fits(final)) delete final.venues;
    for (const k of Object.keys(extra)) if (!this.fits(final)) delete final[k];
    this.writeHeader(final);
    closeSync(this.fd);
    this.closed = true;
    renameSync(this.partial, this.path);
    return { path: this.path, bytes: this.offset, events: this.events, chunks: this.chunkNo };
  }

  /** Stops writing and removes the partial file (an error elsewhere). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.partial, { force: true });
  }

  private fits(h: EventFileHeader): boolean {
    return Buffer.byteLength(JSON.stringify(h)) + 1 + MIN_NEWLINES <= this.header.dataOffset;
  }

  private writeHeader(h: EventFileHeader): void {
    const region = Buffer.alloc(this.header.dataOffset, 0x0a);
    region.write(JSON.stringify(h), 0, 'utf8');
    writeAll(this.fd, region, 0);
  }

  private grow(min: number): void {
    let cap = this.buf.length * 2;
    while (cap < min) cap *= 2;
    const nb = new Float64Array(cap);
    nb.set(this.buf.subarray(0, this.w));
    this.buf = nb;
  }

  private str(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  /** Venue and symbol as two consecutive string-table entries; the record keeps the first index. */
  private pair(venue: string, symbol: string): number {
    let m = this.pairIds.get(venue);
    if (m === undefined) this.pairIds.set(venue, (m = new Map()));
    let id = m.get(symbol);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(venue, symbol);
      m.set(symbol, id);
      let syms = this.instruments.get(venue);
      if (syms === undefined) this.instruments.set(venue, (syms = new Set()));
      syms.add(symbol);
    }
    return id;
  }

  private flush(): void {
    if (this.records === 0) return;
    const strBytes = Buffer.from(JSON.stringify(this.strings), 'utf8');
    const strPadded = pad8(strBytes.length);
    const body = Buffer.alloc(strPadded + 8 * this.w);
    strBytes.copy(body, 0);
    body.set(new Uint8Array(this.buf.buffer, 0, 8 * this.w), strPadded);
    const h = this.hdr;
    h.setUint32(0, CHUNK_MAGIC, true);
    h.setUint32(4, this.chunkNo, true);
    h.setUint32(8, this.records, true);
    h.setUint32(12, strBytes.length, true);
    h.setUint32(16, this.w, true);
    h.setUint32(20, crc32(body), true);
    h.setUint32(24, crc32(new Uint8Array(h.buffer, 0, 24)), true);
    h.setUint32(28, 0, true);
    writeAll(this.fd, new Uint8Array(h.buffer), this.offset);
    writeAll(this.fd, body, this.offset + CHUNK_HEADER);
    this.offset += CHUNK_HEADER + body.length;
    this.chunkNo++;
    this.w = 0;
    this.records = 0;
    this.strings = [];
    this.stringIds.clear();
    this.pairIds.clear();
  }
}

function decimals(pd: number, sd: number): number {
  if (!(pd >= 0 && pd < 256 && sd >= 0 && sd < 256 && Number.isInteger(pd) && Number.isInteger(sd))) throw new Error(`event file: decimals out of range (price ${pd}, size ${sd})`);
  return pd * 256 + sd;
}

function writeAll(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}

