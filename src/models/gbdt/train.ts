import { checkTrainSet, classesOf, classIndex, type Task, type TrainSet } from '../model.ts';
import { auc, logLoss, mse, multiLogLoss } from '../metrics.ts';
import { binJob, jobMappers, MISSING_BIN, releaseBinScratch } from './binning.ts';
import { gbdtConfig, type GbdtConfig, type GbdtConfigInput } from './config.ts';
import { HistPool } from './hist-pool.ts';
import { TreeLearner } from './learner.ts';
import { TreeModel, type FeatureImportance } from './model.ts';
import { objectiveFor, sigmoid, type ObjectiveName } from './objective.ts';
import { leafOfBinned, type Tree } from './tree.ts';
import { rng } from '../random.ts';

export interface GbdtRound {
  round: number;
  /** Validation metric after this round (when a validation set was given). */
  valid?: number;
}

export interface GbdtInfo {
  objective: ObjectiveName;
  metric: string;
  /** Rounds trained (before truncation to the best). */
  roundsTrained: number;
  /** Rounds kept in the model (the best validation round under early stopping). */
  bestIteration: number;
  bestScore?: number;
  stoppedEarly: boolean;
  history: GbdtRound[];
  threads: number;
  binSeconds: number;
  trainSeconds: number;
  /** Rows accumulated into gradient histograms over all trees (the dominant training cost). */
  histRows: number;
  importance: FeatureImportance;
}

export interface GbdtTrainOptions {
  valid?: TrainSet;
  /** Called after every round (the loop yields to the event loop between rounds). */
  onRound?: (r: GbdtRound, total: number) => void;
}

function inferObjective(y: Float64Array): ObjectiveName {
  const seen = new Set<number>();
  let integers = true;
  for (let i = 0; i < y.length && seen.size <= 20; i++) {
    seen.add(y[i]);
    if (!Number.isInteger(y[i])) integers = false;
  }
  if (seen.size === 2) return 'binary';
  if (seen.size <= 20 && integers && seen.size > 2) return 'multiclass';
  return 'regression';
}

function sharedOrPlain<T extends Float64Array | Int32Array | Uint8Array>(ctor: { new (b: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, n: number, shared: boolean): T {
  return new ctor(shared ? new SharedArrayBuffer(n * ctor.BYTES_PER_ELEMENT) : new ArrayBuffer(n * ctor.BYTES_PER_ELEMENT));
}

/** Trains a histogram GBDT (see README and config.ts for the parameters). */
export async function trainGbdt(train: TrainSet, config: Partial<GbdtConfigInput> | GbdtConfig = {}, opts: GbdtTrainOptions = {}): Promise<{ model: TreeModel; info: GbdtInfo }> {
  const cfg = gbdtConfig(config);
  checkTrainSet(train);
  if (opts.valid) {
    checkTrainSet(opts.valid, 'validation set');
    if (opts.valid.features.join('\u0000') !== train.features.join('\u0000')) throw new Error('validation set: features differ from the training set');
  }
  if (cfg.earlyStoppingRounds > 0 && !opts.valid) throw new Error('gbdt: earlyStoppingRounds needs a validation set');
  const { n } = train;
  const p = train.features.length;
  if (n < 2) throw new Error('gbdt: at least two training rows are needed');
  const objName = cfg.objective ?? inferObjective(train.y);
  const task: Task = objName;
  let classes: number[] = [];
  let y: Float64Array;
  let yValid: Float64Array | undefined;
  if (objName === 'regression') {
    for (let i = 0; i < n; i++) if (!Number.isFinite(train.y[i])) throw new Error(`gbdt: label of row ${i} is ${train.y[i]} (drop rows without a label before training)`);
    y = train.y;
    yValid = opts.valid?.y;
  } else {
    classes = classesOf(train.y);
    if (objName === 'binary' && classes.length !== 2) throw new Error(`gbdt: binary objective needs exactly 2 label values, found ${classes.length} (${classes.slice(0, 5).join(', ')})`);
    if (objName === 'multiclass' && classes.length < 3) throw new Error(`gbdt: multiclass objective needs ≥ 3 label values, found ${classes.length}; use binary`);
    y = Float64Array.from(classIndex(train.y, classes));
    if (opts.valid) yValid = Float64Array.from(classIndex(opts.valid.y, classes, 'validation label'));
  }
  const K = objName === 'multiclass' ? classes.length : 1;
  const obj = objectiveFor(objName, K);
  const metric = cfg.metric === 'auto' ? (objName === 'binary' ? 'logloss' : objName === 'multiclass' ? 'multi_logloss' : 'l2') : cfg.metric;
  if ((metric === 'auc' || metric === 'logloss') && objName !== 'binary') throw new Error(`gbdt: metric ${metric} needs the binary objective`);
  if (metric === 'multi_logloss' && objName !== 'multiclass') throw new Error('gbdt: metric multi_logloss needs the multiclass objective');
  const higherBetter = metric === 'auc';

  const threads = cfg.threads;
  const shared = threads > 1;
  // Binning runs on the pool's threads (features split between them), so with threads > 1 the
  // raw matrices must be readable by the workers: copied once into shared memory unless they are
  // already. Binning time includes the copies and starting the workers.
  const t0 = performance.now();
  const nv = opts.valid?.n ?? 0;
  // Shared copies are allocated first and filled while the workers start (they read x only once
  // bin() runs).
  const fills: [Float64Array, Float64Array][] = [];
  const sharedView = (a: Float64Array): Float64Array => {
    if (!shared || a.buffer instanceof SharedArrayBuffer) return a;
    const c = new Float64Array(new SharedArrayBuffer(a.byteLength));
    fills.push([c, a]);
    return c;
  };
  const x = sharedView(train.x);
  const valid = opts.valid ? { x: sharedView(opts.valid.x), n: nv } : undefined;
  const job = binJob(x, n, p, cfg.maxBin, cfg.binSampleRows, valid, shared);
  const { bins, binCols, vBins, stride } = job;
  const rows = sharedOrPlain(Int32Array, n, shared);
  const g = sharedOrPlain(Float64Array, K * n, shared);
  const h = sharedOrPlain(Float64Array, K * n, shared);
  const score = sharedOrPlain(Float64Array, K * n, shared);
  const grad = { objective: objName, groups: K, score, y: sharedView(y), ...(train.weight ? { w: sharedView(train.weight) } : {}) };
  const starting = HistPool.create({ bins, stride, rows, g, h, binCols, grad, binJob: job }, threads, cfg.parallelMinRows);
  for (const [to, from] of fills) to.set(from);
  const pool = await starting;
  try {
    pool.bin();
    releaseBinScratch();
    const mappers = jobMappers(job);
    const binSeconds = (performance.now() - t0) / 1000;
    const random = rng(cfg.seed);
    const learner = new TreeLearner(pool, rows, g, h, mappers, cfg, random);
    const base = obj.initScore(y, train.weight);
    for (let k = 0; k < K; k++) score.fill(base[k], k * n, (k + 1) * n);
    const vScore = new Float64Array(K * nv);
    for (let k = 0; k < K; k++) vScore.fill(base[k], k * nv, (k + 1) * nv);
    const vProb = new Float64Array(K * nv);

    const bag = new Int32Array(n);
    const inBag = new Uint8Array(n).fill(1);
    let m = n;
    for (let i = 0; i < n; i++) bag[i] = i;
    const bagging = cfg.baggingFraction < 1;
    const treeMask = new Uint8Array(p);
    const order = Array.from({ length: p }, (_, j) => j);

    const trees: Tree[] = [];
    const group: number[] = [];
    const history: GbdtRound[] = [];
    let best = higherBetter ? -Infinity : Infinity;
    let bestIter = 0;
    let stoppedEarly = false;
    let roundsTrained = 0;
    const t1 = performance.now();

    for (let round = 0; round < cfg.rounds; round++) {
      pool.gradients();
      if (bagging && round % cfg.baggingFreq === 0) {
        m = 0;
        for (let i = 0; i < n; i++) {
          const keep = random() < cfg.baggingFraction;
          inBag[i] = keep ? 1 : 0;
          if (keep) bag[m++] = i;
        }
        if (m < 2) throw new Error(`gbdt: baggingFraction ${cfg.baggingFraction} left ${m} rows in the bag`);
      }
      let anySplit = false;
      const roundTrees: Tree[] = [];
      for (let k = 0; k < K; k++) {
        sampleFeatures(treeMask, order, cfg.featureFraction, random);
        rows.set(bag.subarray(0, m));
        const { tree, leafStart, leafEnd } = learner.grow(m, k * n, treeMask);
        if (tree.feature.length > 0) anySplit = true;
        const off = k * n;
        for (let l = 0; l < tree.leafValue.length; l++) {
          const v = tree.leafValue[l];
          for (let i = leafStart[l]; i < leafEnd[l]; i++) score[off + rows[i]] += v;
        }
        if (bagging && m < n) for (let i = 0; i < n; i++) if (inBag[i] === 0) score[off + i] += tree.leafValue[leafOfBinned(tree, bins, i * stride, MISSING_BIN)];
        if (vBins) {
          const voff = k * nv;
          for (let i = 0; i < nv; i++) vScore[voff + i] += tree.leafValue[leafOfBinned(tree, vBins, i * stride, MISSING_BIN)];
        }
        roundTrees.push(tree);
      }
      if (!anySplit) break; // no leaf can split any more: further rounds would only add constants
      for (let k = 0; k < K; k++) {
        trees.push(roundTrees[k]);
        group.push(k);
      }
      roundsTrained = round + 1;
      const rec: GbdtRound = { round: round + 1 };
      if (opts.valid && yValid) {
        rec.valid = validMetric(metric, objName, K, vScore, vProb, yValid, opts.valid.weight, nv);
        const better = higherBetter ? rec.valid > best : rec.valid < best;
        if (better) {
          best = rec.valid;
          bestIter = round + 1;
        }
      }
      history.push(rec);
      opts.onRound?.(rec, cfg.rounds);
      if (cfg.earlyStoppingRounds > 0 && round + 1 - bestIter >= cfg.earlyStoppingRounds) {
        stoppedEarly = true;
        break;
      }
      await new Promise<void>((r) => setImmediate(r));
    }
    const keep = cfg.earlyStoppingRounds > 0 && bestIter > 0 ? bestIter : roundsTrained;
    trees.length = keep * K;
    group.length = keep * K;
    const importance = importanceOf(trees, p);
    const info: GbdtInfo = {
      objective: objName,
      metric,
      roundsTrained,
      bestIteration: keep,
      ...(opts.valid ? { bestScore: cfg.earlyStoppingRounds > 0 ? best : history[history.length - 1]?.valid } : {}),
      stoppedEarly,
      history,
      threads: pool.threads,
      binSeconds,
      trainSeconds: (performance.now() - t1) / 1000,
      histRows: pool.histRows,
      importance,
    };
    const model = new TreeModel({
      kind: 'gbdt',
      task,
      features: [...train.features],
      classes,
      trees: trees.map((t) => ({ ...t })),
      group,
      nGroups: K,
      mode: 'le',
      base: Array.from(base),
      transform: objName === 'binary' ? 'sigmoid' : objName === 'multiclass' ? 'softmax' : 'identity',
      importance,
      info: { objective: objName, rounds: keep, roundsTrained, learningRate: cfg.learningRate, numLeaves: cfg.numLeaves, maxDepth: cfg.maxDepth, metric, ...(info.bestScore !== undefined ? { bestScore: info.bestScore } : {}) },
    });
    return { model, info };
  } finally {
    await pool.close();
  }
}

function sampleFeatures(mask: Uint8Array, order: number[], fraction: number, random: () => number): void {
  const p = mask.length;
  if (fraction >= 1) {
    mask.fill(1);
    return;
  }
  const k = Math.max(1, Math.round(p * fraction));
  mask.fill(0);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (p - i));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
    mask[order[i]] = 1;
  }
}

function validMetric(metric: string, obj: ObjectiveName, K: number, vScore: Float64Array, vProb: Float64Array, y: Float64Array, w: Float64Array | undefined, nv: number): number {
  if (obj === 'regression') return mse(vScore, y, w);
  if (obj === 'binary') {
    for (let i = 0; i < nv; i++) vProb[i] = sigmoid(vScore[i]);
    return metric === 'auc' ? auc(vScore, y, w) : logLoss(vProb, y, w);
  }
  // softmax per row into vProb (row-major n × K)
  for (let i = 0; i < nv; i++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, vScore[k * nv + i]);
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(vScore[k * nv + i] - max);
    for (let k = 0; k < K; k++) vProb[i * K + k] = Math.exp(vScore[k * nv + i] - max) / s;
  }
  return multiLogLoss(vProb, K, y, w);
}

export function importanceOf(trees: Tree[], p: number): FeatureImportance {
  const split = new Array<number>(p).fill(0);
  const gain = new Array<number>(p).fill(0);
  for (const t of trees)
    for (let i = 0; i < t.feature.length; i++) {
      split[t.feature[i]]++;
      gain[t.feature[i]] += t.gain[i];
    }
  return { split, gain };
}

