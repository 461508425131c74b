import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bybitArchiveFormat } from './bybit-archive.ts';
import { FORMATS } from './open.ts';

const line = '{"topic":"orderbook.500.XRPUSDT","type":"snapshot","ts":1733011200691,"data":{"s":"XRPUSDT","b":[],"a":[],"u":1,"seq":2},"cts":1733011200688}';

test('sniff: by the history file name or by a bare v5 orderbook line; not raw captures or cryptofeed', () => {
  const f = bybitArchiveFormat;
  assert.equal(f.sniff('/d/2024-12-01_XRPUSDT_ob500.data.gz', []), true);
  assert.equal(f.sniff('/d/renamed.jsonl', [line]), true);
  assert.equal(f.sniff('/d/btcusdt_20240808.gz', ['1723161256183000000 ' + line]), false);
  assert.equal(f.sniff('/d/BYBIT.jsonl.gz', ['{"t":"header","format":2,"exchange":"BYBIT"}']), false);
  assert.equal(f.sniff('/d/x.jsonl', ['{"topic":"tickers.BTCUSDT","type":"snapshot"}']), false);
  // Only lobkit-events files (a JSON header line naming their format) are sniffed before it.
  assert.deepEqual(FORMATS.slice(0, FORMATS.indexOf(f)).map((x) => x.id), ['lobkit-events'], 'sniffed first');
});

test('venue: bybit-linear unless --venue names another Bybit category; day files form one stream', () => {
  const f = bybitArchiveFormat;
  const p = '/d/2024-12-01_XRPUSDT_ob500.data.gz';
  assert.equal(f.venueOf(p, [line], {}), 'bybit-linear');
  assert.equal(f.venueOf(p, [line], { venue: 'bybit-spot' }), 'bybit-spot');
  assert.throws(() => f.venueOf(p, [line], { venue: 'binance-spot' }), /cannot read a Bybit archive file/);
  assert.equal(f.streamKey?.(p), f.streamKey?.('/d/2024-12-02_XRPUSDT_ob500.data.gz'));
  assert.notEqual(f.streamKey?.(p), f.streamKey?.('/d/2024-12-01_BTCUSDT_ob500.data.gz'));
});
