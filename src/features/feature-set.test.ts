import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { L2Book } from '../book/l2book.ts';
import type { MarketEvent } from '../core/events.ts';
import { FrameBuilder } from '../core/frame.ts';
import { book, col, gap, MS, run, T0, trade } from '../../test/helpers/features.ts';
import type { FeatureContext } from './context.ts';
import { BaseFeature, LookAheadError, WANT_BOOK, type Feature } from './feature.ts';
import { FeatureSet } from './feature-set.ts';
import { defineOp } from './op-def.ts';
import { FeaturePipeline } from './pipeline.ts';
import { CORE_COLUMNS } from './spec.ts';

const mid = (m: number, ts: number) => book(ts, [[m - 0.5, 1]], [[m + 0.5, 1]]);

test('time sampling: the row at grid time T holds every event ≤ T and none after; local_ts is when the row became known', () => {
  const ev = [mid(100, T0 + 30 * MS), mid(101, T0 + 100 * MS), mid(102, T0 + 150 * MS), mid(103, T0 + 420 * MS)];
  const f = run({ sampling: { mode: 'time', interval_ms: 100 }, features: [{ op: 'spread' }] }, ev);
  assert.deepEqual(f.names.slice(0, CORE_COLUMNS.length), [...CORE_COLUMNS]);
  assert.deepEqual(col(f, 'ts').map((t) => Math.round((t - T0) / MS)), [100, 200, 300, 400]);
  assert.deepEqual(col(f, 'mid'), [101, 102, 102, 102]); // the event at exactly 100 ms counts; the one at 420 ms does not reach 400
  // rows become known when the first later event arrives (local time = exchange + 5 ms in these events)
  assert.deepEqual(col(f, 'local_ts').map((t) => Math.round((t - T0) / MS)), [155, 425, 425, 425]);
  assert.deepEqual(col(f, 'bid'), [100.5, 101.5, 101.5, 101.5]);
  assert.deepEqual(col(f, 'ask_size'), [1, 1, 1, 1]);
});

test('event, trade and volume sampling', () => {
  const ev: MarketEvent[] = [mid(100, T0), trade(T0 + 1 * MS, 100.5, 2, 1), mid(101, T0 + 2 * MS), trade(T0 + 3 * MS, 101.5, 2, 1), trade(T0 + 4 * MS, 101.5, 2, 1), trade(T0 + 5 * MS, 101.5, 10, -1), trade(T0 + 6 * MS, 101.5, 1, 1), trade(T0 + 7 * MS, 101.5, 3, 1)];
  const spec = (sampling: unknown) => ({ sampling, features: [{ op: 'spread' }] });
  assert.deepEqual(col(run(spec({ mode: 'event' }), ev), 'ts').map((t) => Math.round((t - T0) / MS)), [0, 2]);
  assert.deepEqual(col(run(spec({ mode: 'trade' }), ev), 'ts').map((t) => Math.round((t - T0) / MS)), [1, 3, 4, 5, 6, 7]);
  // buckets of 5: cumulative 2, 4, 6 (row), 16 (one row although two buckets filled), 17, 20 (row)
  assert.deepEqual(col(run(spec({ mode: 'volume', volume: 5 }), ev), 'ts').map((t) => Math.round((t - T0) / MS)), [4, 5, 7]);
  // notional buckets: 2·100.5 = 201, +203 = 404, +203 = 607 (row at 500) …
  assert.deepEqual(col(run(spec({ mode: 'volume', notional: 500 }), ev), 'ts').map((t) => Math.round((t - T0) / MS)), [4, 5, 7]);
});

test('warm-up rows are flagged, not dropped; an invalid book is flagged and its prices are NaN', () => {
  const ev = [mid(100, T0), mid(100, T0 + 500 * MS), mid(100, T0 + 1000 * MS), gap(T0 + 1100 * MS), mid(101, T0 + 1300 * MS), mid(101, T0 + 1600 * MS)];
  const f = run({ sampling: { mode: 'time', interval_ms: 100 }, features: [{ op: 'trade_flow', windows_ms: [1000] }] }, ev);
  const ts = col(f, 'ts').map((t) => Math.round((t - T0) / MS));
  assert.equal(ts[0], 0);
  assert.equal(f.n, 17); // 0..1600 ms every 100 ms
  const warm = col(f, 'warm');
  assert.deepEqual(warm.slice(0, 10), new Array(10).fill(0)); // trade_flow needs 1 s of history
  assert.ok(warm.slice(10).every((w) => w === 1));
  const valid = col(f, 'valid');
  assert.deepEqual(valid.slice(10, 14), [1, 0, 0, 1]); // 1100 and 1200 ms: after the gap (at 1100), before the resync (1300)
  assert.ok(Number.isNaN(f.col('mid')[11]) && Number.isNaN(f.col('bid')[12]));
  assert.equal(f.col('mid')[13], 101);
});

test('time sampling: a silence longer than max_gap_ms emits max_gap worth of rows, then jumps to the row before the next event', () => {
  const f = run({ sampling: { mode: 'time', interval_ms: 100, max_gap_ms: 1000 }, features: [{ op: 'spread' }] }, [mid(100, T0), mid(101, T0 + 60_000 * MS + 50 * MS)]);
  const ts = col(f, 'ts').map((t) => Math.round((t - T0) / MS));
  assert.deepEqual(ts, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 60_000]);
  assert.equal(f.col('mid')[10], 100); // the row just before the next event still shows the old book
  const fs = new FeatureSet({ sampling: { mode: 'time', interval_ms: 100, max_gap_ms: 1000 }, features: [{ op: 'spread' }] });
  const b = new L2Book();
  const e = [mid(100, T0), mid(101, T0 + 60_050 * MS)];
  b.apply(e[0]);
  fs.onEvent(e[0], b);
  fs.advance(e[1].exchTs, e[1].localTs);
  assert.equal(fs.skippedRows, 590); // 1000 … 59 900 ms
});

/** A planted cheat: keeps the row it was given and, on the next book event, writes the new (future) mid into it. */
class Backfill extends BaseFeature {
  override readonly wants = WANT_BOOK;
  private out: Float64Array | undefined;
  private at = 0;
  override update(ctx: FeatureContext): void {
    if (this.out) this.out[this.at] = ctx.mid;
  }
  write(out: Float64Array, at: number): void {
    this.out = out;
    this.at = at;
    out[at] = NaN;
  }
}
const cheat = defineOp({ op: 'backfill', summary: 'test: writes the future into past rows', params: z.strictObject({}), create: (_p, pre) => new Backfill([pre]) });

test('look-ahead: a feature that writes a later value into an already emitted row is rejected', () => {
  const ev = [mid(100, T0), mid(101, T0 + 150 * MS), mid(102, T0 + 250 * MS)];
  assert.throws(
    () => run({ sampling: { mode: 'time', interval_ms: 100 }, features: [{ op: 'spread' }, { op: 'backfill' }] }, ev, [cheat]),
    (e: unknown) => e instanceof LookAheadError && /backfill.*outside its write\(\)/.test(e.message),
  );
  // the rows it already produced were copied out at emission, so the later write could not reach them
  const rows: number[] = [];
  const p = new FeaturePipeline({ spec: { features: [{ op: 'backfill' }] }, ops: [cheat], onRow: (_i, r) => rows.push(r[CORE_COLUMNS.length]) });
  p.push(ev[0]);
  p.push(ev[1]);
  assert.throws(() => p.push(ev[2]), LookAheadError);
  assert.deepEqual(rows, [NaN, NaN]); // rows at 0 and 100 ms, as written
});

test('look-ahead: a row cannot be emitted after the book moved past it (advance() must come first)', () => {
  const fs = new FeatureSet({ sampling: { mode: 'time', interval_ms: 100 }, features: [{ op: 'spread' }] }, { sink: new FrameBuilder(['x']) });
  const b = new L2Book();
  const e1 = mid(100, T0);
  const e2 = mid(105, T0 + 250 * MS);
  b.apply(e1);
  fs.onEvent(e1, b, true);
  b.apply(e2); // applied without fs.advance(): the rows at 100 and 200 ms would see this later book
  assert.throws(() => fs.onEvent(e2, b, true), (e: unknown) => e instanceof LookAheadError && /advance\(ts, localTs\)/.test(e.message));
});

test('look-ahead: the rows of a prefix of the stream are exactly the first rows of the whole stream', () => {
  const ev: MarketEvent[] = [];
  let m = 100;
  for (let i = 0; i < 400; i++) {
    m += Math.sin(i * 1.3) * 0.25;
    ev.push(mid(Math.round(m * 100) / 100, T0 + i * 37 * MS));
    if (i % 3 === 0) ev.push(trade(T0 + (i * 37 + 5) * MS, m, 0.1 + (i % 7), i % 2 ? 1 : -1));
  }
  const spec = { sampling: { mode: 'time', interval_ms: 100 }, features: [{ op: 'ofi', windows_ms: [500] }, { op: 'trade_flow', windows_ms: [1000] }, { op: 'volatility', bar_ms: 200, bars: 5 }, { op: 'vpin', bucket_volume: 3, window: 5, cdf_min: 1 }] };
  const full = run(spec, ev);
  const cut = 500;
  const part = run(spec, ev.slice(0, cut));
  // finish() emits rows up to the last event; the prefix's rows before its final event match the full run's
  const lastTs = ev[cut - 1].exchTs;
  for (let i = 0; i < part.n && part.col('ts')[i] < lastTs; i++) {
    for (const name of full.names) {
      if (name === 'local_ts') continue; // the prefix's last rows became known at a different event
      assert.ok(Object.is(part.col(name)[i], full.col(name)[i]), `row ${i} column ${name}: ${part.col(name)[i]} vs ${full.col(name)[i]}`);
    }
  }
});

test('normalization: z-score and min-max columns, state saved to JSON and restored continues identically', () => {
  const spec = { sampling: { mode: 'event' }, features: [{ op: 'spread', normalize: { method: 'zscore', window: 4, min_count: 2 } }, { op: 'microprice', normalize: { method: 'minmax', window: 3 } }] };
  const ev = [0.1, 0.3, 0.2, 0.5, 0.4, 0.9, 0.2, 0.3].map((s, i) => book(T0 + i * MS, [[100, 1 + i]], [[100 + s, 2]]));
  const a = new FeatureSet(spec);
  assert.deepEqual(a.featureNames, ['spread', 'spread_bps', 'microprice', 'microprice_dev_bps', 'spread_z', 'spread_bps_z', 'microprice_mm', 'microprice_dev_bps_mm']);
  const rowsA: number[][] = [];
  const b1 = new L2Book();
  const feed = (fs: FeatureSet, b: L2Book, evs: typeof ev, out: number[][]) => {
    for (const e of evs) {
      fs.advance(e.exchTs, e.localTs);
      b.apply(e);
      fs.onEvent(e, b, true);
      out.push(Array.from(fs.row));
    }
  };
  feed(a, b1, ev.slice(0, 5), rowsA);
  // spread z at row 1: spreads [0.1, 0.3] → mean 0.2, sd 0.1 → z = 1
  assert.ok(Math.abs(rowsA[1][a.indexOf('spread_z')] - 1) < 1e-9);
  assert.equal(rowsA[0][a.indexOf('warm')], 0);
  assert.equal(rowsA[1][a.indexOf('warm')], 0); // min-max needs 3
  assert.equal(rowsA[2][a.indexOf('warm')], 1);
  const state = JSON.parse(JSON.stringify(a.normalizationState()));
  const b = new FeatureSet(spec);
  b.restoreNormalization(state);
  const restA: number[][] = [];
  const restB: number[][] = [];
  const b2 = new L2Book();
  b2.apply(ev[4]);
  feed(a, b1, ev.slice(5), restA);
  feed(b, b2, ev.slice(5), restB);
  for (let r = 0; r < restA.length; r++) for (const n of ['spread_z', 'spread_bps_z', 'microprice_mm', 'microprice_dev_bps_mm']) assert.ok(Object.is(restA[r][a.indexOf(n)], restB[r][b.indexOf(n)]), `${n} row ${r}`);
  assert.throws(() => new FeatureSet({ features: [{ op: 'spread', normalize: { method: 'zscore', window: 5 } }] }).restoreNormalization(state), /feature spec/);
});

test('a custom operator plugs in through the spec (the Feature interface is the extension point)', () => {
  class Const implements Feature {
    readonly wants = 0;
    constructor(
      readonly names: string[],
      private readonly v: number,
    ) {}
    update(): void {}
    write(out: Float64Array, at: number): void {
      out[at] = this.v;
    }
    warm(): boolean {
      return true;
    }
  }
  const op = defineOp({ op: 'const', summary: 'test', params: z.strictObject({ value: z.number() }), create: (p, pre) => new Const([pre], p.value) });
  const f = run({ sampling: { mode: 'event' }, features: [{ op: 'const', value: 7 }] }, [mid(100, T0)], [op]);
  assert.deepEqual(col(f, 'const'), [7]);
});
