import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UsageError } from '../../core/errors.ts';
import { DEMO_DEFAULTS, parseDemoFlags, prepareOut } from './options.ts';

const root = mkdtempSync(join(tmpdir(), 'lobkit-demo-opts-'));
after(() => rmSync(root, { recursive: true, force: true }));
const flags = (o: Partial<Record<keyof typeof DEMO_DEFAULTS, string>> = {}) => ({ ...DEMO_DEFAULTS, ...o, progress: true });

test('parseDemoFlags: defaults, numeric and text seeds, symbols upper-cased; bad values are usage errors naming the option', () => {
  assert.deepEqual(parseDemoFlags(flags()), { out: 'demo-out', seed: 1, hours: 0.5, symbols: ['BTCUSDT'], folds: 4, json: false, progress: true });
  assert.equal(parseDemoFlags(flags({ seed: 'abc' })).seed, 'abc');
  assert.deepEqual(parseDemoFlags(flags({ symbols: 'btcusdt, ethusdt' })).symbols, ['BTCUSDT', 'ETHUSDT']);
  for (const [o, re] of [
    [{ hours: '0' }, /--hours must be a number of simulated hours in \(0, 24\]/],
    [{ hours: 'x' }, /--hours/],
    [{ hours: '0.05' }, /--hours 0\.05: at least 0\.1/],
    [{ folds: '1' }, /--folds must be an integer in \[2, 20\]/],
    [{ folds: '2.5' }, /--folds/],
    [{ symbols: ',' }, /--symbols needs at least one symbol/],
    [{ symbols: 'BTCUSDT,btcusdt' }, /lists a symbol twice/],
    [{ symbols: 'BTC/USDT' }, /"BTC\/USDT" is not a symbol/],
  ] as const) {
    assert.throws(() => parseDemoFlags(flags(o)), (e: unknown) => e instanceof UsageError && re.test(e.message), JSON.stringify(o));
  }
});

test('prepareOut: creates the folder; clears what an earlier demo wrote (keeping other files); refuses foreign folders and files', () => {
  const out = join(root, 'a', 'b');
  prepareOut(out);
  assert.deepEqual(readdirSync(out), ['.lobkit-demo']);
  mkdirSync(join(out, 'models', 'gbdt'), { recursive: true });
  writeFileSync(join(out, 'report.json'), '{}');
  writeFileSync(join(out, 'mine.txt'), 'x');
  prepareOut(out);
  assert.deepEqual(readdirSync(out).sort(), ['.lobkit-demo', 'mine.txt']);

  const foreign = join(root, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'data.csv'), '1');
  assert.throws(() => prepareOut(foreign), /--out .*foreign: folder exists and was not written by lobkit demo/);
  assert.ok(existsSync(join(foreign, 'data.csv')));
  const file = join(root, 'file');
  writeFileSync(file, '');
  assert.throws(() => prepareOut(file), /exists and is not a folder/);
  assert.throws(() => prepareOut(join(file, 'x')), /cannot create the folder \(ENOTDIR\)/);
  const empty = join(root, 'empty');
  mkdirSync(empty);
  prepareOut(empty);
  assert.ok(existsSync(join(empty, '.lobkit-demo')));
});
