import type { Command } from 'commander';
import { listArtifacts, loadArtifact, resolveArtifact, type Artifact } from '../../models/artifact/artifact.ts';
import type { TreeModel } from '../../models/gbdt/model.ts';
import type { LogisticModel } from '../../models/linear/logistic.ts';
import type { RidgeModel } from '../../models/linear/ridge.ts';
import { table } from '../text.ts';

interface Distribution {
  median: number;
  min: number;
  max: number;
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('List and inspect model artifacts');
  models
    .command('list')
    .description('List the artifacts under a models folder')
    .option('--dir <dir>', 'models folder', 'models')
    .option('--json', 'print JSON')
    .action((flags: { dir: string; json?: boolean }) => {
      const all = listArtifacts(flags.dir);
      if (flags.json) {
        process.stdout.write(JSON.stringify(all.map((e) => ({ dir: e.dir, ...e.manifest })), null, 2) + '\n');
        return;
      }
      if (all.length === 0) {
        process.stdout.write(`no model artifacts under ${flags.dir}\n`);
        return;
      }
      process.stdout.write(
        table(
          ['name', 'version', 'kind', 'task', 'label', 'features', 'spec', 'created', 'git', 'folder'],
          all.map(({ dir, manifest: m }) => [m.name, m.version, m.model.kind, m.model.task, m.label.column, String(m.model.features.length), (m.featureSpecHash ?? '-').slice(0, 12), m.createdAt.slice(0, 19), m.gitSha ? m.gitSha.slice(0, 10) + (m.gitDirty ? '+' : '') : '-', dir]),
        ),
      );
    });
  models
    .command('show')
    .description('Show an artifact: version, data, label, training config, metrics per fold, top features')
    .argument('<ref>', 'artifact folder, or name / name@version under --dir')
    .option('--dir <dir>', 'models folder', 'models')
    .option('--json', 'print JSON (manifest, training, label, metrics, dataset summary)')
    .action((ref: string, flags: { dir: string; json?: boolean }) => {
      const a = loadArtifact(resolveArtifact(ref, flags.dir));
      if (flags.json) {
        const ds = a.dataset as { path?: string; manifest?: { rows?: unknown; timeRange?: unknown; instruments?: unknown } } | null;
        process.stdout.write(JSON.stringify({ dir: a.dir, manifest: a.manifest, label: a.label, training: a.training, metrics: a.metrics, dataset: ds ? { path: ds.path, rows: ds.manifest?.rows, timeRange: ds.manifest?.timeRange } : null, topFeatures: topFeatures(a, 20) }, null, 2) + '\n');
        return;
      }
      process.stdout.write(formatShow(a));
    });
}

/** The features that matter most: total split gain (trees) or |standardized weight| (linear). */
export function topFeatures(a: Artifact, k: number): { feature: string; value: number; splits?: number }[] {
  const m = a.model;
  const names = m.features;
  let rows: { feature: string; value: number; splits?: number }[] = [];
  if (m.kind === 'gbdt' || m.kind === 'xgboost' || m.kind === 'lightgbm') {
    const imp = (m as TreeModel).spec.importance;
    if (!imp) return [];
    rows = names.map((f, j) => ({ feature: f, value: imp.gain[j], splits: imp.split[j] }));
  } else if (m.kind === 'logistic') {
    const lm = m as LogisticModel;
    const p = names.length;
    rows = names.map((f, j) => {
      let s = 0;
      for (let c = 0; c < lm.b.length; c++) s = Math.max(s, Math.abs(lm.w[c * p + j]));
      return { feature: f, value: s };
    });
  } else if (m.kind === 'ridge') {
    const rm = m as RidgeModel;
    rows = names.map((f, j) => ({ feature: f, value: Math.abs(rm.coef[j]) }));
  }
  return rows.sort((x, y) => y.value - x.value).slice(0, k);
}

const f4 = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : v === undefined ? '' : String(v));

function formatShow(a: Artifact): string {
  const m = a.manifest;
  const tr = (a.training ?? {}) as { model?: Record<string, unknown>; split?: Record<string, unknown>; features?: string[]; command?: string; final?: { rows?: number } };
  const ds = (a.dataset ?? {}) as { path?: string; manifest?: { rows?: { kept?: number }; timeRange?: { first?: string; last?: string }; instruments?: { venue: string; symbol: string }[] } };
  let s = `${m.name}@${m.version}  ${m.model.kind} (${m.model.task}${m.model.classes.length ? `, classes ${m.model.classes.join('/')}` : ''})\n`;
  s += `  folder        ${a.dir}\n`;
  s += `  created       ${m.createdAt}${m.lobkitVersion ? ` by lobkit ${m.lobkitVersion}` : ''}\n`;
  s += `  git           ${m.gitSha ?? '(not a git checkout)'}${m.gitDirty ? ' (uncommitted changes)' : ''}\n`;
  if (m.description) s += `  description   ${m.description}\n`;
  s += `  label         ${m.label.column}\n`;
  s += `  features      ${m.model.features.length}, spec ${m.featureSpecHash ?? '(none)'}\n`;
  if (ds.path) s += `  dataset       ${ds.path}${ds.manifest?.rows?.kept !== undefined ? `, ${ds.manifest.rows.kept} rows` : ''}${ds.manifest?.timeRange ? `, ${ds.manifest.timeRange.first} → ${ds.manifest.timeRange.last}` : ''}${ds.manifest?.instruments ? `, ${ds.manifest.instruments.map((i) => `${i.venue}:${i.symbol}`).join(' ')}` : ''}\n`;
  if (tr.split) s += `  split         ${JSON.stringify(tr.split)}\n`;
  if (tr.model) s += `  config        ${JSON.stringify(tr.model)}\n`;
  if (tr.final?.rows !== undefined) s += `  final model   trained on ${tr.final.rows} rows\n`;
  const folds = (a.metrics?.folds ?? []) as { fold: number; testRows: number; testStart?: string; metrics?: Record<string, unknown> }[];
  if (folds.length > 0) {
    const cls = m.model.classes.length > 0;
    const cols = cls ? ['rocAuc', 'logLoss', 'accuracy', 'balancedAccuracy'] : ['ic', 'rankIc', 'rmse', 'r2'];
    s += '\nout-of-sample metrics per fold\n';
    s += table(['fold', 'test rows', 'test start', ...cols], folds.map((f) => [String(f.fold), String(f.testRows), (f.testStart ?? '').slice(0, 19), ...cols.map((c) => f4(f.metrics?.[c]))]));
    const sum = (a.metrics?.summary ?? {}) as Record<string, Distribution>;
    s += 'median [min, max]: ' + cols.filter((c) => sum[c]).map((c) => `${c} ${f4(sum[c].median)} [${f4(sum[c].min)}, ${f4(sum[c].max)}]`).join('  ') + '\n';
  }
  const top = topFeatures(a, 15);
  if (top.length > 0) {
    s += `\ntop features (${m.model.kind === 'logistic' || m.model.kind === 'ridge' ? '|standardized weight|' : 'total gain, splits'})\n`;
    s += table(['feature', 'value', ...(top[0].splits !== undefined ? ['splits'] : [])], top.map((t) => [t.feature, t.value.toPrecision(4), ...(t.splits !== undefined ? [String(t.splits)] : [])]));
  }
  s += `\nfiles: ${Object.keys(m.files).join(', ')} (sha256 checked)\n`;
  return s;
}
