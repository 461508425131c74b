import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { simulateToFiles } from './files.ts';
import { FRAME_KINDS } from './binance-feed.ts';
import { defaultParams } from './defaults.ts';
import type { SimFrame } from './frames.ts';
import { SymbolGenerator } from './generator.ts';
import { replayFrames } from './replay-frames.ts';

test('a price run far beyond the book window: the window follows, withdrawn levels are published, books stay exact', () => {
  const p = defaultParams('binance-usdm');
  const ins = p.instruments[0];
  const frames: SimFrame[] = [];
  const startMs = Date.UTC(2024, 0, 1);
  const g = new SymbolGenerator({
    venue: 'binance-usdm',
    params: ins,
    market: p,
    seed: 1,
    startMs,
    sink: { frame: (local, kind, text) => frames.push({ symbol: ins.symbol, localTs: startMs * 1e6 + local, kind: FRAME_KINDS[kind], frame: text }) },
  });
  const first = g.model.book.bestBid;
  // the latent price far below: the flow sells the book down at the model's top speed (tens of ticks a second)
  g.model.x = first - 1e6;
  g.run(420e9);
  g.finish();
  assert.ok(g.rebases >= 1, `rebases: ${g.rebases}`);
  assert.ok(Math.abs(g.model.book.bestBid - first) > g.model.book.width / 4, 'the price travelled beyond the window');
  const { engine } = replayFrames('binance-usdm', frames);
  const st = [...engine.states.values()][0];
  assert.equal(st.counts.gaps, 0);
  assert.equal(st.counts.crossed + st.counts.locked, 0);
  assert.equal(st.counts.bbo.mismatched, 0);
  assert.ok(st.counts.bbo.compared > 100);
  // the replayed book holds no level the model withdrew: its depth stays within the modeled window
  const b = st.book;
  const tick = 10 ** -b.priceDecimals;
  const span = (b.askPrice(b.askCount() - 1) - b.bidPrice(b.bidCount() - 1)) * tick / Number(ins.tickSize);
  assert.ok(span <= g.model.book.width, `book span ${span} ticks ≤ window ${g.model.book.width}`);
});

test('a run that ends at midnight writes no next-day file: the recorder stops at the end time', async () => {
  const out = mkdtempSync(join(tmpdir(), 'lobkit-gen-end-'));
  const s = await simulateToFiles({ out, start: '2024-01-01T23:59:00Z', hours: 1 / 60, symbols: ['BTCUSDT'], workers: 1 });
  assert.deepEqual(s.files.map((f) => f.split('/').pop()), ['btcusdt_20240101.gz']);
  const lines = gunzipSync(readFileSync(s.files[0])).toString().trim().split('\n');
  const last = lines.at(-1)!.split(' ')[0];
  assert.ok(last < `${Date.UTC(2024, 0, 2)}000000`, `last receive time ${last} before midnight`);
  assert.ok(lines.length > 1000);
});
