import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError, UsageError } from '../../core/errors.ts';
import { trainLogistic } from '../linear/logistic.ts';
import { syntheticData } from '../synthetic.ts';
import { checkData, listArtifacts, loadArtifact, nextVersion, readManifest, resolveArtifact, saveArtifact, type ArtifactInput } from './artifact.ts';
import { gitSha } from './git.ts';
import { bumpPatch, compareSemver, isSemver } from './semver.ts';

function tmp(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), 'lobkit-artifact-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function input(version = '1.0.0'): ArtifactInput {
  const d = syntheticData(300, 10, { seed: 1 });
  const { model } = trainLogistic(d, { kind: 'logistic' });
  return {
    name: 'gate',
    version,
    model,
    featureSpec: { features: [{ name: 'f0', window: 10 }] },
    featureSpecHash: 'abc123',
    normalization: { kind: 'welford', window: 600, state: [1, 2, 3] },
    label: { column: 'fwd_dir_10s', spec: { horizon: '10s', threshold: 'spread' } },
    training: { model: { kind: 'logistic' }, split: 'walk-forward', folds: 5 },
    dataset: { rows: 300, featureSpecHash: 'abc123' },
    gitSha: 'f'.repeat(40),
    metrics: { folds: [{ fold: 0, auc: 0.61 }], summary: { auc: { median: 0.61 } } },
  };
}

test('an artifact folder round-trips every part and the model predicts identically', (t) => {
  const root = tmp(t);
  const a = input();
  const dir = join(root, 'gate', '1.0.0');
  const m = saveArtifact(dir, a);
  assert.equal(m.featureSpecHash, 'abc123');
  assert.deepEqual(Object.keys(m.files).sort(), ['dataset.json', 'feature-spec.json', 'label.json', 'metrics.json', 'model.json', 'normalization.json', 'training.json']);
  const back = loadArtifact(dir);
  assert.equal(back.manifest.name, 'gate');
  assert.equal(back.manifest.version, '1.0.0');
  assert.equal(back.manifest.gitSha, 'f'.repeat(40));
  assert.deepEqual(back.featureSpec, a.featureSpec);
  assert.deepEqual(back.normalization, a.normalization);
  assert.deepEqual(back.label, a.label);
  assert.deepEqual(back.training, a.training);
  assert.deepEqual(back.dataset, a.dataset);
  assert.deepEqual(back.metrics, a.metrics);
  const d = syntheticData(50, 10, { seed: 2 });
  assert.deepEqual(Array.from(back.model.predict(d.x, d.n)), Array.from(a.model.predict(d.x, d.n)));
});

test('data built with another feature spec is refused, naming both hashes; missing columns too', (t) => {
  const root = tmp(t);
  const dir = join(root, 'a');
  saveArtifact(dir, input());
  const art = loadArtifact(dir);
  const cols = art.model.features;
  checkData(art, { specHash: 'abc123', columns: cols }, 'data.parquet');
  assert.throws(
    () => checkData(art, { specHash: 'zzz999', columns: cols }, 'other.parquet'),
    (e: unknown) => e instanceof InputError && /other\.parquet: model gate@1\.0\.0 was trained on features built with spec abc123, but this data was built with spec zzz999/.test((e as Error).message) && /feature-spec\.json/.test((e as Error).message),
  );
  assert.throws(() => checkData(art, { specHash: null, columns: cols }, 'x'), /built with spec \(none\)/);
  assert.throws(() => checkData(art, { specHash: 'abc123', columns: cols.slice(1) }, 'x'), /needs feature columns missing from this data: f0/);
});

test('artifacts are immutable: an existing folder is not overwritten, a changed file is detected', (t) => {
  const root = tmp(t);
  const dir = join(root, 'a');
  saveArtifact(dir, input());
  assert.throws(() => saveArtifact(dir, input()), (e: unknown) => e instanceof UsageError && /already exists/.test((e as Error).message));
  const p = join(dir, 'model.json');
  writeFileSync(p, readFileSync(p, 'utf8').replace('"intercepts"', ' "intercepts"'));
  assert.throws(() => loadArtifact(dir), /model\.json: contents changed since the artifact was written/);
  assert.throws(() => loadArtifact(root), /not a model artifact/);
  assert.throws(() => saveArtifact(join(root, 'b'), input('1.0')), /not a semantic version/);
  assert.throws(() => saveArtifact(join(root, 'c'), { ...input(), name: '../x' }), /model name/);
  const man = JSON.parse(readFileSync(join(dir, 'artifact.json'), 'utf8'));
  writeFileSync(join(dir, 'artifact.json'), JSON.stringify({ ...man, formatVersion: 99 }));
  assert.throws(() => readManifest(dir), /format version 99 is newer/);
});

test('listing, resolving name[@version] and the next version', (t) => {
  const root = tmp(t);
  saveArtifact(join(root, 'gate', '0.1.0'), input('0.1.0'));
  saveArtifact(join(root, 'gate', '0.10.0'), input('0.10.0'));
  saveArtifact(join(root, 'gate', '0.2.0'), input('0.2.0'));
  saveArtifact(join(root, 'other', '1.0.0'), { ...input('1.0.0'), name: 'other' });
  const all = listArtifacts(root);
  assert.deepEqual(
    all.map((e) => `${e.manifest.name}@${e.manifest.version}`),
    ['gate@0.1.0', 'gate@0.2.0', 'gate@0.10.0', 'other@1.0.0'],
  );
  assert.equal(resolveArtifact('gate', root), join(root, 'gate', '0.10.0'));
  assert.equal(resolveArtifact('gate@0.2.0', root), join(root, 'gate', '0.2.0'));
  assert.equal(resolveArtifact(join(root, 'other', '1.0.0'), root), join(root, 'other', '1.0.0'));
  assert.throws(() => resolveArtifact('gate@9.9.9', root), /no version 9\.9\.9 \(have: 0\.1\.0, 0\.2\.0, 0\.10\.0\)/);
  assert.throws(() => resolveArtifact('nope', root), /no model "nope"/);
  assert.equal(nextVersion('gate', root), '0.10.1');
  assert.equal(nextVersion('new', root), '0.1.0');
});

test('semantic versions', () => {
  assert.ok(isSemver('1.2.3') && isSemver('0.1.0-rc.1') && !isSemver('1.2') && !isSemver('01.2.3'));
  assert.ok(compareSemver('0.10.0', '0.9.9') > 0);
  assert.ok(compareSemver('1.0.0-rc.1', '1.0.0') < 0);
  assert.ok(compareSemver('1.0.0-rc.2', '1.0.0-rc.10') < 0);
  assert.equal(bumpPatch('1.2.3'), '1.2.4');
  assert.equal(bumpPatch('1.2.3-rc.1'), '1.2.3');
});

test('git SHA: the repository commit here, null outside a repository', (t) => {
  const here = gitSha();
  if (here) assert.match(here.sha, /^[0-9a-f]{40}$/);
  assert.equal(gitSha(tmp(t)), null);
});
