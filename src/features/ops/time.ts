import { z } from 'zod';
import type { FeatureContext } from '../context.ts';
import { BaseFeature } from '../feature.ts';
import { defineOp } from '../op-def.ts';

const DAY_NS = 86_400e9;
const HOUR_NS = 3_600e9;
const TAU = 2 * Math.PI;

/**
 * Calendar features of the row's time (UTC): time of day and day of week as (sin, cos) pairs, a
 * weekend flag, seconds to the next funding (the venue's `nextFundingTs` when its funding stream
 * sends one, else the schedule `funding_hours`), and trading-session flags (hours UTC, [start, end)).
 */
class TimeFeatures extends BaseFeature {
  private readonly fundingNs: Float64Array;
  /** Session [start, end) hours, flattened. */
  private readonly sessionBounds: Float64Array;
  constructor(
    names: string[],
    fundingHours: number[],
    sessions: [number, number][],
  ) {
    super(names);
    this.fundingNs = Float64Array.from([...fundingHours].sort((a, b) => a - b), (h) => h * HOUR_NS);
    this.sessionBounds = Float64Array.from(sessions.flat());
  }
  write(out: Float64Array, at: number, ctx: FeatureContext): void {
    const t = ctx.now;
    const day = Math.floor(t / DAY_NS);
    const inDay = t - day * DAY_NS;
    const a = (TAU * inDay) / DAY_NS;
    out[at] = Math.sin(a);
    out[at + 1] = Math.cos(a);
    const dow = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; Monday = 0
    const wk = (TAU * (dow + inDay / DAY_NS)) / 7;
    out[at + 2] = Math.sin(wk);
    out[at + 3] = Math.cos(wk);
    out[at + 4] = dow >= 5 ? 1 : 0;
    const f = ctx.funding;
    let next = f !== undefined && f.nextFundingTs > t ? f.nextFundingTs : NaN;
    if (next !== next) {
      const fh = this.fundingNs;
      for (let i = 0; i < fh.length; i++) {
        if (fh[i] > inDay) {
          next = day * DAY_NS + fh[i];
          break;
        }
      }
      if (next !== next) next = (day + 1) * DAY_NS + fh[0];
    }
    out[at + 5] = (next - t) / 1e9;
    const hour = inDay / HOUR_NS;
    // index loops, no destructuring: an iterator per row would allocate
    const ss = this.sessionBounds;
    for (let i = 0; i < ss.length; i += 2) {
      const s = ss[i];
      const e = ss[i + 1];
      out[at + 6 + (i >> 1)] = (s <= e ? hour >= s && hour < e : hour >= s || hour < e) ? 1 : 0;
    }
  }
}

const hours = z.tuple([z.number().min(0).max(24), z.number().min(0).max(24)]);

export const timeOps = [
  defineOp({
    op: 'time',
    prefix: 'time',
    summary: 'Time of day and day of week (sin, cos), weekend flag, seconds to next funding, session flags (Asia, Europe, US; hours UTC).',
    params: z.strictObject({
      funding_hours: z.array(z.number().min(0).lt(24)).min(1).default([0, 8, 16]),
      asia: hours.default([0, 9]),
      europe: hours.default([7, 16]),
      us: hours.default([13.5, 20]),
    }),
    create: (p, pre) =>
      new TimeFeatures(
        [`${pre}_tod_sin`, `${pre}_tod_cos`, `${pre}_dow_sin`, `${pre}_dow_cos`, `${pre}_weekend`, `${pre}_to_funding_s`, `${pre}_session_asia`, `${pre}_session_europe`, `${pre}_session_us`],
        p.funding_hours,
        [p.asia, p.europe, p.us],
      ),
  }),
];
