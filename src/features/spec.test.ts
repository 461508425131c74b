import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../core/errors.ts';
import { DEFAULT_SPEC } from './default-spec.ts';
import { FeatureSet } from './feature-set.ts';
import { CORE_COLUMNS, normalizeSpec, parseSpecText, specJson, specYaml } from './spec.ts';

const YAML = `
version: 1
sampling: { mode: time, interval_ms: 250 }
features:
  - op: spread
  - op: ofi
    levels: 3
    windows_ms: [1000]
    normalize: { method: zscore, window: 100 }
`;
const JSON_SPEC = JSON.stringify({
  features: [{ op: 'spread' }, { normalize: { window: 100, method: 'zscore' }, levels: 3, op: 'ofi', windows_ms: [1000] }],
  sampling: { interval_ms: 250, mode: 'time' },
  version: 1,
});

test('spec: YAML and JSON with keys in any order give the same normalized spec and hash; defaults are filled', () => {
  const a = parseSpecText(YAML);
  const b = parseSpecText(JSON_SPEC);
  assert.equal(a.hash, b.hash);
  assert.match(a.hash, /^[0-9a-f]{16}$/);
  assert.equal(specJson(a), specJson(b));
  const ofi = a.features[1];
  assert.equal(ofi.name, 'ofi');
  assert.equal(ofi.params.pca_halflife_rows, 600); // default filled in
  assert.equal(a.trade_sign, 'aggressor');
  assert.deepEqual(a.sampling, { mode: 'time', interval_ms: 250, max_gap_ms: 60_000 });
  // a normalized spec read back (frame metadata, artifacts) keeps its hash
  assert.equal(normalizeSpec(JSON.parse(specJson(a))).hash, a.hash);
  assert.equal(normalizeSpec(a).hash, a.hash);
  assert.equal(parseSpecText(specYaml(a)).hash, a.hash);
});

test('spec: any change to the computation changes the hash', () => {
  const a = parseSpecText(YAML);
  assert.notEqual(parseSpecText(YAML.replace('levels: 3', 'levels: 4')).hash, a.hash);
  assert.notEqual(parseSpecText(YAML.replace('interval_ms: 250', 'interval_ms: 100')).hash, a.hash);
  assert.notEqual(parseSpecText(YAML.replace('window: 100', 'window: 101')).hash, a.hash);
  assert.notEqual(parseSpecText(YAML + 'trade_sign: lee_ready\n').hash, a.hash);
});

test('spec: errors name the file and the field', () => {
  const err = (text: string, re: RegExp) =>
    assert.throws(
      () => parseSpecText(text, { source: 'my.yaml' }),
      (e: unknown) => e instanceof InputError && re.test(e.message) && e.message.startsWith('my.yaml'),
    );
  err('features:\n  - op: nope\n', /features\[0\]\.op.*unknown operator "nope"; known: .*ofi/);
  err('features:\n  - op: ofi\n    levels: three\n', /features\[0\]\.levels/);
  err('features:\n  - op: ofi\n    level: 3\n', /features\[0\].*level/);
  err('features: [\n', /not valid YAML/);
  err('sampling: { mode: volume }\nfeatures: [{ op: spread }]\n', /exactly one of volume/);
  err('sampling: { mode: hourly }\nfeatures: [{ op: spread }]\n', /sampling/);
  err('features: []\n', /at least one feature/);
  err('features:\n  - op: spread\n    name: Bad-Name\n', /features\[0\]\.name/);
});

test('spec: column names must be unique, and never start with fwd_', () => {
  assert.throws(() => new FeatureSet({ features: [{ op: 'spread' }, { op: 'spread' }] }), /column "spread" twice/);
  new FeatureSet({ features: [{ op: 'spread' }, { op: 'spread', name: 'spread2' }] });
  assert.throws(() => new FeatureSet({ features: [{ op: 'spread', name: 'fwd_spread' }] }), /reserved for labels/);
  assert.throws(() => new FeatureSet({ features: [{ op: 'spread', name: 'mid' }] }), /column "mid" twice/);
});

test('default spec: at least 80 feature columns across every family, core columns first', () => {
  const fs = new FeatureSet(DEFAULT_SPEC);
  assert.deepEqual(fs.names.slice(0, CORE_COLUMNS.length), [...CORE_COLUMNS]);
  assert.ok(fs.featureNames.length >= 80, `${fs.featureNames.length} features`);
  for (const prefix of ['spread', 'microprice', 'imb_l', 'depth_imb_', 'depth_bid_', 'idw_', 'slip_', 'slope_', 'ofi_l5', 'ofi_int', 'flow_', 'lr_', 'cvd', 'vpin', 'rate_', 'qdep_', 'since_', 'cdl_p_up', 'vol_parkinson', 'hurst_', 'ou_z', 'rsi_', 'ema_', 'atr_', 'bb_', 'regime_', 'resilience_', 'kyle_', 'funding_', 'time_'])
    assert.ok(fs.featureNames.some((n) => n.startsWith(prefix)), `no ${prefix}* column`);
  assert.ok(fs.featureNames.every((n) => !n.startsWith('fwd_')));
});

test('spec: a normalized spec is re-checked after an edit (the skip for unchanged specs is not a hole)', () => {
  const s = normalizeSpec({ features: [{ op: 'ofi', levels: 3 }] });
  assert.equal(normalizeSpec(s), s, 'an unchanged normalized spec normalizes to itself');
  (s.features[0].params as Record<string, unknown>).levels = -1;
  assert.throws(() => normalizeSpec(s), /levels/);
  (s.features[0].params as Record<string, unknown>).levels = 4;
  const t = normalizeSpec(s);
  assert.notEqual(t.hash, normalizeSpec({ features: [{ op: 'ofi', levels: 3 }] }).hash, 'the edit changes the hash');
});
