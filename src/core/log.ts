import { pino, type Logger } from 'pino';

/**
 * The one logger of library code. Writes JSON lines to stderr (stdout is for command output).
 * Level from LOBKIT_LOG_LEVEL (default "warn", so library chatter never pollutes CLI output).
 * Fields named like secrets are redacted wherever they appear.
 */
export const log: Logger = pino(
  {
    name: 'lobkit',
    level: process.env.LOBKIT_LOG_LEVEL ?? 'warn',
    redact: { paths: ['apiKey', 'apiSecret', 'secret', 'passphrase', '*.apiKey', '*.apiSecret', '*.secret', '*.passphrase'], censor: '[redacted]' },
  },
  pino.destination(2),
);
