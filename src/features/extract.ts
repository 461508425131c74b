import { FrameBuilder, type Frame } from '../core/frame.ts';
import { openReplay, type ReplayOptions } from '../replay/open.ts';
import { ReadReport } from '../replay/report.ts';
import type { FeatureSet, RowSink } from './feature-set.ts';
import type { OpDef } from './op-def.ts';
import { FeaturePipeline, frameMeta } from './pipeline.ts';

export interface ExtractOptions extends ReplayOptions {
  /** Only these instruments (`SYMBOL` or `venue:SYMBOL`). */
  symbols?: readonly string[];
  ops?: readonly OpDef[];
  /** Collects per-file read problems (bad lines, unreadable files); a fresh one if not given. */
  report?: ReadReport;
}

export interface RunFeaturesOptions extends ExtractOptions {
  sinkFor(venue: string, symbol: string, set: FeatureSet): RowSink | undefined;
  /** Awaited after each batch of events (writers flush completed chunks here). */
  afterBatch?(): Promise<void>;
}

/** Replays files through a FeaturePipeline (book engine + one FeatureSet per instrument), rows to `sinkFor`'s sinks. */
export async function runFeatures(paths: string[], spec: unknown, opts: RunFeaturesOptions): Promise<{ pipeline: FeaturePipeline; report: ReadReport }> {
  const report = opts.report ?? new ReadReport();
  const pipeline = new FeaturePipeline({ spec, ops: opts.ops, symbols: opts.symbols, sinkFor: opts.sinkFor });
  const stream = await openReplay(paths, report, opts);
  for await (const batch of stream) {
    for (let i = 0; i < batch.length; i++) pipeline.push(batch[i]);
    if (opts.afterBatch) await opts.afterBatch();
  }
  pipeline.finish();
  return { pipeline, report };
}

/**
 * Feature rows of every instrument in `paths`, one Frame each (in order of first appearance):
 * CORE_COLUMNS, then the spec's columns; `meta` holds venue, symbol, spec_hash and the spec JSON.
 * `spec`: user form or normalized (default: the default spec). Holds all rows in memory; the CLI
 * streams partitions to Parquet instead.
 */
export async function extractFeatures(paths: string[], spec?: unknown, opts: ExtractOptions = {}): Promise<Frame[]> {
  const builders = new Map<string, FrameBuilder>();
  const { pipeline } = await runFeatures(paths, spec, {
    ...opts,
    sinkFor: (venue, symbol, set) => {
      const b = new FrameBuilder(set.names, 4096);
      builders.set(`${venue}:${symbol}`, b);
      return b;
    },
  });
  return pipeline.instruments().map((i) => builders.get(`${i.venue}:${i.symbol}`)!.frame(frameMeta(i.venue, i.symbol, pipeline.spec)));
}
