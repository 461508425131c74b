import { UsageError } from '../core/errors.ts';

/**
 * Leak-proof splits over rows with a time (`ts`, ns) and a label end time (`labelEnd`, ns: the
 * last instant the row's label looks at, e.g. `fwd_end_ts`). Every row's information spans
 * [ts, labelEnd]. A test block's span is [first test ts, max over test rows of labelEnd].
 *
 * - Purging (López de Prado, AFML ch. 7): a training row whose span intersects the test span is
 *   dropped, so no training label was computed from prices inside the test period.
 * - Embargo: in purged k-fold, training rows starting within `embargo` ns after the test span are
 *   also dropped (features of those rows look back into the test period). In walk-forward and
 *   the chronological split there is no training data after the test block, so `embargo` is a gap
 *   before it instead: a training row's label must end more than `embargo` before the test starts.
 * - Rows with a non-finite ts or labelEnd (no label) are in no set.
 * - Rows may come from several instruments in any order: blocks are cut in time order, and purging
 *   compares times, so one instrument's test period also purges another's overlapping rows.
 *
 * Every index array is ascending row numbers of the input.
 */
export interface Fold {
  fold: number;
  train: Int32Array;
  /** Carved from the end of the training rows when `validation` > 0 (for early stopping), purged like a test block. */
  validation: Int32Array;
  test: Int32Array;
  testStart: number;
  testEnd: number;
  /** Training rows dropped because their label window overlaps the test (or validation) span. */
  purged: number;
  /** Training rows dropped by the embargo (or the gap before the test). */
  embargoed: number;
  /** Rows with no label end (in no set). */
  unlabeled: number;
}

export interface SplitOptions {
  /** ns; see above. Default 0. */
  embargo?: number;
  /** Fraction of each fold's training rows (the chronologically last ones) held out for validation. Default 0. */
  validation?: number;
}

export interface WalkForwardOptions extends SplitOptions {
  folds: number;
  /** expanding: train on every block before the test block; rolling: on the `window` blocks before it. */
  mode?: 'expanding' | 'rolling';
  /** Blocks in a rolling training window (default 1). */
  window?: number;
}

export interface KFoldOptions extends SplitOptions {
  folds: number;
}

export interface ChronoOptions extends SplitOptions {
  /** Fractions of the rows, in time order (validation may be 0). Default 0.6 / 0.2 / 0.2. */
  train?: number;
  test?: number;
}

/** Labelled rows in time order (ties by row number). */
function timeOrder(ts: ArrayLike<number>, end: ArrayLike<number>): { order: Int32Array; unlabeled: number } {
  if (ts.length !== end.length) throw new UsageError(`splits: ts has ${ts.length} rows, labelEnd ${end.length}`);
  const idx: number[] = [];
  for (let i = 0; i < ts.length; i++) if (Number.isFinite(ts[i]) && Number.isFinite(end[i])) idx.push(i);
  let sorted = true;
  for (let k = 1; k < idx.length && sorted; k++) if (ts[idx[k]] < ts[idx[k - 1]]) sorted = false;
  if (!sorted) idx.sort((a, b) => ts[a] - ts[b] || a - b);
  return { order: Int32Array.from(idx), unlabeled: ts.length - idx.length };
}

function span(rows: ArrayLike<number>, ts: ArrayLike<number>, end: ArrayLike<number>): [number, number] {
  let a = Infinity;
  let b = -Infinity;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (ts[r] < a) a = ts[r];
    const e = Math.max(ts[r], end[r]);
    if (e > b) b = e;
  }
  return [a, b];
}

/** Splits candidate training rows against one held-out span: kept, purged, embargoed. */
function purge(cand: ArrayLike<number>, ts: ArrayLike<number>, end: ArrayLike<number>, s: [number, number], gapBefore: number, embargoAfter: number): { keep: number[]; purged: number; embargoed: number } {
  const keep: number[] = [];
  let purged = 0;
  let embargoed = 0;
  const [a, b] = s;
  for (let k = 0; k < cand.length; k++) {
    const r = cand[k];
    const t = ts[r];
    const e = Math.max(t, end[r]);
    if (t <= b && e >= a) purged++;
    else if (e < a && e >= a - gapBefore) embargoed++;
    else if (t > b && t <= b + embargoAfter) embargoed++;
    else keep.push(r);
  }
  return { keep, purged, embargoed };
}

const asc = (xs: number[]) => Int32Array.from(xs).sort();

function checkFraction(v: number | undefined, name: string): number {
  const x = v ?? 0;
  if (!(x >= 0 && x < 1)) throw new UsageError(`${name} must be a fraction in [0, 1), got ${v}`);
  return x;
}

function checkEmbargo(v: number | undefined): number {
  const x = v ?? 0;
  if (!(x >= 0) || !Number.isFinite(x)) throw new UsageError(`embargo must be a duration >= 0 (ns), got ${v}`);
  return x;
}

/** Builds a fold from its test rows and candidate training rows (both in time order). */
function makeFold(fold: number, testRows: number[], trainCand: number[], ts: ArrayLike<number>, end: ArrayLike<number>, gapBefore: number, embargoAfter: number, validation: number, unlabeled: number): Fold {
  const ts_ = span(testRows, ts, end);
  const p = purge(trainCand, ts, end, ts_, gapBefore, embargoAfter);
  let train = p.keep;
  let purged = p.purged;
  let embargoed = p.embargoed;
  let val: number[] = [];
  if (validation > 0 && train.length > 1) {
    const nv = Math.max(1, Math.round(train.length * validation));
    val = train.slice(train.length - nv);
    const vs = span(val, ts, end);
    // Validation sits at the end of the training rows in time: training rows before it get the gap, after it (k-fold) the embargo.
    const q = purge(train.slice(0, train.length - nv), ts, end, vs, gapBefore, embargoAfter);
    train = q.keep;
    purged += q.purged;
    embargoed += q.embargoed;
  }
  return { fold, train: asc(train), validation: asc(val), test: asc(testRows), testStart: ts_[0], testEnd: ts_[1], purged, embargoed, unlabeled };
}

function blocks(order: Int32Array, k: number): number[][] {
  const n = order.length;
  if (n < k) throw new UsageError(`cannot cut ${n} labelled rows into ${k} blocks`);
  const out: number[][] = [];
  for (let b = 0; b < k; b++) out.push(Array.from(order.subarray(Math.floor((b * n) / k), Math.floor(((b + 1) * n) / k))));
  return out;
}

/**
 * Walk-forward: the labelled rows in time order are cut into `folds + 1` equal blocks; fold k tests
 * on block k + 1 and trains on the blocks before it (all of them, or the last `window` when
 * rolling), purged against the test span, with `embargo` as a gap before the test.
 */
export function walkForward(ts: ArrayLike<number>, labelEnd: ArrayLike<number>, opts: WalkForwardOptions): Fold[] {
  const folds = opts.folds;
  if (!(Number.isInteger(folds) && folds >= 1)) throw new UsageError(`walk-forward folds must be an integer >= 1, got ${folds}`);
  const mode = opts.mode ?? 'expanding';
  if (mode !== 'expanding' && mode !== 'rolling') throw new UsageError(`walk-forward mode must be expanding or rolling, got ${mode}`);
  const window = opts.window ?? 1;
  if (!(Number.isInteger(window) && window >= 1)) throw new UsageError(`rolling window must be an integer number of blocks >= 1, got ${window}`);
  const embargo = checkEmbargo(opts.embargo);
  const validation = checkFraction(opts.validation, 'validation');
  const { order, unlabeled } = timeOrder(ts, labelEnd);
  const bl = blocks(order, folds + 1);
  const out: Fold[] = [];
  for (let k = 0; k < folds; k++) {
    const from = mode === 'expanding' ? 0 : Math.max(0, k + 1 - window);
    const cand = bl.slice(from, k + 1).flat();
    out.push(makeFold(k, bl[k + 1], cand, ts, labelEnd, embargo, 0, validation, unlabeled));
  }
  return out;
}

/**
 * Purged k-fold with embargo (López de Prado): the labelled rows in time order are cut into
 * `folds` contiguous blocks; fold k tests on block k and trains on every other row, minus rows
 * whose label window overlaps the test span (purge) and rows starting within `embargo` after it.
 */
export function purgedKFold(ts: ArrayLike<number>, labelEnd: ArrayLike<number>, opts: KFoldOptions): Fold[] {
  const folds = opts.folds;
  if (!(Number.isInteger(folds) && folds >= 2)) throw new UsageError(`purged k-fold needs an integer number of folds >= 2, got ${folds}`);
  const embargo = checkEmbargo(opts.embargo);
  const validation = checkFraction(opts.validation, 'validation');
  const { order, unlabeled } = timeOrder(ts, labelEnd);
  const bl = blocks(order, folds);
  const out: Fold[] = [];
  for (let k = 0; k < folds; k++) {
    const cand = bl.filter((_, b) => b !== k).flat();
    out.push(makeFold(k, bl[k], cand, ts, labelEnd, 0, embargo, validation, unlabeled));
  }
  return out;
}

/**
 * One chronological train / validation / test split: the first `train` share of the labelled rows
 * in time order, then `1 - train - test` for validation, then the last `test` share; training rows
 * are purged against both later spans and validation rows against the test span.
 */
export function chronoSplit(ts: ArrayLike<number>, labelEnd: ArrayLike<number>, opts: ChronoOptions = {}): Fold {
  const trainF = opts.train ?? 0.6;
  const testF = opts.test ?? 0.2;
  if (!(trainF > 0 && testF > 0 && trainF + testF <= 1)) throw new UsageError(`chronological split: train (${trainF}) and test (${testF}) must be > 0 and sum to at most 1`);
  const embargo = checkEmbargo(opts.embargo);
  const { order, unlabeled } = timeOrder(ts, labelEnd);
  const n = order.length;
  const a = Math.floor(n * trainF);
  const b = Math.floor(n * (1 - testF));
  if (a === 0 || b >= n) throw new UsageError(`chronological split: ${n} labelled rows are too few for these fractions`);
  const train0 = Array.from(order.subarray(0, a));
  const val0 = Array.from(order.subarray(a, b));
  const test = Array.from(order.subarray(b));
  const testSpan = span(test, ts, labelEnd);
  const v = purge(val0, ts, labelEnd, testSpan, embargo, 0);
  let purged = v.purged;
  let embargoed = v.embargoed;
  let train = purge(train0, ts, labelEnd, testSpan, embargo, 0);
  purged += train.purged;
  embargoed += train.embargoed;
  if (v.keep.length) {
    train = purge(train.keep, ts, labelEnd, span(v.keep, ts, labelEnd), embargo, 0);
    purged += train.purged;
    embargoed += train.embargoed;
  }
  return { fold: 0, train: asc(train.keep), validation: asc(v.keep), test: asc(test), testStart: testSpan[0], testEnd: testSpan[1], purged, embargoed, unlabeled };
}

/**
 * Independent check of a split: for every fold, no training or validation row's window
 * [ts, labelEnd] intersects the test span, none lies within `gapBefore` before it or `embargoAfter`
 * after it, and train / validation / test are disjoint (validation also kept clear of training
 * rows). Returns the violations (empty when the split is clean).
 */
export function verifySplit(ts: ArrayLike<number>, labelEnd: ArrayLike<number>, folds: Fold[], opts: { gapBefore?: number; embargoAfter?: number } = {}): string[] {
  const gap = opts.gapBefore ?? 0;
  const emb = opts.embargoAfter ?? 0;
  const bad: string[] = [];
  const clear = (f: Fold, rows: Int32Array, held: Int32Array, what: string) => {
    let a = Infinity;
    let b = -Infinity;
    for (const r of held) {
      a = Math.min(a, ts[r]);
      b = Math.max(b, ts[r], labelEnd[r]);
    }
    const heldSet = new Set(held);
    for (const r of rows) {
      if (heldSet.has(r)) bad.push(`fold ${f.fold}: row ${r} is in both ${what}`);
      const s = ts[r];
      const e = Math.max(s, labelEnd[r]);
      if (!Number.isFinite(s) || !Number.isFinite(labelEnd[r])) bad.push(`fold ${f.fold}: row ${r} has no label end but is in ${what}`);
      else if (s <= b && e >= a) bad.push(`fold ${f.fold}: row ${r} [${s}, ${e}] overlaps the held-out span [${a}, ${b}] (${what})`);
      else if (e < a && e >= a - gap) bad.push(`fold ${f.fold}: row ${r} ends ${a - e} ns before the held-out span, inside the ${gap} ns gap (${what})`);
      else if (s > b && s <= b + emb) bad.push(`fold ${f.fold}: row ${r} starts ${s - b} ns after the held-out span, inside the ${emb} ns embargo (${what})`);
      if (bad.length > 50) return;
    }
  };
  for (const f of folds) {
    if (f.test.length === 0) bad.push(`fold ${f.fold}: empty test set`);
    clear(f, f.train, f.test, 'train/test');
    clear(f, f.validation, f.test, 'validation/test');
    if (f.validation.length) clear(f, f.train, f.validation, 'train/validation');
  }
  return bad;
}
