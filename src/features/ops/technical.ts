import { z } from 'zod';
import { BAR_C, BAR_H, BAR_L, BarFeature } from '../bars.ts';
import { fmtMs } from '../feature.ts';
import { defineOp, int, ints, uniqSorted } from '../op-def.ts';
import { Rolling } from '../windows.ts';

/**
 * Classic technical indicators on time bars of the mid (values at the last closed bar), in their
 * textbook definitions (Wilder 1978 for RSI and ATR; Appel for MACD; Bollinger 2001).
 */

/** Wilder's smoothing: the first value is the simple mean of the first n inputs, then s = (s·(n − 1) + x)/n. */
class Wilder {
  value = NaN;
  private sum = 0;
  private k = 0;
  constructor(private readonly n: number) {}
  push(x: number): void {
    if (this.k < this.n) {
      this.sum += x;
      if (++this.k === this.n) this.value = this.sum / this.n;
    } else this.value = (this.value * (this.n - 1) + x) / this.n;
  }
}

/** EMA with α = 2/(n + 1), seeded with the simple mean of the first n inputs. */
export class Ema {
  value = NaN;
  private sum = 0;
  private k = 0;
  private readonly a: number;
  constructor(private readonly n: number) {
    this.a = 2 / (n + 1);
  }
  push(x: number): void {
    if (this.k < this.n) {
      this.sum += x;
      if (++this.k === this.n) this.value = this.sum / this.n;
    } else this.value += this.a * (x - this.value);
  }
}

/** RSI = 100 − 100/(1 + RS), RS = Wilder-smoothed gains / Wilder-smoothed losses of bar-to-bar close changes. */
class Rsi extends BarFeature {
  private readonly gain: Wilder;
  private readonly loss: Wilder;
  private prevC = NaN;
  constructor(names: string[], barMs: number, period: number) {
    super(names, barMs, false, period * 10);
    this.gain = new Wilder(period);
    this.loss = new Wilder(period);
  }
  protected onBar(bar: Float64Array): void {
    const c = bar[BAR_C];
    if (this.prevC === this.prevC) {
      const d = c - this.prevC;
      this.gain.push(d > 0 ? d : 0);
      this.loss.push(d < 0 ? -d : 0);
    }
    this.prevC = c;
  }
  protected writeValues(out: Float64Array, at: number): void {
    const g = this.gain.value;
    const l = this.loss.value;
    out[at] = g !== g ? NaN : l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l);
  }
  warm(): boolean {
    return this.gain.value === this.gain.value;
  }
}

/**
 * EMAs of the bar closes: deviation of the close from each EMA in bps, MACD = (EMA_fast − EMA_slow)
 * in bps of EMA_slow, and the MACD histogram = MACD − EMA_signal(MACD).
 */
class Emas extends BarFeature {
  private readonly emas: Ema[];
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly signal: Ema;
  private macd = NaN;
  private c = NaN;
  constructor(names: string[], barMs: number, periods: number[], fast: number, slow: number, signal: number) {
    super(names, barMs, false, Math.max(...periods, slow + signal) * 10);
    this.emas = periods.map((n) => new Ema(n));
    this.fast = new Ema(fast);
    this.slow = new Ema(slow);
    this.signal = new Ema(signal);
  }
  protected onBar(bar: Float64Array): void {
    const c = bar[BAR_C];
    this.c = c;
    for (let i = 0; i < this.emas.length; i++) this.emas[i].push(c);
    this.fast.push(c);
    this.slow.push(c);
    if (this.slow.value === this.slow.value) {
      this.macd = ((this.fast.value - this.slow.value) / this.slow.value) * 1e4;
      this.signal.push(this.macd);
    }
  }
  protected writeValues(out: Float64Array, at: number): void {
    const n = this.emas.length;
    for (let i = 0; i < n; i++) {
      const e = this.emas[i].value;
      out[at + i] = ((this.c - e) / e) * 1e4;
    }
    out[at + n] = this.macd;
    out[at + n + 1] = this.macd - this.signal.value;
  }
  warm(): boolean {
    for (const e of this.emas) if (e.value !== e.value) return false;
    return this.signal.value === this.signal.value;
  }
}

/** ATR: Wilder-smoothed true range TR = max(H − L, |H − C_prev|, |L − C_prev|), in bps of the last close. */
class Atr extends BarFeature {
  private readonly tr: Wilder;
  private prevC = NaN;
  private c = NaN;
  constructor(names: string[], barMs: number, period: number) {
    super(names, barMs, false, period * 10);
    this.tr = new Wilder(period);
  }
  protected onBar(bar: Float64Array): void {
    const h = bar[BAR_H];
    const l = bar[BAR_L];
    const c = bar[BAR_C];
    if (this.prevC === this.prevC) this.tr.push(Math.max(h - l, Math.abs(h - this.prevC), Math.abs(l - this.prevC)));
    this.prevC = c;
    this.c = c;
  }
  protected writeValues(out: Float64Array, at: number): void {
    out[at] = (this.tr.value / this.c) * 1e4;
  }
  warm(): boolean {
    return this.tr.value === this.tr.value;
  }
}

/** Bollinger bands (SMA_n ± k·σ_n of closes, population σ): width = (upper − lower)/SMA, %b = (C − lower)/(upper − lower). */
class Bollinger extends BarFeature {
  private readonly closes: Rolling;
  private c = NaN;
  constructor(
    names: string[],
    barMs: number,
    period: number,
    private readonly k: number,
  ) {
    super(names, barMs, false, period * 4);
    this.closes = new Rolling(period);
  }
  protected onBar(bar: Float64Array): void {
    const c = bar[BAR_C];
    this.closes.push(c);
    this.c = c;
  }
  protected writeValues(out: Float64Array, at: number): void {
    if (!this.closes.full) return void out.fill(NaN, at, at + 2);
    const m = this.closes.mean();
    const sd = Math.sqrt(this.closes.variance());
    const band = this.k * sd;
    out[at] = (2 * band) / m;
    out[at + 1] = band > 0 ? (this.c - (m - band)) / (2 * band) : 0.5;
  }
  warm(): boolean {
    return this.closes.full;
  }
}

const barMs = () => int().default(1000);

export const technicalOps = [
  defineOp({
    op: 'rsi',
    summary: "Wilder's RSI (default 14) on time bars of the mid.",
    params: z.strictObject({ bar_ms: barMs(), period: int(2).default(14) }),
    create: (p, pre) => new Rsi([`${pre}_${p.period}_${fmtMs(p.bar_ms)}`], p.bar_ms, p.period),
  }),
  defineOp({
    op: 'ema',
    summary: 'Close deviation from EMAs (default 12, 26) in bps, MACD (fast−slow) in bps and MACD histogram, on time bars of the mid.',
    params: z.strictObject({ bar_ms: barMs(), periods: ints([12, 26]), fast: int().default(12), slow: int().default(26), signal: int().default(9) }),
    create: (p, pre) => {
      const ps = uniqSorted(p.periods);
      const b = fmtMs(p.bar_ms);
      return new Emas([...ps.map((n) => `${pre}_${n}_dev_bps_${b}`), `${pre}_macd_bps_${b}`, `${pre}_macd_hist_bps_${b}`], p.bar_ms, ps, p.fast, p.slow, p.signal);
    },
  }),
  defineOp({
    op: 'atr',
    summary: "Wilder's average true range (default 14) on time bars of the mid, in bps of the close.",
    params: z.strictObject({ bar_ms: barMs(), period: int(2).default(14) }),
    create: (p, pre) => new Atr([`${pre}_${p.period}_bps_${fmtMs(p.bar_ms)}`], p.bar_ms, p.period),
  }),
  defineOp({
    op: 'bollinger',
    prefix: 'bb',
    summary: 'Bollinger band width 2kσ/SMA and %b (default 20 bars, k = 2) on time bars of the mid.',
    params: z.strictObject({ bar_ms: barMs(), period: int(2).default(20), k: z.number().positive().default(2) }),
    create: (p, pre) => {
      const b = fmtMs(p.bar_ms);
      return new Bollinger([`${pre}_width_${b}`, `${pre}_pctb_${b}`], p.bar_ms, p.period, p.k);
    },
  }),
];
