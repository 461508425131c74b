import { basename } from 'node:path';
import { InputError } from '../core/errors.ts';
import { findVenue, getVenue, venueOfFrames } from '../venues/registry.ts';
import type { VenueDef } from '../venues/venue.ts';
import { cryptofeedExchange, readCryptofeed } from './cryptofeed.ts';
import type { FormatDef } from './formats.ts';
import { readRaw } from './raw.ts';

const RAW_LINE = /^\d{13,19} [[{]/;

/** Symbol hint from a raw file name: `btcusdt_20240808.gz` → `BTCUSDT`. */
export function symbolFromFileName(path: string): string | undefined {
  const base = basename(path).replace(/(\.partial)?(\.gz)?$/, '').replace(/\.(txt|log|raw|jsonl?)$/, '');
  const m = /^([A-Za-z0-9-]+?)[_.-]\d{8}(?:[_.-]\d{4,6})?$/.exec(base);
  return m ? m[1].toUpperCase() : undefined;
}

function rawVenue(path: string, head: string[], explicit?: string): VenueDef {
  if (explicit) return getVenue(explicit);
  const frames: string[] = [];
  for (const l of head) {
    const sp = l.indexOf(' ');
    if (sp > 0) frames.push(l.slice(sp + 1));
  }
  const v = venueOfFrames(frames);
  if (v) return v;
  // A recorder folder named after the venue (`<out>/<venue>/<date>/...`).
  for (const seg of path.split('/').reverse()) {
    const byPath = findVenue(seg);
    if (byPath) return byPath;
  }
  throw new InputError('cannot tell which venue this raw capture is from; pass --venue', { file: path });
}

/** lobkit's own raw capture files (`<localTs> <frame>` lines), as in binance-hftbacktest. */
export const rawFormat: FormatDef = {
  id: 'raw',
  sniff: (_path, head) => head.length > 0 && RAW_LINE.test(head[0]),
  venueOf: (path, head, ctx) => rawVenue(path, head, ctx.venue).id,
  open(path, head, ctx) {
    const venue = rawVenue(path, head, ctx.venue);
    return readRaw(path, venue.createParser(ctx.instruments), ctx.report, { symbolHint: symbolFromFileName(path) }, ctx.onBytes);
  },
  streamKey(path) {
    // Day files of one instrument continue one another: same folder, same name but the date.
    return path.replace(/\d{8}(?=[^/]*$)/, '*');
  },
};

/** Maps cryptofeed exchange names to lobkit venue ids through the venues' aliases. */
function cryptofeedVenue(path: string, head: string[], explicit?: string): VenueDef {
  if (explicit) return getVenue(explicit);
  const ex = cryptofeedExchange(path, head[0] ?? '');
  if (!ex) throw new InputError('cryptofeed recording without an exchange name in its header or file name', { file: path, line: 1 });
  const v = findVenue(ex);
  if (!v) throw new InputError(`cryptofeed exchange "${ex}" is not a venue lobkit reconstructs books for`, { file: path, line: 1 });
  return v;
}

export const cryptofeedFormat: FormatDef = {
  id: 'cryptofeed',
  sniff: (_path, head) => (head[0] ?? '').startsWith('{"t":"header"'),
  venueOf: (path, head, ctx) => cryptofeedVenue(path, head, ctx.venue).id,
  open(path, head, ctx) {
    const v = cryptofeedVenue(path, head, ctx.venue);
    return readCryptofeed(path, false, v.createParser(ctx.instruments), ctx.report, ctx.onBytes);
  },
};

export const cryptofeedLegacyFormat: FormatDef = {
  id: 'cryptofeed-legacy',
  sniff: (path) => /^[A-Z_]+\.(ws|http)\.\d+\.\d+(\.gz)?$/.test(basename(path)),
  venueOf: (path, head, ctx) => cryptofeedVenue(path, head, ctx.venue).id,
  open(path, head, ctx) {
    const v = cryptofeedVenue(path, head, ctx.venue);
    return readCryptofeed(path, true, v.createParser(ctx.instruments), ctx.report, ctx.onBytes);
  },
};
