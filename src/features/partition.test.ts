import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatePartitionSink, partitionPath, utcDate } from './partition.ts';

const DAY = 86_400e9;
const t0 = Date.UTC(2024, 7, 8, 23, 59, 59) * 1e6;

test('partition sink: rows split by UTC date of ts and into chunks; meta carries the date', () => {
  const s = new DatePartitionSink('binance-spot', 'BTCUSDT', ['ts', 'x'], { spec_hash: 'h' }, 3);
  for (let i = 0; i < 6; i++) s.push(Float64Array.of(t0 + i * 0.4e9, i)); // 23:59:59.0 … 00:00:01.0
  s.close();
  const parts = s.pending.map((c) => [c.date, c.part, Array.from(c.frame.col('x'))]);
  assert.deepEqual(parts, [
    ['2024-08-08', 0, [0, 1, 2]],
    ['2024-08-09', 0, [3, 4, 5]],
  ]);
  const t = new DatePartitionSink('v', 's', ['ts', 'x'], {}, 2);
  for (let i = 0; i < 5; i++) t.push(Float64Array.of(t0 + DAY + i, i));
  t.close();
  assert.deepEqual(
    t.pending.map((c) => [c.date, c.part, c.frame.n]),
    [
      ['2024-08-09', 0, 2],
      ['2024-08-09', 1, 2],
      ['2024-08-09', 2, 1],
    ],
  );
  assert.equal(t.pending[0].frame.meta.date, '2024-08-09');
  assert.equal(utcDate(t0), '2024-08-08');
});

test('partition paths: hive layout, symbols made path-safe', () => {
  assert.equal(partitionPath('out', 'kraken', 'XBT/USD', '2024-08-09', 0), 'out/venue=kraken/symbol=XBT_USD/date=2024-08-09/part-0.parquet');
});
