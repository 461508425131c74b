import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Trade } from '../../src/core/events.ts';
import { bookFrames } from '../../src/dataset/book-frame.ts';
import { labelFrame } from '../../src/labels/label-frame.ts';
import { normalizeLabelSpec } from '../../src/labels/spec.ts';
import { openReplay, replayEvents } from '../../src/replay/open.ts';
import { ReadReport } from '../../src/replay/report.ts';
import { dataPaths } from '../helpers/data.ts';

const FILES = ['binance-hftbacktest/spot/btcusdt_20240808.gz', 'binance-hftbacktest/spot/btcusdt_20240809.gz'];
const H = 5e9;

test('maker outcomes on real Binance BTCUSDT agree with a brute-force scan of the trades; risk-averse never fills later than trades-only', async (t) => {
  const files = dataPaths(t, FILES);
  if (!files) return;
  const { frames } = await bookFrames(files, { sample: 100e6 });
  assert.equal(frames.length, 1);
  const frame = frames[0];
  assert.ok(frame.n > 6000, `${frame.n} rows over ~11 minutes`);
  const label = async (queue: 'trades-only' | 'risk-averse') =>
    labelFrame(frame, normalizeLabelSpec({ horizons: [], vwap: { trades: [20] }, maker: { horizon: '5s', markout: '1s', fees: 0, queue } }), { events: await openReplay(files, new ReadReport()) });
  const to = await label('trades-only');
  const ra = await label('risk-averse');
  assert.equal(to.maker!.misaligned, 0, 'every row matches the replayed book at its time');
  assert.ok(to.maker!.aligned > 6000);

  // independent: for each row, scan the instrument's trades in stream order
  const trades: Trade[] = [];
  for await (const ev of replayEvents(files)) if (ev.type === 'trade' && ev.symbol === 'BTCUSDT') trades.push(ev);
  assert.ok(trades.length > 10_000);
  const ts = frame.col('ts');
  const lastTs = Math.max(...trades.map((x) => x.exchTs));
  for (const side of ['bid', 'ask'] as const) {
    const px = frame.col(side);
    const q = frame.col(side === 'bid' ? 'bid_size' : 'ask_size');
    const valid = frame.col('valid');
    const fill = to.frame.col(`fwd_mk${side === 'bid' ? 'b' : 'a'}_fill_5s`);
    const ttf = to.frame.col(`fwd_mk${side === 'bid' ? 'b' : 'a'}_ttf_5s`);
    let filled = 0;
    let checked = 0;
    let k0 = 0;
    for (let i = 0; i < frame.n; i++) {
      if (valid[i] !== 1 || ts[i] + H + 1e9 > lastTs) continue;
      while (k0 < trades.length && trades[k0].exchTs < ts[i] - 5e9) k0++;
      let left = q[i];
      let at = NaN;
      for (let k = k0; k < trades.length; k++) {
        const tr = trades[k];
        const t = tr.exchTs;
        if (t > ts[i] + H + 5e9) break;
        if (!(t > ts[i] && t <= ts[i] + H)) continue;
        const p = tr.price / 10 ** tr.priceDecimals;
        const through = side === 'bid' ? p < px[i] : p > px[i];
        const hits = p === px[i] && tr.aggressor === (side === 'bid' ? 1 : 0);
        if (through) at = t;
        else if (hits) {
          left -= tr.size / 10 ** tr.sizeDecimals;
          if (left < 0) at = t;
        }
        if (at === at) break;
      }
      checked++;
      const want = at === at ? 1 : 0;
      assert.equal(fill[i], want, `${side} row ${i}`);
      if (want) {
        filled++;
        assert.ok(Math.abs(ttf[i] - (at - ts[i]) / 1e9) < 1e-9, `${side} row ${i} time to fill`);
      }
    }
    assert.ok(checked > 6000 && filled > 1000 && filled < checked, `${side}: ${filled} of ${checked} filled`);
    // the queue cap only removes volume ahead: never a later fill, never a fill lost
    const raFill = ra.frame.col(`fwd_mk${side === 'bid' ? 'b' : 'a'}_fill_5s`);
    const raTtf = ra.frame.col(`fwd_mk${side === 'bid' ? 'b' : 'a'}_ttf_5s`);
    let more = 0;
    for (let i = 0; i < frame.n; i++) {
      if (fill[i] === 1) {
        assert.equal(raFill[i], 1, `${side} row ${i}`);
        assert.ok(raTtf[i] <= ttf[i] + 1e-12);
      }
      if (raFill[i] === 1 && fill[i] === 0) more++;
    }
    assert.ok(more > 0, `${side}: the risk-averse cap fills ${more} more orders`);
  }
  // VWAP-mid: finite wherever 20 trades follow the row
  const vw = to.frame.col('fwd_vwret_20t');
  let finite = 0;
  for (const v of vw) if (Number.isFinite(v)) finite++;
  assert.ok(finite > 6000);
});
