import { UsageError } from '../core/errors.ts';
import { Fixed } from './fixed.ts';

/**
 * Fees as exact fractions of the traded notional, maker and taker, per venue. A negative rate is a
 * rebate (paid to the trader). The fee of a fill is `price · size · rate`, computed exactly.
 */
export interface FeeRates {
  maker: Fixed;
  taker: Fixed;
}

/**
 * Base-tier published rates at the time of writing (spot and linear futures), for `--fees default`.
 * Your account's tier and discounts differ: pass your own rates for real work.
 */
export const DEFAULT_FEES: Record<string, { maker: string; taker: string }> = {
  'binance-spot': { maker: '0.1%', taker: '0.1%' },
  'binance-usdm': { maker: '0.02%', taker: '0.05%' },
  'binance-coinm': { maker: '0.02%', taker: '0.05%' },
  'bybit-linear': { maker: '0.02%', taker: '0.055%' },
  'bybit-spot': { maker: '0.1%', taker: '0.1%' },
  kraken: { maker: '0.25%', taker: '0.4%' },
};

export class FeeModel {
  constructor(
    private readonly byVenue: ReadonlyMap<string, FeeRates>,
    private readonly fallback?: FeeRates,
  ) {}

  /** Rates for a venue; a UsageError naming the venue when none were given (never a silent zero). */
  rates(venue: string): FeeRates {
    const r = this.byVenue.get(venue) ?? this.fallback;
    if (r === undefined) throw new UsageError(`no fee rates for venue "${venue}": add "${venue}:maker=<rate>,taker=<rate>" to --fees (rates like 2bp, 0.02%, 0.0002; negative = rebate)`);
    return r;
  }

  /** The rates in words (only those of `venues`, when given). */
  describe(venues?: string[]): string {
    const parts: string[] = [];
    for (const [v, r] of this.byVenue) if (venues === undefined || venues.includes(v)) parts.push(`${v}: maker ${pct(r.maker)}, taker ${pct(r.taker)}`);
    if (this.fallback && (venues === undefined || venues.some((v) => !this.byVenue.has(v)))) parts.push(`${this.byVenue.size > 0 ? 'others' : 'all venues'}: maker ${pct(this.fallback.maker)}, taker ${pct(this.fallback.taker)}`);
    return parts.join('; ') || 'none';
  }
}

function pct(f: Fixed): string {
  return `${f.mul(new Fixed(10000n, 0)).toString()}bp`;
}

/** "2bp", "2bps", "-0.5bp", "0.02%", "0.0002" → exact fraction. */
export function parseRate(s: string): Fixed {
  const t = s.trim();
  let m: RegExpExecArray | null;
  try {
    if ((m = /^(.+?)\s*bps?$/i.exec(t))) return Fixed.parse(m[1]).mul(Fixed.parse('0.0001')).trim();
    if ((m = /^(.+?)\s*%$/.exec(t))) return Fixed.parse(m[1]).mul(Fixed.parse('0.01')).trim();
    return Fixed.parse(t);
  } catch {
    throw new UsageError(`--fees: bad rate ${JSON.stringify(s)} (use e.g. 2bp, 0.02%, 0.0002, -0.5bp)`);
  }
}

function parseRates(body: string, where: string): FeeRates {
  let maker: Fixed | undefined;
  let taker: Fixed | undefined;
  for (const kv of body.split(',')) {
    const [k, v, extra] = kv.split('=');
    if (v === undefined || extra !== undefined) throw new UsageError(`--fees ${where}: expected maker=<rate>,taker=<rate>, got ${JSON.stringify(kv)}`);
    const key = k.trim();
    if (key === 'maker') maker = parseRate(v);
    else if (key === 'taker') taker = parseRate(v);
    else throw new UsageError(`--fees ${where}: unknown key ${JSON.stringify(key)} (maker, taker)`);
  }
  if (!maker || !taker) throw new UsageError(`--fees ${where}: give both maker= and taker=`);
  return { maker, taker };
}

/**
 * Parses a fee spec:
 *   `maker=-0.5bp,taker=2.5bp`                               every venue
 *   `binance-usdm:maker=2bp,taker=5bp;binance-spot:maker=0.1%,taker=0.1%`   per venue (`*:` = any other)
 *   `default`                                                the built-in base-tier table
 *   `zero`                                                   no fees (say so explicitly)
 * Parts combine with `;`, later ones override earlier ones: `default;binance-usdm:maker=0bp,taker=4bp`.
 */
export function parseFeeSpec(spec: string): FeeModel {
  const byVenue = new Map<string, FeeRates>();
  let fallback: FeeRates | undefined;
  const parts = spec
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new UsageError('--fees: empty spec');
  for (const part of parts) {
    if (part === 'default') {
      for (const [v, r] of Object.entries(DEFAULT_FEES)) byVenue.set(v, { maker: parseRate(r.maker), taker: parseRate(r.taker) });
      continue;
    }
    if (part === 'zero') {
      fallback = { maker: Fixed.ZERO, taker: Fixed.ZERO };
      continue;
    }
    const colon = part.indexOf(':');
    const eq = part.indexOf('=');
    if (colon > 0 && (eq < 0 || colon < eq)) {
      const venue = part.slice(0, colon).trim();
      const rates = parseRates(part.slice(colon + 1), venue);
      if (venue === '*') fallback = rates;
      else byVenue.set(venue, rates);
    } else if (eq > 0) {
      fallback = parseRates(part, '(all venues)');
    } else {
      throw new UsageError(`--fees: cannot read ${JSON.stringify(part)}; use maker=<rate>,taker=<rate>, <venue>:maker=..,taker=.., default or zero`);
    }
  }
  return new FeeModel(byVenue, fallback);
}
