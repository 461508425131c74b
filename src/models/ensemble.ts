import type { Model } from './model.ts';

/**
 * Ensemble of directional models: each member gives a direction d ∈ [−1, 1] (see `directionOf`),
 * the ensemble's direction is their weighted mean, and its agreement confidence is
 *
 *     confidence = max(0, 1 − std(d) / mean|d|)      (weighted std and mean; 0 when all d are 0)
 *
 * so members that agree in sign and size give confidence near 1, and a split vote gives 0. Trading
 * is allowed only when confidence ≥ threshold (default 0.6) and the direction is not 0.
 */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.6;

export interface EnsembleDecision {
  /** Weighted mean direction, in [−1, 1] when members' directions are. */
  direction: number;
  confidence: number;
  /** −1 sell, 0 stand aside, +1 buy: sign(direction) when confidence ≥ threshold. */
  side: -1 | 0 | 1;
  trade: boolean;
}

/** Weighted direction and agreement confidence of directions d (weights default to 1). */
export function combineDirections(d: ArrayLike<number>, w?: ArrayLike<number>, threshold = DEFAULT_CONFIDENCE_THRESHOLD, out: EnsembleDecision = { direction: 0, confidence: 0, side: 0, trade: false }): EnsembleDecision {
  const n = d.length;
  if (w && w.length !== n) throw new Error(`ensemble: ${w.length} weights for ${n} directions`);
  let sw = 0;
  let s = 0;
  let sa = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    if (!(wi >= 0)) throw new Error(`ensemble: weight ${wi} (must be ≥ 0)`);
    const di = d[i];
    if (di !== di) continue; // a member without an opinion (NaN) does not vote
    sw += wi;
    s += wi * di;
    sa += wi * Math.abs(di);
  }
  if (!(sw > 0)) {
    out.direction = 0;
    out.confidence = 0;
    out.side = 0;
    out.trade = false;
    return out;
  }
  const mean = s / sw;
  const meanAbs = sa / sw;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const di = d[i];
    if (di !== di) continue;
    const wi = w ? w[i] : 1;
    v += wi * (di - mean) * (di - mean);
  }
  const std = Math.sqrt(v / sw);
  const confidence = meanAbs > 0 ? Math.max(0, 1 - std / meanAbs) : 0;
  out.direction = mean;
  out.confidence = confidence;
  const trade = confidence >= threshold && mean !== 0;
  out.trade = trade;
  out.side = trade ? (mean > 0 ? 1 : -1) : 0;
  return out;
}

/**
 * A model's direction from its outputs: binary 2p − 1; multiclass P(highest class) − P(lowest
 * class) (e.g. classes −1/0/+1: P(up) − P(down)); regression the prediction divided by `scale`,
 * clipped to [−1, 1] (give regression members a scale that maps a typical move to about 1).
 */
export function directionOf(model: Model, out: ArrayLike<number>, offset = 0, scale = 1): number {
  if (model.task === 'binary') return 2 * out[offset] - 1;
  if (model.task === 'multiclass') return out[offset + model.nOutputs - 1] - out[offset];
  const v = out[offset] / scale;
  return v > 1 ? 1 : v < -1 ? -1 : v;
}

export interface EnsembleMember {
  model: Model;
  weight?: number;
  /** For regression members: the prediction that counts as direction 1. */
  scale?: number;
}

/** A fixed set of members over the same feature row; `decide` is allocation-free (live path). */
export class Ensemble {
  private readonly outs: Float64Array[];
  private readonly d: Float64Array;
  private readonly w: Float64Array;
  private readonly decision: EnsembleDecision = { direction: 0, confidence: 0, side: 0, trade: false };

  constructor(
    readonly members: EnsembleMember[],
    readonly threshold = DEFAULT_CONFIDENCE_THRESHOLD,
  ) {
    if (members.length === 0) throw new Error('ensemble: no members');
    if (!(threshold >= 0 && threshold <= 1)) throw new Error(`ensemble: threshold ${threshold} outside [0, 1]`);
    const names = members[0].model.features.join('\u0000');
    for (const m of members) if (m.model.features.join('\u0000') !== names) throw new Error('ensemble: members must read the same feature columns in the same order');
    this.outs = members.map((m) => new Float64Array(m.model.nOutputs));
    this.d = new Float64Array(members.length);
    this.w = Float64Array.from(members, (m) => m.weight ?? 1);
  }

  /** Decision for row x[offset ..]; the returned object is reused by the next call. */
  decide(x: ArrayLike<number>, offset = 0): EnsembleDecision {
    for (let i = 0; i < this.members.length; i++) {
      const m = this.members[i];
      m.model.predictRow(x, offset, this.outs[i], 0);
      this.d[i] = directionOf(m.model, this.outs[i], 0, m.scale ?? 1);
    }
    return combineDirections(this.d, this.w, this.threshold, this.decision);
  }
}
