import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import YAML from 'yaml';
import { InputError, UsageError } from '../../core/errors.ts';
import { Frame } from '../../core/frame.ts';
import { combinedFrame, readDataset, type DatasetManifest } from '../../dataset/build.ts';
import { assertNoLeak } from '../../dataset/leak-guard.ts';
import { writeParquet } from '../../dataset/parquet.ts';
import { purgedKFold, walkForward, type Fold } from '../../dataset/splits.ts';
import { summarizeFolds, type Distribution } from '../../evaluation/folds.ts';
import { classificationMetrics, regressionMetrics } from '../../evaluation/metrics.ts';
import { parseDuration } from '../../labels/duration.ts';
import { nextVersion, saveArtifact, type ArtifactManifest } from '../../models/artifact/artifact.ts';
import { gitSha } from '../../models/artifact/git.ts';
import { isSemver } from '../../models/artifact/semver.ts';
import type { Model } from '../../models/model.ts';
import { parseModelConfig, trainModel, trainSetFromFrame, type ModelConfig } from '../../models/train.ts';
import { table } from '../text.ts';
import { evaluateCommand, formatEvaluate, type EvaluateResult } from './evaluate.ts';

export interface TrainFlags {
  model: string;
  dataset: string;
  split: string;
  folds: string;
  label?: string;
  features?: string;
  params?: string;
  config?: string;
  embargo: string;
  mode: string;
  validation?: string;
  threads?: string;
  refit: boolean;
  name?: string;
  modelVersion?: string;
  modelsDir: string;
  out?: string;
  description?: string;
  evaluate: boolean;
  evalLabel?: string;
  fees?: string;
  makerBps?: string;
  takerBps?: string;
  size: string;
  symbol?: string[];
  json?: boolean;
  progress: boolean;
}

export interface FoldReport {
  fold: number;
  trainRows: number;
  validationRows: number;
  testRows: number;
  purged: number;
  embargoed: number;
  testStart: string;
  testEnd: string;
  seconds: number;
  training: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export interface TrainResult {
  artifact: string;
  manifest: ArtifactManifest;
  model: string;
  label: string;
  task: string;
  classes: number[];
  features: number;
  split: { kind: string; folds: number; embargoNs: number; mode: string; validation: number };
  folds: FoldReport[];
  summary: Record<string, Distribution>;
  final: { rows: number; seconds: number; training: Record<string, unknown> };
  evaluation: EvaluateResult | null;
}

const KINDS = ['logistic', 'ridge', 'gbdt'] as const;

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('Train a model on a dataset fold by fold (walk-forward or purged k-fold), report per-fold metrics, run the cost-aware evaluation on the out-of-sample predictions, refit on all rows and save a versioned artifact')
    .requiredOption('--model <kind>', `model kind: ${KINDS.join(', ')}`)
    .requiredOption('--dataset <dir>', 'dataset folder written by lobkit dataset')
    .option('--split <kind>', 'walk-forward or purged-kfold', 'walk-forward')
    .option('--folds <n>', 'number of folds', '5')
    .option('--label <column>', 'label to learn (default: fwd_dir_10s or the first fwd_dir_* for logistic/gbdt, fwd_ret_10s or the first fwd_ret_* for ridge)')
    .option('--features <names>', 'comma-separated feature columns (default: the dataset manifest\'s features)')
    .option('--params <json>', 'model hyper-parameters as JSON, e.g. \'{"numLeaves":63,"learningRate":0.05}\'')
    .option('--config <file>', 'model hyper-parameters from a JSON or YAML file (--params overrides it)')
    .option('--embargo <duration>', 'embargo / gap around each test block (purged k-fold: after it; walk-forward: before it)', '0')
    .option('--mode <mode>', 'walk-forward: expanding or rolling', 'expanding')
    .option('--validation <fraction>', 'fraction of each fold\'s training rows (the last ones, purged) held out for GBDT early stopping (default 0.1 for gbdt, 0 otherwise)')
    .option('--threads <n>', 'GBDT worker threads (default: all cores)')
    .option('--no-refit', 'keep the last fold\'s model instead of refitting on every labelled row')
    .option('--name <name>', 'artifact name (default <model>-<label>)')
    .option('--model-version <semver>', 'artifact version (default: next patch version under --models-dir, 0.1.0 for a new name)')
    .option('--models-dir <dir>', 'where artifacts live: <dir>/<name>/<version>', 'models')
    .option('--out <dir>', 'artifact folder (instead of <models-dir>/<name>/<version>)')
    .option('--description <text>', 'a note saved in the artifact')
    .option('--no-evaluate', 'skip the cost-aware evaluation of the out-of-sample predictions')
    .option('--eval-label <column>', 'forward-return label the evaluation judges trades by (default as lobkit evaluate)')
    .option('--fees <venue>', "fee schedule of a venue for the evaluation (default: the dataset's venue)")
    .option('--maker-bps <bps>', 'maker fee, bps')
    .option('--taker-bps <bps>', 'taker fee, bps')
    .option('--size <qty>', 'order size for the evaluation (walks the book when the dataset has depth)', '0')
    .option('--symbol <symbols...>', 'only these instruments of the dataset')
    .option('--json', 'print the full result as JSON on stdout')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: TrainFlags) => {
      const r = await trainCommand(flags);
      process.stdout.write(flags.json ? JSON.stringify(r, null, 2) + '\n' : formatTrain(r));
    });
}

function num(v: string, name: string, min: number, max = Infinity): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x < min || x > max) throw new UsageError(`${name} must be a number in [${min}, ${max}], got ${v}`);
  return x;
}

/** Hyper-parameters: defaults for the CLI, then --config, then --params. */
function modelConfig(flags: TrainFlags, validation: number): ModelConfig {
  const kind = flags.model as (typeof KINDS)[number];
  let params: Record<string, unknown> = {};
  if (flags.config) {
    let text: string;
    try {
      text = readFileSync(flags.config, 'utf8');
    } catch (e) {
      throw new UsageError(`--config ${flags.config}: ${(e as Error).message}`);
    }
    try {
      params = YAML.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new InputError(`not JSON/YAML: ${(e as Error).message}`, { file: flags.config });
    }
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new InputError('expected a mapping of hyper-parameters', { file: flags.config });
  }
  if (flags.params) {
    try {
      params = { ...params, ...(JSON.parse(flags.params) as Record<string, unknown>) };
    } catch (e) {
      throw new UsageError(`--params is not JSON: ${(e as Error).message}`);
    }
  }
  const base: Record<string, unknown> = kind === 'gbdt' ? { rounds: 300, earlyStoppingRounds: validation > 0 ? 30 : 0, threads: flags.threads ? num(flags.threads, '--threads', 1, 64) : Math.min(8, availableParallelism()) } : {};
  try {
    return parseModelConfig({ ...base, ...params, kind });
  } catch (e) {
    throw new UsageError(`${flags.config ? `--config ${flags.config} / ` : ''}--params: ${(e as Error).message}`);
  }
}

function defaultLabel(kind: string, m: DatasetManifest): string {
  const labels = m.columns.labels;
  const prefix = kind === 'ridge' ? 'fwd_ret_' : 'fwd_dir_';
  const pick = labels.includes(`${prefix}10s`) ? `${prefix}10s` : labels.find((l) => l.startsWith(prefix));
  if (!pick) throw new UsageError(`the dataset has no ${prefix}* label: give --label (labels: ${labels.join(', ')})`);
  return pick;
}

const iso = (ns: number) => (Number.isFinite(ns) ? new Date(ns / 1e6).toISOString() : '');

/** Probabilities over the global classes from a model trained on a subset of them (absent classes get 0). */
function globalProba(model: Model, out: Float64Array, n: number, classes: number[]): Float64Array {
  const K = classes.length;
  const P = new Float64Array(n * K);
  const idx = model.classes.map((c) => classes.indexOf(c));
  const m = model.nOutputs;
  for (let i = 0; i < n; i++) {
    if (model.task === 'binary') {
      P[i * K + idx[0]] = 1 - out[i];
      P[i * K + idx[1]] = out[i];
    } else for (let k = 0; k < m; k++) P[i * K + idx[k]] = out[i * m + k];
  }
  return P;
}

export async function trainCommand(flags: TrainFlags): Promise<TrainResult> {
  if (!(KINDS as readonly string[]).includes(flags.model)) throw new UsageError(`--model must be one of ${KINDS.join(', ')}, got ${flags.model}`);
  if (flags.split !== 'walk-forward' && flags.split !== 'purged-kfold') throw new UsageError(`--split must be walk-forward or purged-kfold, got ${flags.split}`);
  if (flags.mode !== 'expanding' && flags.mode !== 'rolling') throw new UsageError(`--mode must be expanding or rolling, got ${flags.mode}`);
  const nFolds = num(flags.folds, '--folds', 2, 100);
  if (!Number.isInteger(nFolds)) throw new UsageError(`--folds must be an integer, got ${flags.folds}`);
  const embargo = parseDuration(flags.embargo, '--embargo');
  const validation = flags.validation !== undefined ? num(flags.validation, '--validation', 0, 0.5) : flags.model === 'gbdt' ? 0.1 : 0;
  const config = modelConfig(flags, validation);
  if (flags.modelVersion !== undefined && !isSemver(flags.modelVersion)) throw new UsageError(`--model-version ${flags.modelVersion} is not a semantic version (MAJOR.MINOR.PATCH)`);

  const ds = await readDataset(flags.dataset, { symbols: flags.symbol });
  if (ds.frames.length === 0) throw new UsageError(`no instruments${flags.symbol ? ` matching ${flags.symbol.join(', ')}` : ''} in ${flags.dataset}`);
  const m = ds.manifest;
  const frame = combinedFrame(ds);
  const label = flags.label ?? defaultLabel(flags.model, m);
  if (!m.columns.labels.includes(label)) throw new UsageError(`--label ${label}: not a label of this dataset (labels: ${m.columns.labels.join(', ')})`);
  const features = flags.features ? flags.features.split(',').map((s) => s.trim()).filter((s) => s !== '') : [...m.columns.features];
  if (features.length === 0) throw new UsageError(`${flags.dataset} declares no feature columns: build the dataset from lobkit features output, or give --features`);
  for (const f of features) if (!frame.has(f)) throw new UsageError(`--features: no column "${f}" in the dataset`);
  if (new Set(features).size !== features.length) throw new UsageError('--features: a column is listed twice');
  // The leak guard: no fwd_* column and no near-perfect proxy of any label among the features.
  assertNoLeak(frame, features, m.columns.labels);

  const ts = frame.col('ts');
  const endCol = m.columns.endOf?.[label] ?? m.columns.labelEnd;
  const y = frame.col(label);
  // Rows without this label get no label end, so splits leave them out of every set.
  const end = Float64Array.from(frame.col(endCol), (v, i) => (Number.isFinite(y[i]) ? v : NaN));
  const labelled: number[] = [];
  for (let i = 0; i < frame.n; i++) if (Number.isFinite(y[i]) && Number.isFinite(end[i])) labelled.push(i);
  if (labelled.length < 10 * nFolds) throw new UsageError(`only ${labelled.length} rows have label ${label}: too few for ${nFolds} folds`);
  const folds: Fold[] = flags.split === 'purged-kfold' ? purgedKFold(ts, end, { folds: nFolds, embargo, validation }) : walkForward(ts, end, { folds: nFolds, embargo, mode: flags.mode as 'expanding' | 'rolling', validation });

  const classification = config.kind === 'logistic' || (config.kind === 'gbdt' && (config.objective ? config.objective !== 'regression' : isDiscrete(y, labelled)));
  const classes = classification ? [...new Set(labelled.map((i) => y[i]))].sort((a, b) => a - b) : [];
  if (classification && classes.length < 2) throw new UsageError(`label ${label} has a single value (${classes[0]}) on the labelled rows`);
  const autoObjective = config.kind === 'gbdt' && classification && !config.objective;
  if (autoObjective) (config as { objective?: string }).objective = classes.length === 2 ? 'binary' : 'multiclass';
  /** A fold whose training rows lack a class trains on the classes it has (binary when two remain); `globalProba` maps back. */
  const presentIn = (rows: ArrayLike<number>): Set<number> => {
    const present = new Set<number>();
    for (let k = 0; k < rows.length; k++) present.add(y[rows[k]]);
    return present;
  };
  const configFor = (present: Set<number>): ModelConfig =>
    !autoObjective || present.size === classes.length ? config : ({ ...config, objective: present.size === 2 ? 'binary' : 'multiclass' } as ModelConfig);
  const K = classification ? classes.length : 1;
  const oos = new Float64Array(frame.n * K).fill(NaN);
  const oosFold = new Float64Array(frame.n).fill(NaN);
  const score = new Float64Array(frame.n).fill(NaN);

  const bar = progressBar(flags.progress && !flags.json, folds.length + (flags.refit ? 1 : 0));
  const reports: FoldReport[] = [];
  let lastModel: Model | undefined;
  const bestIterations: number[] = [];
  try {
    for (let fi = 0; fi < folds.length; fi++) {
      const f = folds[fi];
      const trainRows = f.train.filter((i) => Number.isFinite(y[i]));
      const validRows = f.validation.filter((i) => Number.isFinite(y[i]));
      const testRows = f.test.filter((i) => Number.isFinite(y[i]));
      if (trainRows.length < 2 || testRows.length === 0) throw new UsageError(`fold ${f.fold}: ${trainRows.length} training and ${testRows.length} test rows: use fewer folds or a longer dataset`);
      const t0 = performance.now();
      let r;
      try {
        const present = presentIn(trainRows);
        const foldConfig = configFor(present);
        // Validation rows of a class the fold never trained on cannot be scored by its objective.
        const validKept = foldConfig === config ? validRows : validRows.filter((i) => present.has(y[i]));
        r = await trainModel(foldConfig, trainSetFromFrame(frame, features, label, { rows: trainRows }), {
          valid: validKept.length > 0 && config.kind === 'gbdt' ? trainSetFromFrame(frame, features, label, { rows: validKept }) : undefined,
          onProgress: (done, total) => bar.update(fi + done / total, { fold: `fold ${fi + 1}/${folds.length}` }),
        });
      } catch (e) {
        if (e instanceof UsageError || e instanceof InputError) throw e;
        throw new UsageError(`fold ${f.fold}: ${(e as Error).message}`);
      }
      lastModel = r.model;
      if (typeof r.info.bestIteration === 'number') bestIterations.push(r.info.bestIteration);
      const xTest = frame.select(features).take(testRows).matrix(features);
      const out = r.model.predict(xTest, testRows.length);
      const yTest = Float64Array.from(testRows, (i) => y[i]);
      let metrics: Record<string, unknown>;
      if (classification) {
        const P = globalProba(r.model, out, testRows.length, classes);
        const yc = Float64Array.from(yTest, (v) => classes.indexOf(v));
        const { calibration: _c, ...cm } = classificationMetrics(yc, P, { k: K });
        metrics = cm;
        for (let j = 0; j < testRows.length; j++) {
          const row = testRows[j];
          for (let k = 0; k < K; k++) oos[row * K + k] = P[j * K + k];
          score[row] = K === 2 ? 2 * P[j * K + 1] - 1 : P[j * K + K - 1] - P[j * K];
        }
      } else {
        metrics = { ...regressionMetrics(yTest, out) };
        for (let j = 0; j < testRows.length; j++) {
          oos[testRows[j]] = out[j];
          score[testRows[j]] = out[j];
        }
      }
      for (const row of testRows) oosFold[row] = f.fold;
      reports.push({
        fold: f.fold,
        trainRows: trainRows.length,
        validationRows: validRows.length,
        testRows: testRows.length,
        purged: f.purged,
        embargoed: f.embargoed,
        testStart: iso(f.testStart),
        testEnd: iso(f.testEnd),
        seconds: (performance.now() - t0) / 1000,
        training: compactInfo(r.info),
        metrics,
      });
      bar.update(fi + 1, { fold: `fold ${fi + 1}/${folds.length}` });
    }

    // The deployable model: refit on every labelled row (GBDT with the folds' median best round).
    let finalModel = lastModel!;
    let finalInfo: Record<string, unknown> = reports[reports.length - 1].training;
    let finalRows = reports[reports.length - 1].trainRows;
    let finalSeconds = 0;
    let finalConfig: ModelConfig = config;
    if (flags.refit) {
      if (config.kind === 'gbdt' && bestIterations.length > 0 && config.earlyStoppingRounds > 0) {
        const sorted = [...bestIterations].sort((a, b) => a - b);
        finalConfig = { ...config, rounds: Math.max(1, sorted[sorted.length >> 1]), earlyStoppingRounds: 0 };
      }
      const t0 = performance.now();
      const r = await trainModel(finalConfig, trainSetFromFrame(frame, features, label, { rows: labelled }), {
        onProgress: (done, total) => bar.update(folds.length + done / total, { fold: 'final model' }),
      });
      finalModel = r.model;
      finalInfo = compactInfo(r.info);
      finalRows = labelled.length;
      finalSeconds = (performance.now() - t0) / 1000;
    }
    bar.stop();

    const summary = summarizeFolds(reports.map((r) => ({ ...r.metrics, confusion: undefined, perClass: undefined })));
    const name = flags.name ?? `${flags.model}-${label}`;
    const root = resolve(flags.modelsDir);
    const version = flags.modelVersion ?? nextVersion(name, root);
    const dir = flags.out ? resolve(flags.out) : join(root, name, version);

    // Out-of-sample predictions as lobkit evaluate reads them: ts, inst, fold, score, p_0..p_{K-1}.
    const tmp = mkdtempSync(join(tmpdir(), 'lobkit-train-'));
    try {
      const predFile = join(tmp, 'oos-predictions.parquet');
      const rows: number[] = [];
      for (let i = 0; i < frame.n; i++) if (Number.isFinite(oosFold[i])) rows.push(i);
      const cols: Float64Array[] = [Float64Array.from(rows, (i) => ts[i]), Float64Array.from(rows, (i) => (frame.has('inst') ? frame.col('inst')[i] : 0)), Float64Array.from(rows, (i) => oosFold[i]), Float64Array.from(rows, (i) => score[i])];
      const names = ['ts', 'inst', 'fold', 'score'];
      if (classification) for (let k = 0; k < K; k++) {
        names.push(`p_${k}`);
        cols.push(Float64Array.from(rows, (i) => oos[i * K + k]));
      }
      const meta: Record<string, string> = { model: `${name}@${version}`, label, classes: JSON.stringify(classes) };
      if (ds.frames.length === 1) Object.assign(meta, { venue: ds.frames[0].meta.venue, symbol: ds.frames[0].meta.symbol });
      await writeParquet(predFile, new Frame(names, cols, rows.length, meta));

      let evaluation: EvaluateResult | null = null;
      if (flags.evaluate) {
        evaluation = await evaluateCommand({
          dataset: flags.dataset,
          predictions: predFile,
          ...(flags.evalLabel ? { label: flags.evalLabel } : {}),
          ...(classification && label.startsWith('fwd_dir_') ? { classLabel: label } : {}),
          split: flags.split,
          folds: flags.folds,
          embargo: flags.embargo,
          mode: flags.mode,
          fees: flags.fees,
          makerBps: flags.makerBps,
          takerBps: flags.takerBps,
          size: flags.size,
          threshold: '0',
          symbol: flags.symbol,
        });
        evaluation.signal = `${name}@${version} out-of-sample score`;
      }

      const sha = gitSha();
      const manifest = saveArtifact(dir, {
        name,
        version,
        model: finalModel,
        featureSpec: m.featureSpec ?? null,
        featureSpecHash: m.featureSpecHash,
        normalization: normalizationState(ds.frames[0]),
        label: { column: label, spec: m.labelSpec, ...(classification ? { classes } : {}) },
        training: {
          model: finalConfig,
          foldConfig: config,
          features,
          split: { kind: flags.split, folds: nFolds, embargoNs: embargo, mode: flags.mode, validation },
          refit: flags.refit,
          command: process.argv.slice(2).join(' '),
          trainedAt: new Date().toISOString(),
          final: { rows: finalRows, info: finalInfo },
        },
        dataset: { path: resolve(flags.dataset), name: basename(resolve(flags.dataset)), manifest: m },
        gitSha: sha?.sha ?? null,
        gitDirty: sha?.dirty ?? false,
        metrics: { folds: reports, summary, ...(evaluation ? { evaluation: evaluation.instruments.map(({ folds: _f, ...rest }) => rest) } : {}) },
        lobkitVersion: lobkitVersion(),
        description: flags.description,
        extraFiles: { 'oos-predictions.parquet': predFile },
      });
      return {
        artifact: dir,
        manifest,
        model: flags.model,
        label,
        task: finalModel.task,
        classes,
        features: features.length,
        split: { kind: flags.split, folds: nFolds, embargoNs: embargo, mode: flags.mode, validation },
        folds: reports,
        summary,
        final: { rows: finalRows, seconds: finalSeconds, training: finalInfo },
        evaluation,
      };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } finally {
    bar.stop();
  }
}

function isDiscrete(y: Float64Array, rows: number[]): boolean {
  const seen = new Set<number>();
  for (const i of rows) {
    if (!Number.isInteger(y[i])) return false;
    seen.add(y[i]);
    if (seen.size > 20) return false;
  }
  return true;
}

/** Training facts worth keeping per fold (histories and importance are long; keep their gist). */
function compactInfo(info: Record<string, unknown>): Record<string, unknown> {
  const { history, importance, ...rest } = info as { history?: unknown[]; importance?: unknown };
  return { ...rest, ...(history ? { roundsRecorded: history.length } : {}), ...(importance ? { importance } : {}) };
}

function normalizationState(f: Frame | undefined): unknown {
  const s = f?.meta.normalization;
  if (s === undefined) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function lobkitVersion(): string | undefined {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

interface Bar {
  update(v: number, payload?: { fold: string }): void;
  stop(): void;
}

function progressBar(enabled: boolean, total: number): Bar {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'train [{bar}] {percentage}% | {fold} | ETA {eta}s', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  bar.start(total * 100, 0, { fold: 'fold 1' });
  let stopped = false;
  return {
    update(v, payload) {
      if (!stopped) bar.update(Math.round(v * 100), payload);
    },
    stop() {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}

const fmt = (v: unknown, d = 4) => (typeof v === 'number' ? (Number.isFinite(v) ? v.toFixed(d) : String(v)) : '');
const dist = (d: Distribution | undefined, digits = 4) => (d ? `${fmt(d.median, digits)} [${fmt(d.min, digits)}, ${fmt(d.max, digits)}]` : '');

export function formatTrain(r: TrainResult): string {
  const cls = r.classes.length > 0;
  const cols = cls ? ['rocAuc', 'logLoss', 'accuracy', 'balancedAccuracy'] : ['ic', 'rankIc', 'rmse', 'r2'];
  let s = `${r.model} on ${r.label} (${r.task}${cls ? `, classes ${r.classes.join('/')}` : ''}), ${r.features} features, ${r.split.kind} ${r.split.folds} folds\n\n`;
  s += table(
    ['fold', 'train', 'valid', 'test', 'test period', ...cols, 'secs'],
    r.folds.map((f) => [String(f.fold), String(f.trainRows), String(f.validationRows), String(f.testRows), `${f.testStart.slice(0, 19)} → ${f.testEnd.slice(11, 19)}`, ...cols.map((c) => fmt(f.metrics[c])), f.seconds.toFixed(1)]),
  );
  s += '\nacross folds: median [min, max]\n';
  for (const c of cols) if (r.summary[c]) s += `  ${c.padEnd(17)} ${dist(r.summary[c])}\n`;
  s += `\nfinal model: ${r.final.rows} rows${r.final.seconds > 0 ? `, ${r.final.seconds.toFixed(1)} s` : ' (last fold)'}\n`;
  if (r.evaluation) s += `\ncost-aware evaluation of the out-of-sample predictions\n${formatEvaluate(r.evaluation)}`;
  s += `\nartifact: ${r.artifact} (${r.manifest.name}@${r.manifest.version}${r.manifest.gitSha ? `, git ${r.manifest.gitSha.slice(0, 10)}${r.manifest.gitDirty ? '+dirty' : ''}` : ''})\n`;
  return s;
}
