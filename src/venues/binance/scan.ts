/**
 * A single-pass scanner for the three Binance frames that make up nearly all traffic (diff depth,
 * bookTicker, trade). JSON.parse would allocate a string for every price and size only for us to
 * parse it again; the scanner reads the frame once and hands character ranges to the exact decimal
 * parser. It accepts any key order and whitespace, and gives up (returns false) on anything it does
 * not fully understand — escapes, unexpected types, other event types — so the caller falls back to
 * JSON.parse. A test checks that both paths produce identical events on every real recording.
 */
import { parseStop } from '../../core/decimal.ts';
import type { LevelBuilder } from '../../core/instrument.ts';

export const K_NONE = 0;
export const K_DEPTH = 1;
export const K_TICKER = 2;
export const K_TRADE = 3;

/** What the last successful scan found. Ranges are [start, end) offsets into the frame. */
export class ScanResult {
  kind = K_NONE;
  E = NaN;
  T = NaN;
  U = NaN;
  u = NaN;
  pu = NaN;
  t = NaN;
  m = false;
  symS = 0;
  symE = 0;
  // bookTicker b/B/a/A or trade p/q (p in bS/bE, q in BS/BE)
  bS = 0;
  bE = 0;
  BS = 0;
  BE = 0;
  aS = 0;
  aE = 0;
  AS = 0;
  AE = 0;
  levels = false;
}

let S = '';
let I = 0;
let N = 0;

function wsSlow(): void {
  while (I < N) {
    const c = S.charCodeAt(I);
    if (c === 32 || c === 10 || c === 13 || c === 9) I++;
    else return;
  }
}

/** Skips whitespace (Binance sends none; the check is one compare when there is none). */
function ws(): void {
  if (S.charCodeAt(I) <= 32) wsSlow();
}

/** At an opening quote: returns the index of the closing quote, or -1 on an escape or end of input. */
function stringEnd(): number {
  const open = I;
  for (let j = open + 1; j < N; j++) {
    const c = S.charCodeAt(j);
    if (c === 34) return j;
    if (c === 92) return -1;
  }
  return -1;
}

/** Non-negative integer (no fraction/exponent); NaN if the value is anything else. */
function int(): number {
  let v = 0;
  const start = I;
  while (I < N) {
    const c = S.charCodeAt(I);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    I++;
  }
  if (I === start) return NaN;
  const c = S.charCodeAt(I);
  if (c === 46 || c === 101 || c === 69) return NaN;
  return v;
}

/** Skips any JSON value; false if malformed or containing escapes. */
function skipValue(depth = 0): boolean {
  ws();
  const c = S.charCodeAt(I);
  if (c === 34) {
    const e = stringEnd();
    if (e < 0) return false;
    I = e + 1;
    return true;
  }
  if (c === 123 || c === 91) {
    if (depth > 32) return false;
    const close = c === 123 ? 125 : 93;
    I++;
    ws();
    if (S.charCodeAt(I) === close) {
      I++;
      return true;
    }
    for (;;) {
      if (c === 123) {
        ws();
        if (S.charCodeAt(I) !== 34) return false;
        const e = stringEnd();
        if (e < 0) return false;
        I = e + 1;
        ws();
        if (S.charCodeAt(I) !== 58) return false;
        I++;
      }
      if (!skipValue(depth + 1)) return false;
      ws();
      const d = S.charCodeAt(I++);
      if (d === close) return true;
      if (d !== 44) return false;
    }
  }
  // number or literal
  const start = I;
  while (I < N) {
    const d = S.charCodeAt(I);
    if (d === 44 || d === 125 || d === 93 || d === 32) break;
    I++;
  }
  return I > start;
}

/** Reads `[["p","q",...],...]` into the builder, parsing each decimal in place. */
function levels(isBid: boolean, lb: LevelBuilder): boolean {
  I++; // [
  ws();
  if (S.charCodeAt(I) === 93) {
    I++;
    return true;
  }
  for (;;) {
    ws();
    if (S.charCodeAt(I) !== 91) return false;
    I++;
    ws();
    if (S.charCodeAt(I) !== 34) return false;
    const p = lb.priceAt(S, I + 1);
    I = parseStop();
    if (S.charCodeAt(I) !== 34) return false;
    I++;
    ws();
    if (S.charCodeAt(I) !== 44) return false;
    I++;
    ws();
    if (S.charCodeAt(I) !== 34) return false;
    const q = lb.sizeAt(S, I + 1);
    I = parseStop();
    if (S.charCodeAt(I) !== 34) return false;
    I++;
    ws();
    let c = S.charCodeAt(I);
    while (c === 44) {
      I++;
      if (!skipValue()) return false;
      ws();
      c = S.charCodeAt(I);
    }
    if (c !== 93) return false;
    I++;
    lb.push(isBid, p, q);
    ws();
    c = S.charCodeAt(I++);
    if (c === 93) return true;
    if (c !== 44) return false;
  }
}

function strRange(r: ScanResult, which: 0 | 1 | 2 | 3): boolean {
  if (S.charCodeAt(I) !== 34) return false;
  const e = stringEnd();
  if (e < 0) return false;
  const s = I + 1;
  I = e + 1;
  if (which === 0) (r.bS = s), (r.bE = e);
  else if (which === 1) (r.BS = s), (r.BE = e);
  else if (which === 2) (r.aS = s), (r.aE = e);
  else (r.AS = s), (r.AE = e);
  return true;
}

/** Is S[s, e) equal to `lit`? */
function eq(s: number, e: number, lit: string): boolean {
  if (e - s !== lit.length) return false;
  for (let k = 0; k < lit.length; k++) if (S.charCodeAt(s + k) !== lit.charCodeAt(k)) return false;
  return true;
}

/**
 * Scans a frame. `begin(symStart, symEnd)` is called when the first level array is reached (the
 * symbol must come before it) and must start the builder on that symbol's instrument.
 */
export function scanBinance(frame: string, r: ScanResult, lb: LevelBuilder, begin: (s: string, symS: number, symE: number) => void): boolean {
  S = frame;
  I = 0;
  N = frame.length;
  r.kind = K_NONE;
  r.E = r.T = r.U = r.u = r.pu = r.t = NaN;
  r.symE = 0;
  r.bE = r.BE = r.aE = r.AE = 0;
  r.levels = false;
  ws();
  if (S.charCodeAt(I) !== 123) return false;
  I++;
  let sawData = false;
  for (;;) {
    ws();
    if (S.charCodeAt(I) !== 34) return false;
    const ke = stringEnd();
    if (ke < 0) return false;
    const ks = I + 1;
    I = ke + 1;
    ws();
    if (S.charCodeAt(I) !== 58) return false;
    I++;
    ws();
    if (eq(ks, ke, 'data')) {
      if (!data(r, lb, begin)) return false;
      sawData = true;
    } else if (!skipValue()) return false;
    ws();
    const c = S.charCodeAt(I++);
    if (c === 125) break;
    if (c !== 44) return false;
  }
  return sawData && r.kind !== K_NONE;
}

function data(r: ScanResult, lb: LevelBuilder, begin: (s: string, symS: number, symE: number) => void): boolean {
  if (S.charCodeAt(I) !== 123) return false;
  I++;
  let sawBids = false;
  let sawAsks = false;
  let typed = false;
  for (;;) {
    ws();
    if (S.charCodeAt(I) !== 34) return false;
    // Keys are one or two characters: read them without a scanning loop.
    let ks = I + 1;
    let ke: number;
    if (S.charCodeAt(I + 2) === 34) ke = I + 2;
    else if (S.charCodeAt(I + 3) === 34 && S.charCodeAt(I + 2) !== 92) ke = I + 3;
    else {
      ke = stringEnd();
      if (ke < 0) return false;
      ks = I + 1;
    }
    I = ke + 1;
    ws();
    if (S.charCodeAt(I) !== 58) return false;
    I++;
    ws();
    const k0 = S.charCodeAt(ks);
    const klen = ke - ks;
    if (klen === 1) {
      switch (k0) {
        case 101: {
          // e
          if (S.charCodeAt(I) !== 34) return false;
          const e = stringEnd();
          if (e < 0) return false;
          const s = I + 1;
          I = e + 1;
          if (eq(s, e, 'depthUpdate')) r.kind = K_DEPTH;
          else if (eq(s, e, 'bookTicker')) r.kind = K_TICKER;
          else if (eq(s, e, 'trade')) r.kind = K_TRADE;
          else return false;
          typed = true;
          break;
        }
        case 69: // E
          if ((r.E = int()) !== r.E) return false;
          break;
        case 84: // T
          if ((r.T = int()) !== r.T) return false;
          break;
        case 85: // U
          if ((r.U = int()) !== r.U) return false;
          break;
        case 117: // u
          if ((r.u = int()) !== r.u) return false;
          break;
        case 116: // t
          if ((r.t = int()) !== r.t) return false;
          break;
        case 115: {
          // s
          if (S.charCodeAt(I) !== 34) return false;
          const e = stringEnd();
          if (e < 0) return false;
          r.symS = I + 1;
          r.symE = e;
          I = e + 1;
          break;
        }
        case 109: // m
          if (eq(I, I + 4, 'true')) (r.m = true), (I += 4);
          else if (eq(I, I + 5, 'false')) (r.m = false), (I += 5);
          else return false;
          break;
        case 98: // b
          if (S.charCodeAt(I) === 91) {
            if (r.symE === 0 || sawAsks) return false;
            begin(S, r.symS, r.symE);
            r.levels = true;
            if (!levels(true, lb)) return false;
            sawBids = true;
          } else if (!strRange(r, 0)) return false;
          break;
        case 97: // a
          if (S.charCodeAt(I) === 91) {
            if (r.symE === 0 || !sawBids) return false;
            if (!levels(false, lb)) return false;
            sawAsks = true;
          } else if (!strRange(r, 2)) return false;
          break;
        case 66: // B
          if (!strRange(r, 1)) return false;
          break;
        case 65: // A
          if (!strRange(r, 3)) return false;
          break;
        case 112: // p (trade price, kept in b-range slots)
          if (!strRange(r, 0)) return false;
          break;
        case 113: // q
          if (!strRange(r, 1)) return false;
          break;
        default:
          if (!skipValue()) return false;
      }
    } else if (klen === 2 && k0 === 112 && S.charCodeAt(ks + 1) === 117) {
      if ((r.pu = int()) !== r.pu) return false; // pu
    } else if (!skipValue()) return false;
    ws();
    const c = S.charCodeAt(I++);
    if (c === 125) break;
    if (c !== 44) return false;
  }
  if (!typed && r.u === r.u && r.bE > 0 && r.AE > 0) r.kind = K_TICKER; // spot bookTicker has no "e"
  if (r.symE === 0) return false;
  if (r.kind === K_DEPTH) return sawBids && sawAsks && r.u === r.u && r.U === r.U && r.E === r.E;
  if (r.kind === K_TICKER) return !r.levels && r.u === r.u && r.bE > 0 && r.BE > 0 && r.aE > 0 && r.AE > 0;
  if (r.kind === K_TRADE) return !r.levels && r.T === r.T && r.t === r.t && r.bE > 0 && r.BE > 0;
  return false;
}
