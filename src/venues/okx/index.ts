import type { VenueDef } from '../venue.ts';
import { OKX, OkxParser } from './parse.ts';
import { okxSync } from './sync.ts';

/** OKX v5 pushes start with `{"arg":{"channel":` (data) or `{"event":` (acks). */
const isOkxData = (f: string) => f.startsWith('{"arg":{"channel":"') && f.includes('"data":[');

export const okx: VenueDef = {
  id: OKX,
  aliases: ['OKX', 'okex', 'okx-v5'],
  createParser: (inst) => new OkxParser(inst),
  sync: okxSync,
  claimsRaw: (frames) => frames.some(isOkxData),
};

export const okxVenues: VenueDef[] = [okx];
