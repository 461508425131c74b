import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoJson, demoMarkdown, formatDemoSummary, modelVerdict, toDist, tradingVerdict, type DemoModel, type DemoReport, type DemoTrading } from './demo.ts';

const trading = (scenario: string, net: number[], gross: number, oracle: number): DemoTrading => ({
  venue: 'binance-usdm',
  symbol: 'BTCUSDT',
  scenario,
  trades: toDist([300, 320]),
  tradesPerDay: toDist([86000, 92000]),
  grossBpsPerTrade: toDist([gross, gross]),
  bpsPerTrade: toDist(net),
  totalBps: toDist(net.map((x) => x * 310)),
  winRate: toDist([0.1, 0.2]),
  costBps: gross - net[0],
  oracleBpsPerTrade: toDist([oracle, oracle]),
});

const model = (kind: string, aucs: number[], accuracy: number[]): DemoModel => {
  const folds = aucs.map((auc, i) => ({ fold: i, trainRows: 1000 * (i + 1), testRows: 1000, testStart: '2024-01-01T00:10:00.000Z', testEnd: '2024-01-01T00:15:00.000Z', auc, logLoss: 0.9, accuracy: accuracy[i], majority: 0.5, ic: 0.2 + i / 100, rankIc: 0.21 }));
  return {
    kind,
    name: `${kind}-fwd_dir_1s`,
    version: '0.1.0',
    artifact: `models/${kind}`,
    gitSha: '0123456789abcdef0123456789abcdef01234567',
    label: 'fwd_dir_1s',
    task: 'multiclass',
    classes: [-1, 0, 1],
    features: 145,
    folds,
    summary: {
      auc: toDist(aucs),
      logLoss: toDist(folds.map((f) => f.logLoss)),
      accuracy: toDist(accuracy),
      majority: toDist(folds.map((f) => f.majority)),
      ic: toDist(folds.map((f) => f.ic)),
      rankIc: toDist(folds.map((f) => f.rankIc)),
    },
    trading: [trading('taker/taker', [-9.9, -9.8], 0.1, -9.5), trading('maker/maker', [0.5, -0.2], 4.1, 1.2)],
    topFeatures: [{ name: 'imb_l1', value: 12.5 }],
    finalRows: 4000,
  };
};

const report = (): DemoReport => ({
  format: 'lobkit-demo-report',
  version: 1,
  ok: true,
  config: {
    venue: 'binance-usdm',
    seed: 7,
    hours: 0.5,
    start: '2024-01-01T00:00:00.000Z',
    symbols: ['BTCUSDT'],
    folds: 3,
    split: 'walk-forward',
    label: 'fwd_dir_1s',
    evalLabel: 'fwd_ret_1s',
    holdSeconds: 1,
    fees: { makerBps: 2, takerBps: 5, source: 'binance-usdm' },
    params: { logistic: { l2: 1 } },
  },
  data: {
    files: [{ path: 'data/usdm/btcusdt_20240101.gz', bytes: 123 }],
    bookEvents: 2467226,
    trades: 127910,
    frames: 568979,
    badLines: 0,
    fileErrors: 0,
    integrityFailures: 0,
    instruments: [{ venue: 'binance-usdm', symbol: 'BTCUSDT', messages: 568979, bookUpdates: 34378, trades: 127910, seconds: 1800, gaps: 0, resyncs: 0, crossed: 0, locked: 0, disordered: 0, checksumFailed: 0, bboCompared: 5599, bboMismatched: 0, spreadBpsP50: 0.0238, failures: 0 }],
  },
  features: { specHash: 'ce006816b7be2ad0', count: 145, rows: 18000, warmRows: 15933, files: 1 },
  labels: { specHash: 'abc', labels: ['fwd_ret_1s', 'fwd_dir_1s'], target: 'fwd_dir_1s', classes: { '-1': 7000, '0': 1000, '1': 7000 }, rows: 15000 },
  dataset: { dir: 'dataset', manifest: 'dataset/manifest.json', inputRows: 18000, rows: 15923, excluded: { warmup: 2067, invalid: 0, unlabeled: 10 }, features: 145, leakCheck: { pairs: 1450, strongest: { feature: 'cvd', label: 'fwd_ret_60s', pearson: -0.5, spearman: -0.4 } } },
  split: { kind: 'walk-forward', mode: 'expanding', folds: 3, embargoNs: 0, verified: true, violations: [] },
  models: [model('logistic', [0.6, 0.62, 0.64], [0.55, 0.56, 0.57]), model('gbdt', [0.48, 0.6, 0.63], [0.45, 0.52, 0.53])],
  run: { out: 'demo-out', startedAt: '2026-11-22T04:00:00.000Z', seconds: 61.2, stages: [{ name: 'simulate', seconds: 3 }], lobkitVersion: '0.1.0', node: '20.0.0' },
});

test('toDist: mean, median, min, max over the finite values only', () => {
  assert.deepEqual(toDist([3, 1, NaN, 2, 10]), { mean: 4, median: 2.5, min: 1, max: 10, n: 4 });
  assert.deepEqual(toDist([5]), { mean: 5, median: 5, min: 5, max: 5, n: 1 });
  assert.equal(toDist([NaN]).n, 0);
});

test('model verdict: a signal only when AUC > 0.5 in every fold and IC > 0; accuracy set against the majority class', () => {
  const r = report();
  const lr = modelVerdict(r.models[0]);
  assert.match(lr, /^learned a real out-of-sample signal/);
  assert.match(lr, /AUC 0\.620 \(above 0\.5 in every fold\)/);
  assert.match(lr, /accuracy 0\.560 vs 0\.500 .*\(\+6\.0 pts\)/);
  const gb = modelVerdict(r.models[1]);
  assert.match(gb, /^no reliable out-of-sample signal/);
  assert.match(gb, /at or below 0\.5 in 1 of 3 folds/);
  const negIc = report().models[0];
  negIc.folds[1].ic = -0.01;
  assert.match(modelVerdict(negIc), /^no reliable out-of-sample signal/, 'a fold with IC <= 0 is not a reliable signal');
});

test('trading verdict says plainly when costs eat the edge, and when even the oracle loses', () => {
  const [taker, maker] = report().models[0].trading;
  const t = tradingVerdict(taker);
  assert.match(t, /^taker\/taker: LOSES money after costs — -9\.85 bps per trade \(gross \+0\.10 bps, costs 10\.00 bps\)/);
  assert.match(t, /even a perfect direction at these entries would lose/);
  const m = tradingVerdict(maker);
  assert.match(m, /^maker\/maker: makes 0\.15 bps per trade after costs/);
  assert.match(m, /but negative in at least one fold/);
  assert.doesNotMatch(m, /perfect direction/);
});

test('screen summary: integrity counts, features, labels, one row per fold per model, trades, artifact and report paths', () => {
  const s = formatDemoSummary(report());
  assert.match(s, /gaps 0, crossed 0, locked 0, disordered 0, bookTicker mismatches 0\/5599, bad lines 0, integrity failures 0/);
  assert.match(s, /145 features \(spec ce006816b7be2ad0\), 18,000 rows/);
  assert.match(s, /target fwd_dir_1s \(-1: 46\.7%, 0: 6\.7%, 1: 46\.7%\)/);
  assert.match(s, /verified, 0 violations/);
  for (const kind of ['logistic', 'gbdt']) {
    const block = s.slice(s.indexOf(`${kind} → fwd_dir_1s`));
    const foldLines = block.split('\n').filter((l) => /^\d +\d+ +1000 /.test(l));
    assert.ok(foldLines.length >= 3, `${kind}: fold rows`);
  }
  assert.equal(s.split('\n').filter((l) => /^\d +\d+ +1000 /.test(l)).length, 6, 'one row per fold per model');
  assert.match(s, /AUC {16}0\.620 \[0\.600, 0\.640\]/);
  assert.match(s, /majority baseline {2}0\.500 \[0\.500, 0\.500\]/);
  assert.match(s, /taker\/taker: LOSES money after costs/);
  assert.match(s, /logistic +demo-out\/models\/logistic +\(logistic-fwd_dir_1s@0\.1\.0, git 0123456789\)/);
  assert.match(s, /report: demo-out\/report\.md and demo-out\/report\.json/);
  assert.match(s, /^OK in 61\.2 s/m);
});

test('markdown: sections, tables with one row per fold, verdicts, reproduce line; FAILED and violations shown', () => {
  const md = demoMarkdown(report());
  for (const h of ['# lobkit demo report', '## Data: simulated market, replayed and reconstructed', '## Features, labels, dataset', '## Models (out of sample, per fold)', '### logistic → `fwd_dir_1s`', '### gbdt → `fwd_dir_1s`', '## Run']) assert.ok(md.includes(`${h}\n`), h);
  assert.match(md, /`npx lobkit demo --seed 7 --hours 0\.5 --symbols BTCUSDT --folds 3`/);
  assert.match(md, /\| fold \| train \| test \| AUC \| IC \| rank IC \| accuracy \| majority \| log loss \| test period \|/);
  assert.equal(md.split('\n').filter((l) => /^\| \d \| \d+ \| 1000 \|/.test(l)).length, 6);
  assert.match(md, /\| BTCUSDT \| 568979 \| 34378 \| 1800 \| 0 \| 0 \| 0 \| 0 \| 0 \| 0 \/ 5599 \|/);
  assert.match(md, /- taker\/taker: LOSES money after costs/);
  assert.match(md, /Top features \(total gain\): `imb_l1`/);
  assert.match(md, /logistic `\{"l2":1\}`/);
  assert.match(md, /Result: \*\*every stage passed\*\*/);
  const bad = report();
  bad.ok = false;
  bad.split = { ...bad.split, verified: false, violations: ['fold 1: row 5 overlaps'] };
  const mdBad = demoMarkdown(bad);
  assert.match(mdBad, /Result: \*\*FAILED\*\*/);
  assert.match(mdBad, /1 violations: fold 1: row 5 overlaps/);
  assert.match(formatDemoSummary(bad), /1 VIOLATIONS/);
});

test('JSON: round-trips the report, non-finite numbers become null', () => {
  const r = report();
  r.models[0].folds[0].ic = NaN;
  const back = JSON.parse(demoJson(r)) as DemoReport;
  assert.equal(back.format, 'lobkit-demo-report');
  assert.equal(back.models.length, 2);
  assert.equal(back.models[0].folds.length, 3);
  assert.equal(back.models[0].folds[0].ic, null);
  assert.equal(back.models[1].summary.auc.min, 0.48);
  assert.deepEqual(back.data, r.data);
});
