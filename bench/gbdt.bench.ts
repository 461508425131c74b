/**
 * Model benchmarks, each against a peer measured in the same run on the same data:
 *   (a) GBDT training vs XGBoost (`tree_method=hist`, Debian python3-xgboost): same rounds,
 *       learning rate, depth/leaves, L2, min child hessian, threads; training time (binning /
 *       DMatrix included and reported apart) and validation AUC of both, computed by the same code.
 *       Same algorithm semantics, not only the same named knobs: both start from the log-odds of
 *       the label mean (lobkit boosts from the average; XGBoost 1.7 would start from 0.5 unless
 *       given base_score, 2.x estimates it), both cut every feature into at most 255 value bins
 *       plus a missing bin (lobkit's maxBin 255 ↔ xgboost max_bin 255), both find the cuts on all
 *       training rows. The runs alternate (lobkit, xgboost, xgboost, lobkit, ...) so both see the
 *       same machine load; wall time and process CPU seconds (all threads) are reported, medians
 *       and best-of-N.
 *       Two growth policies: depth-wise (xgb max_depth=5 vs lobkit maxDepth 5, 32 leaves: the same
 *       trees when every split has gain) and leaf-wise (xgb lossguide max_leaves=31 vs lobkit 31 leaves).
 *       Targets: |AUC − xgboost's| ≤ 0.005; time ≤ 1.5 × xgboost's.
 *   (b) single-row GBDT prediction, 500 trees × 31 leaves: p50 / p99 µs per row, in 5 passes of
 *       20 000 rows after warm-up (a loaded machine preempts whole passes: best and median pass
 *       are printed). Target p99 ≤ 20 µs.
 *   (c) logistic regression (L2, L-BFGS) on the same rows × features: time, vs scikit-learn's
 *       LogisticRegression(lbfgs) when python3-sklearn is installed.
 * Data: syntheticData() (src/models/synthetic.ts): Gaussian features with a correlated block,
 * missing values, and a target from a nonlinear signal with interactions plus noise.
 *
 * Run: npm run bench:gbdt -- [--rows 1000000] [--valid 200000] [--features 80] [--rounds 100]
 *      [--threads 2] [--runs 2] [--policy depthwise,lossguide] [--install-peer] [--skip-peer]
 *      [--skip-predict] [--skip-logistic]
 * --install-peer runs `apt-get install -y python3-xgboost python3-sklearn` first (needs root).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainGbdt } from '../src/models/gbdt/train.ts';
import { trainLogistic } from '../src/models/linear/logistic.ts';
import { auc } from '../src/models/metrics.ts';
import { syntheticData } from '../src/models/synthetic.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const flag = (name: string) => args.includes(`--${name}`);
const ROWS = Number(opt('rows', '1000000'));
const VALID = Number(opt('valid', '200000'));
const P = Number(opt('features', '80'));
const ROUNDS = Number(opt('rounds', '100'));
const THREADS = Number(opt('threads', '2'));
const RUNS = Number(opt('runs', '2'));
const POLICIES = opt('policy', 'depthwise,lossguide').split(',');
const PY = '/usr/bin/python3';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const best = (xs: number[]) => Math.min(...xs);
const s = (x: number) => `${x.toFixed(2)} s`;

function peer(module: string): boolean {
  return spawnSync(PY, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

if (flag('install-peer')) {
  console.log('installing python3-xgboost python3-sklearn (apt-get) ...');
  const r = spawnSync('apt-get', ['install', '-y', 'python3-xgboost', 'python3-sklearn'], { stdio: 'inherit' });
  if (r.status !== 0) console.log('apt-get failed (run `apt-get update` first, as root)');
}
const haveXgb = !flag('skip-peer') && peer('xgboost');
const haveSk = !flag('skip-peer') && peer('sklearn');

console.log(`machine: ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores (shared: compare ratios, measured in the same run); node ${process.version}`);
console.log(`data: ${ROWS} training rows + ${VALID} validation rows × ${P} features (syntheticData, binary target)`);
const t0 = performance.now();
const train = syntheticData(ROWS, P, { seed: 1 });
const valid = syntheticData(VALID, P, { seed: 2 });
console.log(`generated in ${s((performance.now() - t0) / 1000)}\n`);

const dir = join(tmpdir(), `lobkit-gbdt-bench-${process.pid}`);
mkdirSync(dir, { recursive: true });
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const f64 = (name: string, a: Float64Array) => writeFileSync(join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
let yMean = 0;
for (let i = 0; i < train.n; i++) yMean += train.y[i];
yMean /= train.n;
if (haveXgb || haveSk) {
  f64('x.f64', train.x);
  f64('y.f64', train.y);
  f64('xv.f64', valid.x);
}

interface PeerRun {
  prepare: number;
  train: number;
  /** Process CPU seconds (all threads) of preparing + training. */
  cpu: number;
  pred: Float64Array;
}

/** Runs a Python peer script that reads the data, trains, writes validation predictions and prints timings as JSON. */
function runPython(code: string): PeerRun {
  const script = join(dir, 'peer.py');
  writeFileSync(script, code);
  const r = spawnSync(PY, [script, dir, String(P), String(THREADS)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`python peer failed:\n${r.stderr}`);
  const t = JSON.parse(r.stdout.trim().split('\n').pop()!) as { prepare: number; train: number; cpu?: number };
  const b = readFileSync(join(dir, 'pv.f64'));
  return { ...t, cpu: t.cpu ?? NaN, pred: new Float64Array(b.buffer, b.byteOffset, b.length / 8) };
}

const PY_LOAD = `
import sys, json, time, numpy as np
d, p, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
X = np.fromfile(d + '/x.f64').reshape(-1, p); y = np.fromfile(d + '/y.f64'); Xv = np.fromfile(d + '/xv.f64').reshape(-1, p)
`;

function xgbScript(policy: string): string {
  const growth = policy === 'depthwise' ? `'max_depth': 5` : `'grow_policy': 'lossguide', 'max_leaves': 31, 'max_depth': 0`;
  return `${PY_LOAD}
import xgboost as xgb
c0 = time.process_time(); t0 = time.time(); dtrain = xgb.DMatrix(X, label=y, nthread=threads); t1 = time.time()
params = {'objective': 'binary:logistic', 'tree_method': 'hist', 'eta': 0.1, 'max_bin': 255, 'base_score': ${yMean}, 'min_child_weight': 1, 'reg_lambda': 1, 'nthread': threads, ${growth}}
b = xgb.train(params, dtrain, ${ROUNDS}); t2 = time.time(); c1 = time.process_time()
b.predict(xgb.DMatrix(Xv, nthread=threads)).astype(np.float64).tofile(d + '/pv.f64')
print(json.dumps({'prepare': t1 - t0, 'train': t2 - t1, 'cpu': c1 - c0}))
`;
}

// ---------- (a) GBDT vs XGBoost ----------
const summary: string[] = [];
interface Run {
  prep: number;
  train: number;
  cpu: number;
  auc: number;
}
const fmtRatio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
for (const policy of POLICIES) {
  const cfg = policy === 'depthwise' ? { numLeaves: 32, maxDepth: 5 } : { numLeaves: 31, maxDepth: -1 };
  console.log(`(a) GBDT, ${policy}: ${ROUNDS} rounds, learning rate 0.1, ${policy === 'depthwise' ? 'depth 5 (32 leaves)' : '31 leaves'}, L2 1, min child hessian 1, 255 bins, ${THREADS} threads`);
  const lob: Run[] = [];
  const xg: Run[] = [];
  const runLobkit = async (r: number) => {
    const c0 = process.cpuUsage(); // process-wide: the worker threads' CPU is included
    const { model, info } = await trainGbdt(train, { rounds: ROUNDS, learningRate: 0.1, ...cfg, lambdaL2: 1, minSumHessianInLeaf: 1, minDataInLeaf: 1, maxBin: 255, binSampleRows: ROWS, threads: THREADS });
    const c = process.cpuUsage(c0);
    const run = { prep: info.binSeconds, train: info.trainSeconds, cpu: (c.user + c.system) / 1e6, auc: auc(model.predict(valid.x, valid.n), valid.y) };
    lob.push(run);
    console.log(`  lobkit   run ${r + 1}: binning ${s(run.prep)} + training ${s(run.train)} = ${s(run.prep + run.train)} wall, ${s(run.cpu)} CPU   AUC ${run.auc.toFixed(5)}   (${info.threads} threads)`);
  };
  const runXgb = (r: number) => {
    const p = runPython(xgbScript(policy));
    const run = { prep: p.prepare, train: p.train, cpu: p.cpu, auc: auc(p.pred, valid.y) };
    xg.push(run);
    console.log(`  xgboost  run ${r + 1}: DMatrix ${s(run.prep)} + training ${s(run.train)} = ${s(run.prep + run.train)} wall, ${s(run.cpu)} CPU   AUC ${run.auc.toFixed(5)}`);
  };
  for (let r = 0; r < RUNS; r++) {
    // alternate the order (L X, X L, ...) so neither side always runs first under changing load
    if (!haveXgb || r % 2 === 0) await runLobkit(r);
    if (haveXgb) runXgb(r);
    if (haveXgb && r % 2 === 1) await runLobkit(r);
  }
  const total = (x: Run) => x.prep + x.train;
  const lobTotal = lob.map(total);
  if (!haveXgb) {
    console.log('  xgboost: not installed (python3-xgboost; --install-peer installs it) — no ratio\n');
    summary.push(`${policy}: lobkit ${s(median(lobTotal))} wall, ${s(median(lob.map((x) => x.cpu)))} CPU, AUC ${lob[0].auc.toFixed(5)}; xgboost n/a`);
    continue;
  }
  const xgTotal = xg.map(total);
  const wallMed = median(lobTotal) / median(xgTotal);
  const wallBest = best(lobTotal) / best(xgTotal);
  const cpuMed = median(lob.map((x) => x.cpu)) / median(xg.map((x) => x.cpu));
  const trainMed = median(lob.map((x) => x.train)) / median(xg.map((x) => x.train));
  const dAuc = lob[0].auc - xg[0].auc;
  console.log(`  time lobkit / xgboost, end to end: ${wallMed.toFixed(2)}× wall (medians of ${RUNS}), ${wallBest.toFixed(2)}× best-of-${RUNS}; ${cpuMed.toFixed(2)}× CPU seconds (medians); ${trainMed.toFixed(2)}× training alone (wall)   [target ≤ 1.5×: ${wallBest <= 1.5 ? 'met' : 'NOT met'} (best-of-N wall)]`);
  console.log(`  AUC lobkit − xgboost: ${dAuc >= 0 ? '+' : ''}${dAuc.toFixed(5)}   [target |Δ| ≤ 0.005: ${Math.abs(dAuc) <= 0.005 ? 'met' : dAuc > 0 ? 'lobkit better' : 'NOT met'}]\n`);
  summary.push(`${policy}: time ${fmtRatio(best(lobTotal), best(xgTotal))} xgboost best-of-${RUNS} wall (${s(best(lobTotal))} vs ${s(best(xgTotal))}; medians ${wallMed.toFixed(2)}×), ${cpuMed.toFixed(2)}× in CPU seconds; AUC ${lob[0].auc.toFixed(5)} vs ${xg[0].auc.toFixed(5)}`);
}

// ---------- (b) single-row prediction ----------
if (!flag('skip-predict')) {
  const n = Math.min(ROWS, 50_000);
  const small = { ...train, n, x: train.x.subarray(0, n * P), y: train.y.subarray(0, n) };
  console.log(`(b) single-row prediction: 500 trees × 31 leaves (trained on ${n} rows × ${P} features)`);
  const { model } = await trainGbdt(small, { rounds: 500, numLeaves: 31, learningRate: 0.05, minDataInLeaf: 5, threads: THREADS });
  const leaves = (model.spec.trees as unknown as { leafValue: number[] }[]).reduce((a, t) => a + t.leafValue.length, 0);
  const out = new Float64Array(1);
  const rows = valid.n;
  for (let i = 0; i < 20_000; i++) model.predictRow(valid.x, (i % rows) * P, out); // warm up
  // 5 passes of 20 000 rows: a pass during which other processes preempt this one shows a fat
  // tail; the best pass is the figure for the code, the median pass for this machine's load.
  const N = 20_000;
  const ns = new Float64Array(N);
  let sink = 0;
  const passes: { p50: number; p90: number; p99: number; max: number }[] = [];
  for (let pass = 0; pass < 5; pass++) {
    for (let i = 0; i < N; i++) {
      const off = (((pass * N + i) * 7919) % rows) * P;
      const a = performance.now(); // a double, no BigInt allocation in the timed loop
      model.predictRow(valid.x, off, out);
      ns[i] = (performance.now() - a) * 1e3;
      sink += out[0];
    }
    ns.sort();
    const q = (p: number) => ns[Math.floor(p * (N - 1))];
    passes.push({ p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1) });
  }
  console.log(`  per pass p50/p99 µs: ${passes.map((x) => `${x.p50.toFixed(2)}/${x.p99.toFixed(2)}`).join('  ')}`);
  const byP99 = [...passes].sort((a, b) => a.p99 - b.p99);
  const bestPass = byP99[0];
  const medPass = byP99[passes.length >> 1];
  const tb = performance.now();
  const batch = model.predict(valid.x, valid.n);
  const batchUs = ((performance.now() - tb) * 1000) / valid.n;
  console.log(`  ${model.nTrees} trees, ${leaves} leaves; per row, best pass: p50 ${bestPass.p50.toFixed(2)} µs, p90 ${bestPass.p90.toFixed(2)} µs, p99 ${bestPass.p99.toFixed(2)} µs, max ${bestPass.max.toFixed(1)} µs; median pass: p50 ${medPass.p50.toFixed(2)} µs, p99 ${medPass.p99.toFixed(2)} µs   [target p99 ≤ 20 µs: ${bestPass.p99 <= 20 ? 'met' : 'NOT met'} (best pass)]`);
  console.log(`  batch of ${valid.n}: ${batchUs.toFixed(2)} µs/row   (checksum ${(sink + batch[0]).toFixed(3)})\n`);
  summary.push(`single-row prediction (500 trees × 31 leaves): best pass p50 ${bestPass.p50.toFixed(2)} µs, p99 ${bestPass.p99.toFixed(2)} µs; median pass p99 ${medPass.p99.toFixed(2)} µs`);
}

// ---------- (c) logistic regression ----------
if (!flag('skip-logistic')) {
  console.log(`(c) logistic regression, L2, L-BFGS: ${ROWS} rows × ${P} features`);
  const tl = performance.now();
  const { model, info } = trainLogistic(train, { kind: 'logistic', l2: 1e-4 });
  const secs = (performance.now() - tl) / 1000;
  const a = auc(model.predict(valid.x, valid.n), valid.y);
  console.log(`  lobkit : ${s(secs)} (${info.iterations} iterations, ${info.evaluations} passes over the data, ${info.converged ? 'converged' : 'not converged: ' + info.reason})   AUC ${a.toFixed(5)}`);
  let line = `logistic regression ${ROWS}×${P}: ${s(secs)}`;
  if (haveSk) {
    // Same objective: sklearn minimizes ½‖w‖² + C·Σ loss, i.e. mean loss + (1/(2·C·n))‖w‖²  →  C = 1/(l2·n); on standardized features.
    const run = runPython(`${PY_LOAD}
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
t0 = time.time(); mu = np.nanmean(X, axis=0); Xs = np.nan_to_num((X - mu) / np.nanstd(X, axis=0)); t1 = time.time()
m = LogisticRegression(C=1.0 / (1e-4 * len(y)), solver='lbfgs', max_iter=200, tol=1e-6).fit(Xs, y); t2 = time.time()
m.predict_proba(np.nan_to_num((Xv - mu) / np.nanstd(X, axis=0)))[:, 1].astype(np.float64).tofile(d + '/pv.f64')
print(json.dumps({'prepare': t1 - t0, 'train': t2 - t1}))
`);
    const ak = auc(run.pred, valid.y);
    console.log(`  sklearn: ${s(run.train)} fit + ${s(run.prepare)} standardizing = ${s(run.prepare + run.train)}   AUC ${ak.toFixed(5)}   → lobkit / sklearn ${(secs / (run.prepare + run.train)).toFixed(2)}×`);
    line += ` vs scikit-learn ${s(run.prepare + run.train)} (${(secs / (run.prepare + run.train)).toFixed(2)}×)`;
  } else console.log('  scikit-learn not installed (python3-sklearn): no baseline');
  summary.push(line);
  console.log('');
}

console.log('summary');
for (const l of summary) console.log(`  ${l}`);
