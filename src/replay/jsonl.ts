import { basename, dirname } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { MarketEvent } from '../core/events.ts';
import { findVenue, getVenue, venueOfFrames } from '../venues/registry.ts';
import type { FrameMeta, VenueDef } from '../venues/venue.ts';
import { symbolFromFileName } from './builtin-formats.ts';
import type { FormatDef, OpenContext } from './formats.ts';
import { parseFrameInto } from './frames.ts';
import { readLines } from './lines.ts';
import { badLine } from './report.ts';

/**
 * Venue JSON frames, one per line, with no local timestamp in front (frames saved by other
 * tools, REST responses saved to a file). A file may also be one JSON document spread over
 * several lines (a pretty-printed REST snapshot): lines are joined until the brackets balance and
 * the whitespace between tokens is dropped, so the frame reads as if sent on one line.
 *
 * Venue: `--venue`, else the first registered venue claiming the frames (`claimsRaw`), else a
 * file-name token or folder naming a venue (`binance_btcusdt_deltas.jsonl`).
 *
 * Time: there is no receive time, so `localTs` is made up. An event the venue parser gave a
 * venue timestamp gets `localTs = exchTs`. Any other event gets the file's previous venue
 * timestamp, or, before the file has shown one, its line number (1, 2, ...). Line numbers sort
 * before every epoch time, so a file of timestamp-less frames (a REST snapshot) merges ahead of
 * the timestamped diffs of other files; within a file, lines keep their order.
 */

const BYBIT_ARCHIVE = /^\{"topic":"orderbook\./;

function firstLine(head: string[]): string | undefined {
  for (const l of head) if (l.length > 0) return l;
  return undefined;
}

function looksLikeFrames(head: string[]): boolean {
  const f = firstLine(head);
  if (f === undefined) return false;
  const c = f.charCodeAt(0);
  return (c === 123 /* { */ || c === 91 /* [ */) && !f.startsWith('{"t":"header"') && !BYBIT_ARCHIVE.test(f);
}

/**
 * Joins lines into frames. A line that ends in `}` or `]` outside a document is a frame as is;
 * otherwise lines are scanned (strings and escapes respected) until the brackets balance.
 */
export class FrameAssembler {
  private parts: string[] = [];
  private depth = 0;
  private inString = false;
  private escape = false;
  /** First line of the document being joined (0 when none). */
  startLine = 0;
  /** Line number of the frame `push` returned last (its first line). */
  frameLine = 0;

  /** Feeds one line; returns a complete frame or undefined (empty line, or a document still open). */
  push(line: string, lineNo: number): string | undefined {
    if (this.startLine === 0) {
      if (line.length === 0) return undefined;
      const last = lastNonSpace(line);
      if (last === 125 || last === 93) {
        this.frameLine = lineNo;
        return line;
      }
      this.startLine = lineNo;
      this.depth = 0;
    }
    this.scan(line);
    if (this.depth > 0 || this.inString) return undefined;
    const frame = this.parts.join('');
    this.parts = [];
    this.frameLine = this.startLine;
    this.startLine = 0;
    this.inString = false;
    this.escape = false;
    return frame;
  }

  /** True while a multi-line document is open (at end of file: an unterminated document). */
  get open(): boolean {
    return this.startLine !== 0;
  }

  private scan(line: string): void {
    let from = 0;
    const n = line.length;
    for (let i = 0; i < n; i++) {
      const c = line.charCodeAt(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92 /* \ */) this.escape = true;
        else if (c === 34 /* " */) this.inString = false;
      } else if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) this.depth--;
      else if (c === 32 || c === 9 || c === 13) {
        if (i > from) this.parts.push(line.slice(from, i));
        from = i + 1;
      }
    }
    if (n > from) this.parts.push(line.slice(from));
  }
}

function lastNonSpace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return c;
  }
  return 0;
}

function headFrames(head: string[]): string[] {
  const a = new FrameAssembler();
  const frames: string[] = [];
  for (let i = 0; i < head.length; i++) {
    const f = a.push(head[i], i + 1);
    if (f !== undefined) frames.push(f);
  }
  return frames;
}

function nameTokens(path: string): string[] {
  return basename(path)
    .replace(/(\.gz)?$/, '')
    .replace(/\.(jsonl?|ndjson|txt|log)$/, '')
    .split(/[_.]/);
}

function jsonlVenue(path: string, head: string[], explicit?: string): VenueDef {
  if (explicit) return getVenue(explicit);
  const v = venueOfFrames(headFrames(head));
  if (v) return v;
  for (const t of nameTokens(path)) {
    const byName = findVenue(t);
    if (byName) return byName;
  }
  for (const seg of dirname(path).split('/').reverse()) {
    const byDir = findVenue(seg);
    if (byDir) return byDir;
  }
  throw new InputError('cannot tell which venue these JSON frames are from; pass --venue', { file: path });
}

/** `binance_btcusdt_snapshot.json` → BTCUSDT: the token after a leading venue name. */
function symbolHint(path: string): string | undefined {
  const fromRaw = symbolFromFileName(path);
  if (fromRaw) return fromRaw;
  const t = nameTokens(path);
  return t.length >= 2 && findVenue(t[0]) !== undefined && t[1].length > 0 ? t[1].toUpperCase() : undefined;
}

async function* readJsonl(path: string, head: string[], ctx: OpenContext): AsyncGenerator<MarketEvent[]> {
  const venue = jsonlVenue(path, head, ctx.venue);
  const parser = venue.createParser(ctx.instruments);
  const meta: FrameMeta = { symbolHint: symbolHint(path), conn: path };
  const report = ctx.report;
  const asm = new FrameAssembler();
  let lastTs = NaN;
  for await (const batch of readLines(path, ctx.onBytes)) {
    const out: MarketEvent[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      report.lines++;
      const lineNo = batch.firstLine + i;
      const frame = asm.push(batch.lines[i], lineNo);
      if (frame === undefined) continue;
      const at = asm.frameLine;
      const fallback = lastTs === lastTs ? lastTs : at;
      const first = parseFrameInto(parser, frame, fallback, meta, out, report, path, at);
      if (first < 0) continue;
      for (let k = first; k < out.length; k++) {
        const ev = out[k];
        const ts = ev.exchTs;
        if (ts === ts && ts !== Infinity && ts !== -Infinity) {
          ev.localTs = ts;
          lastTs = ts;
        } else ev.localTs = fallback;
      }
    }
    if (out.length > 0) yield out;
  }
  if (asm.open) badLine(report, asm.startLine, 'unterminated JSON document at end of file');
}

export const jsonlFormat: FormatDef = {
  id: 'jsonl',
  sniff: (_path, head) => looksLikeFrames(head),
  venueOf: (path, head, ctx) => jsonlVenue(path, head, ctx.venue).id,
  open: (path, head, ctx) => readJsonl(path, head, ctx),
};
