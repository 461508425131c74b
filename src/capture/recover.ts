import { createReadStream, createWriteStream, existsSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { constants as Z, createGunzip, createGzip } from 'node:zlib';
import { log } from '../core/log.ts';
import type { MarketEvent } from '../core/events.ts';
import { InstrumentTable } from '../core/instrument.ts';
import { findVenue } from '../venues/registry.ts';
import { disconnectMarker, isMarker } from './markers.ts';
import { PARTIAL } from './paths.ts';

export interface Recovered {
  partial: string;
  path: string;
  lines: number;
  /** Symbols closed with a disconnect marker (their books end where the crash cut the file). */
  symbols: string[];
}

/** Every `*.gz.partial` under `dir` (a previous run's files, left by a crash). */
export function findPartials(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (n.endsWith('.gz' + PARTIAL)) out.push(p);
      else if (depth < 3 && !n.startsWith('.')) {
        try {
          if (statSync(p).isDirectory()) walk(p, depth + 1);
        } catch {
          // vanished meanwhile
        }
      }
    }
  };
  walk(dir, 0);
  return out.sort();
}

/**
 * Complete lines of a gzip file that may lack its end (what a kill -9 leaves), in batches.
 * Decompression uses Z_SYNC_FLUSH as its finishing flush, so a missing trailer is not an error and
 * every byte the last flush made decodable comes out, whatever the timing (a Z_FINISH on the
 * final chunk raises "unexpected end of file" and drops that chunk's output: how much depends on
 * whether the input ended before zlib got to that chunk). A trailing incomplete line is
 * returned as `rest`, never as a line. Damage other than truncation throws.
 */
export async function* completeLines(path: string): AsyncGenerator<string[], { rest: string }> {
  const gunzip = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(createGunzip({ finishFlush: Z.Z_SYNC_FLUSH, chunkSize: 1 << 18 }));
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of gunzip) {
    const text = rest + decoder.write(chunk as Buffer);
    const last = text.lastIndexOf('\n');
    if (last < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(last + 1);
    yield text.slice(0, last).split('\n');
  }
  return { rest: rest + decoder.end() };
}

/**
 * Completes a partial file left by a crash: every complete line it holds (a kill -9 leaves the
 * gzip stream without its trailer; it decompresses up to the last flush) is rewritten into a
 * valid `*.gz`, followed by a `disconnect` marker for each symbol whose book data it carries, since
 * whatever arrived after the last flush is lost. The partial file is then removed.
 * The venue is the folder two levels up (`<out>/<venue>/<date>/<file>`).
 */
export async function recoverPartial(partial: string): Promise<Recovered> {
  const path = partial.slice(0, -PARTIAL.length);
  const venueId = basename(dirname(dirname(partial)));
  const venue = findVenue(venueId);
  const parser = venue?.createParser(new InstrumentTable());
  const symbols = new Set<string>();
  const events: MarketEvent[] = [];
  const tmp = path + '.recovering';
  const gzip = createGzip({ level: 6 });
  const out = createWriteStream(tmp);
  gzip.pipe(out);
  let lines = 0;
  let lastTsText = '';
  let cut = '';
  try {
    const it = completeLines(partial);
    for (;;) {
      const r = await it.next();
      if (r.done === true) {
        cut = r.value.rest;
        break;
      }
      for (const line of r.value) {
        const sp = line.indexOf(' ');
        if (sp <= 0) continue;
        lines++;
        lastTsText = line.slice(0, sp);
        const frame = line.slice(sp + 1);
        if (parser !== undefined && !isMarker(frame)) {
          events.length = 0;
          try {
            parser.parse(frame, 0, events, { symbolHint: undefined });
          } catch {
            // a bad frame stays as it is: replay reports it
          }
          for (const ev of events) if (ev.type === 'book_change') symbols.add(ev.symbol);
        }
        if (!gzip.write(line + '\n')) await once(gzip, 'drain');
      }
    }
  } catch (e) {
    // Damage beyond a missing end: everything decoded before it has been copied.
    log.warn({ file: partial, err: (e as Error).message }, 'partial file is damaged; recovered the lines before the damage');
  }
  if (cut !== '') log.info({ file: partial, chars: cut.length }, 'partial file ends in an incomplete line (cut by the crash); dropped');
  if (lastTsText !== '') {
    for (const s of [...symbols].sort()) gzip.write(lastTsText + ' ' + disconnectMarker(venueId, s, 'recorder stopped without closing this file (crash or kill); data after this line was lost') + '\n');
  }
  gzip.end();
  await once(out, 'close');
  if (existsSync(path)) throw new Error(`cannot recover ${partial}: ${path} already exists`);
  renameSync(tmp, path);
  unlinkSync(partial);
  return { partial, path, lines, symbols: [...symbols].sort() };
}
