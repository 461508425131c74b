import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { simulateFrames, type SimFrame } from './frames.ts';
import { replayFrames } from './replay-frames.ts';

const MINUTE = 1 / 60;

function digest(frames: Iterable<SimFrame>, only?: string): { hash: string; n: number } {
  const h = createHash('sha256');
  let n = 0;
  for (const f of frames) {
    if (only !== undefined && f.symbol !== only) continue;
    h.update(`${f.localTs} ${f.kind} ${f.frame}\n`);
    n++;
  }
  return { hash: h.digest('hex'), n };
}

for (const venue of ['binance-usdm', 'binance-spot'] as const) {
  test(`${venue}: the frames rebuild every book with no gap, no crossed book and every comparable bookTicker equal to the book`, () => {
    const market = simulateFrames({ venue, hours: 3 * MINUTE, seed: 11 });
    let lastLocal = -Infinity;
    let lateExch = 0;
    const kinds = new Map<string, number>();
    const frames = (function* () {
      for (const f of market) {
        assert.ok(f.localTs >= lastLocal, 'receive times never go back');
        lastLocal = f.localTs;
        kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
        const E = /"E":(\d+)/.exec(f.frame);
        if (E && Number(E[1]) * 1e6 > f.localTs) lateExch++;
        yield f;
      }
    })();
    const { engine } = replayFrames(venue, frames);
    assert.equal(lateExch, 0, 'nothing is received before the venue stamped it');
    assert.equal(kinds.get('snapshot'), 2, 'one REST snapshot per symbol');
    assert.equal(kinds.has('markPrice'), venue === 'binance-usdm');
    for (const st of engine.states.values()) {
      assert.equal(st.counts.gaps, 0, `${st.symbol} gaps`);
      assert.equal(st.counts.crossed + st.counts.locked, 0, `${st.symbol} crossed/locked`);
      assert.equal(st.counts.bbo.mismatched, 0, `${st.symbol} bookTicker mismatches: ${JSON.stringify(st.examples.slice(0, 2))}`);
      assert.ok(st.counts.bbo.compared > 20, `${st.symbol} bookTickers compared: ${st.counts.bbo.compared}`);
      assert.equal(st.counts.disordered + st.counts.emptySide + st.counts.outOfOrder, 0);
      assert.equal(st.valid, true);
      assert.ok(st.bookUpdates > 1000 && st.trades > 100, `${st.symbol}: ${st.bookUpdates} updates, ${st.trades} trades`);
      if (venue === 'binance-usdm') assert.ok(st.fundings >= 170, `${st.symbol} markPriceUpdate every second: ${st.fundings}`);
    }
  });
}

test('same spec and seed → identical frames; another seed → different ones', () => {
  const a = digest(simulateFrames({ hours: MINUTE, seed: 5 }));
  const b = digest(simulateFrames({ hours: MINUTE, seed: 5 }));
  const c = digest(simulateFrames({ hours: MINUTE, seed: 6 }));
  assert.equal(a.hash, b.hash);
  assert.ok(a.n > 1000);
  assert.notEqual(a.hash, c.hash);
});

test("a symbol's frames do not depend on which other symbols are simulated", () => {
  const alone = digest(simulateFrames({ symbols: ['ETHUSDT'], hours: MINUTE, seed: 9 }));
  const together = digest(simulateFrames({ symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], hours: MINUTE, seed: 9 }), 'ETHUSDT');
  assert.equal(alone.hash, together.hash);
});

test('depthSnapshot is the REST response of the current book, consistent with the diffs so far', () => {
  const market = simulateFrames({ venue: 'binance-usdm', symbols: ['BTCUSDT'], hours: MINUTE, seed: 2 });
  let lastU = 0;
  let n = 0;
  for (const f of market) {
    const m = /"u":(\d+),"pu"/.exec(f.frame);
    if (m) lastU = Number(m[1]);
    if (++n === 5000) break;
  }
  const snap = JSON.parse(market.depthSnapshot('btcusdt', 100)) as { lastUpdateId: number; E: number; T: number; bids: [string, string][]; asks: [string, string][] };
  assert.ok(snap.lastUpdateId >= lastU, 'the REST book is at or ahead of the stream');
  assert.equal(snap.bids.length, 100);
  assert.equal(snap.asks.length, 100);
  for (let i = 1; i < 100; i++) {
    assert.ok(Number(snap.bids[i][0]) < Number(snap.bids[i - 1][0]), 'bids best first');
    assert.ok(Number(snap.asks[i][0]) > Number(snap.asks[i - 1][0]), 'asks best first');
  }
  assert.ok(Number(snap.bids[0][0]) < Number(snap.asks[0][0]));
  assert.match(snap.bids[0][0], /^\d+\.\d{2}$/, 'USD-M BTCUSDT prices carry 2 decimals');
  assert.throws(() => market.depthSnapshot('XRPUSDT'), /not simulated/);
});

test('paced() yields the same frames as iteration, and stops when aborted', async () => {
  const spec = { symbols: ['BTCUSDT'], hours: 0.2 * MINUTE, seed: 4 };
  const plain = [...simulateFrames(spec)].slice(0, 300).map((f) => f.frame);
  const ac = new AbortController();
  const paced: string[] = [];
  for await (const f of simulateFrames(spec).paced(1e6, ac.signal)) {
    paced.push(f.frame);
    if (paced.length === 300) ac.abort();
  }
  assert.deepEqual(paced, plain);
  await assert.rejects(async () => {
    for await (const _ of simulateFrames(spec).paced(0)) void _;
  }, /speed must be > 0/);
});
