import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { writeParquet } from '../../dataset/parquet.ts';
import { DEFAULT_SPEC } from '../../features/default-spec.ts';
import { runFeatures } from '../../features/extract.ts';
import { DatePartitionSink, partitionPath } from '../../features/partition.ts';
import { frameMeta, type FeaturePipeline } from '../../features/pipeline.ts';
import { parseSpecText, specYaml, type FeatureSpec } from '../../features/spec.ts';
import type { FileReport, ReadReport } from '../../replay/report.ts';
import { fileProgress } from '../progress.ts';
import { table } from '../text.ts';

interface FeaturesFlags {
  spec?: string;
  out?: string;
  venue?: string;
  format?: string;
  symbol?: string;
  chunkRows: string;
  json?: boolean;
  printSpec?: boolean;
  progress: boolean;
}

export interface FeaturesInstrumentSummary {
  venue: string;
  symbol: string;
  rows: number;
  warmRows: number;
  validRows: number;
  /** Time-grid rows skipped over silences longer than the spec's max_gap_ms. */
  skippedRows: number;
  from: string | null;
  to: string | null;
  files: string[];
}

export interface FeaturesResult {
  ok: boolean;
  out: string;
  spec_hash: string;
  columns: number;
  features: number;
  instruments: FeaturesInstrumentSummary[];
  files: FileReport[];
  totals: { rows: number; warmRows: number; files: number; badLines: number; fileErrors: number };
}

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description('Compute streaming features from recordings into Parquet, partitioned venue/symbol/date')
    .argument('[files...]', 'recordings (as for replay)')
    .option('--spec <file>', 'feature spec, YAML or JSON (default: the built-in spec; see --print-spec)')
    .option('--out <dir>', 'output folder: <dir>/venue=<v>/symbol=<s>/date=<YYYY-MM-DD>/part-<n>.parquet')
    .option('--symbol <list>', 'only these instruments, comma-separated (SYMBOL or venue:SYMBOL)')
    .option('--venue <id>', 'venue of raw/cryptofeed files when it cannot be detected')
    .option('--format <id>', 'input format instead of sniffing')
    .option('--chunk-rows <n>', 'rows per Parquet part (memory bound per instrument)', '1000000')
    .option('--print-spec', 'print the spec (normalized, every default filled) as YAML and exit')
    .option('--json', 'print a JSON summary on stdout')
    .option('--no-progress', 'no progress bar')
    .action(async (files: string[], flags: FeaturesFlags) => {
      const spec = loadSpec(flags.spec);
      if (flags.printSpec) {
        process.stdout.write(`# feature spec ${spec.hash}\n` + specYaml(spec));
        return;
      }
      const result = await featuresCommand(files, spec, flags);
      if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else process.stdout.write(formatFeatures(result));
      process.exitCode = result.ok ? 0 : 1;
    });
}

function loadSpec(path: string | undefined): FeatureSpec {
  if (path === undefined) return DEFAULT_SPEC;
  if (!existsSync(path) || statSync(path).isDirectory()) throw new UsageError(`--spec ${path}: no such file`);
  return parseSpecText(readFileSync(path, 'utf8'), { source: path });
}

export async function featuresCommand(files: string[], spec: FeatureSpec, flags: FeaturesFlags): Promise<FeaturesResult> {
  if (files.length === 0) throw new UsageError('no input files given');
  const out = flags.out;
  if (!out) throw new UsageError('--out <dir> is required');
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out}: exists and is not a folder`);
  const chunkRows = Number(flags.chunkRows);
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new UsageError(`--chunk-rows must be a positive integer, got ${flags.chunkRows}`);

  const sinks: DatePartitionSink[] = [];
  const written = new Map<DatePartitionSink, string[]>();
  const cleaned = new Set<string>();
  const writePending = async (): Promise<void> => {
    for (const s of sinks) {
      while (s.pending.length > 0) {
        const c = s.pending.shift()!;
        const path = partitionPath(out, c.venue, c.symbol, c.date, c.part);
        const dir = dirname(path);
        if (!cleaned.has(dir)) {
          // A rerun replaces a partition: stale parts from an earlier run must not mix with this one.
          cleaned.add(dir);
          if (existsSync(dir)) for (const f of readdirSync(dir)) if (/^part-\d+\.parquet$/.test(f)) unlinkSync(`${dir}/${f}`);
        }
        await writeParquet(path, c.frame);
        written.get(s)!.push(path);
      }
    }
  };

  const progress = fileProgress(files, 'features', flags.progress && !flags.json);
  let pipeline: FeaturePipeline;
  let report: ReadReport;
  try {
    ({ pipeline, report } = await runFeatures(files, spec, {
      venue: flags.venue,
      format: flags.format,
      symbols: flags.symbol
        ?.split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
      onBytes: progress.onBytes,
      sinkFor: (venue, symbol, set) => {
        const s = new DatePartitionSink(venue, symbol, set.names, frameMeta(venue, symbol, spec), chunkRows);
        sinks.push(s);
        written.set(s, []);
        return s;
      },
      afterBatch: writePending,
    }));
    for (const s of sinks) s.close();
    await writePending();
  } finally {
    progress.stop();
  }

  const instruments: FeaturesInstrumentSummary[] = pipeline.instruments().map((i, k) => {
    const set = i.set;
    const s = sinks[k];
    return {
      venue: i.venue,
      symbol: i.symbol,
      rows: set.rows,
      warmRows: set.warmRows,
      validRows: set.validRows,
      skippedRows: set.skippedRows,
      from: s.firstTs === s.firstTs ? new Date(s.firstTs / 1e6).toISOString() : null,
      to: s.lastTs === s.lastTs ? new Date(s.lastTs / 1e6).toISOString() : null,
      files: written.get(s) ?? [],
    };
  });
  let rows = 0;
  let warmRows = 0;
  let nfiles = 0;
  for (const i of instruments) {
    rows += i.rows;
    warmRows += i.warmRows;
    nfiles += i.files.length;
  }
  const totals = { rows, warmRows, files: nfiles, badLines: report.badLines, fileErrors: report.fileErrors };
  return {
    ok: totals.badLines === 0 && totals.fileErrors === 0 && rows > 0,
    out,
    spec_hash: spec.hash,
    columns: pipeline.instruments()[0]?.set.names.length ?? 0,
    features: pipeline.instruments()[0]?.set.featureNames.length ?? 0,
    instruments,
    files: report.files,
    totals,
  };
}

export function formatFeatures(r: FeaturesResult): string {
  const rows = r.instruments.map((i) => [
    i.venue,
    i.symbol,
    String(i.rows),
    String(i.warmRows),
    String(i.validRows),
    i.from && i.to ? `${i.from.slice(0, 19)} → ${i.to.slice(11, 19)}` : '-',
    [...new Set(i.files.map((f) => /date=([\d-]+)/.exec(f)?.[1] ?? '?'))].join(' '),
    String(i.files.length),
  ]);
  let s = table(['venue', 'symbol', 'rows', 'warm', 'valid', 'span (UTC)', 'dates', 'parts'], rows);
  for (const f of r.files) {
    if (f.badLines === 0 && !f.error) continue;
    s += `\n${f.file}: ${f.badLines} bad lines${f.error ? `; ${f.error}` : ''}\n`;
    for (const e of f.examples) s += `  ${e}\n`;
  }
  if (r.totals.rows === 0) s += '\nno feature rows: the inputs held no market data for the selected instruments\n';
  s += `\nfeature spec ${r.spec_hash}: ${r.features} feature columns (+ ${r.columns - r.features} core). ${r.totals.rows} rows (${r.totals.warmRows} warm) in ${r.totals.files} Parquet files under ${r.out}\n`;
  return s;
}
