import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarketEvent } from '../../src/core/events.ts';
import { InstrumentTable } from '../../src/core/instrument.ts';
import { readLines } from '../../src/replay/lines.ts';
import { BinanceParser } from '../../src/venues/binance/parse.ts';
import { dataPaths } from '../helpers/data.ts';

const FILES = ['spot/btcusdt_20240808.gz', 'spot/ethusdt_20240809.gz', 'usdm/btcusdt_20240808.gz', 'cm/btcusd_perp_20240809.gz'].map((f) => `binance-hftbacktest/${f}`);

test('the single-pass scanner and the JSON.parse path give identical events on real traffic', async (t) => {
  const paths = dataPaths(t, FILES);
  if (!paths) return;
  for (const p of paths) {
    const venue = p.includes('/spot/') ? 'binance-spot' : p.includes('/usdm/') ? 'binance-usdm' : 'binance-coinm';
    const fast = new BinanceParser(venue, new InstrumentTable());
    const slow = new BinanceParser(venue, new InstrumentTable(), false);
    let frames = 0;
    let rest = 0;
    for await (const b of readLines(p)) {
      for (const line of b.lines) {
        const sp = line.indexOf(' ');
        const ts = Number(line.slice(0, sp));
        const a: MarketEvent[] = [];
        const c: MarketEvent[] = [];
        fast.parse(line.slice(sp + 1), ts, a);
        slow.parse(line.slice(sp + 1), ts, c);
        assert.deepStrictEqual(a, c, `${p}:${b.firstLine}`);
        frames++;
        if (line.startsWith('{"lastUpdateId"', sp + 1)) rest++;
      }
    }
    assert.equal(slow.scanned, 0);
    assert.equal(fast.scanned, frames - rest, `${p}: every frame but the REST snapshot takes the fast path`);
    assert.equal(rest, p.includes('20240808') ? 1 : 0);
  }
});
