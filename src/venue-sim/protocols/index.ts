import { UsageError } from '../../core/errors.ts';
import type { SimProtocol } from '../protocol.ts';
import { binanceProtocol } from './binance.ts';
import { bybitProtocol } from './bybit.ts';
import { coinbaseProtocol } from './coinbase.ts';
import { krakenProtocol } from './kraken.ts';
import { okxProtocol } from './okx.ts';

export const SIM_VENUES = ['binance-spot', 'binance-usdm', 'binance-coinm', 'bybit-linear', 'bybit-spot', 'kraken', 'okx', 'coinbase'] as const;
export type SimVenue = (typeof SIM_VENUES)[number];

/** A fresh protocol instance (protocols keep per-server state such as channel ids). */
export function protocolFor(venue: string): SimProtocol {
  switch (venue) {
    case 'binance-spot':
    case 'binance-usdm':
    case 'binance-coinm':
      return binanceProtocol(venue);
    case 'bybit-linear':
    case 'bybit-spot':
      return bybitProtocol(venue);
    case 'kraken':
      return krakenProtocol();
    case 'okx':
      return okxProtocol();
    case 'coinbase':
      return coinbaseProtocol();
  }
  throw new UsageError(`the simulator speaks ${SIM_VENUES.join(', ')}; not "${venue}"`);
}
