import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.ts';

export interface DemoFlags {
  out: string;
  seed: string;
  hours: string;
  symbols: string;
  folds: string;
  json?: boolean;
  progress: boolean;
}

export interface DemoOptions {
  out: string;
  seed: number | string;
  hours: number;
  symbols: string[];
  folds: number;
  json: boolean;
  progress: boolean;
}

/** Defaults: 30 simulated minutes of BTCUSDT, 4 walk-forward folds (~16k rows; about a minute on 2 quiet cores). */
export const DEMO_DEFAULTS = { out: 'demo-out', seed: '1', hours: '0.5', symbols: 'BTCUSDT', folds: '4' } as const;

/** What the demo writes inside --out (and removes from a previous demo run there). */
export const DEMO_ENTRIES = ['data', 'features', 'dataset', 'models', 'label-spec.json', 'report.json', 'report.md'] as const;
const MARKER = '.lobkit-demo';

export function parseDemoFlags(f: DemoFlags): DemoOptions {
  const hours = Number(f.hours);
  if (f.hours.trim() === '' || !Number.isFinite(hours) || hours <= 0 || hours > 24) throw new UsageError(`--hours must be a number of simulated hours in (0, 24], got ${JSON.stringify(f.hours)}`);
  // Below ~6 minutes the feature warm-up and the longest label horizon leave too few rows to split.
  if (hours < 0.1) throw new UsageError(`--hours ${f.hours}: at least 0.1 (6 simulated minutes) is needed for warm-up, labels and ${f.folds} folds`);
  const folds = Number(f.folds);
  if (!Number.isInteger(folds) || folds < 2 || folds > 20) throw new UsageError(`--folds must be an integer in [2, 20], got ${JSON.stringify(f.folds)}`);
  const symbols = f.symbols
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '');
  if (symbols.length === 0) throw new UsageError('--symbols needs at least one symbol, e.g. BTCUSDT or BTCUSDT,ETHUSDT');
  if (new Set(symbols).size !== symbols.length) throw new UsageError(`--symbols lists a symbol twice: ${f.symbols}`);
  for (const s of symbols) if (!/^[A-Z0-9]{2,30}$/.test(s)) throw new UsageError(`--symbols: "${s}" is not a symbol (letters and digits, e.g. BTCUSDT)`);
  const seed = /^-?\d+$/.test(f.seed) ? Number(f.seed) : f.seed;
  if (f.seed.trim() === '') throw new UsageError('--seed must not be empty');
  if (f.out.trim() === '') throw new UsageError('--out must not be empty');
  return { out: f.out, seed, hours, symbols, folds, json: f.json === true, progress: f.progress };
}

/**
 * Makes --out ready: created if missing; a folder a previous demo wrote (it holds the marker) is
 * cleared of what the demo writes; any other non-empty folder is refused, so the demo never
 * deletes a user's files.
 */
export function prepareOut(out: string): void {
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new UsageError(`--out ${out}: exists and is not a folder`);
    const entries = readdirSync(out);
    if (entries.length > 0 && !entries.includes(MARKER)) throw new UsageError(`--out ${out}: folder exists and was not written by lobkit demo; give another --out or remove it`);
    for (const e of DEMO_ENTRIES) rmSync(join(out, e), { recursive: true, force: true });
  } else {
    try {
      mkdirSync(out, { recursive: true });
    } catch (e) {
      throw new UsageError(`--out ${out}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  try {
    writeFileSync(join(out, MARKER), 'written by lobkit demo: a rerun with this --out replaces its contents\n');
  } catch (e) {
    throw new UsageError(`--out ${out}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
