import { z } from 'zod';

/**
 * GBDT hyper-parameters. Names follow LightGBM's (camelCased) and so do the defaults, except
 * `threads` (1: deterministic and friendly to shared machines; the CLI defaults to all cores).
 */
export const gbdtConfigSchema = z
  .object({
    kind: z.literal('gbdt'),
    /** Inferred from the label when absent: 2 values → binary, 3..20 integers → multiclass, else regression. */
    objective: z.enum(['binary', 'multiclass', 'regression']).optional(),
    rounds: z.number().int().min(1).default(100),
    learningRate: z.number().positive().default(0.1),
    numLeaves: z.number().int().min(2).max(131072).default(31),
    /** ≤ 0: no limit. */
    maxDepth: z.number().int().default(-1),
    minDataInLeaf: z.number().int().min(1).default(20),
    minSumHessianInLeaf: z.number().min(0).default(1e-3),
    lambdaL1: z.number().min(0).default(0),
    lambdaL2: z.number().min(0).default(0),
    minGainToSplit: z.number().min(0).default(0),
    maxDeltaStep: z.number().min(0).default(0),
    maxBin: z.number().int().min(2).max(255).default(255),
    /** Rows sampled to find the bin bounds. */
    binSampleRows: z.number().int().min(100).default(200_000),
    /** Fraction of rows each tree is grown on (bagging; 1 = all). */
    baggingFraction: z.number().gt(0).max(1).default(1),
    /** Re-draw the bag every k rounds. */
    baggingFreq: z.number().int().min(1).default(1),
    /** Fraction of features each tree may use. */
    featureFraction: z.number().gt(0).max(1).default(1),
    /** Fraction of the tree's features each node may use. */
    featureFractionByNode: z.number().gt(0).max(1).default(1),
    /** Stop when the validation metric has not improved for this many rounds (0 = off; needs a validation set). */
    earlyStoppingRounds: z.number().int().min(0).default(0),
    /** Validation metric; "auto": logloss (binary), multi_logloss, l2. */
    metric: z.enum(['auto', 'logloss', 'auc', 'multi_logloss', 'l2']).default('auto'),
    threads: z.number().int().min(1).max(64).default(1),
    /** Leaves with fewer rows build their histogram on one thread (handoffs cost more than they save). */
    parallelMinRows: z.number().int().min(1).default(32768),
    seed: z.number().int().default(0),
    /** Larger child's histogram as parent − smaller child (LightGBM's trick). Off only to test it. */
    histogramSubtraction: z.boolean().default(true),
  })
  .strict();

export type GbdtConfigInput = z.input<typeof gbdtConfigSchema>;
export type GbdtConfig = z.output<typeof gbdtConfigSchema>;

export function gbdtConfig(c: Partial<GbdtConfigInput> = {}): GbdtConfig {
  const r = gbdtConfigSchema.safeParse({ kind: 'gbdt', ...c });
  if (!r.success) throw new Error(`gbdt config: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}
