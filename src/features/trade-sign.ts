/** Which Lee–Ready rule classified a trade. */
export const RULE_NONE = 0;
export const RULE_QUOTE = 1;
export const RULE_TICK = 2;

/**
 * Lee & Ready (1991) trade classification. Quote rule: a trade above the prevailing mid is
 * buyer-initiated (+1), below it seller-initiated (−1); at the mid (or with no quote) the tick
 * rule decides: a trade above the last different trade price is a buy (uptick or zero-uptick), below
 * it a sell. The prevailing quote is the reconstructed book as of the trade's arrival (the
 * original paper lagged quotes by 5 s for NYSE reporting delays that venue feeds do not have).
 */
export class LeeReady {
  /** +1 buy, −1 sell, 0 unclassified; and the rule that decided (RULE_*). Set by `classify`. */
  sign = 0;
  rule = RULE_NONE;
  private lastPrice = NaN;
  /** Direction of the last non-zero price change (zero ticks inherit it). */
  private tickDir = 0;

  classify(price: number, mid: number): void {
    if (price > this.lastPrice) this.tickDir = 1;
    else if (price < this.lastPrice) this.tickDir = -1;
    this.lastPrice = price;
    if (mid === mid && price !== mid) {
      this.sign = price > mid ? 1 : -1;
      this.rule = RULE_QUOTE;
    } else if (this.tickDir !== 0) {
      this.sign = this.tickDir;
      this.rule = RULE_TICK;
    } else {
      this.sign = 0;
      this.rule = RULE_NONE;
    }
  }

  reset(): void {
    this.lastPrice = NaN;
    this.tickDir = 0;
  }
}
