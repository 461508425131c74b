import { UsageError } from '../core/errors.ts';
import type { Artifact } from '../models/index.ts';
import type { Strategy } from './api.ts';
import { GatedMakerStrategy } from './gated.ts';
import { MakerStrategy } from './maker.ts';
import { Params } from './params.ts';
import { ProbeStrategy } from './probe.ts';

export interface StrategyDef {
  name: string;
  summary: string;
  /** Parameters, as `key=default: meaning` lines for help texts. */
  params: string[];
  /** Needs model artifacts (--model). */
  models?: boolean;
  create(p: Params, artifacts: Artifact[]): Strategy;
}

/** Built-in strategies by name. */
export const STRATEGIES: StrategyDef[] = [
  {
    name: 'maker',
    summary: 'maker-only quoter around the microprice with inventory limits (post-only, one order per side)',
    params: [
      'symbol=(all): instruments to quote, SYMBOL or venue:SYMBOL, comma-separated',
      'size=: order size in base units (exact decimal), or',
      'notional=100: order size as quote notional (size = notional / mid, floored to the size precision)',
      'max_position=: inventory limit in base units, or',
      'max_notional=5×notional: inventory limit as quote notional',
      'half_spread=0.5: quote distance from the skewed microprice, ticks',
      'skew=1: fair-price shift at full inventory, ticks',
      'requote=1: replace a quote when its target moved this many ticks',
      'tick=(one unit of the book decimals): price tick',
    ],
    create: (p) => MakerStrategy.fromParams(p),
  },
  {
    name: 'probe',
    summary: 'fill-independent post-only orders at (or behind) the touch on a timetable: measures fills, time to fill and markouts',
    params: [
      'symbol=(all): instruments',
      'every=10s: time between rounds',
      'ttl=30s: cancel each order this long after sending it',
      'side=both: both, bid or ask',
      'offset=0: ticks behind the touch',
      'size= / notional=100: order size (base units) or quote notional',
      'tick=(one unit of the book decimals): price tick',
      'delay=5s: first round after this long',
    ],
    create: (p) => ProbeStrategy.fromParams(p),
  },
  {
    name: 'gated',
    summary: 'model-gated maker entry: GBDT/ensemble gate on the artifact\'s own features, VPIN kill switch, regime size multiplier, hold then exit',
    models: true,
    params: [
      'symbol=: the one instrument traded (SYMBOL or venue:SYMBOL)',
      'size= / notional=100: entry size (base units) or quote notional, times the regime multiplier',
      'max_position= / max_notional=5×notional: no entry larger than this',
      'threshold=0.6: ensemble agreement (confidence) needed',
      'min_edge=0.1: |direction| needed (binary model: |2p − 1|)',
      'vpin_kill=3: VPIN regime code (0..3) that stops entries and pulls open ones; off to disable',
      'regime=on: scale entries by the regime multiplier (off to disable)',
      'entry_ttl=5s: cancel an unfilled entry after this long',
      'hold=30s: exit this long after the entry filled',
      'exit_timeout=10s: post-only exit at the touch this long, then market',
    ],
    create: (p, artifacts) => GatedMakerStrategy.fromParams(p, artifacts),
  },
];

export function findStrategy(name: string): StrategyDef | undefined {
  return STRATEGIES.find((s) => s.name === name);
}

/** Builds a built-in strategy from `key=value` parameters (unknown keys are an error). */
export function createBuiltin(name: string, pairs: string[], artifacts: Artifact[] = []): Strategy {
  const def = findStrategy(name);
  if (!def) throw new UsageError(`unknown strategy "${name}" (built-in: ${STRATEGIES.map((s) => s.name).join(', ')}; or a path to a .js/.mjs/.ts module)`);
  if (def.models && artifacts.length === 0) throw new UsageError(`strategy ${name} needs --model <artifact>`);
  if (!def.models && artifacts.length > 0) throw new UsageError(`--model: strategy "${name}" takes no model`);
  return def.create(Params.parse(pairs, `strategy ${name}`), artifacts);
}

/** Checks that a value from a strategy module implements the Strategy interface. */
export function asStrategy(x: unknown, from: string): Strategy {
  const s = x as Partial<Strategy> | null;
  const missing = ['init', 'onMarket', 'onOrder', 'onTimer'].filter((k) => typeof (s as Record<string, unknown> | null)?.[k] !== 'function');
  if (s === null || typeof s !== 'object' || missing.length > 0 || typeof s.name !== 'string') {
    throw new UsageError(`${from}: not a Strategy (needs name, init, onMarket, onOrder, onTimer${missing.length ? `; missing ${missing.join(', ')}` : ''})`);
  }
  return s as Strategy;
}
