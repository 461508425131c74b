import { UsageError } from '../core/errors.ts';

/**
 * Venue fee schedules in basis points of notional (positive = a cost, negative = a rebate), shared
 * by the maker-outcome labels and the cost-aware evaluation. Defaults are each venue's published
 * base tier (no VIP level, no token discount) as of 2024; real accounts differ, so every command
 * that uses them also takes explicit `--maker-bps` / `--taker-bps`.
 */
export interface FeeSchedule {
  venue: string;
  makerBps: number;
  takerBps: number;
  note: string;
}

export const FEE_SCHEDULES: readonly FeeSchedule[] = [
  { venue: 'binance-spot', makerBps: 10, takerBps: 10, note: 'Binance spot regular user 0.100% / 0.100%' },
  { venue: 'binance-us', makerBps: 0, takerBps: 1, note: 'Binance.US tier 0 on BTC pairs 0.000% / 0.010% (other pairs differ)' },
  { venue: 'binance-usdm', makerBps: 2, takerBps: 5, note: 'Binance USD-M futures regular 0.0200% / 0.0500%' },
  { venue: 'binance-coinm', makerBps: 2, takerBps: 5, note: 'Binance COIN-M futures regular 0.0200% / 0.0500%' },
  { venue: 'bybit-linear', makerBps: 2, takerBps: 5.5, note: 'Bybit derivatives non-VIP 0.0200% / 0.0550%' },
  { venue: 'bybit-spot', makerBps: 10, takerBps: 10, note: 'Bybit spot non-VIP 0.100% / 0.100%' },
  { venue: 'okx', makerBps: 8, takerBps: 10, note: 'OKX spot Lv1 0.080% / 0.100% (swaps: okx-swap)' },
  { venue: 'okx-swap', makerBps: 2, takerBps: 5, note: 'OKX perpetual swaps Lv1 0.020% / 0.050%' },
  { venue: 'kraken', makerBps: 25, takerBps: 40, note: 'Kraken Pro spot lowest tier 0.25% / 0.40%' },
  { venue: 'coinbase', makerBps: 40, takerBps: 60, note: 'Coinbase Advanced lowest tier 0.40% / 0.60%' },
  { venue: 'coinbase-exchange', makerBps: 40, takerBps: 60, note: 'Coinbase Exchange lowest tier 0.40% / 0.60%' },
];

export function findFees(venue: string): FeeSchedule | undefined {
  const v = venue.toLowerCase();
  return FEE_SCHEDULES.find((f) => f.venue === v);
}

export function feesFor(venue: string): FeeSchedule {
  const f = findFees(venue);
  if (!f) throw new UsageError(`no fee schedule for venue "${venue}"; known: ${FEE_SCHEDULES.map((x) => x.venue).join(', ')} (or give maker/taker bps explicitly)`);
  return f;
}
