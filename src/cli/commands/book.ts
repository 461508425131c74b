import type { Command } from 'commander';
import { formatScaled } from '../../core/decimal.ts';
import { UsageError } from '../../core/errors.ts';
import type { InstrumentState } from '../../book/engine.ts';
import { runReplay } from '../run-replay.ts';

interface BookFlags {
  symbol: string;
  at: string;
  depth: string;
  venue?: string;
  json?: boolean;
  progress: boolean;
}

/** `--at` as epoch ns: an integer (ns, or ms/µs/s by magnitude) or an ISO time. */
export function parseAt(at: string): number {
  if (/^\d+$/.test(at)) {
    const n = Number(at);
    if (n >= 1e17) return n;
    if (n >= 1e14) return n * 1e3;
    if (n >= 1e11) return n * 1e6;
    return n * 1e9;
  }
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new UsageError(`--at ${JSON.stringify(at)}: expected an ISO time (2024-08-09T00:00:00Z) or epoch ns`);
  const frac = /\.(\d{4,9})/.exec(at);
  return ms * 1e6 + (frac ? Number(frac[1].padEnd(9, '0').slice(3)) : 0);
}

export function registerBook(program: Command): void {
  program
    .command('book')
    .description('Print the reconstructed book of one instrument as of a time (exchange time)')
    .argument('<files...>', 'recordings (as for replay)')
    .requiredOption('--symbol <symbol>', 'instrument symbol (venue:symbol when several venues hold it)')
    .requiredOption('--at <time>', 'ISO time or epoch ns (exchange time)')
    .option('--depth <n>', 'levels per side', '10')
    .option('--venue <id>', 'venue of raw/cryptofeed files when it cannot be detected')
    .option('--json', 'print JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (files: string[], flags: BookFlags) => {
      const depth = Number(flags.depth);
      if (!Number.isInteger(depth) || depth < 1) throw new UsageError(`--depth must be a positive integer, got ${flags.depth}`);
      const at = parseAt(flags.at);
      const want = flags.symbol.toUpperCase();
      const matches = (venue: string, symbol: string) => symbol.toUpperCase() === want || `${venue}:${symbol}`.toUpperCase() === want;
      let lastTs = NaN;
      const { engine } = await runReplay(files, {
        venue: flags.venue,
        progress: flags.progress && !flags.json,
        before(ev) {
          if (!matches(ev.venue, ev.symbol)) return true;
          const ts = ev.exchTs === ev.exchTs ? ev.exchTs : ev.localTs;
          if (ts > at) return false;
          if (ev.type === 'book_change') lastTs = ts;
          return true;
        },
      });
      const found = [...engine.states.values()].filter((s) => matches(s.venue, s.symbol));
      if (found.length === 0) throw new UsageError(`no instrument ${flags.symbol} in these files; seen: ${[...engine.states.values()].map((s) => `${s.venue}:${s.symbol}`).join(', ')}`);
      if (found.length > 1) throw new UsageError(`${flags.symbol} is on several venues (${found.map((s) => s.venue).join(', ')}): use --symbol venue:symbol`);
      const st = found[0];
      const view = bookAt(st, depth, lastTs);
      if (flags.json) process.stdout.write(JSON.stringify(view, null, 2) + '\n');
      else process.stdout.write(formatBook(view, new Date(at / 1e6).toISOString()));
      if (!st.valid) process.exitCode = 1;
    });
}

interface BookAt {
  venue: string;
  symbol: string;
  valid: boolean;
  lastUpdate: string | null;
  seq: number | null;
  bids: [string, string][];
  asks: [string, string][];
}

function bookAt(st: InstrumentState, depth: number, lastTs: number): BookAt {
  const b = st.book;
  const side = (n: number, px: (i: number) => number, sz: (i: number) => number): [string, string][] => {
    const out: [string, string][] = [];
    for (let i = 0; i < Math.min(n, depth); i++) out.push([formatScaled(px(i), b.priceDecimals), formatScaled(sz(i), b.sizeDecimals)]);
    return out;
  };
  return {
    venue: st.venue,
    symbol: st.symbol,
    valid: st.valid,
    lastUpdate: lastTs === lastTs ? new Date(lastTs / 1e6).toISOString() : null,
    seq: st.lastSeq === st.lastSeq ? st.lastSeq : null,
    bids: side(b.bids.n, (i) => b.bidPrice(i), (i) => b.bidSize(i)),
    asks: side(b.asks.n, (i) => b.askPrice(i), (i) => b.askSize(i)),
  };
}

function formatBook(v: BookAt, at: string): string {
  let s = `${v.venue} ${v.symbol} at ${at} (last update ${v.lastUpdate ?? 'none'}${v.seq !== null ? `, seq ${v.seq}` : ''})${v.valid ? '' : '  [BOOK NOT VALID: no snapshot yet or gap]'}\n`;
  const pw = Math.max(5, ...v.bids.map((l) => l[0].length), ...v.asks.map((l) => l[0].length));
  const sw = Math.max(4, ...v.bids.map((l) => l[1].length), ...v.asks.map((l) => l[1].length));
  s += `${'size'.padStart(sw)}  ${'bid'.padStart(pw)} | ${'ask'.padEnd(pw)}  size\n`;
  const n = Math.max(v.bids.length, v.asks.length);
  for (let i = 0; i < n; i++) {
    const b = v.bids[i];
    const a = v.asks[i];
    s += `${(b ? b[1] : '').padStart(sw)}  ${(b ? b[0] : '').padStart(pw)} | ${(a ? a[0] : '').padEnd(pw)}  ${a ? a[1] : ''}\n`;
  }
  if (v.bids.length > 0 && v.asks.length > 0) {
    const bb = Number(v.bids[0][0]);
    const ba = Number(v.asks[0][0]);
    s += `spread ${(ba - bb).toPrecision(6)} (${(((ba - bb) / ((ba + bb) / 2)) * 1e4).toFixed(3)} bps), mid ${((ba + bb) / 2).toPrecision(10)}\n`;
  }
  return s;
}
