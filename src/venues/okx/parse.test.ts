import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ASK, BID, type Bbo, type BookChange, type Funding, type MarketEvent, type Trade } from '../../core/events.ts';
import { InstrumentTable } from '../../core/instrument.ts';
import { OkxParser } from './parse.ts';

function parseAll(frames: string[], meta?: { url?: string }): MarketEvent[] {
  const p = new OkxParser(new InstrumentTable());
  const out: MarketEvent[] = [];
  frames.forEach((f, i) => p.parse(f, 1000 + i, out, meta));
  return out;
}

const SNAP =
  '{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["30243.5","1.44679","0","3"],["30244","0.08","0","1"]],' +
  '"bids":[["30243.4","0.0012029","0","1"],["30236.6","0.007903","0","2"]],"ts":"1652459225507","checksum":-914047754,"seqId":100,"prevSeqId":-1}]}';

test('books snapshot: bids first, exact scaled levels, seq/prevSeq, signed checksum stored as uint32', () => {
  const [ev] = parseAll([SNAP]) as BookChange[];
  assert.equal(ev.type, 'book_change');
  assert.equal(ev.venue, 'okx');
  assert.equal(ev.symbol, 'BTC-USDT');
  assert.equal(ev.isSnapshot, true);
  assert.equal(ev.nBids, 2);
  assert.equal(ev.nAsks, 2);
  assert.equal(ev.priceDecimals, 1);
  assert.equal(ev.sizeDecimals, 7);
  assert.deepEqual([...ev.levels], [302434, 12029, 302366, 79030, 302435, 14467900, 302440, 800000]);
  assert.equal(ev.seq, 100);
  assert.equal(ev.prevSeq, -1);
  assert.equal(ev.checksum, -914047754 >>> 0);
  assert.equal(ev.checksum, 3380919542);
  assert.equal(ev.exchTs, 1652459225507e6);
  assert.equal(ev.localTs, 1000);
});

test('update without seqId (2022 format) and a zero checksum: NaN sequence and NaN checksum', () => {
  const [ev] = parseAll(['{"arg":{"channel":"books","instId":"X-Y"},"action":"update","data":[{"asks":[],"bids":[["1.5","0","0","0"]],"ts":"1","checksum":0}]}']) as BookChange[];
  assert.equal(ev.isSnapshot, false);
  assert.ok(Number.isNaN(ev.seq));
  assert.ok(Number.isNaN(ev.prevSeq));
  assert.ok(Number.isNaN(ev.checksum));
  assert.deepEqual([...ev.levels], [15, 0]);
});

test('books5 pushes are full snapshots; bbo-tbt is the venue BBO', () => {
  const out = parseAll([
    '{"arg":{"channel":"books5","instId":"BTC-USDT"},"data":[{"asks":[["2","1","0","1"]],"bids":[["1","3","0","1"]],"instId":"BTC-USDT","ts":"5","seqId":7}]}',
    '{"arg":{"channel":"bbo-tbt","instId":"BTC-USDT"},"data":[{"asks":[["2.5","1","0","1"]],"bids":[["1.25","3","0","1"]],"ts":"6","seqId":8}]}',
  ]);
  assert.equal((out[0] as BookChange).isSnapshot, true);
  const b = out[1] as Bbo;
  assert.equal(b.type, 'bbo');
  assert.deepEqual([b.bidPrice, b.askPrice, b.priceDecimals, b.bidSize, b.askSize], [125, 250, 2, 3, 1]);
  assert.ok(Number.isNaN(b.seq));
});

test('trades: side is the taker side', () => {
  const out = parseAll([
    '{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"338476307","px":"30236","sz":"0.0002","side":"buy","ts":"1652459224818"},' +
      '{"instId":"BTC-USDT","tradeId":"338476308","px":"30235.9","sz":"1","side":"sell","ts":"1652459224819"}]}',
  ]) as Trade[];
  assert.equal(out.length, 2);
  assert.equal(out[0].aggressor, BID);
  assert.equal(out[1].aggressor, ASK);
  assert.equal(out[0].id, '338476307');
  assert.equal(out[0].price, 30236);
  assert.equal(out[0].size, 2);
  assert.equal(out[0].sizeDecimals, 4);
  assert.equal(out[1].price, 302359);
  assert.equal(out[1].priceDecimals, 1);
  assert.equal(out[0].exchTs, 1652459224818e6);
});

test('tickers → Bbo without seq, all four values at one scale; empty sides give none', () => {
  const out = parseAll([
    '{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instType":"SPOT","instId":"BTC-USDT","last":"30236","askPx":"30228.7","askSz":"1.55896972","bidPx":"30228.6","bidSz":"0.23393","ts":"1652459224956"}]}',
    '{"arg":{"channel":"tickers","instId":"Z-USD"},"data":[{"instId":"Z-USD","askPx":"","askSz":"","bidPx":"1","bidSz":"2","ts":"1"}]}',
  ]);
  assert.equal(out.length, 1);
  const b = out[0] as Bbo;
  assert.deepEqual([b.bidPrice, b.askPrice, b.priceDecimals], [302286, 302287, 1]);
  assert.deepEqual([b.bidSize, b.askSize, b.sizeDecimals], [23393000, 155896972, 8]);
  assert.ok(Number.isNaN(b.seq));
  assert.equal(b.exchTs, 1652459224956e6);
});

test('funding-rate and mark-price → Funding', () => {
  const [f, m] = parseAll([
    '{"arg":{"channel":"funding-rate","instId":"BTC-USD-SWAP"},"data":[{"fundingRate":"0.0001875","fundingTime":"1700726400000","instId":"BTC-USD-SWAP","instType":"SWAP","nextFundingRate":"","nextFundingTime":"1700755200000","ts":"1700724675402"}]}',
    '{"arg":{"channel":"mark-price","instId":"BTC-USD-SWAP"},"data":[{"instType":"SWAP","instId":"BTC-USD-SWAP","markPx":"42310.6","ts":"1630049139746"}]}',
  ]) as Funding[];
  assert.equal(f.fundingRate, 0.0001875);
  assert.equal(f.nextFundingTs, 1700726400000e6);
  assert.equal(f.exchTs, 1700724675402e6);
  assert.ok(Number.isNaN(f.markPrice));
  assert.equal(m.markPrice, 42310.6);
  assert.ok(Number.isNaN(m.fundingRate));
});

test('acks, pong and instrument lists push nothing; errors and unknown frames throw', () => {
  assert.equal(parseAll(['{"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"}', 'pong']).length, 0);
  assert.equal(parseAll(['{"code":"0","data":[]}'], { url: 'https://www.okx.com/api/v5/public/instruments?instType=SPOT' }).length, 0);
  assert.throws(() => parseAll(['{"event":"error","code":"60012","msg":"Invalid request"}']), /60012/);
  assert.throws(() => parseAll(['{"arg":{"channel":"nonsense","instId":"X"},"data":[]}']), /unknown OKX channel/);
  assert.throws(() => parseAll(['{"hello":1}']), /unknown OKX message/);
  assert.throws(() => parseAll(['{"arg":{"channel":"books"},"action":"update","data":[{"asks":[],"bids":[],"ts":"1"}]}']), /without instId/);
});
