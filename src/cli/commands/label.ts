import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { writePartitioned } from '../../dataset/build.ts';
import { labelInputs, loadInputs, readSpecFile, type LoadedInputs } from '../../dataset/inputs.ts';
import { humanDuration, parseDuration } from '../../labels/duration.ts';
import type { LabeledFrame, MakerReport } from '../../labels/label-frame.ts';
import { defaultLabelSpecInput, labelSpecJson } from '../../labels/spec.ts';
import { summarizeLabels, type LabelSummary } from '../../labels/summary.ts';
import { fileProgress } from '../progress.ts';
import { table } from '../text.ts';

/** Options shared by `label`, `dataset` and `feasibility` for reading inputs. */
export interface InputFlags {
  raw?: string[];
  sample?: string;
  depth?: string;
  symbol?: string[];
  venue?: string;
  format?: string;
  progress: boolean;
  json?: boolean;
}

export function inputOptions(cmd: Command): Command {
  return cmd
    .option('--raw <files...>', 'raw recordings the Parquet features came from (maker-outcome and VWAP-mid labels replay them)')
    .option('--sample <duration>', 'raw inputs: a row every <duration> (e.g. 100ms); 0 = every book update', '100ms')
    .option('--depth <levels>', 'raw inputs: book levels per side as depth columns (bid_px_k, bid_sz_k, ...)', '0')
    .option('--symbol <symbols...>', 'only these instruments (SYMBOL or venue:SYMBOL)')
    .option('--venue <id>', 'venue of raw files when it cannot be detected')
    .option('--format <id>', 'input format of raw files instead of sniffing')
    .option('--no-progress', 'no progress bar');
}

/** Reads the inputs (Parquet features or raw recordings) with a progress bar on stderr. */
export async function readInputs(inputs: string[], f: InputFlags): Promise<LoadedInputs> {
  const depth = Number(f.depth ?? 0);
  if (!(Number.isInteger(depth) && depth >= 0)) throw new UsageError(`--depth must be a whole number of levels, got ${f.depth}`);
  const sample = parseDuration(f.sample ?? '100ms', '--sample');
  const progress = fileProgress(inputs, 'book', f.progress && !f.json && !inputs.some((p) => p.endsWith('.parquet')));
  try {
    return await loadInputs(inputs, { raw: f.raw, sample, depth, symbols: f.symbol, venue: f.venue, format: f.format, onBytes: progress.onBytes });
  } finally {
    progress.stop();
  }
}

/** Labels every instrument (replaying raw files where labels need events) with a progress bar per pass. */
export async function labelAll(loaded: LoadedInputs, specPath: string | undefined, f: InputFlags): Promise<LabeledFrame[]> {
  const specInput = specPath ? readSpecFile(specPath) : defaultLabelSpecInput(loaded.raw.length > 0);
  const out: LabeledFrame[] = [];
  for (const inst of loaded.instruments) {
    const progress = fileProgress(loaded.raw, `labels ${inst.symbol}`, f.progress && !f.json && loaded.raw.length > 0);
    try {
      out.push(...(await labelInputs({ ...loaded, instruments: [inst] }, specInput, { where: specPath, venue: f.venue, format: f.format, onBytes: progress.onBytes })));
    } finally {
      progress.stop();
    }
  }
  if (new Set(out.map((l) => l.specHash)).size > 1) throw new UsageError('the label spec resolves differently per instrument (maker fees of different venues): give maker.fees in bps');
  return out;
}

interface LabelFlags extends InputFlags {
  spec?: string;
  out?: string;
}

export interface LabelResult {
  spec: unknown;
  specHash: string;
  instruments: { venue: string; symbol: string; rows: number; first: string; last: string; trades?: number; maker?: MakerReport; labels: LabelSummary[]; files: string[] }[];
}

export function registerLabel(program: Command): void {
  inputOptions(
    program
      .command('label')
      .description('Compute forward labels (fwd_*) for feature rows or raw recordings; print their distribution, optionally write them to Parquet')
      .argument('<inputs...>', 'a features folder / .parquet files (from lobkit features), or raw recordings'),
  )
    .option('--spec <file>', 'label spec (YAML or JSON); default: returns, direction, smoothed, triple barrier, MFE/MAE (+ VWAP-mid and maker outcomes with raw data)')
    .option('--out <dir>', 'write ts + labels per instrument: <dir>/venue=<v>/symbol=<s>/date=<d>/labels.parquet')
    .option('--json', 'print one JSON object on stdout')
    .action(async (inputs: string[], flags: LabelFlags) => {
      const r = await labelCommand(inputs, flags);
      process.stdout.write(flags.json ? JSON.stringify(r, null, 2) + '\n' : formatLabel(r));
    });
}

export async function labelCommand(inputs: string[], flags: LabelFlags): Promise<LabelResult> {
  const loaded = await readInputs(inputs, flags);
  const labeled = await labelAll(loaded, flags.spec, flags);
  const instruments: LabelResult['instruments'] = [];
  for (const l of labeled) {
    const f = l.frame;
    const ts = f.col('ts');
    let files: string[] = [];
    if (flags.out) {
      const keep = ['ts', ...(f.has('local_ts') ? ['local_ts'] : []), ...l.labels, ...l.endColumns];
      files = await writePartitioned(flags.out, f.select(keep), { label_spec_hash: l.specHash, label_spec: labelSpecJson(l.spec) }, 'labels.parquet');
    }
    instruments.push({
      venue: f.meta.venue,
      symbol: f.meta.symbol,
      rows: f.n,
      first: f.n ? new Date(ts[0] / 1e6).toISOString() : '',
      last: f.n ? new Date(ts[f.n - 1] / 1e6).toISOString() : '',
      trades: l.trades,
      maker: l.maker,
      labels: summarizeLabels(l),
      files,
    });
  }
  return { spec: labeled[0].spec, specHash: labeled[0].specHash, instruments };
}

const num = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));

export function formatLabel(r: LabelResult): string {
  let s = '';
  for (const inst of r.instruments) {
    s += `${inst.venue} ${inst.symbol}: ${inst.rows} rows, ${inst.first} → ${inst.last}${inst.trades !== undefined ? `, ${inst.trades} trades` : ''}\n`;
    const rows = inst.labels.map((l) => [
      l.name,
      String(l.n),
      String(l.nan),
      l.classes ? Object.entries(l.classes).map(([k, v]) => `${k}: ${((100 * v) / l.n).toFixed(1)}%`).join('  ') : `${num(l.mean)} ± ${num(l.std)}`,
      l.classes ? '' : `${num(l.p5)} / ${num(l.p50)} / ${num(l.p95)}`,
    ]);
    s += table(['label', 'n', 'NaN', 'classes / mean ± std', 'p5 / p50 / p95'], rows);
    if (inst.maker) {
      const m = inst.maker;
      s += `maker orders: ${m.orders} (${m.filled} filled, ${m.unfilled} unfilled, ${m.unknown} unknown); rows matching the replayed book: ${m.aligned}/${m.aligned + m.misaligned}\n`;
    }
    for (const f of inst.files) s += `wrote ${f}\n`;
    s += '\n';
  }
  const spec = r.spec as { horizons?: number[] };
  s += `label spec ${r.specHash}${spec.horizons?.length ? ` (horizons ${spec.horizons.map(humanDuration).join(', ')})` : ''}\n`;
  return s;
}
