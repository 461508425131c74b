import * as zlib from 'node:zlib';
import { InputError } from '../core/errors.ts';

/**
 * lobkit-events files: normalized MarketEvents, written once from any recording and replayed many
 * times without parsing venue JSON (docs/event-file.md is the spec).
 *
 *   [0, dataOffset)   one JSON header line, then '\n' padding (so line-based sniffing sees 64
 *                     short lines and stops early); rewritten in place at close with the totals
 *   chunks            32-byte chunk header | string table (JSON array, UTF-8) | pad to 8 |
 *                     float64 payload of records
 *
 * Every chunk is self-contained (its own string table) and checksummed, so a reader streams the
 * file in constant memory and names the chunk and byte offset of any damage.
 */

export const EVENT_FILE_FORMAT = 'lobkit-events';
export const EVENT_FILE_VERSION = 1;
export const EVENT_FILE_EXT = '.lobev';

export const CHUNK_MAGIC = 0x4356454c; // "LEVC" read as little-endian u32
export const CHUNK_HEADER = 32;
/** Header room kept for the totals written at close; also the '\n' padding sniffers read. */
export const HEADER_RESERVE = 16384;
export const MIN_NEWLINES = 64;
export const DEFAULT_CHUNK_BYTES = 1 << 20;

// Record tags: type in the low 3 bits, flags above.
export const T_BOOK = 1;
export const T_TRADE = 2;
export const T_BBO = 3;
export const T_FUNDING = 4;
export const T_GAP = 5;
export const T_DISCONNECT = 6;
export const F_WHERE = 8;
export const F_SNAPSHOT = 16;
export const F_NUMERIC_ID = 32;

export interface EventFileHeader {
  format: string;
  version: number;
  created: string;
  sources: string[];
  /** Byte offset of the first chunk (a multiple of 8). */
  dataOffset: number;
  /** Set at close: the writer finished; the totals below are then present. */
  complete?: boolean;
  events?: number;
  chunks?: number;
  venues?: string[];
  instruments?: string[];
  [extra: string]: unknown;
}

export const crc32: (data: Uint8Array, value?: number) => number = typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (zlib as unknown as { crc32: (d: Uint8Array, v?: number) => number }).crc32 : crc32js;

let CRC_TABLE: Uint32Array | undefined;
/** Node < 20.15 has no zlib.crc32. */
function crc32js(data: Uint8Array, value = 0): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export const pad8 = (n: number): number => (n + 7) & ~7;

/** A canonical decimal integer below 2^53 (Binance trade ids) is stored as a number, not a string. */
export function numericId(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return -1;
  if (n > 1 && s.charCodeAt(0) === 48) return -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return +s;
}

/** Parses and checks a header line; throws an InputError naming the file. */
export function parseEventFileHeader(path: string, line: string): EventFileHeader {
  let h: unknown;
  try {
    h = JSON.parse(line);
  } catch {
    throw new InputError('not a lobkit-events file: the first line (byte offset 0) is not a JSON header', { file: path });
  }
  const o = h as Partial<EventFileHeader> | null;
  if (o === null || typeof o !== 'object' || o.format !== EVENT_FILE_FORMAT) throw new InputError(`not a lobkit-events file: header at byte offset 0 has no "format":"${EVENT_FILE_FORMAT}"`, { file: path });
  if (typeof o.version !== 'number' || !Number.isInteger(o.version) || o.version < 1) throw new InputError(`lobkit-events header: bad "version" ${JSON.stringify(o.version)}`, { file: path });
  if (o.version > EVENT_FILE_VERSION) throw new InputError(`lobkit-events format version ${o.version} was written by a newer lobkit; this lobkit reads version ${EVENT_FILE_VERSION}: upgrade lobkit`, { file: path });
  const off = o.dataOffset;
  if (typeof off !== 'number' || !Number.isInteger(off) || off % 8 !== 0 || off < Buffer.byteLength(line) + 1) throw new InputError(`lobkit-events header: bad "dataOffset" ${JSON.stringify(off)}`, { file: path });
  if (!Array.isArray(o.sources)) o.sources = [];
  return o as EventFileHeader;
}

/** True when a file's first line is a lobkit-events header (any version, so newer ones get a clear refusal). */
export function isEventFileHead(head: string[]): boolean {
  const l = head[0];
  if (l === undefined || !l.startsWith('{') || !l.includes(`"${EVENT_FILE_FORMAT}"`)) return false;
  try {
    return (JSON.parse(l) as { format?: unknown }).format === EVENT_FILE_FORMAT;
  } catch {
    return false;
  }
}

