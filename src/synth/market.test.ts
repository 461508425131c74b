import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultParams } from './defaults.ts';
import { SymbolGenerator } from './generator.ts';
import { MarketPath, stationary } from './market.ts';
import { correlation } from './sample-stats.ts';

/** Mid of each symbol every `stepS` seconds over `minutes`, with the given factor settings. */
function mids(correlation: number, lagMs: number, minutes: number, stepS: number): number[][] {
  const p = defaultParams('binance-usdm');
  const market = { regimes: p.regimes, factor: { ...p.factor, correlation } };
  const gens = p.instruments.map(
    (ins, i) => new SymbolGenerator({ venue: 'binance-usdm', params: { ...ins, lagMs: i === 1 ? lagMs : 0 }, market, seed: 21, startMs: Date.UTC(2024, 0, 1), sink: { frame() {} } }),
  );
  for (const g of gens) g.model.feed = null; // book only: no frames needed here
  const out: number[][] = gens.map(() => []);
  for (let t = stepS; t <= minutes * 60; t += stepS) {
    gens.forEach((g, i) => {
      g.run(t * 1e9);
      const b = g.model.book;
      out[i].push(0.5 * (b.bestBid + b.bestAsk));
    });
  }
  return out;
}

const returns = (x: number[], lag = 1) => x.slice(lag).map((v, i) => Math.log(v / x[i]));

test('symbols co-move with the configured correlation, and a lagging symbol follows the leader', () => {
  const [a, b] = mids(0.9, 0, 15, 5);
  const high = correlation(returns(a), returns(b));
  const [c, d] = mids(0, 0, 15, 5);
  const none = correlation(returns(c), returns(d));
  assert.ok(high > 0.5, `correlation 0.9 → measured ${high}`);
  assert.ok(Math.abs(none) < 0.25, `correlation 0 → measured ${none}`);
  // ETH follows the common factor 10 s late: BTC's return now correlates with ETH's 10 s later
  const [e, f] = mids(0.9, 10_000, 15, 5);
  const re = returns(e);
  const rf = returns(f);
  const sameTime = correlation(re, rf);
  const ethLater = correlation(re.slice(0, -2), rf.slice(2));
  assert.ok(ethLater > 0.4 && ethLater > sameTime + 0.2, `lead–lag: same time ${sameTime}, ETH 10 s later ${ethLater}`);
});

test('regimes: the chain visits every state, time shares match its long-run distribution', () => {
  const p = defaultParams('binance-usdm').regimes;
  const m = new MarketPath(3, p, 100);
  const time = new Float64Array(p.names.length);
  let activity = 0;
  const steps = 2_000_000; // 55 simulated hours
  for (let i = 0; i < steps; i++) {
    m.step();
    time[m.regime]++;
    activity += m.activity;
  }
  const pi = stationary(p.transitions, p.meanDurationS);
  for (let r = 0; r < pi.length; r++) assert.ok(Math.abs(time[r] / steps - pi[r]) < 0.05, `${p.names[r]}: ${time[r] / steps} vs ${pi[r]}`);
  assert.ok(Math.abs(activity / steps - 1) < 0.08, `mean activity ${activity / steps} (normalized to 1)`);
  assert.equal(new MarketPath(3, p, 100).factor(12345), m.factor(12345), 'the factor is a function of (seed, step)');
});
