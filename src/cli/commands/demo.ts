import type { Command } from 'commander';
import { demoJson, formatDemoSummary } from '../../report/demo.ts';
import { DEMO_DEFAULTS, parseDemoFlags, type DemoFlags } from '../demo/options.ts';
import { runDemo } from '../demo/run.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('End to end, offline: simulate a market → replay and check the books → features → labels → leak-guarded dataset → logistic and GBDT with walk-forward folds → cost-aware evaluation → report folder')
    .option('--out <dir>', 'report folder (replaced if an earlier demo wrote it; any other non-empty folder is refused)', DEMO_DEFAULTS.out)
    .option('--seed <n>', 'random seed of the simulated market (same seed, same results)', DEMO_DEFAULTS.seed)
    .option('--hours <h>', 'simulated hours, 0.1 to 24', DEMO_DEFAULTS.hours)
    .option('--symbols <list>', 'comma-separated symbols (BTCUSDT, ETHUSDT have their own calibrated parameters)', DEMO_DEFAULTS.symbols)
    .option('--folds <n>', 'walk-forward folds', DEMO_DEFAULTS.folds)
    .option('--json', 'print report.json on stdout instead of the summary')
    .option('--no-progress', 'no progress bars (the one-line stage log on stderr stays)')
    .action(async (flags: DemoFlags) => {
      const report = await runDemo(parseDemoFlags(flags));
      process.stdout.write(flags.json ? demoJson(report) : formatDemoSummary(report));
      process.exitCode = report.ok ? 0 : 1;
    });
}
