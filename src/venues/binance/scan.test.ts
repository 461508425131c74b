import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarketEvent } from '../../core/events.ts';
import { InstrumentTable } from '../../core/instrument.ts';
import { BinanceParser } from './parse.ts';

function both(frame: string): { fast: MarketEvent[]; slow: MarketEvent[]; scanned: number } {
  const f = new BinanceParser('binance-usdm', new InstrumentTable());
  const s = new BinanceParser('binance-usdm', new InstrumentTable(), false);
  const fast: MarketEvent[] = [];
  const slow: MarketEvent[] = [];
  f.parse(frame, 1, fast);
  s.parse(frame, 1, slow);
  return { fast, slow, scanned: f.scanned };
}

test('key order and whitespace do not matter', () => {
  const a = both('{"stream":"x@depth","data":{"e":"depthUpdate","E":5,"T":4,"s":"BTCUSDT","U":10,"u":12,"pu":9,"b":[["1.50","2"]],"a":[["1.6","0.003"]]}}');
  const b = both('{ "data" : { "pu" : 9, "u":12, "U":10, "s":"BTCUSDT", "T":4, "E":5, "e":"depthUpdate", "b":[ [ "1.50" , "2" ] ], "a":[["1.6","0.003"]] }, "stream":"x@depth" }');
  assert.equal(a.scanned, 1);
  assert.equal(b.scanned, 1);
  assert.deepStrictEqual(a.fast, a.slow);
  assert.deepStrictEqual(b.fast, a.fast);
  const ev = a.fast[0];
  assert.equal(ev.type, 'book_change');
  if (ev.type === 'book_change') {
    assert.deepEqual([...ev.levels], [15, 2000, 16, 3]);
    assert.equal(ev.exchTs, 4e6);
    assert.deepEqual([ev.firstSeq, ev.seq, ev.prevSeq], [10, 12, 9]);
  }
});

test('anything unusual falls back to JSON.parse with the same result', () => {
  for (const frame of [
    '{"stream":"x","data":{"e":"depthUpdate","E":5,"s":"BTC\\u0055SDT","U":10,"u":12,"b":[],"a":[]}}', // escape
    '{"stream":"x","data":{"e":"aggTrade","E":5,"T":5,"s":"BTCUSDT","a":7,"p":"1","q":"2","m":true}}', // other event
    '{"stream":"x","data":{"e":"depthUpdate","E":5,"U":10,"u":12,"b":[],"a":[],"s":"BTCUSDT"}}', // symbol after levels
    '{"stream":"x","data":{"e":"depthUpdate","E":5.5,"s":"BTCUSDT","U":10,"u":12,"b":[],"a":[]}}', // float time
  ]) {
    const r = both(frame);
    assert.equal(r.scanned, 0, frame);
    assert.deepStrictEqual(r.fast, r.slow);
  }
});

test('trade and bookTicker frames on the fast path', () => {
  const t = both('{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256322,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}');
  assert.equal(t.scanned, 1);
  assert.deepStrictEqual(t.fast, t.slow);
  const b = both('{"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}');
  assert.equal(b.scanned, 1);
  assert.deepStrictEqual(b.fast, b.slow);
});

test('a bad decimal in a level is the same clear error on both paths', () => {
  const frame = '{"stream":"x","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":10,"u":12,"b":[["1.5x","2"]],"a":[]}}';
  const f = new BinanceParser('binance-usdm', new InstrumentTable());
  const s = new BinanceParser('binance-usdm', new InstrumentTable(), false);
  assert.throws(() => f.parse(frame, 1, []), /not a decimal number: "1.5x"/);
  assert.throws(() => s.parse(frame, 1, []), /not a decimal number: "1.5x"/);
});
