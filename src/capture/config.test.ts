import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fromEnv, loadConfigFile, loadDotEnv, resolveSettings } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'lobkit-config-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('one venue from flags: defaults per venue (Binance REST depth 1000, Bybit 200, Kraken 10, OKX 400), channels book,trades,bbo', () => {
  const s = resolveSettings({ flags: { venue: 'binance-usdm', symbols: ['BTCUSDT', 'ETHUSDT'] }, env: {}, dotenv: {} });
  assert.deepEqual(s.streams, [{ venue: 'binance-usdm', symbols: ['BTCUSDT', 'ETHUSDT'], channels: ['book', 'trades', 'bbo'], depth: 1000 }]);
  assert.equal(s.rotateMinutes, 10);
  assert.equal(s.out, 'data');
  assert.equal(s.metricsHost, '127.0.0.1');
  assert.equal(s.metricsPort, undefined);
  for (const [venue, depth] of [['bybit-linear', 200], ['kraken', 10], ['okx', 400], ['coinbase', 0]] as const) {
    const sym = venue === 'kraken' ? 'XBT/USD' : venue === 'okx' ? 'BTC-USDT' : venue === 'coinbase' ? 'BTC-USD' : 'BTCUSDT';
    assert.equal(resolveSettings({ flags: { venue, symbols: [sym] }, env: {}, dotenv: {} }).streams[0].depth, depth);
  }
});

test('precedence: flags > environment > .env > config file > defaults; a stream\'s own keys win over common ones', () => {
  const cfg = loadConfigFile(
    file(
      'many.yaml',
      `out: /from-file
rotateMinutes: 30
symbols: [BTCUSDT]
metrics: { port: 9100, intervalSeconds: 5 }
streams:
  - venue: binance-spot
  - venue: bybit-linear
    symbols: [ETHUSDT, SOLUSDT]
    depth: 50
    channels: [book]
`,
    ),
  );
  const dotenv = loadDotEnv(file('.env', 'LOBKIT_OUT=/from-dotenv\nLOBKIT_ROTATE_MINUTES=20\nLOBKIT_GZIP_LEVEL=4\nOTHER=ignored\n'));
  const env = fromEnv({ LOBKIT_ROTATE_MINUTES: '15', LOBKIT_SYMBOLS: 'BTCUSDT,XRPUSDT', PATH: '/bin' }, 'environment');
  const s = resolveSettings({ flags: { rotateMinutes: 5 }, env, dotenv, file: cfg, filePath: 'many.yaml' });
  assert.equal(s.rotateMinutes, 5); // flag
  assert.equal(s.out, '/from-dotenv'); // .env beats the file
  assert.equal(s.gzipLevel, 4);
  assert.equal(s.metricsPort, 9100); // file
  assert.equal(s.metricsIntervalSeconds, 5);
  assert.deepEqual(s.streams[0], { venue: 'binance-spot', symbols: ['BTCUSDT', 'XRPUSDT'], channels: ['book', 'trades', 'bbo'], depth: 1000 }); // env symbols beat the file's common list
  assert.deepEqual(s.streams[1], { venue: 'bybit-linear', symbols: ['ETHUSDT', 'SOLUSDT'], channels: ['book'], depth: 50 }); // its own keys
  const noFlags = resolveSettings({ flags: {}, env, dotenv, file: cfg, filePath: 'many.yaml' });
  assert.equal(noFlags.rotateMinutes, 15); // environment beats .env
});

test('malformed config files: errors name the file, the line and the field', () => {
  assert.throws(() => loadConfigFile(file('syntax.yaml', 'streams:\n  - venue: okx\n    symbols: [BTC-USDT\n')), (e: Error) => /syntax\.yaml:\d+: not valid YAML/.test(e.message));
  assert.throws(() => loadConfigFile(file('unknown.yaml', 'out: x\nrotate: 5\n')), /unknown\.yaml:2 field "rotate": unknown key \(known: .*rotateMinutes/);
  assert.throws(() => loadConfigFile(file('type.yaml', 'out: x\nstreams:\n  - venue: okx\n    depth: deep\n')), /type\.yaml:4 field "streams\.0\.depth": .*expected number/);
  assert.throws(() => loadConfigFile(file('venue.yaml', 'streams:\n  - venue: ftx\n    symbols: [BTC-PERP]\n')), /venue\.yaml:2 field "streams\.0\.venue": .*binance-spot/);
  assert.throws(() => loadConfigFile(file('bad.json', '{"streams": [}')), /bad\.json: not valid JSON/);
  assert.throws(() => loadConfigFile(file('empty.yaml', '')), /empty\.yaml: the config file is empty/);
  assert.throws(() => loadConfigFile(join(dir, 'missing.yaml')), /missing\.yaml: no such file/);
  assert.throws(() => loadConfigFile(file('range.json', '{"rotateMinutes": 0}')), /range\.json field "rotateMinutes": .*>=1/);
});

test('settings are checked against the venue: symbols, depths, channels; contradictions refused', () => {
  const r = (flags: Parameters<typeof resolveSettings>[0]['flags']) => () => resolveSettings({ flags, env: {}, dotenv: {} });
  assert.throws(r({ venue: 'bybit-linear', symbols: ['BTCUSDT'], depth: 25 }), /bybit-linear book depth 25 is not offered; choose one of 1, 50, 200, 1000/);
  assert.throws(r({ venue: 'kraken', symbols: ['XBTUSD'] }), /kraken symbol "XBTUSD" is not a venue symbol like XBT\/USD/);
  assert.throws(r({ venue: 'okx', symbols: ['BTC-USDT'], channels: ['book', 'depth'] }), /unknown channel "depth"/);
  assert.throws(r({ venue: 'kraken', symbols: ['XBT/USD'], channels: ['funding'] }), /kraken offers none of the channels funding/);
  assert.throws(r({ venue: 'binance-spot' }), /no symbols for binance-spot: give --symbols/);
  assert.throws(r({ venue: 'binance-spot', symbols: ['BTCUSDT', 'BTCUSDT'] }), /listed twice/);
  assert.throws(r({ venue: 'binance-spot', symbols: ['BTCUSDT'], baseUrl: 'localhost:80' }), /base URL "localhost:80" is not like ws:\/\/127\.0\.0\.1:8080/);
  assert.throws(r({ venue: 'nope', symbols: ['X'] }), /unknown venue "nope"/);
  assert.throws(r({}), /nothing to record/);
  assert.throws(r({ venue: 'okx', symbols: ['BTC-USDT'], rotateMinutes: 0 }), /rotation \(minutes\) must be an integer 1\.\.1440, got 0/);
  // Unsupported channels of a venue are dropped, not an error, when others remain (bybit-spot has no bbo).
  assert.deepEqual(resolveSettings({ flags: { venue: 'bybit-spot', symbols: ['BTCUSDT'] }, env: {}, dotenv: {} }).streams[0].channels, ['book', 'trades']);
  const cfg = loadConfigFile(file('both.yaml', 'streams:\n  - venue: okx\n    symbols: [BTC-USDT]\n'));
  assert.throws(() => resolveSettings({ flags: { venue: 'okx', symbols: ['ETH-USDT'] }, env: {}, dotenv: {}, file: cfg, filePath: 'both.yaml' }), /both a venue .* and a streams list in both\.yaml/);
  assert.throws(() => fromEnv({ LOBKIT_DEPTH: 'ten' }, 'environment'), /environment LOBKIT_DEPTH: expected an integer, got "ten"/);
  assert.throws(() => resolveSettings({ flags: {}, env: {}, dotenv: {}, file: loadConfigFile(file('dup.yaml', 'streams:\n  - venue: okx\n    symbols: [BTC-USDT]\n  - venue: okx\n    symbols: [BTC-USDT]\n')), filePath: 'dup.yaml' }), /okx:BTC-USDT is listed in two streams/);
});
