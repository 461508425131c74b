import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { labelFromFiles } from '../../dataset/inputs.ts';
import { depthFromFrame, resolveFees } from '../../evaluation/costs.ts';
import { computeFeasibility, measureFeasibility, type Feasibility, type FeasibilityInput } from '../../evaluation/feasibility.ts';
import { formatDuration, parseDuration } from '../../labels/duration.ts';
import { normalizeLabelSpec } from '../../labels/spec.ts';
import { fileProgress } from '../progress.ts';
import { table } from '../text.ts';
import { inputOptions, readInputs, type InputFlags } from './label.ts';

interface FeasibilityFlags extends InputFlags {
  fees?: string;
  makerBps?: string;
  takerBps?: string;
  spreadBps?: string;
  move?: string;
  edgeBps?: string;
  adverseBps?: string;
  slippageBps?: string;
  horizons: string;
  makerHorizon: string;
  size: string;
}

export interface FeasibilityResult {
  instruments: ({ venue: string; symbol: string; rows: number } & Feasibility)[];
}

export function registerFeasibility(program: Command): void {
  inputOptions(
    program
      .command('feasibility')
      .description('What a round trip costs (fees, spread, adverse selection, slippage) against the edge available, per fee scenario — before any model is trained')
      .argument('[inputs...]', 'raw recordings or a features / dataset folder to measure spread, moves and maker outcomes from; omit to compute from the flags alone'),
  )
    .option('--fees <venue>', "fee schedule of a venue (default: the data's venue)")
    .option('--maker-bps <bps>', 'maker fee, bps (negative = rebate)')
    .option('--taker-bps <bps>', 'taker fee, bps')
    .option('--spread-bps <bps>', 'typical full spread in bps (without data; overrides the measured one)')
    .option('--move <list>', 'mean |mid move| per horizon without data, e.g. 10s=3.2,60s=8')
    .option('--edge-bps <bps>', "a model's expected gross edge per trade, bps")
    .option('--adverse-bps <bps>', 'adverse selection per maker fill, bps (overrides the measured one)')
    .option('--slippage-bps <bps>', 'slippage per taker leg, bps (overrides the measured one)')
    .option('--horizons <list>', 'horizons whose mean |move| is measured', '1s,10s,60s,300s')
    .option('--maker-horizon <duration>', 'resting time of the maker orders whose fills measure adverse selection', '10s')
    .option('--size <qty>', 'order size in base units for slippage (needs --depth with raw inputs)', '0')
    .option('--json', 'print one JSON object on stdout')
    .action(async (inputs: string[], flags: FeasibilityFlags) => {
      const r = await feasibilityCommand(inputs, flags);
      process.stdout.write(flags.json ? JSON.stringify(r, null, 2) + '\n' : formatFeasibility(r));
    });
}

function opt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new UsageError(`${name} must be a number, got ${v}`);
  return x;
}

function overrides(input: FeasibilityInput, flags: FeasibilityFlags): FeasibilityInput {
  const out = { ...input };
  const spread = opt(flags.spreadBps, '--spread-bps');
  if (spread !== undefined) out.spreadBps = spread;
  const adv = opt(flags.adverseBps, '--adverse-bps');
  if (adv !== undefined) out.adverseBps = adv;
  const slip = opt(flags.slippageBps, '--slippage-bps');
  if (slip !== undefined) out.slippageBps = slip;
  const edge = opt(flags.edgeBps, '--edge-bps');
  if (edge !== undefined) out.edgeBps = edge;
  if (flags.move) {
    out.moves = flags.move.split(',').map((part) => {
      const m = /^\s*([^=]+)=\s*([-\d.eE+]+)\s*$/.exec(part);
      if (!m) throw new UsageError(`--move: expected horizon=bps pairs like 10s=3.2, got "${part}"`);
      const bps = Number(m[2]);
      return { horizon: formatDuration(parseDuration(m[1], '--move')), meanAbsBps: bps, medianAbsBps: NaN, n: 0 };
    });
  }
  return out;
}

export async function feasibilityCommand(inputs: string[], flags: FeasibilityFlags): Promise<FeasibilityResult> {
  const maker = opt(flags.makerBps, '--maker-bps');
  const taker = opt(flags.takerBps, '--taker-bps');
  const size = opt(flags.size, '--size') ?? 0;
  if (inputs.length === 0) {
    if (flags.spreadBps === undefined) throw new UsageError('without data, give at least --spread-bps (and --fees or --maker-bps/--taker-bps, --move or --edge-bps)');
    const fees = resolveFees(flags.fees, maker, taker);
    const input = overrides({ fees, spreadBps: NaN, moves: [] }, flags);
    return { instruments: [{ venue: flags.fees ?? '', symbol: '', rows: 0, ...computeFeasibility(input) }] };
  }
  const loaded = await readInputs(inputs, flags);
  const horizons = flags.horizons.split(',').map((h) => h.trim()).filter(Boolean);
  const instruments: FeasibilityResult['instruments'] = [];
  for (const inst of loaded.instruments) {
    const fees = resolveFees(flags.fees ?? inst.venue, maker, taker);
    let frame = inst.frame;
    if (!frame.names.some((n) => n.startsWith('fwd_ret_'))) {
      const withEvents = loaded.raw.length > 0;
      const spec = normalizeLabelSpec({ horizons, ...(withEvents ? { maker: { horizon: flags.makerHorizon, markout: '1s', fees: fees.makerBps } } : {}) }, { where: 'feasibility' });
      const progress = fileProgress(loaded.raw, `labels ${inst.symbol}`, flags.progress && !flags.json && withEvents);
      try {
        frame = (await labelFromFiles(frame, spec, loaded.raw, { venue: flags.venue, format: flags.format, onBytes: progress.onBytes })).frame;
      } finally {
        progress.stop();
      }
    }
    const depth = size > 0 ? depthFromFrame(frame) : undefined;
    if (size > 0 && !depth && flags.slippageBps === undefined) throw new UsageError('--size needs book depth: raw inputs with --depth <levels>, or give --slippage-bps');
    const measured = measureFeasibility(frame, { fees, size, depth });
    instruments.push({ venue: inst.venue, symbol: inst.symbol, rows: frame.n, ...computeFeasibility(overrides(measured, flags)) });
  }
  return { instruments };
}

const f = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));

export function formatFeasibility(r: FeasibilityResult): string {
  let s = '';
  for (const inst of r.instruments) {
    const i = inst.input;
    s += `${inst.symbol ? `${inst.venue} ${inst.symbol} (${inst.rows} rows)` : 'given figures'}: fees ${i.fees.source ?? ''} maker ${i.fees.makerBps} / taker ${i.fees.takerBps} bps; spread ${f(i.spreadBps, 3)} bps; adverse selection ${f(i.adverseBps, 3)} bps/fill${i.makerFillRate !== undefined ? ` (maker fill rate ${f(100 * i.makerFillRate, 1)}%)` : ''}; slippage ${f(i.slippageBps ?? 0, 3)} bps/taker leg\n`;
    const horizons = i.moves ?? [];
    const rows = inst.scenarios.map((sc) => [
      sc.scenario,
      f(sc.feesBps),
      f(sc.spreadBps),
      f(sc.adverseBps),
      f(sc.slippageBps),
      f(sc.costBps),
      ...(sc.netEdgeBps !== undefined ? [f(sc.netEdgeBps)] : []),
      ...sc.horizons.map((h) => `${f(h.oracleNetBps)} / ${h.breakevenHitRate > 1 ? 'impossible' : `${f(100 * h.breakevenHitRate, 1)}%`}`),
    ]);
    s += table(['scenario', 'fees', 'spread', 'adverse', 'slippage', 'cost bps', ...(i.edgeBps !== undefined ? [`edge ${i.edgeBps} − cost`] : []), ...horizons.map((h) => `${h.horizon}: oracle net / hit rate needed`)], rows);
    if (horizons.length) s += `mean |mid move|: ${horizons.map((h) => `${h.horizon} ${f(h.meanAbsBps)} bps`).join(', ')}\n`;
    for (const n of inst.notes) s += `note: ${n}\n`;
    s += '\n';
  }
  return s;
}
