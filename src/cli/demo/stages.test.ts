import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { InputError } from '../../core/errors.ts';
import { simulateToFiles } from '../../synth/index.ts';
import type { DemoOptions } from './options.ts';
import { assertSplits, replayStage } from './stages.ts';

const dir = mkdtempSync(join(tmpdir(), 'lobkit-demo-stages-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const opts: DemoOptions = { out: dir, seed: 5, hours: 0.01, symbols: ['BTCUSDT'], folds: 3, json: false, progress: false };

test('replay stage: intact simulated books pass; a dropped depth diff (a sequence gap) fails the demo with a one-line InputError', async () => {
  const sim = await simulateToFiles({ out: join(dir, 'data'), venue: 'binance-usdm', symbols: ['BTCUSDT'], hours: 0.01, seed: 5 });
  const ok = await replayStage(opts, sim.files);
  assert.equal(ok.ok, true);
  assert.equal(ok.totals.failures, 0);

  const lines = gunzipSync(readFileSync(sim.files[0])).toString('utf8').split('\n');
  const diffs = lines.map((l, i) => (l.includes('"depthUpdate"') ? i : -1)).filter((i) => i >= 0);
  assert.ok(diffs.length > 100, `${diffs.length} diffs`);
  lines.splice(diffs[diffs.length >> 1], 1);
  const broken = join(dir, 'btcusdt_20240101.gz');
  writeFileSync(broken, gzipSync(lines.join('\n')));
  await assert.rejects(replayStage(opts, [broken]), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /^demo: the reconstructed books failed their checks: BTCUSDT: \d+ integrity failures \(gaps [1-9]/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
});

test('split check: a violation or an empty fold stops the demo', () => {
  const good = { kind: 'gbdt' as const, folds: [{ fold: 0, train: 100, validation: 10, test: 50 }], violations: [] };
  assert.doesNotThrow(() => assertSplits([good]));
  assert.throws(() => assertSplits([{ ...good, violations: ['fold 0: row 7 [1, 9] overlaps the held-out span [5, 20] (train/test)'] }]), /gbdt walk-forward split failed verification \(1 violations; first: fold 0: row 7/);
  assert.throws(() => assertSplits([{ ...good, folds: [{ fold: 0, train: 100, validation: 0, test: 0 }] }]), /fold 0 has 100 training and 0 test rows/);
});
