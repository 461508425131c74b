import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarketEvent } from '../../src/core/events.ts';
import { FrameBuilder, type Frame } from '../../src/core/frame.ts';
import { InstrumentTable } from '../../src/core/instrument.ts';
import { extractFeatures } from '../../src/features/extract.ts';
import { LiveFeatureRunner } from '../../src/features/pipeline.ts';
import { symbolFromFileName } from '../../src/replay/builtin-formats.ts';
import { readLines } from '../../src/replay/lines.ts';
import { getVenue } from '../../src/venues/registry.ts';
import { dataPaths } from '../helpers/data.ts';

/**
 * The live path: each recorded frame goes through the venue's parser on its own, as a WebSocket
 * message would, and each resulting event is pushed into the LiveFeatureRunner one at a time.
 */
async function live(files: string[], venue: string): Promise<Frame[]> {
  const builders = new Map<string, FrameBuilder>();
  const runner = new LiveFeatureRunner({ sinkFor: (v, s, set) => (builders.set(`${v}:${s}`, new FrameBuilder(set.names)), builders.get(`${v}:${s}`)) });
  const parser = getVenue(venue).createParser(new InstrumentTable());
  const out: MarketEvent[] = [];
  for (const file of files) {
    const meta = { symbolHint: symbolFromFileName(file) };
    for await (const batch of readLines(file)) {
      for (const line of batch.lines) {
        const sp = line.indexOf(' ');
        out.length = 0;
        parser.parse(line.slice(sp + 1), Number(line.slice(0, sp)), out, meta);
        for (const ev of out) runner.push(ev);
      }
    }
  }
  runner.finish();
  return runner.instruments().map((i) => builders.get(`${i.venue}:${i.symbol}`)!.frame());
}

function assertIdentical(offline: Frame, online: Frame): void {
  assert.deepEqual(online.names, offline.names);
  assert.equal(online.n, offline.n);
  for (let j = 0; j < offline.names.length; j++) {
    const a = offline.cols[j];
    const b = online.cols[j];
    for (let i = 0; i < offline.n; i++) if (!Object.is(a[i], b[i])) assert.fail(`${offline.meta.symbol} row ${i} column ${offline.names[j]}: offline ${a[i]} vs live ${b[i]}`);
  }
}

for (const [venue, rels] of [
  ['binance-spot', ['binance-hftbacktest/spot/btcusdt_20240808.gz', 'binance-hftbacktest/spot/btcusdt_20240809.gz']],
  ['binance-usdm', ['binance-hftbacktest/usdm/ethusdt_20240808.gz']],
] as const) {
  test(`parity: ${rels[0]} through the offline path and event by event through the live runner gives bit-identical matrices`, async (t) => {
    const files = dataPaths(t, [...rels]);
    if (!files) return;
    const offline = await extractFeatures(files);
    const online = await live(files, venue);
    assert.equal(offline.length, 1);
    assert.equal(online.length, 1);
    assert.equal(offline[0].meta.venue, venue);
    assert.ok(offline[0].n > 3000);
    assert.ok(offline[0].col('warm').some((w) => w === 1));
    assertIdentical(offline[0], online[0]);
  });
}
