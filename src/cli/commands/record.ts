import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ENV_VARS, fromEnv, intOf, list, loadConfigFile, readDotEnv, resolveSettings, type CommonInput, type RecordSettings } from '../../capture/config.ts';
import { formatSnapshot } from '../../capture/metrics.ts';
import { Recorder } from '../../capture/recorder.ts';
import { InputError, UsageError } from '../../core/errors.ts';
import { RECORD_VENUES } from '../../capture/adapters.ts';

interface RecordFlags {
  venue?: string;
  symbols?: string;
  channels?: string;
  depth?: string;
  out?: string;
  config?: string;
  envFile?: string;
  baseUrl?: string;
  rotateMinutes?: string;
  flushMs?: string;
  gzipLevel?: string;
  staleMs?: string;
  resyncTimeoutMs?: string;
  backoffBaseMs?: string;
  backoffMaxMs?: string;
  maxConnAgeMs?: string;
  restConcurrency?: string;
  restPerMinute?: string;
  metricsPort?: string;
  metricsHost?: string;
  metricsInterval?: string;
  recover: boolean;
  json?: boolean;
  check?: boolean;
}

export function registerRecord(program: Command): void {
  program
    .command('record')
    .description('Record venue WebSocket traffic into raw gzip capture files, 24/7: live book checks, per-symbol resync, gap/disconnect markers, rotation, metrics')
    .option('--venue <id>', `venue: ${RECORD_VENUES.join(', ')}`)
    .option('--symbols <list>', 'venue symbols, comma-separated (BTCUSDT; OKX BTC-USDT; Kraken XBT/USD; Coinbase BTC-USD)')
    .option('--channels <list>', 'book,trades,bbo,funding (default book,trades,bbo)')
    .option('--depth <n>', 'book depth: Binance REST snapshot limit (1000), Bybit 1/50/200/1000 (200), Kraken 10/25/100/500/1000 (10), OKX 400 or 5 (400)')
    .option('--out <dir>', 'output folder: <out>/<venue>/<YYYY-MM-DD>/<stream>_<YYYYMMDD>_<HHMMSS>.gz (default ./data)')
    .option('--config <file>', 'YAML or JSON config file: many venues and symbols in one process')
    .option('--env-file <file>', 'read LOBKIT_* settings from this file (default: ./.env when present)')
    .option('--base-url <url>', 'venue origin override, e.g. ws://127.0.0.1:8080 (a lobkit venue-sim); REST goes to the same host')
    .option('--rotate-minutes <n>', 'start a new file every n minutes (and at UTC midnight) (default 10)')
    .option('--flush-ms <n>', 'flush compressed data to disk at least this often; bounds what a crash loses (default 1000)')
    .option('--gzip-level <n>', 'gzip level 0-9 (default 1: about 90 MB/s per core here; 6 makes files ~20% smaller at 5x the CPU)')
    .option('--stale-ms <n>', 'reconnect when nothing (pongs included) arrives for this long (default 30000)')
    .option('--resync-timeout-ms <n>', 'retry a book resync that has not completed after this long (default 10000)')
    .option('--backoff-base-ms <n>', 'first reconnect delay (default 500); doubles per attempt, with jitter')
    .option('--backoff-max-ms <n>', 'reconnect delay cap (default 30000)')
    .option('--max-conn-age-ms <n>', 'planned reconnect after this long (default: the venue limit minus 10 min; Binance 24 h)')
    .option('--rest-concurrency <n>', 'concurrent REST snapshot requests (default 4)')
    .option('--rest-per-minute <n>', 'REST snapshot requests started per minute, 0 = no limit (default 100: under Binance\'s weight budget at depth 1000)')
    .option('--metrics-port <n>', 'serve /metrics (Prometheus) and /metrics.json on this port (0: any free port)')
    .option('--metrics-host <host>', 'address for the metrics server (default 127.0.0.1)')
    .option('--metrics-interval <s>', 'print metrics to stderr every s seconds, 0 = never (default 60)')
    .option('--no-recover', 'leave *.partial files of a previous run as they are')
    .option('--json', 'print the final metrics as JSON on stdout when stopped')
    .option('--check', 'validate the settings, print them as JSON and exit')
    .addHelpText(
      'after',
      `\nEnvironment (also read from .env): ${ENV_VARS.join(', ')}, LOBKIT_CONFIG.\nPrecedence: flags > environment > .env > config file > defaults. Stop with SIGINT/SIGTERM: files are completed cleanly.`,
    )
    .action(async (flags: RecordFlags) => {
      const settings = settingsFromFlags(flags);
      if (flags.check) {
        process.stdout.write(JSON.stringify(settings, null, 2) + '\n');
        return;
      }
      await runRecorder(settings, flags.json === true);
    });
}

function num(v: string | undefined, flag: string): number | undefined {
  return v === undefined ? undefined : intOf(v, flag);
}

export function settingsFromFlags(flags: RecordFlags, env: Record<string, string | undefined> = process.env): RecordSettings {
  const f: CommonInput = {
    venue: flags.venue,
    symbols: flags.symbols !== undefined ? list(flags.symbols) : undefined,
    channels: flags.channels !== undefined ? list(flags.channels) : undefined,
    depth: num(flags.depth, '--depth'),
    baseUrl: flags.baseUrl,
    out: flags.out,
    rotateMinutes: num(flags.rotateMinutes, '--rotate-minutes'),
    flushMs: num(flags.flushMs, '--flush-ms'),
    gzipLevel: num(flags.gzipLevel, '--gzip-level'),
    staleMs: num(flags.staleMs, '--stale-ms'),
    resyncTimeoutMs: num(flags.resyncTimeoutMs, '--resync-timeout-ms'),
    backoffBaseMs: num(flags.backoffBaseMs, '--backoff-base-ms'),
    backoffMaxMs: num(flags.backoffMaxMs, '--backoff-max-ms'),
    maxConnAgeMs: num(flags.maxConnAgeMs, '--max-conn-age-ms'),
    restConcurrency: num(flags.restConcurrency, '--rest-concurrency'),
    restPerMinute: num(flags.restPerMinute, '--rest-per-minute'),
    metricsPort: num(flags.metricsPort, '--metrics-port'),
    metricsHost: flags.metricsHost,
    metricsIntervalSeconds: num(flags.metricsInterval, '--metrics-interval'),
  };
  const fromProcess = fromEnv(env, 'environment');
  let dotenv: CommonInput = {};
  let dotConfig: string | undefined;
  const envFile = flags.envFile ?? (existsSync('.env') ? '.env' : undefined);
  if (flags.envFile !== undefined && !existsSync(flags.envFile)) throw new UsageError(`--env-file ${flags.envFile}: no such file`);
  if (envFile !== undefined) {
    const raw = readDotEnv(envFile);
    dotenv = fromEnv(raw, envFile);
    dotConfig = raw.LOBKIT_CONFIG?.trim() || undefined;
  }
  const configPath = flags.config ?? (env.LOBKIT_CONFIG || undefined) ?? dotConfig;
  const file = configPath !== undefined ? loadConfigFile(configPath) : undefined;
  return resolveSettings({ flags: f, env: fromProcess, dotenv, file, filePath: configPath, recover: flags.recover });
}

/** Runs the recorder until SIGINT/SIGTERM (clean stop, exit 0) or a fatal writer error (exit 1). */
export async function runRecorder(settings: RecordSettings, json: boolean): Promise<void> {
  const rec = new Recorder(settings, { onMetrics: (s) => process.stderr.write(formatSnapshot(s)) });
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`lobkit record: second ${sig}: exiting without completing files\n`);
      process.exit(130);
    }
    process.stderr.write(`lobkit record: ${sig}: closing connections and completing files\n`);
    void rec.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await rec.start();
    const venues = settings.streams.map((s) => `${s.venue} (${s.symbols.length} symbols)`).join(', ');
    process.stderr.write(`lobkit record: recording ${venues} into ${settings.out}${rec.metricsUrl ? `; metrics at ${rec.metricsUrl}/metrics` : ''}\n`);
    for (const r of rec.recovered) process.stderr.write(`lobkit record: recovered ${r.path} (${r.lines} lines) from a previous run\n`);
    await rec.done;
  } catch (e) {
    await rec.stop().catch(() => undefined);
    const msg = (e as Error).message;
    if (e instanceof UsageError) throw e;
    throw new InputError(msg);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const final = rec.metrics.snapshot(false);
  if (json) process.stdout.write(JSON.stringify(final) + '\n');
  else process.stderr.write(formatSnapshot(final));
}
