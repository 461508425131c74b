import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { buildDataset, writeDataset, type DatasetManifest } from '../../dataset/build.ts';
import { table } from '../text.ts';
import { inputOptions, labelAll, readInputs, type InputFlags } from './label.ts';

interface DatasetFlags extends InputFlags {
  out?: string;
  labels?: string;
  features?: string;
  overwrite?: boolean;
  leakCheck: boolean;
}

export interface DatasetResult {
  dir: string;
  files: string[];
  manifest: DatasetManifest;
}

export function registerDataset(program: Command): void {
  inputOptions(
    program
      .command('dataset')
      .description('Join feature rows and forward labels into a Parquet dataset with a manifest (warm-up, invalid and unlabelled rows excluded and counted)')
      .argument('<inputs...>', 'a features folder / .parquet files (from lobkit features), or raw recordings (top-of-book rows)'),
  )
    .requiredOption('--out <dir>', 'dataset folder: <dir>/venue=<v>/symbol=<s>/date=<d>/part-0.parquet + manifest.json')
    .option('--labels <file>', 'label spec (YAML or JSON); default as lobkit label')
    .option('--features <names>', 'comma-separated feature columns (default: every column that is not a base column or a label)')
    .option('--overwrite', 'replace an existing dataset in --out')
    .option('--no-leak-check', 'skip scanning features against labels (training still runs the leak guard)')
    .option('--json', 'print the manifest as JSON on stdout')
    .action(async (inputs: string[], flags: DatasetFlags) => {
      const r = await datasetCommand(inputs, flags);
      process.stdout.write(flags.json ? JSON.stringify(r, null, 2) + '\n' : formatDataset(r));
    });
}

export async function datasetCommand(inputs: string[], flags: DatasetFlags): Promise<DatasetResult> {
  if (!flags.out) throw new UsageError('--out <dir> is required');
  const loaded = await readInputs(inputs, flags);
  const labeled = await labelAll(loaded, flags.labels, flags);
  const featureColumns = flags.features
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ds = buildDataset(labeled, {
    featureColumns,
    source: loaded.kind === 'features' ? { features: inputs, ...(loaded.raw.length ? { raw: loaded.raw } : {}) } : { raw: inputs },
    files: loaded.instruments.map((i) => i.files),
    leakCheck: flags.leakCheck,
  });
  const files = await writeDataset(flags.out, ds, { overwrite: flags.overwrite });
  return { dir: flags.out, files, manifest: ds.manifest };
}

export function formatDataset(r: DatasetResult): string {
  const m = r.manifest;
  const rows = m.instruments.map((i) => [i.venue, i.symbol, String(i.inputRows), String(i.excluded.warmup), String(i.excluded.invalid), String(i.excluded.unlabeled), String(i.rows), i.first, i.last]);
  let s = table(['venue', 'symbol', 'rows in', 'warm-up', 'invalid', 'no label', 'kept', 'first', 'last'], rows);
  s += `\n${m.columns.features.length} feature columns${m.columns.features.length ? ` (${m.columns.features.slice(0, 8).join(', ')}${m.columns.features.length > 8 ? ', ...' : ''})` : ' (none: top-of-book rows only)'}\n`;
  s += `${m.columns.labels.length} labels: ${m.columns.labels.join(', ')}\n`;
  s += `feature spec ${m.featureSpecHash ?? '(none)'}, label spec ${m.labelSpecHash}; purge by ${m.columns.labelEnd}\n`;
  if (m.leakCheck) {
    const top = m.leakCheck.strongest[0];
    s += `leak guard: ${m.leakCheck.pairs} feature/label pairs clean${top ? ` (strongest: ${top.feature} ~ ${top.label}, Pearson ${top.pearson.toFixed(3)}, Spearman ${top.spearman.toFixed(3)})` : ''}\n`;
  }
  s += `${m.rows.kept} rows written to ${r.dir} (${r.files.length} files + manifest.json)\n`;
  return s;
}
