import { test } from 'node:test';
import assert from 'node:assert/strict';
import { okxArgs, okxSubscribe } from './transport.ts';

test('subscribe message: book/trades/bbo per instrument, funding only for swaps', () => {
  const args = okxArgs(['BTC-USDT', 'BTC-USD-SWAP'], ['book', 'trades', 'bbo', 'funding']);
  assert.deepEqual(
    args.map((a) => `${a.channel}:${a.instId}`),
    ['books:BTC-USDT', 'trades:BTC-USDT', 'tickers:BTC-USDT', 'books:BTC-USD-SWAP', 'trades:BTC-USD-SWAP', 'tickers:BTC-USD-SWAP', 'funding-rate:BTC-USD-SWAP', 'mark-price:BTC-USD-SWAP'],
  );
  assert.equal(okxSubscribe(okxArgs(['BTC-USDT'], ['book'], 'books-l2-tbt')), '{"op":"subscribe","args":[{"channel":"books-l2-tbt","instId":"BTC-USDT"}]}');
});
