import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Frame } from '../core/frame.ts';
import { modelFromJSON } from './registry.ts';
import { syntheticData } from './synthetic.ts';
import { parseModelConfig, trainModel, trainSetFromFrame } from './train.ts';

test('configs are validated with every problem named, defaults filled in', () => {
  assert.equal(parseModelConfig({ kind: 'gbdt' }).kind, 'gbdt');
  const g = parseModelConfig({ kind: 'gbdt', numLeaves: 7 });
  assert.ok(g.kind === 'gbdt' && g.numLeaves === 7 && g.learningRate === 0.1);
  assert.throws(() => parseModelConfig({ kind: 'gbdt', numLeafs: 7 }), /Unrecognized key.*numLeafs/);
  assert.throws(() => parseModelConfig({ kind: 'gbdt', learningRate: -1 }), /learningRate/);
  assert.throws(() => parseModelConfig({ kind: 'svm' }), /kind/);
  assert.throws(() => parseModelConfig({ kind: 'logistic', l2: 'x' }), /l2/);
});

test('trainModel trains each kind through one entry point; models round-trip through the registry', async () => {
  const d = syntheticData(1500, 10, { seed: 3 });
  const reg = syntheticData(1500, 10, { seed: 3, task: 'regression' });
  let steps = 0;
  for (const [cfg, data] of [
    [{ kind: 'logistic' as const }, d],
    [{ kind: 'ridge' as const }, reg],
    [{ kind: 'gbdt' as const, rounds: 5 }, d],
  ] as const) {
    const { model, info } = await trainModel(cfg, data, { onProgress: () => steps++ });
    assert.equal(model.kind, cfg.kind);
    assert.equal(typeof info.seconds, 'number');
    const back = modelFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    assert.deepEqual(Array.from(back.predict(data.x, 50)), Array.from(model.predict(data.x, 50)));
  }
  assert.ok(steps > 5, 'progress reported');
});

test('trainSetFromFrame takes the feature columns row-major for the given rows and refuses missing labels', () => {
  const f = new Frame(['a', 'b', 'y', 'w'], [Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8), Float64Array.of(0, 1, NaN, 1), Float64Array.of(1, 1, 1, 2)], 4);
  const t = trainSetFromFrame(f, ['b', 'a'], 'y', { rows: [0, 3], weight: 'w' });
  assert.equal(t.n, 2);
  assert.deepEqual(Array.from(t.x), [5, 1, 8, 4]);
  assert.deepEqual(Array.from(t.y), [0, 1]);
  assert.deepEqual(Array.from(t.weight!), [1, 2]);
  assert.throws(() => trainSetFromFrame(f, ['a'], 'y'), /label y: row 2 is missing/);
});
