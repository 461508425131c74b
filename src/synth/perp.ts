import type { InstrumentParams } from './params.ts';
import type { Rng } from './rng.ts';

const HOUR_MS = 3_600_000;

/**
 * Perpetual-futures index, mark price and funding, after Binance USD-M's published method:
 * index = spot consensus (here the efficient price times a mean-reverting basis), premium =
 * (mid − index) / index, mark = index × (1 + time-averaged premium), funding estimate F =
 * P̄ + clamp(interest − P̄, ±0.05 %) clamped to ±`maxFundingRate`, P̄ the premium averaged over
 * the current funding interval; funding times every `fundingIntervalHours` from 00:00 UTC.
 */
export class PerpState {
  private basis = 0;
  private emaPremium = 0;
  private sumPremium = 0;
  private nPremium = 0;
  private intervalStartMs = NaN;
  index = NaN;
  mark = NaN;
  funding = 0;
  nextFundingMs = 0;

  constructor(
    private readonly p: NonNullable<InstrumentParams['perp']>,
    private readonly rng: Rng,
  ) {}

  /** Updates at epoch ms `nowMs`, `dtS` seconds after the last update, from the efficient price and the mid (prices). */
  update(nowMs: number, dtS: number, efficient: number, mid: number): void {
    const p = this.p;
    const intervalMs = p.fundingIntervalHours * HOUR_MS;
    const start = Math.floor(nowMs / intervalMs) * intervalMs;
    if (start !== this.intervalStartMs) {
      this.intervalStartMs = start;
      this.sumPremium = 0;
      this.nPremium = 0;
    }
    this.nextFundingMs = start + intervalMs;
    // Ornstein–Uhlenbeck basis (bps) with the given half-life and stationary stdev.
    const k = Math.LN2 / p.basisHalfLifeS;
    const a = Math.exp(-k * dtS);
    this.basis = this.basis * a + p.basisVolBps * Math.sqrt(1 - a * a) * this.rng.normal();
    this.index = efficient * (1 + this.basis * 1e-4);
    const premium = (mid - this.index) / this.index;
    const w = 1 - Math.exp((-Math.LN2 / p.premiumHalfLifeS) * dtS);
    this.emaPremium += w * (premium - this.emaPremium);
    this.mark = this.index * (1 + this.emaPremium);
    this.sumPremium += premium;
    this.nPremium++;
    const avg = this.sumPremium / this.nPremium;
    let diff = p.interestRate - avg;
    if (diff > 0.0005) diff = 0.0005;
    else if (diff < -0.0005) diff = -0.0005;
    let f = avg + diff;
    if (f > p.maxFundingRate) f = p.maxFundingRate;
    else if (f < -p.maxFundingRate) f = -p.maxFundingRate;
    this.funding = f;
  }
}
