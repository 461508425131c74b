import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lobkit } from '../helpers/cli.ts';
import { dataPaths } from '../helpers/data.ts';
import { Lobkit, captureFiles, isMarkerLine, isRestLine, readCapture, startRecorder, startSim, tobBySymbol, waitDone, waitFor, waitSubscribed } from '../helpers/record.ts';

/**
 * For each venue: `lobkit venue-sim` replays the venue's real recording, `lobkit record` records
 * it, then `lobkit replay` of the recorded files must rebuild the same best bid/ask sequence as
 * `lobkit replay` of the original recording, with 0 integrity failures; and every frame the
 * simulator delivered is on disk exactly once.
 */
interface Case {
  venue: string;
  files: string[];
  symbols: string[];
  /** Subscriptions the recorder must hold before playback starts (simulator keys). */
  keys: string[];
  args?: string[];
}

const per = (symbols: string[], f: (s: string) => string[]): string[] => symbols.flatMap(f);
const SPOT = ['BTCUSDT', 'ETHUSDT'];
const KRAKEN_PAIRS = ['WAVES/EUR', 'XMR/USD', 'KSM/XBT', 'GRT/ETH', 'SC/EUR', 'ETH/CHF', 'OCEAN/XBT', 'OMG/USD', 'XBT/CHF', 'ADA/XBT'];

const CASES: Case[] = [
  {
    venue: 'binance-spot',
    files: ['binance-hftbacktest/spot/btcusdt_20240808.gz', 'binance-hftbacktest/spot/ethusdt_20240808.gz'],
    symbols: SPOT,
    keys: per(SPOT, (s) => [`${s.toLowerCase()}@depth@100ms`, `${s.toLowerCase()}@trade`, `${s.toLowerCase()}@bookticker`]),
  },
  {
    venue: 'binance-usdm',
    files: ['binance-hftbacktest/usdm/btcusdt_20240808.gz', 'binance-hftbacktest/usdm/ethusdt_20240808.gz'],
    symbols: SPOT,
    keys: per(SPOT, (s) => [`${s.toLowerCase()}@depth@0ms`, `${s.toLowerCase()}@trade`, `${s.toLowerCase()}@bookticker`]),
  },
  {
    venue: 'binance-coinm',
    files: ['binance-hftbacktest/cm/btcusd_perp_20240808.gz', 'binance-hftbacktest/cm/ethusd_perp_20240808.gz'],
    symbols: ['BTCUSD_PERP', 'ETHUSD_PERP'],
    keys: per(['btcusd_perp', 'ethusd_perp'], (s) => [`${s}@depth@0ms`, `${s}@trade`, `${s}@bookticker`]),
  },
  {
    venue: 'bybit-linear',
    files: ['cryptofeed/BYBIT.jsonl.gz'],
    symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'DOGEUSDT'],
    keys: per(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'DOGEUSDT'], (s) => [`orderbook.200.${s}`, `publicTrade.${s}`, `tickers.${s}`]),
    args: ['--depth', '200'],
  },
  {
    venue: 'bybit-spot',
    files: ['cryptofeed/BYBIT.jsonl.gz'],
    symbols: SPOT,
    keys: per(SPOT, (s) => [`orderbook.200.${s}`, `publicTrade.${s}`]),
    args: ['--depth', '200', '--channels', 'book,trades'],
  },
  {
    venue: 'okx',
    files: ['cryptofeed/OKX.jsonl.gz'],
    symbols: ['BTC-USD-220527', 'UNI-USD-SWAP', 'BTC-USDT'],
    keys: per(['BTC-USD-220527', 'UNI-USD-SWAP', 'BTC-USDT'], (s) => [`books:${s}`, `trades:${s}`, `tickers:${s}`]),
  },
  {
    venue: 'kraken',
    files: ['cryptofeed/KRAKEN.jsonl.gz'],
    symbols: KRAKEN_PAIRS,
    keys: per(KRAKEN_PAIRS, (s) => [`book-1000:${s}`, `trade:${s}`, `ticker:${s}`]),
    args: ['--depth', '1000'],
  },
  {
    venue: 'coinbase',
    files: ['cryptofeed/COINBASE.jsonl.gz'],
    symbols: ['BTC-USD', 'ETH-USD'],
    keys: per(['BTC-USD', 'ETH-USD'], (s) => [`l2_data:${s}`, `market_trades:${s}`, `ticker:${s}`]),
  },
];

for (const c of CASES) {
  test(`record ${c.venue} from the simulator replaying its real recording: replay rebuilds the same best bid/ask sequence, 0 integrity failures, every delivered frame on disk once`, async (t) => {
    const files = dataPaths(t, c.files);
    if (!files) return;
    const out = mkdtempSync(join(tmpdir(), `lobkit-rec-${c.venue}-`));
    const csvR = join(out, 'recorded-tob.csv');
    const csvO = join(out, 'original-tob.csv');
    // The original's replay runs meanwhile.
    const original = new Lobkit(['replay', ...files, '--json', '--tob-out', csvO]);
    t.after(() => original.stop('SIGKILL'));
    const sim = await startSim(t, c.venue, files);
    const rec = startRecorder(t, ['--venue', c.venue, '--symbols', c.symbols.join(','), '--out', out, '--base-url', sim.url, ...(c.args ?? [])]);
    await waitSubscribed(sim, c.keys, rec);
    await sim.start();
    await waitDone(sim);
    assert.equal(await rec.stop('SIGTERM'), 0, rec.err);
    // Counted after the recorder closed its connection: heartbeats keep coming until then.
    const stats = await waitFor(async () => {
      const s = await sim.stats();
      return s.clients.every((cl) => !cl.open) ? s : undefined;
    }, 'the simulator to see the connection closed');
    assert.equal(stats.error, undefined);

    // Nothing lost or duplicated by the recorder: every frame the simulator delivered is one line.
    const recorded = captureFiles(out);
    assert.deepEqual(captureFiles(out, '.partial'), [], 'every file completed and renamed');
    let frames = 0;
    let rest = 0;
    for (const f of recorded) {
      for (const l of readCapture(f)) {
        if (isRestLine(l)) rest++;
        else if (!isMarkerLine(l)) frames++;
      }
    }
    assert.ok(stats.totals.data > 100, `the simulator delivered ${stats.totals.data} frames`);
    assert.equal(frames, stats.totals.data + stats.totals.control, 'frames on disk = frames delivered (data + acks/pongs/heartbeats)');
    assert.equal(rest, Object.values(stats.restCounts).reduce((a, b) => a + b, 0), 'every REST snapshot served is in the stream');
    assert.equal(stats.totals.withheld, 0);

    // Replay: 0 integrity failures, the same top-of-book sequence as the original recording.
    const r = lobkit(['replay', ...recorded, '--json', '--tob-out', csvR]);
    assert.equal(r.code, 0, r.stdout.slice(0, 2000) + r.stderr);
    const rj = JSON.parse(r.stdout) as { ok: boolean; totals: { failures: number; badLines: number }; instruments: { symbol: string; venue: string; failures: number }[] };
    assert.equal(rj.ok, true);
    assert.equal(rj.totals.failures, 0);
    assert.equal(rj.totals.badLines, 0);
    await original.exited;
    assert.ok(original.out.length > 0, original.err);
    assert.equal(JSON.parse(original.out).totals.badLines, 0, 'the original replays cleanly');
    const want = tobBySymbol(csvO, c.venue);
    const got = tobBySymbol(csvR, c.venue);
    for (const sym of c.symbols) {
      const w = want.get(sym) ?? [];
      assert.ok(w.length > 2, `${sym}: the original rebuilds a book (${w.length} top-of-book rows)`);
      assert.deepEqual(got.get(sym), w, `${sym}: recorded best bid/ask sequence equals the original's`);
    }
    assert.deepEqual([...got.keys()].sort(), [...c.symbols].sort(), 'no other instrument in the recording');
  });
}
