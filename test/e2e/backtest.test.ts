import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readParquet } from '../../src/dataset/parquet.ts';
import { dataPath } from '../helpers/data.ts';
import { lobkit } from '../helpers/cli.ts';

const USDM = 'binance-hftbacktest/usdm/btcusdt_20240808.gz';

test('lobkit backtest --json: maker quoter on real data; Parquet ledger, orders and equity agree with the summary', async (t) => {
  const data = dataPath(t, USDM);
  if (!data) return;
  const out = mkdtempSync(join(tmpdir(), 'lobkit-bt-'));
  const args = ['backtest', '--data', data, '--strategy', 'maker', '--param', 'symbol=BTCUSDT,notional=1000', '--latency', 'constant:5ms', '--queue', 'power:3', '--fees', 'maker=-0.5bp,taker=4.5bp', '--out', out, '--json'];
  const r = lobkit(args);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.ok, true);
  const s = res.summary;
  assert.equal(s.strategy, 'maker');
  assert.equal(s.span.marketEvents, 93954);
  assert.ok(s.fills.count > 50, `${s.fills.count} fills`);
  assert.equal(s.fills.taker, 0);
  assert.equal(s.instruments.length, 1);
  const inst = s.instruments[0];
  assert.equal(inst.venue, 'binance-usdm');
  assert.ok(s.feed.clockOffsetNs < -1e9, 'the recorder clock runs ~1.3 s behind the exchange: detected');
  const fills = await readParquet(join(out, 'fills.parquet'));
  assert.equal(fills.n, s.fills.count);
  let pos = 0;
  let fees = 0;
  const side = fills.col('side');
  const qty = fills.col('qty');
  const fee = fills.col('fee');
  for (let i = 0; i < fills.n; i++) {
    pos += side[i] === 0 ? qty[i] : -qty[i];
    fees += fee[i];
  }
  assert.ok(Math.abs(pos - Number(inst.exact.position)) < 1e-9, `position ${pos} vs ${inst.exact.position}`);
  assert.ok(Math.abs(fees - inst.fees) < 1e-9);
  assert.ok(fees < 0, 'maker rebates');
  assert.ok(fills.col('local_ts').every((l, i) => l > fills.col('ts')[i]), 'each fill is heard after it happened');
  const orders = await readParquet(join(out, 'orders.parquet'));
  assert.equal(orders.n, s.orders.submitted);
  const eq = await readParquet(join(out, 'equity.parquet'));
  const ts = eq.col('ts');
  for (let i = 1; i < eq.n; i++) assert.ok(ts[i] > ts[i - 1]);
  assert.ok(Math.abs(eq.col('equity')[eq.n - 1] - s.totals.pnl) < 1e-6, 'the last equity sample is the final P&L');
  assert.ok(Math.abs(Math.max(...eq.col('drawdown')) - s.equity.maxDrawdown) < 1e-9);
  assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).fills.count, s.fills.count);

  // the same command again: byte-identical files
  const out2 = mkdtempSync(join(tmpdir(), 'lobkit-bt-'));
  const r2 = lobkit(args.map((a) => (a === out ? out2 : a)));
  assert.equal(r2.code, 0, r2.stderr);
  for (const f of ['fills.parquet', 'orders.parquet', 'equity.parquet', 'summary.json']) assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(out2, f))), `${f} is byte-identical`);
});

test('lobkit backtest text summary, and a strategy loaded from a JS module', (t) => {
  const data = dataPath(t, USDM);
  if (!data) return;
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-bt-'));
  const mod = join(dir, 'once.mjs');
  writeFileSync(
    mod,
    `export function createStrategy(params) {
  let done = false;
  return {
    name: 'buy-once',
    init() {},
    onMarket(ev, book) {
      if (done || !book || ev.type !== 'book_change' || book.askCount() === 0) return;
      done = true;
      this.exec.submit({ venue: ev.venue, symbol: ev.symbol, side: 0, type: 'market', tif: 'ioc', price: 0, priceDecimals: book.priceDecimals, size: Number(params.lots), sizeDecimals: book.sizeDecimals });
    },
    onOrder() {},
    onTimer() {},
  };
}
`.replace('init() {}', 'init(ctx) { this.exec = ctx.exec; }'),
  );
  const r = lobkit(['backtest', '--data', data, '--strategy', mod, '--param', 'lots=250', '--fees', 'default', '--out', join(dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^backtest: buy-once /);
  assert.match(r.stdout, /orders: 1 sent, 1 filled/);
  assert.match(r.stdout, /fills: \d+ \(0 maker, \d+ taker\)/);
  assert.match(r.stdout, /binance-usdm BTCUSDT: position 0\.25,/);
  assert.match(r.stdout, /fees binance-usdm: maker 2bp, taker 5bp/);
  assert.match(r.stdout, /P&L by time to fill/);
  assert.match(r.stdout, /wrote .*fills\.parquet/);
});

test('lobkit backtest --queue fifo on LOBSTER order-level data', (t) => {
  const data = dataPath(t, 'lobster/AAPL_2012-06-21_34200000_57600000_message_10.csv');
  if (!data) return;
  const out = mkdtempSync(join(tmpdir(), 'lobkit-bt-'));
  const r = lobkit(['backtest', '--data', data, '--strategy', 'probe', '--param', 'size=100,every=1s,ttl=5s,delay=1s', '--queue', 'fifo', '--fees', 'zero', '--latency', 'constant:100us', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout).summary;
  assert.equal(s.span.orderLevelEvents, 999);
  assert.ok(s.fills.count > 10);
  assert.equal(s.config.queue, 'fifo');
});

test('lobkit backtest usage errors: one clear line, exit 2', (t) => {
  const data = dataPath(t, USDM);
  if (!data) return;
  const run = (...a: string[]) => lobkit(['backtest', '--data', data, ...a, '--no-out']);
  let r = run('--strategy', 'nope');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^lobkit: unknown strategy "nope" \(built-in: maker, probe/);
  r = run('--strategy', 'maker', '--latency', 'gamma:k=2');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--latency: unknown latency kind "gamma"/);
  r = run('--strategy', 'maker', '--queue', 'fifo');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--queue fifo needs order-level data/);
  r = run('--strategy', 'maker', '--param', 'sise=1');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /strategy maker: unknown parameter\(s\) sise/);
  r = run('--strategy', 'maker', '--fees', 'binance-spot:maker=1bp,taker=2bp');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no fee rates for venue "binance-usdm"/);
  r = lobkit(['backtest', '--data', 'no/such.gz', '--strategy', 'maker']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), 'lobkit: no/such.gz: no such file');
});

test('lobkit backtest --strategy gated --model <artifact>: the model gates maker entries', async (t) => {
  const data = dataPath(t, USDM);
  if (!data) return;
  const { normalizeSpec, specJson, extractFeatures } = await import('../../src/features/index.ts');
  const { trainModel, saveArtifact } = await import('../../src/models/index.ts');
  const spec = normalizeSpec({
    version: 1,
    sampling: { mode: 'time', interval_ms: 1000 },
    features: [{ op: 'spread' }, { op: 'level_imbalance', levels: 3 }, { op: 'trade_flow', windows_ms: [5000] }, { op: 'vpin', window: 20, auto_calibrate_ms: 30000, auto_bucket_ms: 2000, cdf_window: 100, cdf_min: 10 }, { op: 'regime', window: 60, min_bars: 20 }],
  });
  const [frame] = await extractFeatures([data], spec);
  const feats = frame.names.slice(9);
  const mid = frame.col('mid');
  const idx: number[] = [];
  for (let i = 0; i + 5 < frame.n; i++) if (frame.col('warm')[i] === 1 && mid[i + 5] !== mid[i]) idx.push(i);
  const x = new Float64Array(idx.length * feats.length);
  idx.forEach((r, k) => feats.forEach((f, j) => (x[k * feats.length + j] = frame.col(f)[r])));
  const y = Float64Array.from(idx, (r) => (mid[r + 5] > mid[r] ? 1 : 0));
  const { model } = await trainModel({ kind: 'gbdt', rounds: 10, numLeaves: 4, minDataInLeaf: 5 }, { x, n: idx.length, features: feats, y });
  const dir = join(mkdtempSync(join(tmpdir(), 'lobkit-bt-model-')), 'gate', '0.1.0');
  saveArtifact(dir, { name: 'gate', version: '0.1.0', model, featureSpec: JSON.parse(specJson(spec)), featureSpecHash: spec.hash, label: { column: 'up_5s' }, training: {} });
  const r = lobkit(['backtest', '--data', data, '--strategy', 'gated', '--model', dir, '--param', 'symbol=BTCUSDT,notional=2000,min_edge=0.02', '--fees', 'default', '--no-out', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout).summary;
  assert.equal(s.strategy, 'gated');
  assert.ok(s.strategyStats.rows > 200, JSON.stringify(s.strategyStats));
  assert.ok(s.strategyStats.entries > 0);
  assert.ok(s.orders.submitted >= s.strategyStats.entries, 'entries, then exits');
  assert.ok(s.strategyStats.gated <= s.strategyStats.rows);
  const bad = lobkit(['backtest', '--data', data, '--strategy', 'gated', '--param', 'symbol=BTCUSDT', '--no-out']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /strategy gated needs --model <artifact>/);
});
