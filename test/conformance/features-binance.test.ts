import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarketEvent } from '../../src/core/events.ts';
import { FrameBuilder, type Frame } from '../../src/core/frame.ts';
import { DEFAULT_SPEC } from '../../src/features/default-spec.ts';
import { extractFeatures } from '../../src/features/extract.ts';
import { FeaturePipeline } from '../../src/features/pipeline.ts';
import { CORE_COLUMNS, normalizeSpec } from '../../src/features/spec.ts';
import { openReplay } from '../../src/replay/open.ts';
import { ReadReport } from '../../src/replay/report.ts';
import { dataPaths } from '../helpers/data.ts';

const SPOT_BTC = ['binance-hftbacktest/spot/btcusdt_20240808.gz', 'binance-hftbacktest/spot/btcusdt_20240809.gz'];

function range(f: Frame, name: string, lo: number, hi: number): void {
  const c = f.col(name);
  let n = 0;
  for (let i = 0; i < f.n; i++) {
    if (c[i] !== c[i]) continue;
    n++;
    assert.ok(c[i] >= lo && c[i] <= hi, `${f.meta.symbol} ${name} = ${c[i]} at row ${i} outside [${lo}, ${hi}]`);
  }
  assert.ok(n > 0, `${name}: no values`);
}

test('default feature set on real Binance spot traffic across midnight: layout, grid, ranges, warm-up', async (t) => {
  const files = dataPaths(t, SPOT_BTC);
  if (!files) return;
  const frames = await extractFeatures(files);
  assert.equal(frames.length, 1);
  const f = frames[0];
  assert.equal(f.meta.venue, 'binance-spot');
  assert.equal(f.meta.symbol, 'BTCUSDT');
  assert.equal(f.meta.spec_hash, DEFAULT_SPEC.hash);
  assert.equal(normalizeSpec(JSON.parse(f.meta.spec)).hash, f.meta.spec_hash);
  assert.deepEqual(f.names.slice(0, CORE_COLUMNS.length), [...CORE_COLUMNS]);
  assert.ok(f.names.length - CORE_COLUMNS.length >= 80);
  // a 100 ms grid with no holes, across the date change
  const ts = f.col('ts');
  for (let i = 1; i < f.n; i++) assert.equal(Math.round((ts[i] - ts[i - 1]) / 1e6), 100, `grid step at row ${i}`);
  assert.equal(new Date(ts[0] / 1e6).toISOString().slice(0, 10), '2024-08-08');
  assert.equal(new Date(ts[f.n - 1] / 1e6).toISOString().slice(0, 10), '2024-08-09');
  // the book: valid once synced, never crossed, mid in the middle
  const valid = f.col('valid');
  const bid = f.col('bid');
  const ask = f.col('ask');
  const mid = f.col('mid');
  let nValid = 0;
  for (let i = 0; i < f.n; i++) {
    if (!valid[i]) continue;
    nValid++;
    assert.ok(bid[i] < ask[i], `crossed at row ${i}`);
    assert.equal(mid[i], (bid[i] + ask[i]) / 2);
  }
  assert.ok(nValid > 0.99 * f.n, `${nValid} valid rows of ${f.n}`);
  // warm-up flagged, then warm for the rest of the stream
  const warm = f.col('warm');
  const firstWarm = warm.indexOf(1);
  assert.ok(firstWarm > 100 && firstWarm < 0.5 * f.n, `first warm row ${firstWarm} of ${f.n}`);
  for (let i = firstWarm; i < f.n; i++) assert.equal(warm[i], 1, `warm flag dropped at row ${i}`);
  // documented ranges
  range(f, 'vpin', 0, 1);
  range(f, 'vpin_cdf', 0, 1);
  range(f, 'cdl_p_up', 0, 1);
  range(f, 'cdl_fill_bid', 0, 1);
  for (const n of ['imb_l1', 'depth_imb_20', 'flow_imb_1s', 'flow_imb_30s', 'cdl_health_bid', 'idw_imb']) range(f, n, -1, 1);
  range(f, 'hurst_1s', 0, 1.5);
  range(f, 'rsi_14_1s', 0, 100);
  range(f, 'rate_burstiness', -1, 1);
  range(f, 'time_session_asia', 0, 1);
  // warm rows have finite values in every column but those documented as NaN-able
  const nanable = new Set(['funding_rate', 'funding_z', 'funding_basis_bps', 'funding_arb_dir', 'funding_arb_bps_annual', 'ou_z', 'ou_theta', 'ou_half_life_s', 'lr_agree_1m', 'slip_buy_100k', 'slip_sell_100k']);
  for (const name of f.names) {
    if (nanable.has(name)) continue;
    const c = f.col(name);
    for (let i = firstWarm; i < f.n; i++) if (valid[i]) assert.ok(Number.isFinite(c[i]), `${name} = ${c[i]} at warm row ${i}`);
  }
  // spot has no funding stream: NaN, and it does not hold back the warm flag
  assert.ok(f.col('funding_rate').every((v) => v !== v));
});

test("Lee–Ready agrees with Binance's own aggressor flag on most trades (data-quality monitor)", async (t) => {
  const files = dataPaths(t, SPOT_BTC);
  if (!files) return;
  const [f] = await extractFeatures(files, { features: [{ op: 'lee_ready', windows_ms: [60_000] }] });
  const agree = f.col('lr_agree_1m');
  const warm = f.col('warm');
  let s = 0;
  let n = 0;
  for (let i = 0; i < f.n; i++) if (warm[i] && agree[i] === agree[i]) ((s += agree[i]), n++);
  assert.ok(n > 1000 && s / n > 0.85, `mean agreement ${s / n} over ${n} rows`);
  assert.ok(f.col('lr_quote_n_1m')[f.n - 1] > 0);
});

test('OFI regresses positively on the concurrent mid change (Cont, Kukanov & Stoikov 2014) on real Binance data', async (t) => {
  const sets = [SPOT_BTC, ['binance-hftbacktest/spot/ethusdt_20240808.gz', 'binance-hftbacktest/spot/ethusdt_20240809.gz'], ['binance-hftbacktest/usdm/btcusdt_20240808.gz'], ['binance-hftbacktest/usdm/ethusdt_20240808.gz']];
  for (const rel of sets) {
    const files = dataPaths(t, rel);
    if (!files) return;
    const [f] = await extractFeatures(files, { sampling: { mode: 'time', interval_ms: 100 }, features: [{ op: 'ofi', levels: 1, windows_ms: [100] }] });
    // ΔP_k = mid_k − mid_{k−1} on OFI over the same interval (t_{k−1}, t_k]
    const mid = f.col('mid');
    const x = f.col('ofi_l1_100ms');
    const v = f.col('valid');
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 1; i < f.n; i++) if (v[i] && v[i - 1] && mid[i] === mid[i] && mid[i - 1] === mid[i - 1]) xs.push(x[i]), ys.push(mid[i] - mid[i - 1]);
    const n = xs.length;
    const mx = xs.reduce((a, b) => a + b) / n;
    const my = ys.reduce((a, b) => a + b) / n;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) ((sxx += (xs[i] - mx) ** 2), (sxy += (xs[i] - mx) * (ys[i] - my)), (syy += (ys[i] - my) ** 2));
    const slope = sxy / sxx;
    const tstat = slope / Math.sqrt((syy - slope * sxy) / (n - 2) / sxx);
    const r2 = (sxy * sxy) / (sxx * syy);
    assert.ok(n > 3000, `${f.meta.symbol}: ${n} intervals`);
    assert.ok(slope > 0 && tstat > 10 && r2 > 0.1, `${f.meta.venue} ${f.meta.symbol}: slope ${slope}, t ${tstat}, R² ${r2}`);
  }
});

test('no look-ahead on real data: the rows of a truncated stream are the first rows of the full stream, bit for bit', async (t) => {
  const files = dataPaths(t, ['binance-hftbacktest/usdm/ethusdt_20240808.gz']);
  if (!files) return;
  const events: MarketEvent[] = [];
  for await (const b of await openReplay(files, new ReadReport())) events.push(...b);
  const rowsOf = (evs: MarketEvent[]): Frame => {
    let fb: FrameBuilder | undefined;
    const p = new FeaturePipeline({ sinkFor: (_v, _s, set) => (fb = new FrameBuilder(set.names)) });
    for (const e of evs) p.push(e);
    return fb!.frame();
  };
  const full = rowsOf(events);
  const cut = Math.floor(events.length * 0.7);
  const part = rowsOf(events.slice(0, cut));
  assert.ok(part.n > 1000 && part.n < full.n);
  for (const name of full.names) {
    const a = part.col(name);
    const b = full.col(name);
    for (let i = 0; i < part.n; i++) {
      if (name === 'local_ts' && i === part.n - 1) continue;
      if (!Object.is(a[i], b[i])) assert.fail(`row ${i} column ${name}: truncated ${a[i]} vs full ${b[i]}`);
    }
  }
});

test('funding features come alive where the venue sends a funding stream (Bybit linear tickers)', async (t) => {
  const files = dataPaths(t, ['cryptofeed/BYBIT.jsonl.gz']);
  if (!files) return;
  const frames = await extractFeatures(files, { sampling: { mode: 'event' }, features: [{ op: 'funding', window: 5, min_count: 2 }, { op: 'time' }] });
  const withFunding = frames.filter((f) => f.col('funding_rate').some((v) => v === v));
  assert.ok(withFunding.length > 0, `instruments: ${frames.map((f) => f.meta.venue + ':' + f.meta.symbol).join(', ')}`);
  for (const f of withFunding) {
    assert.equal(f.meta.venue, 'bybit-linear');
    const rate = f.col('funding_rate');
    const i = f.n - 1;
    assert.ok(Math.abs(rate[i]) < 0.01, `funding rate ${rate[i]}`);
    assert.equal(f.col('funding_arb_dir')[i], rate[i] > 0 ? -1 : rate[i] < 0 ? 1 : 0);
    assert.ok(Math.abs(f.col('funding_arb_bps_annual')[i] - Math.abs(rate[i]) * 3 * 365 * 1e4) < 1e-6);
  }
  for (const f of frames.filter((x) => x.meta.venue === 'bybit-spot')) assert.ok(f.col('funding_rate').every((v) => v !== v));
});
