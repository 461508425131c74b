import { z } from 'zod';
import type { Feature } from './feature.ts';

/**
 * How a spec names an operator: `op` (the spec's `op:` value), a one-line summary with its source,
 * a strict zod schema of its parameters (with defaults: the normalized spec carries every value),
 * and a factory. `prefix` is the spec entry's `name` (default: the op's own prefix).
 */
export interface OpDef {
  readonly op: string;
  readonly prefix: string;
  readonly summary: string;
  readonly params: z.ZodType;
  create(params: unknown, prefix: string): Feature;
}

export function defineOp<S extends z.ZodType>(d: { op: string; prefix?: string; summary: string; params: S; create(p: z.output<S>, prefix: string): Feature }): OpDef {
  return { op: d.op, prefix: d.prefix ?? d.op, summary: d.summary, params: d.params, create: (p, prefix) => d.create(p as z.output<S>, prefix) };
}

/** Positive integer. */
export const int = (min = 1) => z.number().int().min(min);
/** Positive number. */
export const pos = () => z.number().positive();
/** A list of window lengths in milliseconds (≥ 1 ms), sorted and de-duplicated when used. */
export const windowsMs = (def: number[]) => z.array(z.number().int().min(1)).min(1).default(def);
/** A list of positive integers. */
export const ints = (def: number[]) => z.array(z.number().int().min(1)).min(1).default(def);
/** A list of positive numbers. */
export const nums = (def: number[]) => z.array(z.number().positive()).min(1).default(def);

/** Sorted, de-duplicated copy. */
export function uniqSorted(xs: readonly number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}
