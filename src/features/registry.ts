import type { OpDef } from './op-def.ts';
import { activityOps } from './ops/activity.ts';
import { bookStateOps } from './ops/book-state.ts';
import { depthOps } from './ops/depth.ts';
import { fundingOps } from './ops/funding.ts';
import { kyleOps } from './ops/kyle.ts';
import { lobSnapshotOps } from './ops/lob-snapshot.ts';
import { ofiOps } from './ops/ofi.ts';
import { queueModelOps } from './ops/queue-model.ts';
import { regimeOps } from './ops/regime.ts';
import { technicalOps } from './ops/technical.ts';
import { timeOps } from './ops/time.ts';
import { tradeOps } from './ops/trades.ts';
import { volatilityOps } from './ops/volatility.ts';
import { vpinOps } from './ops/vpin.ts';

/** Every built-in feature operator, by family. */
export const OPS: readonly OpDef[] = [
  ...bookStateOps,
  ...depthOps,
  ...ofiOps,
  ...tradeOps,
  ...vpinOps,
  ...activityOps,
  ...queueModelOps,
  ...volatilityOps,
  ...technicalOps,
  ...regimeOps,
  ...kyleOps,
  ...fundingOps,
  ...timeOps,
  ...lobSnapshotOps,
];

/** Operator definitions by name: the built-ins plus `extra` (which may not shadow a built-in). */
export function opTable(extra: readonly OpDef[] = []): Map<string, OpDef> {
  const m = new Map<string, OpDef>();
  for (const d of OPS) m.set(d.op, d);
  for (const d of extra) {
    if (m.has(d.op)) throw new Error(`operator "${d.op}" is built in; give the custom operator another name`);
    m.set(d.op, d);
  }
  return m;
}
