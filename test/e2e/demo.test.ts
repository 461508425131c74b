import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lobkit } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'lobkit-demo-'));
after(() => rmSync(root, { recursive: true, force: true }));

// Small but real: 12 simulated minutes of BTCUSDT (~7k rows, ~5k after warm-up), 3 folds.
const ARGS = ['demo', '--hours', '0.2', '--folds', '3', '--seed', '3', '--no-progress'];

interface Dist {
  mean: number;
  min: number;
  max: number;
  n: number;
}
interface Report {
  format: string;
  ok: boolean;
  config: { folds: number; label: string; symbols: string[] };
  data: { files: { path: string }[]; bookEvents: number; integrityFailures: number; badLines: number; instruments: { gaps: number; crossed: number; locked: number; disordered: number; bboMismatched: number; bboCompared: number; failures: number }[] };
  features: { count: number; rows: number };
  labels: { classes: Record<string, number>; rows: number };
  dataset: { rows: number; manifest: string; leakCheck: { pairs: number } | null };
  split: { verified: boolean; violations: string[] };
  models: { kind: string; artifact: string; features: number; folds: { fold: number; auc: number; ic: number; rankIc: number; accuracy: number; majority: number; logLoss: number; trainRows: number; testRows: number }[]; summary: Record<string, Dist>; trading: { scenario: string; trades: Dist; bpsPerTrade: Dist; winRate: Dist }[] }[];
  run: { out: string; seconds: number; stages: { name: string; seconds: number }[] };
}

const runs: { out: string; code: number; stdout: string; stderr: string }[] = [];
function demo(name: string): (typeof runs)[number] {
  const out = join(root, name);
  const r = lobkit([...ARGS, '--out', out]);
  const x = { out, ...r };
  runs.push(x);
  return x;
}

test('lobkit demo: exit 0, a report folder with report.json, report.md, artifacts and the dataset manifest; books intact; one row per fold per model', () => {
  const r = demo('a');
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
  // stage log on stderr: one line per stage with its time
  const stages = r.stderr.split('\n').filter((l) => /^demo \[\d\/9\] .*\(\d+\.\d s\)$/.test(l));
  assert.equal(stages.length, 9, r.stderr);
  assert.match(r.stdout, /integrity failures 0/);
  assert.match(r.stdout, new RegExp(`report: ${r.out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/report\\.md`));

  const rep = JSON.parse(readFileSync(join(r.out, 'report.json'), 'utf8')) as Report;
  assert.equal(rep.format, 'lobkit-demo-report');
  assert.equal(rep.ok, true);
  // data: the simulated files were replayed and every book stayed intact
  assert.ok(rep.data.bookEvents > 100_000, `${rep.data.bookEvents} book events`);
  assert.equal(rep.data.integrityFailures, 0);
  assert.equal(rep.data.badLines, 0);
  assert.equal(rep.data.instruments.length, 1);
  for (const i of rep.data.instruments) {
    assert.equal(i.gaps + i.crossed + i.locked + i.disordered + i.bboMismatched + i.failures, 0);
    assert.ok(i.bboCompared > 100);
  }
  for (const f of rep.data.files) assert.ok(existsSync(join(r.out, f.path)), f.path);
  assert.ok(rep.features.count >= 80 && rep.features.rows > 5000, JSON.stringify(rep.features));
  const classes = Object.values(rep.labels.classes).reduce((a, b) => a + b, 0);
  assert.equal(classes, rep.labels.rows);
  assert.ok(rep.dataset.rows > 3000 && rep.dataset.leakCheck !== null && rep.dataset.leakCheck.pairs > 100);
  assert.ok(existsSync(join(r.out, rep.dataset.manifest)));
  assert.deepEqual(rep.split, { ...rep.split, verified: true, violations: [] });

  assert.deepEqual(
    rep.models.map((m) => m.kind),
    ['logistic', 'gbdt'],
  );
  for (const m of rep.models) {
    assert.equal(m.folds.length, 3, `${m.kind}: one row per fold`);
    assert.deepEqual(
      m.folds.map((f) => f.fold),
      [0, 1, 2],
    );
    for (const f of m.folds) {
      assert.ok(f.trainRows > 0 && f.testRows > 0);
      assert.ok(f.auc >= 0 && f.auc <= 1, `${m.kind} fold ${f.fold} AUC ${f.auc}`);
      assert.ok(f.accuracy >= 0 && f.accuracy <= 1 && f.majority >= 1 / 3 && f.majority <= 1);
      assert.ok(Math.abs(f.ic) <= 1 && Math.abs(f.rankIc) <= 1, `${m.kind} IC ${f.ic}`);
      assert.ok(f.logLoss > 0 && Number.isFinite(f.logLoss));
    }
    for (const k of ['auc', 'ic', 'accuracy', 'majority']) {
      const d = m.summary[k];
      assert.equal(d.n, 3, `${m.kind} ${k}`);
      assert.ok(d.min <= d.mean && d.mean <= d.max, `${m.kind} ${k} ${JSON.stringify(d)}`);
    }
    assert.deepEqual(
      m.trading.map((t) => t.scenario),
      ['taker/taker', 'maker/taker', 'maker/maker'],
    );
    for (const t of m.trading) {
      assert.ok(t.trades.mean > 0 && t.winRate.min >= 0 && t.winRate.max <= 1);
      assert.ok(Number.isFinite(t.bpsPerTrade.mean));
    }
    // the artifact: version, features, standardization / trees, training config, git SHA, checksums
    const art = JSON.parse(readFileSync(join(r.out, m.artifact, 'artifact.json'), 'utf8')) as { version: string; model: { features: string[] }; files: Record<string, string> };
    assert.match(art.version, /^\d+\.\d+\.\d+$/);
    assert.equal(art.model.features.length, m.features);
    for (const f of ['model.json', 'training.json', 'dataset.json', 'metrics.json', 'feature-spec.json', 'label.json']) assert.ok(f in art.files && existsSync(join(r.out, m.artifact, f)), f);
  }
  const md = readFileSync(join(r.out, 'report.md'), 'utf8');
  assert.match(md, /^# lobkit demo report\n/);
  assert.ok(md.includes('### logistic → `fwd_dir_1s`') && md.includes('### gbdt → `fwd_dir_1s`'));
  assert.match(md, /after costs/);
});

test('lobkit demo is deterministic (a second run, with --json: the same report apart from timings and folders); --json prints report.json', () => {
  const a = runs[0] ?? demo('a');
  const out = join(root, 'b');
  const b = lobkit([...ARGS, '--out', out, '--json']);
  assert.equal(b.code, 0, b.stderr);
  const printed = JSON.parse(b.stdout) as Report;
  assert.equal(printed.run.out, out);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')), printed);
  const strip = (dir: string) => {
    const { run: _run, ...rest } = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    return rest;
  };
  const ra = strip(a.out);
  assert.deepEqual(strip(out), ra);
  assert.ok(ra.models[0].folds[0].auc > 0 && ra.models[1].folds.length === 3, 'compared real metrics');
});

test('lobkit demo: bad options and unusable --out fail with a one-line error, nothing half-written', () => {
  const one = (r: { stderr: string }) => r.stderr.trim().split('\n').filter((l) => l.startsWith('lobkit:'));
  const h0 = lobkit(['demo', '--hours', '0', '--out', join(root, 'h0')]);
  assert.equal(h0.code, 2);
  assert.deepEqual(one(h0), ['lobkit: --hours must be a number of simulated hours in (0, 24], got "0"']);
  assert.equal(existsSync(join(root, 'h0')), false);
  const f1 = lobkit(['demo', '--folds', '1', '--out', join(root, 'f1')]);
  assert.equal(f1.code, 2);
  assert.match(f1.stderr, /--folds must be an integer in \[2, 20\]/);

  const file = join(root, 'a-file');
  writeFileSync(file, 'x');
  const under = lobkit(['demo', '--hours', '0.2', '--out', join(file, 'sub')]);
  assert.equal(under.code, 2);
  assert.match(one(under)[0], /^lobkit: --out .*a-file\/sub: cannot create the folder \(ENOTDIR\)$/);
  assert.doesNotMatch(under.stderr, /at .*\.js:\d+/, 'no stack trace');

  const mine = join(root, 'mine');
  mkdirSync(mine);
  writeFileSync(join(mine, 'notes.txt'), 'keep me');
  const foreign = lobkit(['demo', '--hours', '0.2', '--out', mine]);
  assert.equal(foreign.code, 2);
  assert.match(foreign.stderr, /was not written by lobkit demo/);
  assert.equal(readFileSync(join(mine, 'notes.txt'), 'utf8'), 'keep me');
});
