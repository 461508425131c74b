import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Frame } from '../core/frame.ts';
import { assertNoLeak, featureFrame, LeakError, leakScore } from './leak-guard.ts';

/** Deterministic normal-ish noise (sum of uniforms from an LCG). */
function noise(seed: number): () => number {
  let x = seed;
  const u = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  return () => u() + u() + u() + u() - 2;
}

/** A frame with a forward return, its 3-class direction, a fill flag and time-to-fill, and honest features. */
function data(n = 20_000) {
  const z = noise(42);
  const ret = new Float64Array(n);
  const dir = new Float64Array(n);
  const fill = new Float64Array(n);
  const ttf = new Float64Array(n);
  const imb = new Float64Array(n);
  const spread = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    imb[i] = z();
    ret[i] = 0.1 * imb[i] + z(); // a genuinely predictive feature: IC ≈ 0.17
    dir[i] = ret[i] > 0.3 ? 1 : ret[i] < -0.3 ? -1 : 0;
    spread[i] = 1 + Math.abs(z());
    fill[i] = z() > 0 ? 1 : 0;
    ttf[i] = fill[i] ? 1 + Math.abs(z()) : NaN;
  }
  ret[5] = NaN; // labels have NaN rows
  const cols: Record<string, Float64Array> = { imbalance: imb, spread, fwd_ret_10s: ret, fwd_dir_10s: dir, fwd_mkb_fill_10s: fill, fwd_mkb_ttf_10s: ttf };
  return { n, cols, z };
}

const frameOf = (n: number, cols: Record<string, Float64Array>) => new Frame(Object.keys(cols), Object.values(cols), n);
const LABELS = ['fwd_ret_10s', 'fwd_dir_10s', 'fwd_mkb_fill_10s', 'fwd_mkb_ttf_10s'];

function plant(name: string, make: (c: Record<string, Float64Array>, z: () => number, n: number) => Float64Array): { frame: Frame; err: unknown } {
  const { n, cols, z } = data();
  const f = frameOf(n, { ...cols, [name]: make(cols, z, n) });
  try {
    assertNoLeak(f, ['imbalance', 'spread', name], LABELS);
    return { frame: f, err: undefined };
  } catch (e) {
    return { frame: f, err: e };
  }
}

function assertCaught(name: string, err: unknown, label: string, why: RegExp): void {
  assert.ok(err instanceof LeakError, `${name} was not caught`);
  assert.equal(err.column, name);
  assert.equal(err.label, label);
  assert.match(err.message, new RegExp(`feature column "${name}" reproduces label "${label}"`));
  assert.match(err.message, why);
}

test('honest features pass, including one-signed ones next to one-signed labels', () => {
  const { n, cols } = data();
  const scores = assertNoLeak(frameOf(n, cols), ['imbalance', 'spread'], LABELS);
  assert.equal(scores.length, 8);
  const ic = scores.find((s) => s.feature === 'imbalance' && s.label === 'fwd_ret_10s')!;
  assert.ok(ic.pearson > 0.05 && ic.pearson < 0.3, `a real but modest IC: ${ic.pearson}`);
  const sp = scores.find((s) => s.feature === 'spread' && s.label === 'fwd_mkb_ttf_10s')!;
  assert.ok(!(sp.directionKappa >= 0.5), `spread > 0 and ttf > 0 always agree in sign, by chance only: kappa ${sp.directionKappa}`);
  assert.equal(featureFrame(frameOf(n, cols), ['imbalance'], LABELS).names.join(), 'imbalance', 'the model sees only its declared columns');
});

test('planted: a label column declared as a feature (any fwd_*, end times included)', () => {
  const { n, cols } = data();
  const f = frameOf(n, { ...cols, fwd_end_ts: new Float64Array(n) });
  for (const name of ['fwd_ret_10s', 'fwd_end_ts']) {
    assert.throws(
      () => assertNoLeak(f, ['imbalance', name], ['fwd_dir_10s']),
      (e: unknown) => e instanceof LeakError && e.column === name && /feature column "fwd_[a-z_0-9]+" is a forward label/.test(e.message),
    );
  }
  assert.throws(() => assertNoLeak(f, ['imbalance', 'nope'], LABELS), /declared feature column "nope" is not in the data/);
  assert.throws(() => assertNoLeak(f, ['imbalance', 'imbalance'], LABELS), /declared twice/);
});

test('planted: a scaled copy of the forward return (Pearson)', () => {
  const { err } = plant('future_ret', (c) => c.fwd_ret_10s.map((v) => 3 * v + 1));
  assertCaught('future_ret', err, 'fwd_ret_10s', /Pearson/);
});

test('planted: a monotone, non-linear transform of the return (Spearman, rank agreement)', () => {
  const { err } = plant('squashed', (c) => c.fwd_ret_10s.map((v) => Math.exp(3 * v)));
  assertCaught('squashed', err, 'fwd_ret_10s', /Spearman/);
});

test('planted: the sign of the future return times noise (direction agreement)', () => {
  const { err } = plant('signed_noise', (c, z) => c.fwd_ret_10s.map((v) => Math.sign(v) * (0.01 + Math.abs(z()) * 100)));
  assertCaught('signed_noise', err, 'fwd_ret_10s', /sign matches the label's direction/);
});

test('planted: the direction class with 1 % of rows corrupted (still caught)', () => {
  const { err } = plant('dir_copy', (c) => c.fwd_dir_10s.map((v, i) => (i % 100 === 7 ? ((v + 2) % 3) - 1 : v)));
  assert.ok(err instanceof LeakError && err.column === 'dir_copy', String(err));
  assert.equal(err.label, 'fwd_dir_10s');
});

test('planted: the fill flag copied with its sign flipped (a negated leak is a leak)', () => {
  const { err } = plant('no_fill', (c) => c.fwd_mkb_fill_10s.map((v) => 1 - v));
  assertCaught('no_fill', err, 'fwd_mkb_fill_10s', /Pearson r/);
});

test('leak scores are measured on rows where both are finite and thinned evenly', () => {
  const { cols } = data(5000);
  const copy = cols.fwd_ret_10s.slice();
  const s = leakScore(copy, cols.fwd_ret_10s, { maxRows: 1000 });
  assert.equal(s.rows, 999, 'rows 0, 5, 10, ... sampled; row 5 has no label');
  assert.ok(s.pearson > 0.999999);
  const few = leakScore(copy.subarray(0, 20), cols.fwd_ret_10s.subarray(0, 20));
  assert.ok(Number.isNaN(few.pearson), 'below minRows nothing is claimed');
});
