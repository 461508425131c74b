import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { loadFaultFile, parseFaultFlag, FAULT_KINDS, type FaultSpec } from '../../venue-sim/faults.ts';
import { SIM_VENUES } from '../../venue-sim/protocols/index.ts';
import { VenueSim } from '../../venue-sim/server.ts';
import { recordingFrames, syntheticFrames } from '../../venue-sim/source.ts';

interface SimFlags {
  venue?: string;
  port: string;
  host: string;
  source?: string[];
  speed: string;
  start: string;
  fault: string[];
  faults?: string;
  clone?: string;
  maxConnAgeMs?: string;
  preload?: boolean;
  limit?: string;
  hours: string;
  seed: string;
  symbols?: string;
}

export function registerVenueSim(program: Command): void {
  program
    .command('venue-sim')
    .description('Local venue simulator: WebSocket + REST on 127.0.0.1 speaking a venue protocol, replaying a real recording, with injected faults')
    .requiredOption('--venue <id>', `venue protocol: ${SIM_VENUES.join(', ')}`)
    .requiredOption('--source <files...>', 'recording to replay: lobkit raw captures or cryptofeed recordings (e.g. ../shared/data/binance-hftbacktest/spot/*.gz), or "synthetic" (lobkit\'s synthetic Binance market; binance-usdm/binance-spot)')
    .option('--symbols <list>', 'synthetic source: symbols (default: those of the shipped parameter set)')
    .option('--hours <h>', 'synthetic source: hours of market to generate', '24')
    .option('--seed <s>', 'synthetic source: seed (same seed, same frames)', '1')
    .option('--port <n>', 'port (0: any free port; the URL is printed)', '0')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--speed <x>', 'playback speed: 1 = recorded pace, 10 = ten times faster, max = as fast as clients read', '1')
    .option('--start <when>', 'start playback: now, on-subscribe (first subscription), paused (POST /__sim/start)', 'on-subscribe')
    .option('--fault <spec>', `inject a fault, repeatable: kind[:key=value,...]; kinds ${FAULT_KINDS.join(', ')}; keys symbol, after, atMs, every, count, ms, conn`, (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--faults <file>', 'fault schedule: YAML/JSON list of {kind, symbol, after, atMs, every, count, ms, conn}')
    .option('--clone <n>', 'serve every recorded symbol under n names (BTCUSDT, BTCUSDT2, ...; Binance only; for load tests)')
    .option('--max-conn-age-ms <n>', 'close client connections after this long (a venue connection lifetime)')
    .option('--preload', 'hold the recording in memory (playback reads no files)')
    .option('--limit <n>', 'play only the first n frames of the recording')
    .addHelpText('after', '\nControl: GET /__sim/stats (JSON counts per client and symbol), POST /__sim/start, POST /__sim/fault (a fault as JSON).')
    .action(async (flags: SimFlags) => {
      const speed = flags.speed === 'max' ? Infinity : Number(flags.speed);
      if (!(speed > 0)) throw new UsageError(`--speed must be a positive number or max, got ${flags.speed}`);
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got ${flags.port}`);
      if (!['now', 'on-subscribe', 'paused'].includes(flags.start)) throw new UsageError(`--start must be now, on-subscribe or paused, got ${flags.start}`);
      const sources = flags.source ?? [];
      const synthetic = sources.length === 1 && sources[0] === 'synthetic';
      if (synthetic && flags.venue !== 'binance-usdm' && flags.venue !== 'binance-spot') throw new UsageError(`--source synthetic generates Binance traffic: use --venue binance-usdm or binance-spot, not ${flags.venue}`);
      const hours = Number(flags.hours);
      if (synthetic && !(hours > 0)) throw new UsageError(`--hours must be a positive number, got ${flags.hours}`);
      if (!synthetic && flags.symbols !== undefined) throw new UsageError('--symbols applies to --source synthetic (a recording serves the symbols it holds)');
      const faults: FaultSpec[] = flags.fault.map(parseFaultFlag);
      if (flags.faults !== undefined) faults.push(...loadFaultFile(flags.faults));
      const clone = flags.clone === undefined ? undefined : Number(flags.clone);
      if (clone !== undefined && !(Number.isInteger(clone) && clone >= 1 && clone <= 10_000)) throw new UsageError(`--clone must be 1..10000, got ${flags.clone}`);
      const maxAge = flags.maxConnAgeMs === undefined ? undefined : Number(flags.maxConnAgeMs);
      if (maxAge !== undefined && !(maxAge > 0)) throw new UsageError(`--max-conn-age-ms must be a positive number, got ${flags.maxConnAgeMs}`);
      const limit = flags.limit === undefined ? undefined : Number(flags.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit must be a positive integer, got ${flags.limit}`);
      const sim = new VenueSim({
        venue: flags.venue!,
        host: flags.host,
        port,
        frames: synthetic
          ? () => syntheticFrames({ venue: flags.venue as 'binance-usdm' | 'binance-spot', symbols: flags.symbols?.split(',').map((x) => x.trim()).filter((x) => x !== ''), hours, seed: /^-?\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed })
          : () => recordingFrames(sources),
        scanFrames: synthetic ? 100_000 : undefined,
        speed,
        start: flags.start as 'now' | 'on-subscribe' | 'paused',
        faults,
        clone,
        maxConnAgeMs: maxAge,
        preload: flags.preload === true,
        limit,
      });
      const url = await sim.listen();
      const ws = url.replace(/^http/, 'ws');
      process.stdout.write(`venue-sim ${flags.venue} listening on ${url} (WebSocket ${ws}${sim.protocol.paths[0] === '/' ? '' : sim.protocol.paths[0]}; stats ${url}/__sim/stats)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          void sim.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
