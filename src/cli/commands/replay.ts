import { resolve } from 'node:path';
import type { Command } from 'commander';
import { summarizeEngine, type InstrumentSummary } from '../../book/summary.ts';
import { POW10 } from '../../core/decimal.ts';
import { UsageError } from '../../core/errors.ts';
import { openTobWriter, type TobWriter } from '../../dataset/tob.ts';
import { EventFileWriter, type EventFileSummary } from '../../replay/event-file.ts';
import type { FileReport } from '../../replay/report.ts';
import { runReplay } from '../run-replay.ts';
import { table } from '../text.ts';

interface ReplayFlags {
  json?: boolean;
  allowGaps?: boolean;
  venue?: string;
  format?: string;
  tobOut?: string;
  eventsOut?: string;
  force?: boolean;
  spreadFactor?: string;
  progress: boolean;
}

export interface ReplayResult {
  ok: boolean;
  files: FileReport[];
  instruments: InstrumentSummary[];
  totals: { files: number; badLines: number; fileErrors: number; instruments: number; messages: number; failures: number; tobRows?: number; eventsWritten?: number };
  /** The lobkit-events file written with --events-out. */
  eventsOut?: EventFileSummary;
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('Replay recordings, reconstruct every book and report integrity per instrument')
    .argument('<files...>', 'raw capture files (.gz or plain), cryptofeed recordings, tardis CSV, LOBSTER, Bybit archives')
    .option('--json', 'print one JSON object on stdout')
    .option('--allow-gaps', 'report sequence gaps and disconnects without failing')
    .option('--venue <id>', 'venue of raw/cryptofeed files when it cannot be detected')
    .option('--format <id>', 'input format instead of sniffing')
    .option('--tob-out <file>', 'write the top-of-book time series (.csv or .parquet)')
    .option('--events-out <file>', 'also write every event read, in replay order, to a lobkit-events file (.lobev) that replays without parsing')
    .option('--force', 'replace the --events-out file if it exists')
    .option('--spread-factor <x>', 'flag spreads above x times their rolling median', '25')
    .option('--no-progress', 'no progress bar')
    .action(async (files: string[], flags: ReplayFlags) => {
      const result = await replayCommand(files, flags);
      if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else process.stdout.write(formatReplay(result));
      process.exitCode = result.ok ? 0 : 1;
    });
}

export async function replayCommand(files: string[], flags: ReplayFlags): Promise<ReplayResult> {
  const spreadFactor = Number(flags.spreadFactor ?? 25);
  if (!(spreadFactor > 1)) throw new UsageError(`--spread-factor must be a number > 1, got ${flags.spreadFactor}`);
  let events: EventFileWriter | undefined;
  if (flags.eventsOut) {
    const out = resolve(flags.eventsOut);
    if (files.some((f) => resolve(f) === out)) throw new UsageError(`--events-out ${flags.eventsOut} is also an input file`);
    events = EventFileWriter.open(flags.eventsOut, { sources: files, overwrite: flags.force === true });
  }
  let tob: TobWriter | undefined;
  const lastTop = new Map<object, number[]>();
  let run: Awaited<ReturnType<typeof runReplay>>;
  try {
    if (flags.tobOut) tob = await openTobWriter(flags.tobOut);
    run = await runReplay(files, {
      venue: flags.venue,
      format: flags.format,
      progress: flags.progress && !flags.json,
      spreadFactor,
      onBook: tob
        ? (st, ev) => {
            const b = st.book;
            if (!st.valid || b.bids.n === 0 || b.asks.n === 0) return;
            const P = POW10[b.priceDecimals];
            const S = POW10[b.sizeDecimals];
            const bp = b.bids.price(0) / P;
            const bs = b.bids.size(0) / S;
            const ap = b.asks.price(0) / P;
            const as = b.asks.size(0) / S;
            const last = lastTop.get(st);
            if (last && last[0] === bp && last[1] === bs && last[2] === ap && last[3] === as) return;
            lastTop.set(st, [bp, bs, ap, as]);
            tob!.write({ exchTs: ev.exchTs, localTs: ev.localTs, venue: st.venue, symbol: st.symbol, bidPrice: bp, bidSize: bs, askPrice: ap, askSize: as });
          }
        : undefined,
      before: events
        ? (ev) => {
            events!.write(ev);
            return true;
          }
        : undefined,
    });
  } catch (e) {
    events?.abort();
    throw e;
  }
  const { engine, report } = run;
  let eventsOut: EventFileSummary | undefined;
  if (events) {
    eventsOut = events.close({ badLines: report.badLines, fileErrors: report.fileErrors });
    process.stderr.write(`lobkit replay: wrote ${eventsOut.events} events in ${eventsOut.chunks} chunks to ${eventsOut.path} (${(eventsOut.bytes / 1e6).toFixed(1)} MB)\n`);
    if (report.badLines > 0 || report.fileErrors > 0) process.stderr.write(`lobkit replay: warning: the inputs had ${report.badLines} bad lines and ${report.fileErrors} unreadable files; ${eventsOut.path} holds only the events that were read\n`);
  }
  const tobRows = tob ? await tob.close() : undefined;
  const instruments = summarizeEngine(engine, flags.allowGaps === true);
  let failures = 0;
  let messages = 0;
  for (const s of instruments) {
    failures += s.failures;
    messages += s.messages;
  }
  const totals = {
    files: report.files.length,
    badLines: report.badLines,
    fileErrors: report.fileErrors,
    instruments: instruments.length,
    messages,
    failures,
    ...(tobRows !== undefined ? { tobRows } : {}),
    ...(eventsOut !== undefined ? { eventsWritten: eventsOut.events } : {}),
  };
  return { ok: failures === 0 && totals.badLines === 0 && totals.fileErrors === 0, files: report.files, instruments, totals, ...(eventsOut ? { eventsOut } : {}) };
}

function fmt(x: number | null): string {
  return x === null ? '-' : String(x);
}

export function formatReplay(r: ReplayResult): string {
  let s = '';
  const rows = r.instruments.map((i) => [
    i.venue,
    i.symbol,
    String(i.messages),
    String(i.bookUpdates),
    `${i.seconds}s`,
    `${i.updatesPerSecond}/s`,
    String(i.gaps),
    String(i.resyncs),
    String(i.crossed + i.locked),
    `${i.checksum.checked - i.checksum.failed}/${i.checksum.checked}`,
    `${i.bbo.compared - i.bbo.mismatched}/${i.bbo.compared}`,
    `${fmt(i.spreadBps.p5)} / ${fmt(i.spreadBps.p50)} / ${fmt(i.spreadBps.p95)}`,
    i.failures === 0 ? 'ok' : `FAIL (${i.failures})`,
  ]);
  s += table(['venue', 'symbol', 'messages', 'book upd', 'span', 'rate', 'gaps', 'resyncs', 'crossed', 'checksums ok', 'bbo ok', 'spread bps p5/p50/p95', 'integrity'], rows);
  for (const i of r.instruments) {
    if (i.issues.length === 0 && i.spreadOutliers === 0) continue;
    s += `\n${i.venue} ${i.symbol}: ${i.spreadOutliers} spread outliers (${i.spreadSanity}), ${i.stale} stale, ${i.emptySide} one-sided\n`;
    for (const e of i.issues.slice(0, 5)) s += `  ${e.kind} at ${e.ts === e.ts ? new Date(e.ts / 1e6).toISOString() : '?'}${e.file ? ` (${e.file}:${e.line})` : ''}: ${e.detail}\n`;
  }
  for (const f of r.files) {
    if (f.badLines === 0 && !f.error) continue;
    const unit = f.format === 'lobkit-events' ? 'records' : 'lines';
    s += `\n${f.file}: ${f.badLines} bad ${unit}${f.error ? `; ${f.error}` : ''}\n`;
    for (const e of f.examples) s += `  ${e}\n`;
  }
  if (r.totals.tobRows !== undefined) s += `\ntop-of-book rows written: ${r.totals.tobRows}\n`;
  s += `\n${r.totals.files} files, ${r.totals.instruments} instruments, ${r.totals.messages} messages: ${r.ok ? 'OK' : `FAILED (${r.totals.failures} integrity failures, ${r.totals.badLines} bad lines, ${r.totals.fileErrors} unreadable files)`}\n`;
  return s;
}
