import { existsSync, readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { InputError, UsageError } from '../core/errors.ts';
import type { Frame } from '../core/frame.ts';
import { labelFrame, type LabeledFrame } from '../labels/label-frame.ts';
import { needsEvents, normalizeLabelSpec, type LabelSpec } from '../labels/spec.ts';
import { openReplay, type ReplayOptions } from '../replay/open.ts';
import { ReadReport } from '../replay/report.ts';
import { bookFrames } from './book-frame.ts';
import { readFrames, type InstrumentFrames } from './frames.ts';

export interface InputOptions extends ReplayOptions {
  /** Raw files holding the market events of feature inputs (needed by maker-outcome and VWAP-mid labels). */
  raw?: string[];
  /** Row sampling when the inputs are raw files: ns between rows, 0 = every book update. */
  sample?: number;
  /** Book levels per side as depth columns when the inputs are raw files. */
  depth?: number;
  symbols?: string[];
}

export interface LoadedInputs {
  kind: 'features' | 'raw';
  instruments: InstrumentFrames[];
  /** Raw files with the instruments' events ([] when none were given). */
  raw: string[];
}

/** True when the path is Parquet (a .parquet file or a folder of them) rather than a raw recording. */
export function isParquetInput(p: string): boolean {
  return p.endsWith('.parquet') || (existsSync(p) && statSync(p).isDirectory());
}

/**
 * Frames to label: from a feature folder / Parquet files (with `raw` for events), or from raw
 * recordings replayed into top-of-book frames (the base columns of a feature frame).
 */
export async function loadInputs(inputs: string[], opts: InputOptions = {}): Promise<LoadedInputs> {
  if (inputs.length === 0) throw new UsageError('no inputs given: raw files, or a features folder / .parquet files');
  const pq = inputs.map(isParquetInput);
  if (pq.some((x) => x) && !pq.every((x) => x)) throw new UsageError('give either Parquet inputs (a features folder, .parquet files) or raw recordings, not both; raw files for the events of Parquet features go in --raw');
  if (pq[0]) {
    const instruments = await readFrames(inputs, { symbols: opts.symbols });
    if (instruments.length === 0) throw new UsageError(`no instruments${opts.symbols ? ` matching ${opts.symbols.join(', ')}` : ''} in ${inputs.join(', ')}`);
    return { kind: 'features', instruments, raw: opts.raw ?? [] };
  }
  if (opts.raw?.length) throw new UsageError('--raw is for Parquet feature inputs; with raw recordings as inputs their events are used directly');
  const { frames } = await bookFrames(inputs, opts);
  if (frames.length === 0) throw new UsageError(`no instrument${opts.symbols ? ` matching ${opts.symbols.join(', ')}` : ''} ever had a valid book in ${inputs.join(', ')}`);
  return { kind: 'raw', instruments: frames.map((f) => ({ venue: f.meta.venue, symbol: f.meta.symbol, frame: f, files: inputs })), raw: inputs };
}

/** Labels one instrument's frame; replays `raw` for the labels that need events. */
export async function labelFromFiles(frame: Frame, spec: LabelSpec, raw: string[], opts: ReplayOptions = {}): Promise<LabeledFrame> {
  if (!needsEvents(spec)) return labelFrame(frame, spec);
  if (raw.length === 0) throw new UsageError('maker-outcome and VWAP-mid labels need the raw recordings the features came from (--raw <files...>), or drop maker/vwap from the label spec');
  const events = await openReplay(raw, new ReadReport(), opts);
  return labelFrame(frame, spec, { events, venue: frame.meta.venue, symbol: frame.meta.symbol });
}

/** Labels every loaded instrument with one spec input (maker fees default to each instrument's venue). */
export async function labelInputs(loaded: LoadedInputs, specInput: unknown, opts: ReplayOptions & { where?: string } = {}): Promise<LabeledFrame[]> {
  const out: LabeledFrame[] = [];
  let hash: string | undefined;
  for (const inst of loaded.instruments) {
    const spec = normalizeLabelSpec(specInput, { venue: inst.venue, where: opts.where });
    const l = await labelFromFiles(inst.frame, spec, loaded.raw, opts);
    if (hash !== undefined && l.specHash !== hash) {
      throw new UsageError(`the label spec resolves differently for ${inst.venue}:${inst.symbol} (maker fees of another venue?): give maker.fees explicitly in bps to build one dataset across venues`);
    }
    hash = l.specHash;
    out.push(l);
  }
  return out;
}

/** Reads a label spec file (YAML or JSON); an unreadable or malformed file is an error naming it. */
export function readSpecFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${path}: cannot read the spec (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new InputError(`not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`, { file: path });
  }
}
