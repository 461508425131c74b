/**
 * Datasets and leak-proof splits.
 *
 * Build (`lobkit dataset`): feature rows + labels → Parquet via DuckDB with a manifest
 *   loadInputs(inputs, opts) → frames per instrument (feature Parquet, or raw files replayed)
 *   labelInputs(loaded, specInput) → LabeledFrame[]
 *   buildDataset(labeled) → { manifest, frames }   (warm-up, invalid and unlabelled rows excluded, counted)
 *   writeDataset(dir, ds) / readDataset(dir) / combinedFrame(ds) (all instruments, time order, `inst` column)
 *
 * Splits (rows' information spans [ts, labelEnd]; see splits.ts for the exact purge/embargo rules):
 *   walkForward(ts, labelEnd, { folds, mode: 'expanding' | 'rolling', window, embargo, validation }) → Fold[]
 *   purgedKFold(ts, labelEnd, { folds, embargo, validation }) → Fold[]
 *   chronoSplit(ts, labelEnd, { train, test, embargo }) → Fold (train / validation / test)
 *   verifySplit(ts, labelEnd, folds, { gapBefore, embargoAfter }) → violations (an independent check)
 * Use `fwd_end_ts` (every label's max end) as labelEnd, or a label's own `fwd_end_ts_<suffix>`.
 *
 * Leak guard (call before fitting anything):
 *   assertNoLeak(frame, featureNames, labelNames) throws LeakError naming the column for any fwd_*
 *   feature, and for a feature reproducing a label (|Pearson| or |Spearman| >= 0.98, or sign /
 *   value agreement with kappa >= 0.98); featureFrame(...) returns only the declared features.
 */
export { walkForward, purgedKFold, chronoSplit, verifySplit, type Fold, type SplitOptions, type WalkForwardOptions, type KFoldOptions, type ChronoOptions } from './splits.ts';
export { assertNoLeak, featureFrame, leakScore, leakReason, LeakError, type LeakOptions, type LeakScore } from './leak-guard.ts';
export { buildDataset, writeDataset, readDataset, combinedFrame, NON_FEATURE_COLUMNS, type Dataset, type DatasetManifest, type InstrumentEntry } from './build.ts';
export { loadInputs, labelInputs, labelFromFiles, isParquetInput, type LoadedInputs, type InputOptions } from './inputs.ts';
export { bookFrames, BASE_COLUMNS, depthColumns, type BookFrameOptions } from './book-frame.ts';
export { readFrames, concatFrames, parquetFiles, type InstrumentFrames } from './frames.ts';
export { readParquet, writeParquet } from './parquet.ts';
export { pearson, spearman, ranks } from './stats.ts';
