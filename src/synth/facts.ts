import { InputError } from '../core/errors.ts';
import { readLines } from '../replay/lines.ts';
import type { Units } from './collector.ts';
import { gcd } from './sample-stats.ts';

/** Feed facts read from a Binance raw recording's text (what the normalized events do not carry). */
export interface FeedFacts {
  symbol: string;
  futures: boolean;
  /** Wire decimals of prices and sizes (trailing zeros included). */
  priceDecimals: number;
  sizeDecimals: number;
  units: Units;
  tickSize: string;
  lotSize: string;
  firstUpdateId: number;
  firstTradeId: number;
  /** Diff publication intervals (ms, exchange time). */
  intervals: number[];
  /** Receive time − exchange time of each diff, ns (clock offset included). */
  lags: number[];
  /** Update ids per second of exchange time (u_last − U_first over the span). */
  idsPerSecond: number;
  /** Receive time of the REST snapshot after the file's first frame, ms (NaN if none). */
  snapshotDelayMs: number;
  snapshotLevels: number;
}

const FIXED = 8; // Binance never prints more decimals
const P10 = 1e8;

function decimals(s: string): number {
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** Exact integer of a decimal string at 8 decimals. */
function fixed(s: string): number {
  const dot = s.indexOf('.');
  if (dot < 0) return Number(s) * P10;
  const frac = s.slice(dot + 1);
  if (frac.length > FIXED) return NaN;
  return Number(s.slice(0, dot) + frac.padEnd(FIXED, '0'));
}

/** Smallest unit as a decimal string and as (int, decimals). */
function unitOf(g: number): { text: string; dec: number; int: number } {
  let dec = FIXED;
  let int = g;
  while (dec > 0 && int % 10 === 0) {
    int /= 10;
    dec--;
  }
  const digits = String(int).padStart(dec + 1, '0');
  const text = dec === 0 ? digits : `${digits.slice(0, digits.length - dec)}.${digits.slice(digits.length - dec)}`;
  return { text, dec, int };
}

const LEVEL = /\["(\d+(?:\.\d+)?)","(\d+(?:\.\d+)?)"\]/g;
const HEAD = /"E":(\d+),(?:"T":\d+,)?"s":"([A-Z0-9_]+)","U":(\d+),"u":(\d+)(,"pu":)?/;

/** Reads the facts of the files of one instrument (in time order). */
export async function feedFacts(paths: string[]): Promise<FeedFacts> {
  let symbol = '';
  let futures = false;
  let pd = 0;
  let sd = 0;
  let gp = 0;
  let gs = 0;
  let firstU = NaN;
  let lastu = NaN;
  let firstE = NaN;
  let lastE = NaN;
  let firstTrade = NaN;
  let firstLocal = NaN;
  let snapDelay = NaN;
  let snapLevels = 0;
  const intervals: number[] = [];
  const lags: number[] = [];
  let prevE = NaN;
  let gcdLevels = 0;
  const take = (px: string, sz: string) => {
    pd = Math.max(pd, decimals(px));
    sd = Math.max(sd, decimals(sz));
    const p = fixed(px);
    const q = fixed(sz);
    if (p > 0) gp = gcd(gp, p);
    if (q > 0) gs = gcd(gs, q);
  };
  for (const path of paths) {
    for await (const batch of readLines(path)) {
      for (let k = 0; k < batch.lines.length; k++) {
        const line = batch.lines[k];
        const sp = line.indexOf(' ');
        if (sp <= 0) continue;
        const local = Number(line.slice(0, sp));
        if (firstLocal !== firstLocal) firstLocal = local;
        const f = line.slice(sp + 1);
        if (f.startsWith('{"lastUpdateId"')) {
          if (snapDelay !== snapDelay) {
            snapDelay = (local - firstLocal) / 1e6;
            const doc = JSON.parse(f) as { bids: [string, string][]; asks: [string, string][] };
            snapLevels = Math.max(doc.bids.length, doc.asks.length);
            for (const [p, q] of doc.bids) take(p, q);
            for (const [p, q] of doc.asks) take(p, q);
          }
          continue;
        }
        if (f.includes('"e":"depthUpdate"')) {
          const m = HEAD.exec(f);
          if (!m) throw new InputError('depthUpdate frame in an unexpected layout', { file: path, line: batch.firstLine + k });
          const E = Number(m[1]);
          symbol ||= m[2];
          if (m[5]) futures = true;
          if (firstU !== firstU) firstU = Number(m[3]);
          lastu = Number(m[4]);
          if (firstE !== firstE) firstE = E;
          lastE = E;
          if (prevE === prevE) intervals.push(E - prevE);
          prevE = E;
          lags.push(local - E * 1e6);
          if (gcdLevels < 500_000) {
            LEVEL.lastIndex = 0;
            for (let lm = LEVEL.exec(f); lm !== null; lm = LEVEL.exec(f)) {
              take(lm[1], lm[2]);
              gcdLevels++;
            }
          }
        } else if (firstTrade !== firstTrade && f.includes('"e":"trade"')) {
          const t = /"t":(\d+)/.exec(f);
          if (t) firstTrade = Number(t[1]);
        }
      }
    }
  }
  if (!symbol) throw new InputError('no Binance depthUpdate frames: calibration needs raw Binance recordings (diff depth, bookTicker, trades)', { file: paths[0] });
  if (!(gp > 0) || !(gs > 0)) throw new InputError('could not infer tick and lot sizes (no levels seen)', { file: paths[0] });
  const tick = unitOf(gp);
  const lot = unitOf(gs);
  return {
    symbol,
    futures,
    priceDecimals: Math.max(pd, tick.dec),
    sizeDecimals: Math.max(sd, lot.dec),
    units: { tickDec: tick.dec, tickInt: tick.int, lotDec: lot.dec, lotInt: lot.int },
    tickSize: tick.text,
    lotSize: lot.text,
    firstUpdateId: firstU === firstU ? firstU : 1,
    firstTradeId: firstTrade === firstTrade ? firstTrade : 1,
    intervals,
    lags,
    idsPerSecond: lastE > firstE ? (lastu - firstU) / ((lastE - firstE) / 1000) : NaN,
    snapshotDelayMs: snapDelay,
    snapshotLevels: snapLevels || 1000,
  };
}
