import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chronoSplit, purgedKFold, verifySplit, walkForward, type Fold } from './splits.ts';

const S = 1e9;

/** Rows every 100 ms with label windows of 0.5 s .. 20 s (varying, like mixed horizons), some without a label. */
function rows(n: number, seed = 1): { ts: Float64Array; end: Float64Array } {
  const ts = new Float64Array(n);
  const end = new Float64Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    ts[i] = 1.7e18 + i * 0.1 * S;
    end[i] = ts[i] + (0.5 + (x % 200) / 10) * S;
  }
  end[n - 1] = NaN; // the data ended inside its window
  return { ts, end };
}

/** The literal requirement, pairwise: no training row's window [ts, end] touches any test row's [ts, end]. */
function pairwiseClean(ts: Float64Array, end: Float64Array, f: Fold, gapBefore = 0, embargoAfter = 0): boolean {
  for (const r of f.train) {
    for (const q of f.test) {
      const a0 = ts[r];
      const a1 = end[r];
      if (a0 <= end[q] && a1 >= ts[q]) return false;
    }
  }
  // and outside the purge: the gap before the test span and the embargo after it
  for (const r of f.train) {
    if (end[r] < f.testStart && end[r] >= f.testStart - gapBefore) return false;
    if (ts[r] > f.testEnd && ts[r] <= f.testEnd + embargoAfter) return false;
  }
  return true;
}

test('walk-forward (expanding and rolling): no training label window overlaps any test row; purge is real', () => {
  const { ts, end } = rows(1200);
  for (const mode of ['expanding', 'rolling'] as const) {
    const folds = walkForward(ts, end, { folds: 5, mode, embargo: 2 * S });
    assert.equal(folds.length, 5);
    let purged = 0;
    for (const f of folds) {
      assert.ok(pairwiseClean(ts, end, f, 2 * S, 0), `${mode} fold ${f.fold}`);
      assert.ok(f.train.length > 0 && f.test.length === 200, `${mode} fold ${f.fold}: ${f.train.length} train, ${f.test.length} test`);
      assert.ok(ts[f.train[f.train.length - 1]] < ts[f.test[0]], 'walk-forward trains on the past only');
      assert.equal(f.unlabeled, 1);
      purged += f.purged + f.embargoed;
    }
    assert.ok(purged > 50, `rows near each test block were purged (${purged})`);
    assert.deepEqual(verifySplit(ts, end, folds, { gapBefore: 2 * S }), []);
    if (mode === 'rolling') assert.ok(folds[4].train.length < 200, 'rolling: one block (minus purge) of training rows');
    else assert.ok(folds[4].train.length > 700, 'expanding: every earlier block');
  }
});

test('purged k-fold with embargo: train on both sides, purged around each test block, embargoed after it', () => {
  const { ts, end } = rows(1000);
  const folds = purgedKFold(ts, end, { folds: 5, embargo: 3 * S });
  const tested = new Set<number>();
  for (const f of folds) {
    assert.ok(pairwiseClean(ts, end, f, 0, 3 * S), `fold ${f.fold}`);
    for (const r of f.test) {
      assert.ok(!tested.has(r), 'each row is tested once');
      tested.add(r);
    }
    assert.ok(f.embargoed > 0 || f.fold === 4, `fold ${f.fold} embargoed rows after the test block`);
  }
  assert.equal(tested.size, 999, 'every labelled row is tested exactly once');
  const mid = folds[2];
  assert.ok(ts[mid.train[0]] < mid.testStart && ts[mid.train[mid.train.length - 1]] > mid.testEnd, 'middle fold trains on both sides');
  // rows right after the test span inside the embargo are gone; just after it, back
  const after = Array.from(mid.train).filter((r) => ts[r] > mid.testEnd);
  assert.ok(ts[after[0]] > mid.testEnd + 3 * S && ts[after[0]] <= mid.testEnd + 3.2 * S);
  assert.deepEqual(verifySplit(ts, end, folds, { embargoAfter: 3 * S }), []);
});

test('the check fails on an unpurged split, so a clean result means something', () => {
  const { ts, end } = rows(600);
  const naive: Fold = { ...purgedKFold(ts, end, { folds: 3 })[1], purged: 0, embargoed: 0 };
  naive.train = Int32Array.from({ length: 600 }, (_, i) => i).filter((i) => !naive.test.includes(i) && Number.isFinite(end[i]));
  assert.equal(pairwiseClean(ts, end, naive), false);
  assert.ok(verifySplit(ts, end, [naive]).length > 0);
  assert.match(verifySplit(ts, end, [naive])[0], /overlaps the held-out span/);
});

test('validation carved from training rows is purged against training too', () => {
  const { ts, end } = rows(1000);
  for (const folds of [walkForward(ts, end, { folds: 3, validation: 0.2, embargo: S }), purgedKFold(ts, end, { folds: 4, validation: 0.2, embargo: S })]) {
    for (const f of folds) {
      assert.ok(f.validation.length > 0);
      const v: Fold = { ...f, test: f.validation, testStart: ts[f.validation[0]], testEnd: Math.max(...Array.from(f.validation, (r) => Math.max(ts[r], end[r]))) };
      assert.ok(pairwiseClean(ts, end, v), `train vs validation, fold ${f.fold}`);
      assert.ok(pairwiseClean(ts, end, { ...f, train: f.validation }), `validation vs test, fold ${f.fold}`);
    }
  }
});

test('chronological train / validation / test, purged at both boundaries', () => {
  const { ts, end } = rows(1000);
  const f = chronoSplit(ts, end, { train: 0.6, test: 0.2, embargo: S });
  assert.equal(f.test.length, 200);
  // windows reach up to 20.5 s (205 rows): purging at each boundary removes up to that many rows
  assert.ok(f.validation.length > 0 && f.validation.length < 200);
  assert.ok(f.train.length > 350 && f.train.length < 600);
  assert.equal(f.train.length + f.validation.length + f.test.length + f.purged + f.embargoed, 999, 'every labelled row accounted for');
  assert.ok(f.embargoed > 0, 'the 1 s gap before each held-out span removed rows');
  assert.deepEqual(verifySplit(ts, end, [f], { gapBefore: S }), []);
});

test('rows of several instruments in any order: blocks by time, purge across instruments', () => {
  const a = rows(500, 1);
  const b = rows(500, 2);
  const ts = new Float64Array(1000);
  const end = new Float64Array(1000);
  // interleave backwards: B's rows first, then A's, each reversed
  for (let i = 0; i < 500; i++) {
    ts[i] = b.ts[499 - i] + 0.05 * S;
    end[i] = b.end[499 - i] + 0.05 * S;
    ts[500 + i] = a.ts[499 - i];
    end[500 + i] = a.end[499 - i];
  }
  const folds = walkForward(ts, end, { folds: 4 });
  for (const f of folds) {
    assert.ok(pairwiseClean(ts, end, f), `fold ${f.fold}`);
    const testTimes = Array.from(f.test, (r) => ts[r]);
    const trainTimes = Array.from(f.train, (r) => ts[r]);
    assert.ok(Math.max(...trainTimes) < Math.min(...testTimes));
    assert.ok(f.test.some((r) => r < 500) && f.test.some((r) => r >= 500), 'both instruments in each test block');
  }
});

test('bad split parameters are usage errors', () => {
  const { ts, end } = rows(100);
  assert.throws(() => purgedKFold(ts, end, { folds: 1 }), /folds >= 2/);
  assert.throws(() => walkForward(ts, end, { folds: 0 }), /integer >= 1/);
  assert.throws(() => walkForward(ts, end, { folds: 3, embargo: -1 }), /embargo/);
  assert.throws(() => walkForward(ts, end, { folds: 200 }), /cannot cut 99 labelled rows into 201 blocks/);
  assert.throws(() => chronoSplit(ts, end, { train: 0.9, test: 0.2 }), /sum to at most 1/);
});
