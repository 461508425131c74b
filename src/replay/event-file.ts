// Reads lobkit-events files (layout: event-file-layout.ts, spec: docs/event-file.md) and registers the replay format.

import { open } from 'node:fs/promises';
import { InputError } from '../core/errors.ts';
import {
  makeBbo,
  makeBookChange,
  makeDisconnect,
  makeFunding,
  makeGap,
  makeTrade,
  type MarketEvent,
  type Side,
  type SourcePos,
} from '../core/events.ts';
import type { FormatDef } from './formats.ts';
import { CHUNK_MAGIC, CHUNK_HEADER, T_BOOK, T_TRADE, T_BBO, T_FUNDING, T_GAP, T_DISCONNECT, F_WHERE, F_SNAPSHOT, F_NUMERIC_ID, crc32, pad8, parseEventFileHeader, isEventFileHead, type EventFileHeader } from './event-file-layout.ts';

export { EventFileWriter, type EventFileSummary, type EventFileWriterOptions } from './event-file-writer.ts';
export { EVENT_FILE_EXT, EVENT_FILE_FORMAT, EVENT_FILE_VERSION, parseEventFileHeader, type EventFileHeader } from './event-file-layout.ts';

/** Reads and checks a file's header (the first line, up to 1 MiB). */
export async function readEventFileHeader(path: string): Promise<EventFileHeader> {
  const fh = await openForRead(path);
  try {
    return await headerOf(path, fh);
  } finally {
    await fh.close();
  }
}

type Handle = Awaited<ReturnType<typeof open>>;

async function openForRead(path: string): Promise<Handle> {
  try {
    return await open(path, 'r');
  } catch (e) {
    throw new InputError(`cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path });
  }
}

async function headerOf(path: string, fh: Handle): Promise<EventFileHeader> {
  const b = Buffer.alloc(1 << 20);
  const { bytesRead } = await fh.read(b, 0, b.length, 0);
  const nl = b.subarray(0, bytesRead).indexOf(0x0a);
  if (nl < 0) throw new InputError('not a lobkit-events file: no header line ending in a newline at byte offset 0', { file: path });
  return parseEventFileHeader(path, b.toString('utf8', 0, nl));
}

export interface ReadEventFileOptions {
  /** Bytes read so far (progress bars). */
  onBytes?: (n: number) => void;
  /** Records of each chunk decoded (report counts). */
  onChunk?: (records: number) => void;
}

/**
 * Streams a lobkit-events file as one MarketEvent batch per chunk. Each chunk is read into its own
 * ArrayBuffer (8-aligned, never reused), so `levels` are zero-copy views that stay valid however
 * long the caller keeps the events. Damage (bad magic, checksum, truncation, a file its writer never
 * finished) throws an InputError naming the file, the chunk and its byte offset, after every
 * event before it was delivered.
 */
export async function* readEventFile(path: string, opts: ReadEventFileOptions = {}): AsyncGenerator<MarketEvent[]> {
  const fh = await openForRead(path);
  try {
    const header = await headerOf(path, fh);
    const size = (await fh.stat()).size;
    const at = (chunk: number, pos: number): string => `chunk ${chunk} at byte offset ${pos}`;
    if (size < header.dataOffset) throw new InputError(`truncated: the header reserves ${header.dataOffset} bytes, the file has ${size}`, { file: path });
    const hb = new Uint8Array(CHUNK_HEADER);
    const hv = new DataView(hb.buffer);
    let pos = header.dataOffset;
    let chunk = 0;
    let events = 0;
    opts.onBytes?.(pos);
    while (pos < size) {
      const where = at(chunk, pos);
      const before = `${events} events before it were read`;
      if (size - pos < CHUNK_HEADER) throw new InputError(`truncated: ${where}: only ${size - pos} of its ${CHUNK_HEADER} header bytes are present (writer killed?); ${before}`, { file: path });
      await readFully(fh, hb, pos, path);
      if (hv.getUint32(0, true) !== CHUNK_MAGIC) throw new InputError(`corrupt: ${where}: bad chunk magic; ${before}`, { file: path });
      if (hv.getUint32(24, true) !== crc32(hb.subarray(0, 24))) throw new InputError(`corrupt: ${where}: chunk header checksum mismatch; ${before}`, { file: path });
      const no = hv.getUint32(4, true);
      if (no !== chunk) throw new InputError(`corrupt: ${where}: chunk numbered ${no}; ${before}`, { file: path });
      const records = hv.getUint32(8, true);
      const strLen = hv.getUint32(12, true);
      const slots = hv.getUint32(16, true);
      const bodyLen = pad8(strLen) + 8 * slots;
      if (pos + CHUNK_HEADER + bodyLen > size) throw new InputError(`truncated: ${where}: needs ${CHUNK_HEADER + bodyLen} bytes, the file ends after ${size - pos} (writer killed?); ${before}`, { file: path });
      const body = new Uint8Array(new ArrayBuffer(bodyLen));
      await readFully(fh, body, pos + CHUNK_HEADER, path);
      if (crc32(body) !== hv.getUint32(20, true)) throw new InputError(`corrupt: ${where}: chunk data checksum mismatch; ${before}`, { file: path });
      const out = decodeChunk(body, strLen, slots, records, (reason) => new InputError(`corrupt: ${where}: ${reason}; ${before}`, { file: path }));
      pos += CHUNK_HEADER + bodyLen;
      chunk++;
      events += records;
      opts.onBytes?.(CHUNK_HEADER + bodyLen);
      opts.onChunk?.(records);
      yield out;
    }
    if (header.complete !== true) throw new InputError(`truncated: the writer never finished this file (no totals in its header); ${events} events in ${chunk} chunks were read, up to byte offset ${pos}`, { file: path });
    if (header.events !== events || header.chunks !== chunk) throw new InputError(`truncated: the header promises ${header.events} events in ${header.chunks} chunks, the file holds ${events} in ${chunk} (ends at byte offset ${pos})`, { file: path });
  } finally {
    await fh.close();
  }
}

async function readFully(fh: Handle, into: Uint8Array, pos: number, path: string): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await fh.read(into, done, into.length - done, pos + done);
    if (bytesRead === 0) throw new InputError(`truncated: unexpected end of file at byte offset ${pos + done} (file shrank while read?)`, { file: path });
    done += bytesRead;
  }
}

function decodeStrings(body: Uint8Array, strLen: number): string[] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(body.buffer, body.byteOffset, strLen).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(v)) return undefined;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return undefined;
  return v as string[];
}

const isCount = (x: number): boolean => x >= 0 && Math.floor(x) === x;

function decodeChunk(body: Uint8Array, strLen: number, slots: number, records: number, fail: (reason: string) => InputError): MarketEvent[] {
  const strs = decodeStrings(body, strLen);
  if (strs === undefined) throw fail('the string table is not a JSON array of strings');
  const f = new Float64Array(body.buffer, body.byteOffset + pad8(strLen), slots);
  const payloadOffset = body.byteOffset + pad8(strLen);
  const out: MarketEvent[] = new Array(records);
  let p = 0;
  for (let r = 0; r < records; r++) {
    if (p + 4 > slots) throw fail(`record ${r} runs past the payload`);
    const tag = f[p];
    const type = tag & 7;
    const k = f[p + 1];
    const venue = strs[k];
    const symbol = strs[k + 1];
    if (venue === undefined || symbol === undefined) throw fail(`record ${r}: bad instrument index ${k}`);
    const exchTs = f[p + 2];
    const localTs = f[p + 3];
    p += 4;
    let where: SourcePos | undefined;
    if (tag & F_WHERE) {
      const file = strs[f[p]];
      if (file === undefined) throw fail(`record ${r}: bad source file index ${f[p]}`);
      where = { file, line: f[p + 1] };
      p += 2;
    }
    let ev: MarketEvent;
    switch (type) {
      case T_BOOK: {
        if (p + 8 > slots) throw fail(`record ${r} runs past the payload`);
        const nb = f[p];
        const na = f[p + 1];
        const dec = f[p + 2];
        const n = 2 * (nb + na);
        if (!isCount(nb) || !isCount(na) || p + 8 + n > slots) throw fail(`record ${r}: bad level counts ${nb}/${na}`);
        const levels = new Float64Array(body.buffer, payloadOffset + 8 * (p + 8), n);
        ev = makeBookChange(venue, symbol, (tag & F_SNAPSHOT) !== 0, exchTs, localTs, levels, nb, dec >> 8, dec & 255, f[p + 3], f[p + 4], f[p + 5], f[p + 6], f[p + 7]);
        if (where !== undefined) ev.where = where;
        p += 8 + n;
        break;
      }
      case T_TRADE: {
        if (p + 5 > slots) throw fail(`record ${r} runs past the payload`);
        const dec = f[p + 2];
        const idv = f[p + 4];
        const id = tag & F_NUMERIC_ID ? String(idv) : strs[idv];
        if (id === undefined) throw fail(`record ${r}: bad trade id index ${idv}`);
        ev = makeTrade(venue, symbol, exchTs, localTs, f[p], f[p + 1], dec >> 8, dec & 255, f[p + 3] as Side | -1, id);
        p += 5;
        break;
      }
      case T_BBO: {
        if (p + 6 > slots) throw fail(`record ${r} runs past the payload`);
        const dec = f[p + 4];
        ev = makeBbo(venue, symbol, exchTs, localTs, f[p], f[p + 1], f[p + 2], f[p + 3], dec >> 8, dec & 255, f[p + 5]);
        p += 6;
        break;
      }
      case T_FUNDING:
        if (p + 4 > slots) throw fail(`record ${r} runs past the payload`);
        ev = makeFunding(venue, symbol, exchTs, localTs, f[p], f[p + 1], f[p + 2], f[p + 3]);
        p += 4;
        break;
      case T_GAP: {
        if (p + 3 > slots) throw fail(`record ${r} runs past the payload`);
        const reason = strs[f[p]];
        if (reason === undefined) throw fail(`record ${r}: bad reason index ${f[p]}`);
        ev = makeGap(venue, symbol, exchTs, localTs, reason, f[p + 1], f[p + 2]);
        p += 3;
        break;
      }
      case T_DISCONNECT: {
        if (p + 1 > slots) throw fail(`record ${r} runs past the payload`);
        const reason = strs[f[p]];
        if (reason === undefined) throw fail(`record ${r}: bad reason index ${f[p]}`);
        ev = makeDisconnect(venue, symbol, exchTs, localTs, reason);
        p += 1;
        break;
      }
      default:
        throw fail(`record ${r}: unknown record type ${type}`);
    }
    if (where !== undefined && type !== T_BOOK) (ev as { where?: SourcePos }).where = where;
    out[r] = ev;
  }
  if (p !== slots) throw fail(`${slots - p} payload slots left after ${records} records`);
  return out;
}

/** The replay format: events files sniffed by their JSON header line; each file is its own stream. */
export const eventFileFormat: FormatDef = {
  id: 'lobkit-events',
  sniff: (_path, head) => isEventFileHead(head),
  venueOf(path, head) {
    const h = parseEventFileHeader(path, head[0] ?? '');
    return h.venues && h.venues.length > 0 ? h.venues.join('+') : undefined;
  },
  open(path, _head, ctx) {
    const report = ctx.report;
    return readEventFile(path, {
      onBytes: ctx.onBytes,
      onChunk(records) {
        // A record is the unit here: "lines" and "frames" count records.
        report.lines += records;
        report.frames += records;
      },
    });
  },
};
