import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { InputError, UsageError } from '../core/errors.ts';
import { registerBook } from './commands/book.ts';
import { registerReplay } from './commands/replay.ts';
import { registerRecord } from './commands/record.ts';
import { registerVenueSim } from './commands/venue-sim.ts';
import { registerFeatures } from './commands/features.ts';
import { registerLabel } from './commands/label.ts';
import { registerDataset } from './commands/dataset.ts';
import { registerEvaluate } from './commands/evaluate.ts';
import { registerFeasibility } from './commands/feasibility.ts';
import { registerBacktest } from './commands/backtest.ts';
import { registerTrain } from './commands/train.ts';
import { registerPredict } from './commands/predict.ts';
import { registerModels } from './commands/models.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerDemo } from './commands/demo.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('lobkit')
    .description('Limit-order-book toolkit: exact L2 reconstruction from real venue traffic, with integrity checks')
    .version(pkg.version)
    .showHelpAfterError()
    .exitOverride();
  registerReplay(program);
  registerBook(program);
  registerRecord(program);
  registerVenueSim(program);
  registerFeatures(program);
  registerLabel(program);
  registerDataset(program);
  registerEvaluate(program);
  registerFeasibility(program);
  registerBacktest(program);
  registerTrain(program);
  registerPredict(program);
  registerModels(program);
  registerSimulate(program);
  registerDemo(program);
  return program;
}

/** Prints what went wrong in one line (file:line: reason), never a bare stack; exit 2 for usage, 1 for bad data. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  if (e instanceof UsageError) {
    process.stderr.write(`lobkit: ${e.message}\n`);
    return 2;
  }
  if (e instanceof InputError) {
    process.stderr.write(`lobkit: ${e.message}\n`);
    return 1;
  }
  const err = e as Error;
  process.stderr.write(`lobkit: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.LOBKIT_DEBUG) process.stderr.write(`${err?.stack}\n`);
  else process.stderr.write('(set LOBKIT_DEBUG=1 for the stack trace)\n');
  return 70;
}

// `lobkit ... | head` closes stdout early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    process.exitCode = reportError(e);
  });
