import { UsageError } from '../core/errors.ts';
import type { Frame } from '../core/frame.ts';
import { ranks } from './stats.ts';

/**
 * The leak guard: a model sees only the feature columns it declared, and training stops with a
 * `LeakError` naming the column when
 * - a declared feature is a label (`fwd_*`, which includes every label end-time column), or is
 *   missing from the frame; or
 * - a declared feature reproduces a label almost perfectly, by any of these criteria, measured on
 *   the rows where both are finite (at least `minRows` of them; at most `maxRows`, default
 *   100 000, evenly spaced):
 *     |Pearson r| >= `corr` (default 0.98): a linear copy of the label;
 *     |Spearman ρ| >= `corr`: a monotone transform of it (rank agreement);
 *     direction kappa >= `direction` (default 0.98): sign(feature) (or its negation) equals
 *       sign(label) beyond chance — Cohen's kappa of the two sign series, so a feature that
 *       merely shares a constant sign with a one-signed label (spread vs fill time) scores 0;
 *     equality kappa >= `direction`: the feature equals the label value on nearly every row
 *       beyond chance (a copied class label with a little noise).
 *   Every pair is first scored on 5 000 evenly spaced rows; a pair within reach of a threshold
 *   (any criterion >= 0.9) or with under 1 000 screened rows is scored again on the full sample.
 * Genuine predictors of next-second returns reach |r| of a few percent; 0.98 leaves no doubt.
 */
export class LeakError extends UsageError {
  constructor(
    message: string,
    readonly column: string,
    readonly label?: string,
  ) {
    super(message);
    this.name = 'LeakError';
  }
}

export interface LeakOptions {
  corr?: number;
  direction?: number;
  minRows?: number;
  maxRows?: number;
}

export interface LeakScore {
  feature: string;
  label: string;
  rows: number;
  pearson: number;
  spearman: number;
  directionKappa: number;
  equalityKappa: number;
}

/**
 * A column prepared for scoring on the sampled rows: raw values (for equality), values and ranks
 * centred on the column's own mean (so one-pass sums stay accurate even for price levels), and
 * sign class 0/1/2. NaN stays NaN; ranks are among the column's own finite sampled values.
 */
interface Prepared {
  raw: Float64Array;
  v: Float64Array;
  r: Float64Array;
  sign: Uint8Array;
}

function prepare(col: Float64Array, rows: Int32Array | undefined): Prepared {
  const raw = rows ? Float64Array.from(rows, (i) => col[i]) : col;
  const n = raw.length;
  let m = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(raw[i])) {
      m++;
      sum += raw[i];
    }
  }
  const mean = m ? sum / m : 0;
  const finite = new Float64Array(m);
  const where = new Int32Array(m);
  const v = new Float64Array(n);
  const sign = new Uint8Array(n);
  for (let i = 0, w = 0; i < n; i++) {
    const x = raw[i];
    if (Number.isFinite(x)) {
      finite[w] = x;
      where[w++] = i;
      v[i] = x - mean;
      sign[i] = Math.sign(x) + 1;
    } else v[i] = NaN;
  }
  const rf = ranks(finite);
  const r = new Float64Array(n).fill(NaN);
  const mid = (m + 1) / 2;
  for (let k = 0; k < m; k++) r[where[k]] = rf[k] - mid;
  return { raw, v, r, sign };
}

/** Evenly spaced row numbers (at most max of them), or undefined for all rows. */
function sampleRows(n: number, max: number): Int32Array | undefined {
  if (n <= max) return undefined;
  return Int32Array.from({ length: max }, (_, k) => Math.floor((k * n) / max));
}

const corr = (n: number, sx: number, sy: number, sxx: number, syy: number, sxy: number) => {
  const cxx = sxx - (sx * sx) / n;
  const cyy = syy - (sy * sy) / n;
  const cxy = sxy - (sx * sy) / n;
  return cxx > 0 && cyy > 0 ? Math.max(-1, Math.min(1, cxy / Math.sqrt(cxx * cyy))) : NaN;
};

/**
 * The four criteria for one pair on the rows where both are finite, in one pass. Spearman uses
 * each column's ranks among its own finite sampled values (exact when both are finite on the same
 * rows, as a copied label is). Equality kappa's chance term is only computed when the raw
 * agreement could reach the threshold; below that, equalityKappa holds the raw agreement (an upper
 * bound of the kappa).
 */
function scorePair(f: Prepared, l: Prepared, opts: LeakOptions, names: [string, string]): LeakScore {
  const n0 = f.v.length;
  const fv = f.v;
  const lv = l.v;
  const fr = f.r;
  const lr = l.r;
  const fsg = f.sign;
  const lsg = l.sign;
  const fraw = f.raw;
  const lraw = l.raw;
  const c = new Float64Array(9); // sign class of f × sign class of l
  let n = 0;
  let eq = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let rx = 0;
  let ry = 0;
  let rxx = 0;
  let ryy = 0;
  let rxy = 0;
  for (let i = 0; i < n0; i++) {
    const a = fv[i];
    const b = lv[i];
    if (a !== a || b !== b) continue;
    n++;
    sx += a;
    sy += b;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
    const p = fr[i];
    const q = lr[i];
    rx += p;
    ry += q;
    rxx += p * p;
    ryy += q * q;
    rxy += p * q;
    c[fsg[i] * 3 + lsg[i]]++;
    if (fraw[i] === lraw[i]) eq++;
  }
  const out: LeakScore = { feature: names[0], label: names[1], rows: n, pearson: NaN, spearman: NaN, directionKappa: NaN, equalityKappa: NaN };
  if (n < (opts.minRows ?? 30)) return out;
  out.pearson = corr(n, sx, sy, sxx, syy, sxy);
  out.spearman = corr(n, rx, ry, rxx, ryy, rxy);
  const kap = (flip: boolean) => {
    let agree = 0;
    let chance = 0;
    for (let s = 0; s < 3; s++) {
      const fs = flip ? 2 - s : s;
      agree += c[fs * 3 + s];
      chance += ((c[fs * 3] + c[fs * 3 + 1] + c[fs * 3 + 2]) / n) * ((c[s] + c[3 + s] + c[6 + s]) / n);
    }
    return chance < 1 ? (agree / n - chance) / (1 - chance) : NaN;
  };
  out.directionKappa = Math.max(kap(false), kap(true));
  if (eq / n >= Math.min(opts.direction ?? 0.98, 0.9)) {
    const cf = new Map<number, number>();
    const cl = new Map<number, number>();
    for (let i = 0; i < n0; i++) {
      if (fv[i] !== fv[i] || lv[i] !== lv[i]) continue;
      cf.set(fraw[i], (cf.get(fraw[i]) ?? 0) + 1);
      cl.set(lraw[i], (cl.get(lraw[i]) ?? 0) + 1);
    }
    let chance = 0;
    for (const [k, v] of cf) chance += (v / n) * ((cl.get(k) ?? 0) / n);
    out.equalityKappa = chance < 1 ? (eq / n - chance) / (1 - chance) : NaN;
  } else out.equalityKappa = eq / n;
  return out;
}

/** Leak criteria for one feature/label pair on rows where both are finite (at most `maxRows`, default 100 000, evenly spaced). */
export function leakScore(feature: Float64Array, label: Float64Array, opts: LeakOptions = {}, names: [string, string] = ['feature', 'label']): LeakScore {
  const rows = sampleRows(feature.length, opts.maxRows ?? 100_000);
  return scorePair(prepare(feature, rows), prepare(label, rows), opts, names);
}

/** Which criterion a score trips, or undefined. */
export function leakReason(s: LeakScore, opts: LeakOptions = {}): string | undefined {
  const c = opts.corr ?? 0.98;
  const d = opts.direction ?? 0.98;
  if (Math.abs(s.pearson) >= c) return `|Pearson r| = ${Math.abs(s.pearson).toFixed(4)} >= ${c}`;
  if (Math.abs(s.spearman) >= c) return `|Spearman rho| = ${Math.abs(s.spearman).toFixed(4)} >= ${c}`;
  if (s.directionKappa >= d) return `its sign matches the label's direction beyond chance (kappa ${s.directionKappa.toFixed(4)} >= ${d})`;
  if (s.equalityKappa >= d) return `it equals the label on nearly every row (kappa ${s.equalityKappa.toFixed(4)} >= ${d})`;
  return undefined;
}

/**
 * Stops training unless `featureNames` are safe to train on against `labelNames` (see the class
 * comment). Returns the scores of every pair for reporting. Call it with the frame the model
 * trains on, before any fitting.
 */
export function assertNoLeak(frame: Frame, featureNames: string[], labelNames: string[], opts: LeakOptions = {}): LeakScore[] {
  if (featureNames.length === 0) throw new LeakError('leak guard: no feature columns declared', '');
  const seen = new Set<string>();
  for (const f of featureNames) {
    if (seen.has(f)) throw new LeakError(`leak guard: feature column "${f}" is declared twice`, f);
    seen.add(f);
    if (f.startsWith('fwd_')) throw new LeakError(`leak guard: feature column "${f}" is a forward label (fwd_*); a model may not see label columns`, f);
    if (!frame.has(f)) throw new LeakError(`leak guard: declared feature column "${f}" is not in the data`, f);
  }
  for (const l of labelNames) {
    if (!frame.has(l)) throw new LeakError(`leak guard: label column "${l}" is not in the data`, l, l);
    if (seen.has(l)) throw new LeakError(`leak guard: column "${l}" is declared both as a feature and as a label`, l, l);
  }
  const scores: LeakScore[] = [];
  const full = sampleRows(frame.n, opts.maxRows ?? 100_000);
  const screen = sampleRows(frame.n, SCREEN_ROWS);
  const fScreen = featureNames.map((f) => prepare(frame.col(f), screen));
  const fFull: (Prepared | undefined)[] = [];
  for (const l of labelNames) {
    const lScreen = prepare(frame.col(l), screen);
    let lFull: Prepared | undefined;
    for (let k = 0; k < featureNames.length; k++) {
      const f = featureNames[k];
      let s = scorePair(fScreen[k], lScreen, opts, [f, l]);
      // the screen decides only clear cases; anything near a threshold, or thinly sampled, is measured on the full sample
      if (screen !== undefined && (s.rows < 1000 || suspicious(s))) {
        lFull ??= prepare(frame.col(l), full);
        s = scorePair((fFull[k] ??= prepare(frame.col(f), full)), lFull, opts, [f, l]);
      }
      scores.push(s);
      const why = leakReason(s, opts);
      if (why) throw new LeakError(`leak guard: feature column "${f}" reproduces label "${l}": ${why} on ${s.rows} rows; drop it from the features (it leaks the future)`, f, l);
    }
  }
  return scores;
}

/** Rows of the first, cheap pass over every pair. */
const SCREEN_ROWS = 5000;
const suspicious = (s: LeakScore) => Math.abs(s.pearson) >= 0.9 || Math.abs(s.spearman) >= 0.9 || s.directionKappa >= 0.9 || s.equalityKappa >= 0.9;

/** The declared feature columns only, after the leak guard: what a model may see. */
export function featureFrame(frame: Frame, featureNames: string[], labelNames: string[], opts: LeakOptions = {}): Frame {
  assertNoLeak(frame, featureNames, labelNames, opts);
  return frame.select(featureNames);
}
