import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { okxChecksum } from '../../src/venues/okx/checksum.ts';
import { formatAtPrecision, krakenChecksum, krakenChecksumString } from '../../src/venues/kraken/checksum.ts';
import { dataPath } from '../helpers/data.ts';

interface Vector {
  exchange: 'kraken' | 'okx';
  protocol: string;
  symbol: string;
  source_line: number;
  top10_bids?: [string, string][];
  top10_asks?: [string, string][];
  checksum_string: string;
  /** Kraken v1: quoted uint32 as sent; Kraken v2: uint32; OKX: signed int32. */
  expected_checksum: string | number;
  crc32_unsigned?: number;
  crc32_signed?: number;
}

/**
 * OKX vectors carry only the checksum string "bid:size:ask:size:..." (best-first, interleaved; a
 * side that runs out is skipped). Levels are recovered by price: bids lie at or below the best bid.
 */
function okxLevels(s: string): { bids: [string, string][]; asks: [string, string][] } {
  const f = s.split(':');
  assert.equal(f.length % 2, 0);
  const pairs: [string, string][] = [];
  for (let i = 0; i < f.length; i += 2) pairs.push([f[i], f[i + 1]]);
  const bestBid = Number(pairs[0][0]);
  assert.ok(pairs.length > 1 && Number(pairs[1][0]) > bestBid, 'first pair is the best bid, second the best ask');
  const bids = pairs.filter((p) => Number(p[0]) <= bestBid);
  const asks = pairs.filter((p) => Number(p[0]) > bestBid);
  return { bids, asks };
}

test('checksum vectors: 50 of 50 reproduce the venue\'s checksum string and value (30 Kraken v1, 11 Kraken v2, 9 OKX)', (t) => {
  const path = dataPath(t, 'checksums/checksum_vectors.jsonl');
  if (!path) return;
  const vectors = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Vector);
  assert.equal(vectors.length, 50);
  const passed = { krakenV1: 0, krakenV2: 0, okx: 0 };
  for (const v of vectors) {
    const where = `${v.exchange} ${v.symbol} line ${v.source_line}`;
    if (v.exchange === 'kraken') {
      const bids = v.top10_bids!;
      const asks = v.top10_asks!;
      assert.equal(krakenChecksumString(bids, asks), v.checksum_string, where);
      const sum = krakenChecksum(bids, asks);
      assert.equal(sum, Number(v.expected_checksum), where);
      assert.equal(sum, v.crc32_unsigned, where);
      if (v.protocol.startsWith('ws-v1')) {
        assert.equal(typeof v.expected_checksum, 'string', 'v1 quotes its checksum');
        passed.krakenV1++;
      } else {
        // v2 levels are JSON numbers: written at price precision 1 / qty precision 8 they give the vector's strings.
        assert.ok(v.protocol.includes('price_precision=1, qty_precision=8'), where);
        for (const [p, q] of [...bids, ...asks]) {
          assert.equal(formatAtPrecision(Number(p), 1), p, where);
          assert.equal(formatAtPrecision(Number(q), 8), q, where);
        }
        passed.krakenV2++;
      }
    } else {
      assert.equal(v.exchange, 'okx');
      const { bids, asks } = okxLevels(v.checksum_string);
      // Re-interleaving the recovered levels gives the string back: the split is right.
      const again: string[] = [];
      for (let i = 0; i < Math.max(bids.length, asks.length); i++) {
        if (i < bids.length) again.push(bids[i][0], bids[i][1]);
        if (i < asks.length) again.push(asks[i][0], asks[i][1]);
      }
      assert.equal(again.join(':'), v.checksum_string, where);
      // OKX sends a signed int32; compare as int32 whichever way the function returns it.
      assert.equal(typeof v.expected_checksum, 'number');
      assert.equal(v.expected_checksum, v.crc32_signed, where);
      assert.equal(okxChecksum(bids, asks) | 0, (v.expected_checksum as number) | 0, where);
      passed.okx++;
    }
  }
  assert.deepEqual(passed, { krakenV1: 30, krakenV2: 11, okx: 9 });
  assert.equal(passed.krakenV1 + passed.krakenV2 + passed.okx, 50);
});
