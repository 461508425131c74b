import { readFileSync, writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { InputError, UsageError } from '../../core/errors.ts';
import { calibrate, measureFiles, compareMeasures, parseParams, simulateToFiles, TOLERANCE, type SimulationSummary, type SynthParams, type SynthVenue, type ValidationResult } from '../../synth/index.ts';
import { table } from '../text.ts';

interface SimulateFlags {
  out?: string;
  venue?: string;
  symbols?: string;
  hours: string;
  start?: string;
  seed: string;
  speed?: string;
  params?: string;
  gzipLevel: string;
  workers?: string;
  json?: boolean;
  progress: boolean;
}

interface CalibrateFlags {
  out?: string;
  refine: string;
  refineMinutes: string;
  json?: boolean;
}

interface ValidateFlags {
  against?: string[];
  json?: boolean;
}

function number(flag: string, v: string, ok: (x: number) => boolean, what: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new UsageError(`${flag} must be ${what}, got ${JSON.stringify(v)}`);
  return x;
}

export function loadParams(path: string): SynthParams {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--params ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file: path });
  }
  return parseParams(doc, path);
}

/** A progress bar of simulated time on stderr (terminal only). */
export function simProgress(enabled: boolean): { update(done: number, total: number): void; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'simulate [{bar}] {percentage}% | {value}/{total} simulated min | ETA {eta}s', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (!started) {
        bar.start(Math.round(total / 60), 0);
        started = true;
      }
      if (now - last > 100 || done >= total) {
        last = now;
        bar.update(Math.round(done / 60));
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

export function formatSummary(s: SimulationSummary): string {
  const rows = s.symbols.map((x) => [
    x.symbol,
    String(x.events),
    String(x.trades),
    String(x.frames),
    String(x.files.length),
    mb(x.files.reduce((a, f) => a + f.rawBytes, 0)),
    mb(x.files.reduce((a, f) => a + f.bytes, 0)),
  ]);
  let out = table(['symbol', 'book events', 'trades', 'frames', 'files', 'raw', 'gzip'], rows);
  if (s.cloned.length > 0) out += `\n${s.cloned.join(', ')}: no parameter set of their own; simulated with ${s.symbols.find((x) => !s.cloned.includes(x.symbol))?.symbol ?? 'the first instrument'}'s parameters\n`;
  const secs = s.elapsedMs / 1000;
  out += `\n${s.venue}, ${s.hours} h from ${s.start}, seed ${s.seed}: ${s.events} book events, ${s.trades} trades, ${s.files.length} files, ${mb(s.rawBytes)} raw / ${mb(s.bytes)} gzip in ${secs.toFixed(1)} s (${Math.round(s.events / Math.max(secs, 1e-3)).toLocaleString('en-US')} events/s)\n`;
  for (const f of s.files) out += `  ${f}\n`;
  return out;
}

export function formatValidation(v: ValidationResult): string {
  const fmt = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x));
  const rows = v.checks.map((c) => [c.symbol, c.name, fmt(c.simulated), fmt(c.real), c.tolerance, c.info ? 'info' : c.pass ? 'ok' : 'DIFFERS']);
  let out = table(['symbol', 'statistic', 'simulated', 'real', 'tolerance', 'result'], rows);
  if (v.unmatched.length > 0) out += `\nnot compared: ${v.unmatched.join(', ')}\n`;
  const failed = v.checks.filter((c) => !c.pass);
  out += `\n${v.checks.filter((c) => !c.info).length} claimed statistics: ${failed.length === 0 ? 'all within tolerance' : `${failed.length} outside tolerance (${failed.map((c) => `${c.symbol} ${c.name}`).join('; ')})`}\n`;
  return out;
}

export function registerSimulate(program: Command): void {
  const sim = program.command('simulate').description('Simulate a calibrated limit-order-book market and write Binance-format raw files (or calibrate / validate the model)');
  // `lobkit simulate --out D …` runs the default subcommand; calibrate and validate have their own options (their own --out)
  sim
    .command('run', { isDefault: true })
    .description('Simulate and write Binance-format raw files (the default: `lobkit simulate --out D` is `lobkit simulate run --out D`)')
    .option('--out <dir>', 'output folder (files go to <dir>/usdm or <dir>/spot, one per symbol and UTC day)')
    .option('--venue <id>', 'binance-usdm (perpetual, with markPrice/funding; the default) or binance-spot (default with --params: its venue)')
    .option('--symbols <list>', 'comma-separated symbols (default: those of the parameter set)')
    .option('--hours <h>', 'simulated hours', '1')
    .option('--start <time>', 'start time, ISO or epoch ms (default 2024-01-01T00:00:00Z)')
    .option('--seed <n>', 'random seed (same seed, same bytes)', '1')
    .option('--speed <x>', 'pace the output at x times real time, flushing the files every 10 simulated seconds (default: as fast as possible)')
    .option('--params <file>', 'parameter set JSON (default: the shipped set of the venue, calibrated from ../shared/data)')
    .option('--gzip-level <n>', 'zlib level 1-9 (1: fastest; 6: ~20 % smaller files, ~2× slower)', '1')
    .option('--workers <n>', 'worker threads for several symbols (default: cores − 1, up to the symbols; 1 on 2 cores)')
    .option('--json', 'print the summary as JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: SimulateFlags) => {
      if (!flags.out) throw new UsageError('lobkit simulate needs --out <dir> (or a subcommand: calibrate, validate)');
      const params = flags.params ? loadParams(flags.params) : undefined;
      const venue = flags.venue as SynthVenue | undefined;
      const hours = number('--hours', flags.hours, (x) => x > 0 && x <= 24 * 366, 'a positive number of hours');
      const gzipLevel = number('--gzip-level', flags.gzipLevel, (x) => Number.isInteger(x) && x >= 1 && x <= 9, 'an integer 1-9');
      const speed = flags.speed === undefined ? undefined : number('--speed', flags.speed, (x) => x > 0, 'a positive number');
      const workers = flags.workers === undefined ? undefined : number('--workers', flags.workers, (x) => Number.isInteger(x) && x >= 1, 'a positive integer');
      const seed = /^-?\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed;
      const progress = simProgress(flags.progress && !flags.json);
      let summary: SimulationSummary;
      try {
        summary = await simulateToFiles({
          out: flags.out,
          venue,
          params,
          symbols: flags.symbols?.split(','),
          hours,
          start: flags.start,
          seed,
          speed,
          gzipLevel,
          workers,
          onProgress: (d, t) => progress.update(d, t),
        });
      } finally {
        progress.stop();
      }
      if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else process.stdout.write(formatSummary(summary));
    });

  sim
    .command('calibrate')
    .description('Estimate the model parameters from Binance raw recordings (USD-M or spot) and write them as JSON')
    .argument('<files...>', 'raw recordings, one instrument per file (<symbol>_<YYYYMMDD>.gz), all of one venue')
    .option('--out <file>', 'parameter file to write')
    .option('--refine <n>', 'refinement rounds (simulate, measure like the recording, rescale)', '4')
    .option('--refine-minutes <m>', 'simulated minutes per refinement round', '10')
    .option('--json', 'print the report as JSON')
    .action(async (files: string[], flags: CalibrateFlags) => {
      if (!flags.out) throw new UsageError('lobkit simulate calibrate needs --out <params.json>');
      const refine = number('--refine', flags.refine, (x) => Number.isInteger(x) && x >= 0 && x <= 20, 'an integer 0-20');
      const refineMinutes = number('--refine-minutes', flags.refineMinutes, (x) => x > 0 && x <= 600, 'minutes in (0, 600]');
      const showSteps = !flags.json && process.stderr.isTTY;
      const r = await calibrate(files, { refine, refineMinutes, onStep: (m) => showSteps && process.stderr.write(`calibrate: ${m}\n`) });
      writeFileSync(flags.out, JSON.stringify(r.params, null, 1) + '\n');
      if (flags.json) {
        process.stdout.write(JSON.stringify({ out: flags.out, venue: r.params.venue, instruments: r.params.instruments.map((i) => i.symbol), checks: r.checks }, null, 2) + '\n');
        return;
      }
      const rows: string[][] = [];
      for (const c of r.checks) {
        for (const k of Object.keys(c.real) as (keyof typeof c.real)[]) rows.push([c.symbol, k, String(c.real[k]), String(c.simulated[k])]);
      }
      process.stdout.write(table(['symbol', 'measure', 'recording', 'calibrated model'], rows));
      process.stdout.write(`\n${r.params.venue}: ${r.params.instruments.length} instruments calibrated from ${files.length} files → ${flags.out}\n`);
    });

  sim
    .command('validate')
    .description('Compare statistics of simulated files with real recordings, with the stated tolerances (exit 1 if any claimed one fails)')
    .argument('<files...>', 'simulated raw files')
    .option('--against <files...>', 'real raw recordings of the same symbols and venue')
    .option('--json', 'print the comparison as JSON')
    .action(async (files: string[], flags: ValidateFlags) => {
      if (!flags.against || flags.against.length === 0) throw new UsageError('lobkit simulate validate needs --against <real files...>');
      const [sim, real] = [await measureFiles(files), await measureFiles(flags.against)];
      if (sim.length === 0) throw new InputError('no instrument with a bookTicker stream in the simulated files', { file: files[0] });
      if (real.length === 0) throw new InputError('no instrument with a bookTicker stream in the real files', { file: flags.against[0] });
      const v = compareMeasures(sim, real);
      if (flags.json) process.stdout.write(JSON.stringify({ ...v, tolerances: TOLERANCE, simulated: sim, real }, null, 2) + '\n');
      else process.stdout.write(formatValidation(v));
      process.exitCode = v.ok ? 0 : 1;
    });
}
