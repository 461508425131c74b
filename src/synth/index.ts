/**
 * lobkit's synthetic market (`lobkit simulate`): a calibrated queue-reactive limit-order-book
 * model whose output is byte-for-byte in the format of a real Binance recording, so every
 * downstream tool treats it like real data.
 *
 * Public API (nothing else in src/ imports synth except cli; the demo and the venue simulator
 * use these):
 *
 * - `simulateToFiles(opts)` → `Promise<SimulationSummary>`: writes `<out>/<usdm|spot>/<symbol>_<YYYYMMDD>.gz`
 *   (lines `<localTsNs> <frame>`, gzip; the REST snapshot in each symbol's first file, then
 *   diff depth with U/u(/pu), bookTicker, trade and, on USD-M, markPriceUpdate), symbols spread
 *   over worker threads when there are cores for it (default: cores − 1). `lobkit replay` reconstructs the books with
 *   0 gaps, 0 crossed books and 0 bookTicker mismatches.
 * - `simulateFrames(spec)` → `SyntheticMarket`: the same frames in memory, all symbols merged by
 *   receive time, generated lazily (`for (const f of market)`); `market.paced(speed, signal)`
 *   yields them at `speed` × real time for live serving; `market.depthSnapshot(symbol, limit)`
 *   is the REST depth response of the current book. This is the venue simulator's `synthetic`
 *   source: serve `depth`/`bookTicker`/`trade`/`markPrice` frames on their streams and answer
 *   REST depth requests from `depthSnapshot` (frames of kind `snapshot` are what a recorder
 *   received from REST; a live server can skip them).
 * - `calibrate(paths, opts)` → `{ params, checks }`: estimates a parameter set from Binance raw
 *   recordings (USD-M or spot); `measureFiles(paths)` + `compareMeasures(sim, real)`: the
 *   validation statistics and their tolerances (`TOLERANCE`).
 * - `defaultParams(venue)`, `parseParams(doc)`: the shipped parameter sets (src/synth/params/,
 *   calibrated from ../shared/data/binance-hftbacktest) and validation of user files.
 *
 * Determinism: every random draw comes from xoshiro128** streams seeded from (seed, symbol,
 * purpose) (rng.ts); the same spec and seed give byte-identical files, whatever the number of
 * worker threads or the other symbols simulated alongside (the common market factor is a
 * stateless function of the seed and the absolute time step).
 */
export { simulateToFiles, DEFAULT_GZIP_LEVEL, type FileOutputOptions, type SimulationSummary, type SymbolSummary } from './files.ts';
export { simulateFrames, SyntheticMarket, type SimFrame } from './frames.ts';
export { resolveSpec, DEFAULT_START_MS, type SimulationSpec, type ResolvedSpec } from './spec.ts';
export { calibrate, DEFAULT_FLOW, type CalibrateOptions, type CalibrationResult, type CalibrationCheck } from './calibrate.ts';
export { measureFiles, type Measures } from './measure.ts';
export { compareMeasures, TOLERANCE, type Check, type ValidationResult } from './validate.ts';
export { defaultParams } from './defaults.ts';
export { parseParams, instrumentFor, SYNTH_VENUES, type SynthParams, type InstrumentParams, type SynthVenue } from './params.ts';
export { Rng } from './rng.ts';
