import { z } from 'zod';
import type { FeatureContext } from '../context.ts';
import { BaseFeature } from '../feature.ts';
import { SlidingZScore } from '../normalize.ts';
import { defineOp, int } from '../op-def.ts';

/** DeepLOB channel order per level (Zhang, Zohren & Roberts 2019): ask price, ask size, bid price, bid size. */
export const LOB_CHANNELS = ['ask_p', 'ask_v', 'bid_p', 'bid_v'] as const;

export function lobColumn(prefix: string, level: number, channel: number): string {
  return `${prefix}_${LOB_CHANNELS[channel]}_${level}`;
}

/**
 * The per-row slice of a DeepLOB input: for levels 1..L, price relative to the mid in bps and size
 * z-scored per column over the last N rows (backward-looking only: the statistics include the
 * current row and earlier rows, never later ones). Missing levels are padded neutrally: 0 in both
 * channels (the mid and the mean size) and they do not enter the statistics. `deeplob.ts` stacks
 * T consecutive rows into the T × L × 4 tensor.
 */
class LobSnapshot extends BaseFeature {
  private readonly zs: SlidingZScore[];
  private rows = 0;
  constructor(
    names: string[],
    private readonly L: number,
    window: number,
    private readonly minRows: number,
  ) {
    super(names);
    this.zs = Array.from({ length: 2 * L }, () => new SlidingZScore(window, 1e-12, 1));
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const L = this.L;
    if (!ctx.valid || ctx.mid !== ctx.mid) return void out.fill(NaN, at, at + 4 * L);
    this.rows++;
    const { bp, bs, ap, as, nb, na, P, S } = ctx;
    const mid = ctx.mid;
    for (let i = 0; i < L; i++) {
      const o = at + 4 * i;
      if (i < na) {
        out[o] = (ap[na - 1 - i] / P / mid - 1) * 1e4;
        out[o + 1] = this.zs[2 * i].update(as[na - 1 - i] / S);
      } else out[o] = out[o + 1] = 0;
      if (i < nb) {
        out[o + 2] = (bp[nb - 1 - i] / P / mid - 1) * 1e4;
        out[o + 3] = this.zs[2 * i + 1].update(bs[nb - 1 - i] / S);
      } else out[o + 2] = out[o + 3] = 0;
    }
  }
  override warm(): boolean {
    return this.rows >= this.minRows;
  }
}

export const lobSnapshotOps = [
  defineOp({
    op: 'lob_snapshot',
    prefix: 'lob',
    summary: 'DeepLOB input slice: L levels × (ask price bps from mid, ask size z, bid price bps, bid size z), backward-normalized, missing levels padded with 0.',
    params: z.strictObject({ levels: int().max(100).default(10), size_window: int(2).default(1000), min_rows: int().default(100) }),
    create: (p, pre) => {
      const names: string[] = [];
      for (let i = 1; i <= p.levels; i++) for (let c = 0; c < 4; c++) names.push(lobColumn(pre, i, c));
      return new LobSnapshot(names, p.levels, p.size_window, p.min_rows);
    },
  }),
];
