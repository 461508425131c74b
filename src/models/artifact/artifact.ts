import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, UsageError } from '../../core/errors.ts';
import type { Model, ModelJSON } from '../model.ts';
import { modelFromJSON } from '../registry.ts';
import { bumpPatch, compareSemver, isSemver } from './semver.ts';

/**
 * A model artifact is a folder:
 *
 *   artifact.json        manifest: name, semantic version, model kind/task/features/classes,
 *                        feature spec hash, label column, git SHA, creation time, and the sha256
 *                        of every other file (checked on load)
 *   model.json           the model (lobkit JSON; imported XGBoost/LightGBM models included)
 *   feature-spec.json    the feature spec the training data was built with (opaque JSON)
 *   normalization.json   normalization state (opaque JSON; null when the features need none)
 *   label.json           label column and label spec
 *   training.json        training configuration (model config, split, folds, options)
 *   dataset.json         the training dataset's manifest
 *   metrics.json         metrics per fold and their summary
 *   (extra files)        e.g. oos-predictions.parquet: out-of-sample predictions of every fold
 *
 * Loading it against data built with another feature spec is an error naming both hashes.
 */
export const ARTIFACT_FORMAT = 'lobkit-model-artifact';
export const ARTIFACT_FORMAT_VERSION = 1;
const MANIFEST = 'artifact.json';

export interface ArtifactInput {
  name: string;
  /** Semantic version of this model (MAJOR.MINOR.PATCH). */
  version: string;
  model: Model;
  /** The feature spec (JSON-able) and its hash; null hash when the data had none. */
  featureSpec?: unknown;
  featureSpecHash: string | null;
  normalization?: unknown;
  label: { column: string; spec?: unknown };
  training: unknown;
  dataset?: unknown;
  gitSha?: string | null;
  gitDirty?: boolean;
  metrics?: { folds: unknown[]; summary?: unknown };
  lobkitVersion?: string;
  description?: string;
  /** Other files to copy in (e.g. out-of-sample predictions): name in the artifact → source path. */
  extraFiles?: Record<string, string>;
}

export interface ArtifactManifest {
  format: typeof ARTIFACT_FORMAT;
  formatVersion: number;
  name: string;
  version: string;
  createdAt: string;
  lobkitVersion: string | null;
  description?: string;
  model: { kind: string; task: string; file: string; features: string[]; classes: number[]; nOutputs: number };
  featureSpecHash: string | null;
  label: { column: string };
  gitSha: string | null;
  gitDirty: boolean;
  files: Record<string, string>;
}

export interface Artifact {
  dir: string;
  manifest: ArtifactManifest;
  model: Model;
  featureSpec: unknown;
  normalization: unknown;
  label: { column: string; spec?: unknown };
  training: unknown;
  dataset: unknown;
  metrics: { folds: unknown[]; summary?: unknown };
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Writes an artifact folder. The folder must not exist yet (an artifact is immutable: train a new
 * version instead); files are written to a temporary sibling and renamed into place, so a crash
 * never leaves a half-written artifact.
 */
export function saveArtifact(dir: string, a: ArtifactInput): ArtifactManifest {
  if (!NAME_RE.test(a.name)) throw new UsageError(`model name ${JSON.stringify(a.name)}: use letters, digits, ".", "_" and "-"`);
  if (!isSemver(a.version)) throw new UsageError(`model version ${JSON.stringify(a.version)} is not a semantic version (MAJOR.MINOR.PATCH)`);
  const target = resolve(dir);
  if (existsSync(target)) throw new UsageError(`${target} already exists: artifacts are immutable, choose another version or folder`);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    const files: Record<string, string> = {};
    const put = (name: string, value: unknown) => {
      const text = JSON.stringify(value, null, 1) + '\n';
      writeFileSync(join(tmp, name), text);
      files[name] = sha256(text);
    };
    put('model.json', a.model.toJSON() satisfies ModelJSON);
    put('feature-spec.json', a.featureSpec ?? null);
    put('normalization.json', a.normalization ?? null);
    put('label.json', a.label);
    put('training.json', a.training ?? null);
    put('dataset.json', a.dataset ?? null);
    put('metrics.json', a.metrics ?? { folds: [] });
    for (const [name, src] of Object.entries(a.extraFiles ?? {})) {
      if (!NAME_RE.test(name) || name === MANIFEST || name in files) throw new UsageError(`artifact file name ${JSON.stringify(name)} is not allowed`);
      const buf = readFileSync(src);
      writeFileSync(join(tmp, name), buf);
      files[name] = sha256(buf);
    }
    const manifest: ArtifactManifest = {
      format: ARTIFACT_FORMAT,
      formatVersion: ARTIFACT_FORMAT_VERSION,
      name: a.name,
      version: a.version,
      createdAt: new Date().toISOString(),
      lobkitVersion: a.lobkitVersion ?? null,
      ...(a.description ? { description: a.description } : {}),
      model: { kind: a.model.kind, task: a.model.task, file: 'model.json', features: [...a.model.features], classes: [...a.model.classes], nOutputs: a.model.nOutputs },
      featureSpecHash: a.featureSpecHash,
      label: { column: a.label.column },
      gitSha: a.gitSha ?? null,
      gitDirty: a.gitDirty ?? false,
      files,
    };
    writeFileSync(join(tmp, MANIFEST), JSON.stringify(manifest, null, 1) + '\n');
    mkdirSync(resolve(target, '..'), { recursive: true });
    renameSync(tmp, target);
    return manifest;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function readJson(dir: string, name: string): unknown {
  const p = join(dir, name);
  let text: string;
  try {
    text = readFileSync(p, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, { file: p });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, { file: p });
  }
}

/** Reads and validates an artifact's manifest only (cheap: for listings). */
export function readManifest(dir: string): ArtifactManifest {
  const p = join(dir, MANIFEST);
  if (!existsSync(p)) throw new InputError(`not a model artifact (no ${MANIFEST})`, { file: dir });
  const m = readJson(dir, MANIFEST) as ArtifactManifest;
  if (m?.format !== ARTIFACT_FORMAT) throw new InputError(`"format" is ${JSON.stringify(m?.format)}, expected "${ARTIFACT_FORMAT}"`, { file: p });
  if (typeof m.formatVersion !== 'number' || m.formatVersion > ARTIFACT_FORMAT_VERSION) throw new InputError(`artifact format version ${m.formatVersion} is newer than this lobkit understands (${ARTIFACT_FORMAT_VERSION}): upgrade lobkit`, { file: p });
  for (const k of ['name', 'version'] as const) if (typeof m[k] !== 'string') throw new InputError(`"${k}" missing`, { file: p });
  if (!m.model || !Array.isArray(m.model.features) || typeof m.files !== 'object') throw new InputError('"model" or "files" missing', { file: p });
  return m;
}

/** Loads an artifact folder, verifying every file's checksum against the manifest. */
export function loadArtifact(dir: string): Artifact {
  const d = resolve(dir);
  const manifest = readManifest(d);
  for (const [name, want] of Object.entries(manifest.files)) {
    const p = join(d, name);
    let buf: Buffer;
    try {
      buf = readFileSync(p);
    } catch {
      throw new InputError('file listed in artifact.json is missing', { file: p });
    }
    if (sha256(buf) !== want) throw new InputError('contents changed since the artifact was written (sha256 mismatch): artifacts are immutable, retrain or restore the file', { file: p });
  }
  let model: Model;
  try {
    model = modelFromJSON(readJson(d, manifest.model.file) as ModelJSON);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError((e as Error).message, { file: join(d, manifest.model.file) });
  }
  if (model.features.join('\u0000') !== manifest.model.features.join('\u0000')) throw new InputError('model features differ from the manifest', { file: join(d, manifest.model.file) });
  return {
    dir: d,
    manifest,
    model,
    featureSpec: readJson(d, 'feature-spec.json'),
    normalization: readJson(d, 'normalization.json'),
    label: readJson(d, 'label.json') as Artifact['label'],
    training: readJson(d, 'training.json'),
    dataset: readJson(d, 'dataset.json'),
    metrics: readJson(d, 'metrics.json') as Artifact['metrics'],
  };
}

/**
 * Refuses data the model was not trained for: a different feature spec hash (both hashes named), or
 * missing feature columns. `dataSpecHash` null means the data carries no spec hash, accepted only
 * when the artifact has none either.
 */
export function checkData(artifact: Pick<Artifact, 'dir' | 'manifest'>, data: { specHash: string | null | undefined; columns: readonly string[] }, source: string): void {
  const m = artifact.manifest;
  const want = m.featureSpecHash;
  const have = data.specHash ?? null;
  if (want !== have) {
    throw new InputError(
      `model ${m.name}@${m.version} was trained on features built with spec ${want ?? '(none)'}, but this data was built with spec ${have ?? '(none)'}: ` +
        `rebuild the features with the model's spec (${join(artifact.dir, 'feature-spec.json')}) or train a model on this data`,
      { file: source },
    );
  }
  const cols = new Set(data.columns);
  const missing = m.model.features.filter((f) => !cols.has(f));
  if (missing.length > 0) throw new InputError(`model ${m.name}@${m.version} needs feature columns missing from this data: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` (+${missing.length - 10} more)` : ''}`, { file: source });
}

export interface ArtifactEntry {
  dir: string;
  manifest: ArtifactManifest;
}

/** Every artifact under `root` (folders holding artifact.json, up to 4 levels deep), by name then version. */
export function listArtifacts(root: string): ArtifactEntry[] {
  const out: ArtifactEntry[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, MANIFEST))) {
      out.push({ dir, manifest: readManifest(dir) });
      return;
    }
    if (depth === 0) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      if (n.includes('.tmp-')) continue;
      const p = join(dir, n);
      try {
        if (statSync(p).isDirectory()) walk(p, depth - 1);
      } catch {
        // vanished while listing
      }
    }
  };
  if (existsSync(root)) walk(resolve(root), 4);
  return out.sort((a, b) => (a.manifest.name === b.manifest.name ? compareSemver(a.manifest.version, b.manifest.version) : a.manifest.name < b.manifest.name ? -1 : 1));
}

/**
 * Finds an artifact by reference: a folder path (holding artifact.json), or `name` (its latest
 * version) / `name@version` among the artifacts under `root`.
 */
export function resolveArtifact(ref: string, root: string): string {
  if (existsSync(join(ref, MANIFEST))) return resolve(ref);
  const at = ref.lastIndexOf('@');
  const name = at > 0 ? ref.slice(0, at) : ref;
  const version = at > 0 ? ref.slice(at + 1) : undefined;
  const all = listArtifacts(root).filter((e) => e.manifest.name === name);
  if (all.length === 0) {
    if (existsSync(ref)) throw new InputError(`not a model artifact (no ${MANIFEST})`, { file: ref });
    throw new UsageError(`no model "${name}" under ${resolve(root)} (and ${ref} is not an artifact folder); see \`lobkit models list --dir ${root}\``);
  }
  if (version === undefined) return all[all.length - 1].dir;
  const hit = all.find((e) => e.manifest.version === version);
  if (!hit) throw new UsageError(`model ${name} has no version ${version} (have: ${all.map((e) => e.manifest.version).join(', ')})`);
  return hit.dir;
}

/** The next version for `name` under `root`: latest patch + 1, or 0.1.0 for a new name. */
export function nextVersion(name: string, root: string): string {
  const all = listArtifacts(root).filter((e) => e.manifest.name === name);
  if (all.length === 0) return '0.1.0';
  return bumpPatch(all[all.length - 1].manifest.version);
}
