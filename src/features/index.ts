/** Streaming feature engine: one code path for offline extraction and the live runner. */
export { BaseFeature, LookAheadError, WANT_BOOK, WANT_FUNDING, WANT_STATUS, WANT_TRADE, type Feature } from './feature.ts';
export { FeatureContext, type TradeSignMode } from './context.ts';
export { FeatureSet, type FeatureSetNormalization, type FeatureSetOptions, type RowSink } from './feature-set.ts';
export { CORE_COLUMNS, RESERVED_PREFIX, canonicalJson, normalizeSpec, parseSpecText, specJson, specYaml, type FeatureEntry, type FeatureSpec, type NormalizeSpec, type Sampling } from './spec.ts';
export { DEFAULT_SPEC, DEFAULT_SPEC_INPUT } from './default-spec.ts';
export { OPS, opTable } from './registry.ts';
export { defineOp, type OpDef } from './op-def.ts';
export { FeaturePipeline, LiveFeatureRunner, frameMeta, type InstrumentFeatures, type PipelineOptions } from './pipeline.ts';
export { extractFeatures, runFeatures, type ExtractOptions } from './extract.ts';
export { DatePartitionSink, partitionPath, utcDate, type PartitionChunk } from './partition.ts';
export { RollingMinMax, SlidingZScore, normalizerFromJSON, type Normalizer, type NormalizerState } from './normalize.ts';
export { DeepLobWindow, deepLobTensors, type DeepLobTensor } from './deeplob.ts';
