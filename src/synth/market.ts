import type { RegimeParams } from './params.ts';
import { Rng, counterNormal, hashString, seedKey } from './rng.ts';

/**
 * What all symbols of one simulation share, stepped on a fixed grid of `stepMs`:
 * - the regime (a continuous-time Markov chain over e.g. quiet / active / burst, sampled on the
 *   grid) that scales every event rate and the volatility: volatility clustering;
 * - the common factor: one standard normal per grid step, a stateless function of the seed and
 *   the absolute step index, so a symbol that lags the market reads it `lag` steps late
 *   without any shared state (each symbol's generator, possibly in its own worker thread,
 *   computes the same path).
 * The regime chain is drawn from its own stream of the seed, from the simulation's start, so
 * every symbol's copy is identical.
 */
export class MarketPath {
  regime: number;
  private readonly rng: Rng;
  private readonly leave: Float64Array;
  private readonly factorKey: number;

  constructor(
    seed: number | string,
    private readonly regimes: RegimeParams,
    readonly stepMs: number,
  ) {
    this.rng = new Rng(seed, 'market/regime');
    if (regimes.initial !== undefined) this.regime = regimes.initial;
    else {
      const pi = stationary(regimes.transitions, regimes.meanDurationS);
      let u = this.rng.uniform();
      let r = 0;
      while (r < pi.length - 1 && u >= pi[r]) u -= pi[r++];
      this.regime = r;
    }
    // Probability of leaving each regime within one grid step.
    this.leave = Float64Array.from(regimes.meanDurationS, (d) => 1 - Math.exp(-stepMs / 1000 / d));
    this.factorKey = (seedKey(seed) ^ hashString('market/factor')) >>> 0;
  }

  /** Advances the regime chain by one grid step. */
  step(): void {
    const r = this.regime;
    if (this.rng.uniform() >= this.leave[r]) return;
    const row = this.regimes.transitions[r];
    let total = 0;
    for (let j = 0; j < row.length; j++) if (j !== r) total += row[j];
    if (total <= 0) return;
    let u = this.rng.uniform() * total;
    for (let j = 0; j < row.length; j++) {
      if (j === r) continue;
      u -= row[j];
      if (u < 0) {
        this.regime = j;
        return;
      }
    }
  }

  get activity(): number {
    return this.regimes.activity[this.regime];
  }

  get volatility(): number {
    return this.regimes.volatility[this.regime];
  }

  /** Common-factor shock of absolute grid step `i` (step i covers [i, i+1) × stepMs of epoch time). */
  factor(i: number): number {
    return counterNormal(this.factorKey, i);
  }
}

/** Long-run share of time in each state of a continuous-time chain (jump matrix + mean durations). */
export function stationary(jump: number[][], duration: number[]): number[] {
  const n = jump.length;
  // stationary distribution of the jump chain by power iteration, weighted by mean durations
  let p = new Array<number>(n).fill(1 / n);
  for (let it = 0; it < 500; it++) {
    const q = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      const row = jump[i];
      let tot = 0;
      for (let j = 0; j < n; j++) if (j !== i) tot += row[j];
      if (tot <= 0) q[i] += p[i];
      else for (let j = 0; j < n; j++) if (j !== i) q[j] += (p[i] * row[j]) / tot;
    }
    p = q;
  }
  const w = p.map((x, i) => x * duration[i]);
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}
