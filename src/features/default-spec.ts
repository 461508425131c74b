import { normalizeSpec, type FeatureSpec } from './spec.ts';

/**
 * The feature set lobkit ships with: every family of the list, sampled every 100 ms (as the
 * seed systems did), warm within about four minutes of liquid Binance traffic. `lobkit features
 * --print-spec` prints it as YAML to start a custom spec from.
 */
export const DEFAULT_SPEC_INPUT = {
  version: 1,
  sampling: { mode: 'time', interval_ms: 100 },
  trade_sign: 'aggressor',
  features: [
    // book state
    { op: 'spread' },
    { op: 'microprice' },
    { op: 'weighted_mid', levels: [3, 5, 10] },
    { op: 'level_sizes', levels: 5 },
    { op: 'level_imbalance', levels: 5 },
    { op: 'depth_imbalance', levels: [1, 3, 5, 10, 20] },
    { op: 'depth_within', bps: [5, 10, 25] },
    { op: 'idw_depth', levels: 20 },
    { op: 'slippage', amounts: [10_000, 100_000] },
    { op: 'book_slope', levels: 10 },
    // order flow
    { op: 'ofi', levels: 5, windows_ms: [1000, 5000] },
    { op: 'trade_flow', windows_ms: [1000, 5000, 30_000] },
    { op: 'cvd', windows_ms: [5000, 30_000] },
    { op: 'lee_ready', windows_ms: [60_000] },
    { op: 'vpin' },
    { op: 'intensity', windows_ms: [1000, 10_000] },
    { op: 'queue_depletion', windows_ms: [5000] },
    { op: 'since_change' },
    // Cont–de Larrard queue model
    { op: 'queue_model' },
    // volatility and regime
    { op: 'volatility', bar_ms: 1000, bars: 60 },
    { op: 'volatility', bar_ms: 1000, bars: 120 },
    { op: 'hurst', bar_ms: 100, window: 256, scales: [8, 16, 32, 64, 128] },
    { op: 'hurst', bar_ms: 1000, window: 128, scales: [8, 16, 32, 64] },
    { op: 'ou', bar_ms: 1000, window: 120 },
    { op: 'rsi', bar_ms: 1000, period: 14 },
    { op: 'ema', bar_ms: 1000, periods: [12, 26] },
    { op: 'atr', bar_ms: 1000, period: 14 },
    { op: 'bollinger', bar_ms: 1000, period: 20, k: 2 },
    { op: 'regime' },
    { op: 'resilience' },
    { op: 'kyle_lambda', bar_ms: 1000, bars: 120 },
    // funding and time
    { op: 'funding' },
    { op: 'time' },
  ],
};

export const DEFAULT_SPEC: FeatureSpec = normalizeSpec(DEFAULT_SPEC_INPUT, { source: 'default spec' });
