import { z } from 'zod';
import type { Frame } from '../core/frame.ts';
import { gbdtConfigSchema } from './gbdt/config.ts';
import { trainGbdt } from './gbdt/train.ts';
import { trainLogistic, type LogisticConfig } from './linear/logistic.ts';
import { trainRidge, type RidgeConfig } from './linear/ridge.ts';
import type { Model, TrainSet } from './model.ts';

/**
 * One entry point for every model kind: `trainModel(config, trainSet, { valid })` → model + info.
 * Configs are plain JSON (validated here), so they can come from a file or the CLI and be saved in
 * the artifact as given.
 */
export const logisticConfigSchema = z
  .object({
    kind: z.literal('logistic'),
    l2: z.number().min(0).default(1e-4),
    maxIter: z.number().int().min(1).default(200),
    tol: z.number().positive().default(1e-6),
  })
  .strict();

export const ridgeConfigSchema = z.object({ kind: z.literal('ridge'), l2: z.number().min(0).default(1e-3) }).strict();

export const modelConfigSchema = z.discriminatedUnion('kind', [logisticConfigSchema, ridgeConfigSchema, gbdtConfigSchema]);
export type ModelConfigInput = z.input<typeof modelConfigSchema>;
export type ModelConfig = z.output<typeof modelConfigSchema>;

/** Validates a config (defaults filled in); throws an Error listing every problem. */
export function parseModelConfig(c: unknown): ModelConfig {
  const r = modelConfigSchema.safeParse(c);
  if (!r.success) throw new Error(`model config: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

export interface TrainOptions {
  /** Validation rows (GBDT early stopping and the validation metric). */
  valid?: TrainSet;
  /** Progress: `done` of `total` steps (GBDT rounds, L-BFGS iterations). */
  onProgress?: (done: number, total: number) => void;
}

export interface TrainResult {
  model: Model;
  /** What training did: iterations, convergence, best round, importance, timings. */
  info: Record<string, unknown>;
}

export async function trainModel(config: ModelConfigInput, train: TrainSet, opts: TrainOptions = {}): Promise<TrainResult> {
  const cfg = parseModelConfig(config);
  const t0 = performance.now();
  switch (cfg.kind) {
    case 'logistic': {
      const r = trainLogistic(train, cfg as LogisticConfig, (i) => opts.onProgress?.(i, cfg.maxIter));
      return { model: r.model, info: { ...r.info, seconds: (performance.now() - t0) / 1000 } };
    }
    case 'ridge': {
      const r = trainRidge(train, cfg as RidgeConfig);
      opts.onProgress?.(1, 1);
      return { model: r.model, info: { ...r.info, seconds: (performance.now() - t0) / 1000 } };
    }
    case 'gbdt': {
      const r = await trainGbdt(train, cfg, { valid: opts.valid, onRound: (rd, total) => opts.onProgress?.(rd.round, total) });
      return { model: r.model, info: { ...r.info, seconds: (performance.now() - t0) / 1000 } };
    }
  }
}

/**
 * A TrainSet from a Frame: the feature columns as a row-major matrix, the label column, optional
 * weights, for the given rows (all rows by default). Rows whose label is missing (NaN) are refused:
 * pass `rows` without them.
 */
export function trainSetFromFrame(frame: Frame, features: string[], label: string, opts: { rows?: ArrayLike<number>; weight?: string } = {}): TrainSet {
  const f = opts.rows ? frame.select([...features, label, ...(opts.weight ? [opts.weight] : [])]).take(opts.rows) : frame;
  const y = Float64Array.from(f.col(label));
  for (let i = 0; i < y.length; i++) if (y[i] !== y[i]) throw new Error(`label ${label}: row ${opts.rows ? opts.rows[i] : i} is missing (drop unlabelled rows first)`);
  return { x: f.matrix(features), n: f.n, features: [...features], y, ...(opts.weight ? { weight: Float64Array.from(f.col(opts.weight)) } : {}) };
}

/** The feature matrix of a Frame in a model's column order (for prediction). */
export function featureMatrix(frame: Frame, model: Pick<Model, 'features'>): Float64Array {
  return frame.matrix([...model.features]);
}
