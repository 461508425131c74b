import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from './duration.ts';
import { defaultLabelSpecInput, labelSpecHash, needsEvents, normalizeLabelSpec } from './spec.ts';

test('durations: units, plain seconds, compact names, clear errors', () => {
  assert.equal(parseDuration('250ms'), 250e6);
  assert.equal(parseDuration('10s'), 10e9);
  assert.equal(parseDuration('5m'), 300e9);
  assert.equal(parseDuration('1.5s'), 1.5e9);
  assert.equal(parseDuration(2), 2e9);
  assert.equal(formatDuration(600e9), '600s');
  assert.equal(formatDuration(250e6), '250ms');
  assert.throws(() => parseDuration('10 parsecs', 'horizon'), /horizon: unknown unit "parsecs"/);
  assert.throws(() => parseDuration('soon', 'horizon'), /cannot read duration "soon"/);
});

test('spec normalization: defaults, ns durations, venue maker fees, field-named errors', () => {
  const s = normalizeLabelSpec({ horizons: ['10s', '1s', '10s'], direction: {}, maker: { horizon: '5s' } }, { venue: 'binance-usdm' });
  assert.deepEqual(s.horizons, [1e9, 10e9]);
  assert.deepEqual(s.direction?.horizons, [1e9, 10e9]);
  assert.deepEqual(s.direction?.threshold, { type: 'spread', k: 0.5 });
  assert.equal(s.maker?.makerFeeBps, 2);
  assert.equal(s.maker?.feeSource, 'binance-usdm');
  assert.equal(s.maker?.markout, 1e9);
  assert.equal(normalizeLabelSpec({ maker: { horizon: '5s', fees: -0.5 } }).maker?.makerFeeBps, -0.5);
  assert.throws(() => normalizeLabelSpec({ maker: { horizon: '5s' } }), /maker.fees: give a venue name/);
  assert.throws(() => normalizeLabelSpec({ horizonz: ['1s'] }, { where: 'labels.yaml' }), /labels.yaml: .*horizonz/);
  assert.throws(() => normalizeLabelSpec({ direction: { threshold: { type: 'spread', k: -1 } } }), /direction.threshold.k/);
  assert.throws(() => normalizeLabelSpec({ horizons: ['0s'] }), /horizons\[0\] must be > 0/);
  assert.equal(needsEvents(normalizeLabelSpec(defaultLabelSpecInput(false))), false);
  assert.equal(needsEvents(normalizeLabelSpec(defaultLabelSpecInput(true), { venue: 'kraken' })), true);
});

test('the spec hash is stable under key order and changes with any parameter', () => {
  const a = normalizeLabelSpec({ horizons: ['1s'], smoothed: { k: [10], threshold: { type: 'bps', bps: 1 } } });
  const b = normalizeLabelSpec({ smoothed: { threshold: { bps: 1, type: 'bps' }, k: [10] }, horizons: [1] });
  const c = normalizeLabelSpec({ horizons: ['1s'], smoothed: { k: [10], threshold: { type: 'bps', bps: 2 } } });
  assert.equal(labelSpecHash(a), labelSpecHash(b));
  assert.notEqual(labelSpecHash(a), labelSpecHash(c));
  assert.match(labelSpecHash(a), /^[0-9a-f]{16}$/);
});
