import type { MarketEvent } from '../core/events.ts';
import type { Strategy } from '../strategy/api.ts';
import { Backtest, type BacktestConfig } from './engine.ts';
import type { OrderLevelMsg } from './order-level.ts';
import { fmtNs } from './latency.ts';
import { collectResult, type BacktestResult } from './result.ts';

export type SimInput = MarketEvent | OrderLevelMsg;

function describeFeed(cfg: BacktestConfig, bt: Backtest): string {
  const f = cfg.feed ?? { kind: 'recorded' };
  if (f.kind === 'model') return f.model.describe();
  return `recorded (local − exchange time, clock offset ${fmtNs(bt.feedStats().clockOffsetNs)}${f.offsetNs === undefined ? ' auto' : ''})`;
}

/** Ends a backtest and collects its result. */
export function finishBacktest(bt: Backtest): BacktestResult {
  bt.finish();
  const cfg = bt.cfg;
  const traded = [...new Set(bt.instruments.filter((inst) => inst.ordersSubmitted > 0).map((inst) => inst.venue))];
  return collectResult(bt, cfg.latency.describe(), describeFeed(cfg, bt), cfg.queue.name, cfg.fees.describe(traded));
}

/** Runs a strategy over events already in memory (in local arrival order). */
export function backtestEvents(events: Iterable<SimInput>, strategy: Strategy, cfg: BacktestConfig): BacktestResult {
  const bt = new Backtest(strategy, cfg);
  for (const ev of events) bt.onEvent(ev);
  return finishBacktest(bt);
}

/** Runs a strategy over a stream of event batches (e.g. `openReplay`). */
export async function backtestStream(batches: AsyncIterable<SimInput[]>, strategy: Strategy, cfg: BacktestConfig, onBatch?: (bt: Backtest) => void): Promise<BacktestResult> {
  const bt = new Backtest(strategy, cfg);
  for await (const batch of batches) {
    for (let i = 0; i < batch.length; i++) bt.onEvent(batch[i]);
    onBatch?.(bt);
  }
  return finishBacktest(bt);
}
