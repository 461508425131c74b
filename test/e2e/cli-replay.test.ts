import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataPaths } from '../helpers/data.ts';
import { lobkit } from '../helpers/cli.ts';

const SPOT = ['btcusdt_20240808.gz', 'btcusdt_20240809.gz', 'ethusdt_20240808.gz', 'ethusdt_20240809.gz'].map((f) => `binance-hftbacktest/spot/${f}`);

test('lobkit replay --json: one JSON object with the documented fields, exit 0 on clean data', async (t) => {
  const paths = dataPaths(t, SPOT);
  if (!paths) return;
  const r = lobkit(['replay', ...paths, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, true);
  assert.equal(out.instruments.length, 2);
  for (const i of out.instruments) {
    for (const k of ['venue', 'symbol', 'messages', 'gaps', 'crossed']) assert.ok(k in i, k);
    assert.equal(i.venue, 'binance-spot');
    assert.equal(i.gaps, 0);
    assert.equal(i.crossed, 0);
    assert.deepEqual(i.checksum, { checked: 0, failed: 0 });
    assert.equal(i.bbo.mismatched, 0);
    assert.ok(i.spreadBps.p5 > 0 && i.spreadBps.p5 <= i.spreadBps.p50 && i.spreadBps.p50 <= i.spreadBps.p95);
  }
  const btc = out.instruments.find((i: { symbol: string }) => i.symbol === 'BTCUSDT');
  assert.equal(btc.messages, 41249 + 58325);
  assert.equal(btc.bbo.compared, 1072);
  assert.equal(out.totals.badLines, 0);
});

test('lobkit replay text report and --tob-out CSV/Parquet agree with lobkit book at the same time', async (t) => {
  const paths = dataPaths(t, SPOT.slice(0, 2));
  if (!paths) return;
  const dir = mkdtempSync(join(tmpdir(), 'lobkit-tob-'));
  const csv = join(dir, 'tob.csv');
  const pq = join(dir, 'tob.parquet');
  const r = lobkit(['replay', ...paths, '--tob-out', csv]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /binance-spot\s+BTCUSDT/);
  assert.match(r.stdout, /OK\n$/);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'exch_ts,local_ts,venue,symbol,bid_price,bid_size,ask_price,ask_size');
  const rows = lines.slice(1).map((l) => l.split(','));
  assert.ok(rows.length > 1000);
  for (const row of rows) assert.ok(Number(row[4]) < Number(row[6]), 'bid < ask in every row');
  const r2 = lobkit(['replay', ...paths, '--tob-out', pq, '--json']);
  assert.equal(JSON.parse(r2.stdout).totals.tobRows, rows.length);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const con = await (await DuckDBInstance.create(':memory:')).connect();
  const res = await con.runAndReadAll(`SELECT count(*)::INTEGER AS n, max(bid_price) AS mb FROM '${pq}'`);
  const [n, mb] = res.getRows()[0] as [number, number];
  assert.equal(n, rows.length);
  assert.equal(mb, Math.max(...rows.map((x) => Number(x[4]))));

  // The book at midnight equals the last top-of-book row at or before midnight.
  const at = Date.UTC(2024, 7, 9) * 1e6;
  const b = lobkit(['book', ...paths, '--symbol', 'BTCUSDT', '--at', '2024-08-09T00:00:00Z', '--depth', '3', '--json']);
  assert.equal(b.code, 0, b.stderr);
  const book = JSON.parse(b.stdout);
  assert.equal(book.valid, true);
  assert.equal(book.bids.length, 3);
  assert.equal(book.asks.length, 3);
  assert.ok(Number(book.bids[0][0]) > Number(book.bids[1][0]));
  assert.ok(Number(book.asks[0][0]) < Number(book.asks[1][0]));
  const last = rows.filter((x) => Number(x[0]) <= at).pop()!;
  assert.deepEqual([Number(book.bids[0][0]), Number(book.bids[0][1]), Number(book.asks[0][0]), Number(book.asks[0][1])], [Number(last[4]), Number(last[5]), Number(last[6]), Number(last[7])]);
  const text = lobkit(['book', ...paths, '--symbol', 'btcusdt', '--at', String(at), '--depth', '2']);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /binance-spot BTCUSDT at 2024-08-09T00:00:00.000Z/);
  assert.match(text.stdout, /spread /);
});

test('usage errors: missing file, unknown venue, bad --at → one clear line, exit 2', () => {
  let r = lobkit(['replay', 'no/such/file.gz']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), 'lobkit: no/such/file.gz: no such file');
  r = lobkit(['replay', 'package.json', '--venue', 'nasdaq', '--format', 'raw']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown venue "nasdaq"/);
  r = lobkit(['book', 'package.json', '--symbol', 'X', '--at', 'yesterday']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--at "yesterday"/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
