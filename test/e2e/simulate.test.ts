import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lobkit } from '../helpers/cli.ts';
import { dataPath } from '../helpers/data.ts';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `lobkit-sim-${name}-`));

test('lobkit simulate → lobkit replay: across midnight, every book rebuilt with 0 gaps, 0 crossed, 0 bookTicker mismatches', () => {
  const out = tmp('usdm');
  const r = lobkit(['simulate', '--out', out, '--hours', '0.1', '--start', '2024-01-01T23:57:00Z', '--seed', '7', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.venue, 'binance-usdm');
  assert.deepEqual(readdirSync(join(out, 'usdm')).sort(), ['btcusdt_20240101.gz', 'btcusdt_20240102.gz', 'ethusdt_20240101.gz', 'ethusdt_20240102.gz']);
  assert.equal(s.files.length, 4);
  assert.ok(s.events > 100_000 && s.trades > 1000, `${s.events} events, ${s.trades} trades`);
  assert.ok(s.bytes > 0 && s.bytes < s.rawBytes);
  const files = readdirSync(join(out, 'usdm')).map((f) => join(out, 'usdm', f));
  const rep = lobkit(['replay', ...files, '--json']);
  assert.equal(rep.code, 0, rep.stdout.slice(0, 2000) + rep.stderr);
  const j = JSON.parse(rep.stdout);
  assert.equal(j.ok, true);
  assert.equal(j.instruments.length, 2);
  for (const i of j.instruments) {
    assert.equal(i.venue, 'binance-usdm');
    assert.equal(i.gaps, 0);
    assert.equal(i.crossed + i.locked, 0);
    assert.equal(i.bbo.mismatched, 0);
    assert.ok(i.bbo.compared > 100, `${i.symbol} bookTickers compared ${i.bbo.compared}`);
    assert.equal(i.snapshots, 1, 'one REST snapshot, in the first day file');
    assert.ok(i.fundingEvents >= 350, `${i.symbol} markPriceUpdate every second: ${i.fundingEvents}`);
    assert.ok(i.start < '2024-01-02' && i.end > '2024-01-02', 'the stream continues across the day files');
  }
  assert.equal(j.totals.badLines, 0);
  // the first-day file starts as a recorder's does: diffs buffered, then the REST snapshot
  const text = lobkit(['book', ...files, '--symbol', 'BTCUSDT', '--at', '2024-01-02T00:00:30Z', '--depth', '3', '--json']);
  assert.equal(text.code, 0, text.stderr);
  const book = JSON.parse(text.stdout);
  assert.equal(book.valid, true);
  assert.ok(Number(book.bids[0][0]) > 50_000 && Number(book.bids[0][0]) < Number(book.asks[0][0]));
});

test('same seed → byte-identical files (whatever the worker count); another seed → different bytes', () => {
  const a = tmp('a');
  const b = tmp('b');
  const c = tmp('c');
  for (const [dir, seed, workers] of [
    [a, '42', '2'],
    [b, '42', '1'],
    [c, '43', '2'],
  ]) {
    const r = lobkit(['simulate', '--out', dir, '--venue', 'binance-spot', '--hours', '0.02', '--seed', seed, '--workers', workers, '--json']);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const f of ['btcusdt_20240101.gz', 'ethusdt_20240101.gz']) {
    const x = readFileSync(join(a, 'spot', f));
    assert.ok(x.equals(readFileSync(join(b, 'spot', f))), `${f} identical`);
    assert.ok(!x.equals(readFileSync(join(c, 'spot', f))), `${f} differs with another seed`);
  }
});

test('spot venue, custom symbols: Binance spot frames (contiguous U/u, no pu, no markPrice) that replay clean', () => {
  const out = tmp('spot');
  const r = lobkit(['simulate', '--out', out, '--venue', 'binance-spot', '--symbols', 'btcusdt,SOLUSDT', '--hours', '0.03', '--seed', '3']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /SOLUSDT: no parameter set of their own; simulated with BTCUSDT's parameters/);
  assert.match(r.stdout, /binance-spot, 0\.03 h from 2024-01-01T00:00:00\.000Z, seed 3: \d+ book events/);
  const files = readdirSync(join(out, 'spot')).map((f) => join(out, 'spot', f));
  assert.equal(files.length, 2);
  const rep = lobkit(['replay', ...files, '--json']);
  assert.equal(rep.code, 0, rep.stdout.slice(0, 1000));
  const j = JSON.parse(rep.stdout);
  for (const i of j.instruments) {
    assert.equal(i.venue, 'binance-spot');
    assert.equal(i.gaps, 0);
    assert.equal(i.bbo.mismatched, 0);
    assert.equal(i.fundingEvents, 0);
  }
});

test('lobkit simulate calibrate → --params → simulate validate', (t) => {
  const real = dataPath(t, 'binance-hftbacktest/usdm/btcusdt_20240808.gz');
  if (!real) return;
  const dir = tmp('cal');
  const params = join(dir, 'p.json');
  const c = lobkit(['simulate', 'calibrate', real, '--out', params, '--refine', '1', '--refine-minutes', '1', '--json']);
  assert.equal(c.code, 0, c.stderr);
  const rep = JSON.parse(c.stdout);
  assert.deepEqual(rep.instruments, ['BTCUSDT']);
  assert.equal(rep.checks[0].real.tickersPerS > 100, true);
  const p = JSON.parse(readFileSync(params, 'utf8'));
  assert.equal(p.venue, 'binance-usdm');
  assert.deepEqual([p.instruments[0].tickSize, p.instruments[0].lotSize], ['0.1', '0.001']);
  const out = join(dir, 'out');
  const s = lobkit(['simulate', '--out', out, '--params', params, '--hours', '0.05', '--json']);
  assert.equal(s.code, 0, s.stderr);
  const files = JSON.parse(s.stdout).files as string[];
  assert.deepEqual(files.map((f) => f.split('/').slice(-2).join('/')), ['usdm/btcusdt_20240101.gz']);
  const v = lobkit(['simulate', 'validate', ...files, '--against', real, '--json']);
  const res = JSON.parse(v.stdout);
  assert.equal(v.code, res.ok ? 0 : 1, 'exit code follows the verdict');
  assert.equal(res.ok, res.checks.every((x: { pass: boolean }) => x.pass));
  const names = new Set(res.checks.map((x: { name: string }) => x.name));
  for (const n of ['share of time at a 1-tick spread', 'median queue, level 3 (base units)', 'trade size p50 (base units)', 'trades / s', 'autocorrelation of 1 s returns, lag 2', 'corr(order-flow imbalance over 1 s, next 1 s mid move)']) assert.ok(names.has(n), n);
  const text = lobkit(['simulate', 'validate', ...files, '--against', real]);
  assert.match(text.stdout, /claimed statistics: /);
});

test('usage and input errors: one clear line, exit 2 (usage) or 1 (bad file)', () => {
  let r = lobkit(['simulate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /needs --out/);
  r = lobkit(['simulate', '--out', tmp('e'), '--hours', 'soon']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--hours must be a positive number of hours, got "soon"/);
  r = lobkit(['simulate', '--out', tmp('e'), '--venue', 'kraken']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /binance-usdm or binance-spot/);
  const bad = join(tmp('e'), 'bad.json');
  writeFileSync(bad, JSON.stringify({ format: 'lobkit-synth/1', venue: 'binance-usdm' }));
  r = lobkit(['simulate', '--out', tmp('e'), '--params', bad]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.json field "source"/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  r = lobkit(['simulate', 'validate', 'x.gz']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /needs --against/);
  r = lobkit(['simulate', 'calibrate', 'package.json', '--out', join(tmp('e'), 'p.json')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /name raw files <symbol>_<YYYYMMDD>\.gz/);
});
