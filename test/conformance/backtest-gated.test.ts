/**
 * The model-gated maker entry on real data (USD-M BTCUSDT): a GBDT trained on features extracted
 * offline gates entries in the backtest, where the features are computed again inside the strategy
 * from the events it receives. Checks: the strategy's rows equal the offline rows exactly (one code
 * path); every entry was allowed by the gate at its last row (model edge, VPIN below the kill
 * level, warm valid row); the kill switch and the edge threshold do stop entries; a model trained
 * on another spec is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { MarketEvent } from '../../src/core/events.ts';
import type { Frame } from '../../src/core/frame.ts';
import { extractFeatures, normalizeSpec, specJson } from '../../src/features/index.ts';
import { loadArtifact, saveArtifact, trainModel, type Artifact } from '../../src/models/index.ts';
import { replayEvents } from '../../src/replay/open.ts';
import { Backtest } from '../../src/sim/engine.ts';
import { parseFeeSpec } from '../../src/sim/fees.ts';
import { ConstantLatency } from '../../src/sim/latency.ts';
import { parseQueueSpec } from '../../src/sim/queue.ts';
import { finishBacktest } from '../../src/sim/run.ts';
import type { OrderRequest, StrategyContext } from '../../src/strategy/api.ts';
import { GatedMakerStrategy } from '../../src/strategy/gated.ts';
import { Params } from '../../src/strategy/params.ts';
import { dataPath } from '../helpers/data.ts';

const SPEC = {
  version: 1,
  sampling: { mode: 'time', interval_ms: 500 },
  features: [
    { op: 'spread' },
    { op: 'microprice' },
    { op: 'level_imbalance', levels: 3 },
    { op: 'ofi', levels: 3, windows_ms: [1000, 5000] },
    { op: 'trade_flow', windows_ms: [1000, 5000] },
    { op: 'vpin', window: 20, auto_calibrate_ms: 30000, auto_bucket_ms: 2000, cdf_window: 100, cdf_min: 10 },
    { op: 'regime', window: 60, min_bars: 20 },
  ],
};

interface Fixture {
  events: MarketEvent[];
  frame: Frame;
  art: Artifact;
  dir: string;
}

let fixture: Fixture | undefined;

async function setup(t: TestContext): Promise<Fixture | undefined> {
  const path = dataPath(t, 'binance-hftbacktest/usdm/btcusdt_20240808.gz');
  if (!path) return undefined;
  if (fixture) return fixture;
  const spec = normalizeSpec(SPEC);
  const [frame] = await extractFeatures([path], spec);
  // label: does the mid rise over the next 5 s (10 rows)? (offline only)
  const mid = frame.col('mid');
  const warm = frame.col('warm');
  const feats = frame.names.slice(9);
  const rows: number[] = [];
  const y: number[] = [];
  for (let i = 0; i + 10 < frame.n; i++) {
    if (warm[i] !== 1 || mid[i + 10] === mid[i] || mid[i] !== mid[i]) continue;
    rows.push(i);
    y.push(mid[i + 10] > mid[i] ? 1 : 0);
  }
  const x = new Float64Array(rows.length * feats.length);
  rows.forEach((r, k) => feats.forEach((f, j) => (x[k * feats.length + j] = frame.col(f)[r])));
  const { model } = await trainModel({ kind: 'gbdt', rounds: 20, numLeaves: 8, minDataInLeaf: 10 }, { x, n: rows.length, features: feats, y: Float64Array.from(y) });
  const dir = join(mkdtempSync(join(tmpdir(), 'lobkit-gated-')), 'gate', '0.1.0');
  saveArtifact(dir, { name: 'gate', version: '0.1.0', model, featureSpec: JSON.parse(specJson(spec)), featureSpecHash: spec.hash, label: { column: 'up_5s' }, training: { kind: 'gbdt' } });
  const events: MarketEvent[] = [];
  for await (const ev of replayEvents([path])) events.push(ev);
  fixture = { events, frame, art: loadArtifact(dir), dir };
  return fixture;
}

test.after(() => {
  if (fixture) rmSync(join(fixture.dir, '..', '..'), { recursive: true, force: true });
});

interface Entry {
  req: OrderRequest;
  row: Float64Array | undefined;
}

function run(f: Fixture, params: string) {
  const s = GatedMakerStrategy.fromParams(Params.parse([params], 'gated'), [f.art]);
  const rows: Float64Array[] = [];
  s.onRow = (r) => rows.push(r.slice());
  const entries: Entry[] = [];
  const init = s.init.bind(s);
  s.init = (ctx: StrategyContext) => {
    const exec = ctx.exec;
    const spy = {
      ...exec,
      submit(req: OrderRequest) {
        if (req.tag === 'entry') entries.push({ req, row: rows[rows.length - 1] });
        return exec.submit(req);
      },
    };
    init({ clock: ctx.clock, exec: spy });
  };
  const bt = new Backtest(s, { latency: new ConstantLatency(3e6, 3e6), queue: parseQueueSpec('risk-averse'), fees: parseFeeSpec('maker=-0.5bp,taker=4.5bp') });
  for (const ev of f.events) bt.onEvent(ev);
  const r = finishBacktest(bt);
  return { s, rows, entries, r, bt };
}

test('gated strategy: its feature rows are the offline rows, and every entry passed the gate', async (t) => {
  const f = await setup(t);
  if (!f) return;
  const { s, rows, entries, r } = run(f, 'symbol=BTCUSDT,notional=2000,min_edge=0.05,hold=10s');
  // one code path: identical rows (the last grid rows come only with the stream's end offline)
  assert.ok(rows.length > 500);
  assert.ok(rows.length <= f.frame.n && f.frame.n - rows.length <= 2, `${rows.length} rows live, ${f.frame.n} offline`);
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < f.frame.names.length; j++) {
      const a = rows[i][j];
      const b = f.frame.cols[j][i];
      assert.ok(a === b || (a !== a && b !== b), `row ${i} column ${f.frame.names[j]}: strategy ${a}, offline ${b}`);
    }
  }
  assert.ok(entries.length > 3, `${entries.length} entries`);
  const names = f.frame.names;
  const at = (c: string) => names.indexOf(c);
  const feats = f.art.model.features.map(at);
  const out = new Float64Array(1);
  for (const e of entries) {
    const row = e.row!;
    assert.equal(row[at('warm')], 1);
    assert.equal(row[at('valid')], 1);
    assert.ok(row[at('vpin_regime')] < 3, 'VPIN below the kill level');
    assert.ok(row[at('regime_mult')] > 0);
    f.art.model.predictRow(Float64Array.from(feats, (k) => row[k]), 0, out, 0);
    const dir = 2 * out[0] - 1;
    assert.ok(Math.abs(dir) >= 0.05, `edge ${dir}`);
    assert.equal(e.req.side, dir > 0 ? 0 : 1, 'entry on the model\'s side');
    assert.equal(e.req.tif, 'post_only');
  }
  assert.equal(s.counts.entries, entries.length);
  assert.ok(r.summary.fills.maker > 0, 'some entries filled');
  assert.ok(s.counts.exits > 0, 'positions were exited');
  assert.ok(Math.abs(r.summary.instruments[0].position) < 0.2);
  t.diagnostic(`rows ${rows.length}, ${JSON.stringify(s.counts)}, fills ${r.summary.fills.count} (${r.summary.fills.maker} maker), P&L ${r.summary.totals.pnl.toFixed(4)}`);
});

test('gated strategy: the kill switch and the edge threshold stop entries; another spec is refused', async (t) => {
  const f = await setup(t);
  if (!f) return;
  assert.equal(run(f, 'symbol=BTCUSDT,notional=2000,min_edge=0.05,vpin_kill=0').entries.length, 0, 'VPIN regime ≥ 0 always: killed');
  assert.equal(run(f, 'symbol=BTCUSDT,notional=2000,min_edge=1.5').entries.length, 0, 'no model edge reaches 1.5');
  const other = { ...f.art, manifest: { ...f.art.manifest, featureSpecHash: '0123456789abcdef' } };
  assert.throws(() => GatedMakerStrategy.fromParams(Params.parse(['symbol=BTCUSDT'], 'gated'), [other]), /trained on features built with spec 0123456789abcdef, but this data was built with spec/);
  assert.throws(() => GatedMakerStrategy.fromParams(Params.parse(['symbol=BTCUSDT,vpin_kill=high'], 'gated'), [f.art]), /vpin_kill must be/);
});
