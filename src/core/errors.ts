/**
 * Errors that name where bad input came from. The CLI prints `message` (never a bare stack) and
 * exits non-zero; replay counts recoverable ones per source and carries on.
 */
export interface InputWhere {
  file?: string;
  line?: number;
  field?: string;
}

export class InputError extends Error {
  constructor(
    readonly reason: string,
    readonly where: InputWhere = {},
  ) {
    super(formatWhere(where) + reason);
    this.name = 'InputError';
  }
}

export function formatWhere(w: InputWhere): string {
  let s = '';
  if (w.file) s += w.file;
  if (w.line !== undefined) s += (s ? ':' : 'line ') + w.line;
  if (w.field) s += (s ? ' ' : '') + `field "${w.field}"`;
  return s ? s + ': ' : '';
}

/** A usage problem (bad flag, missing file): printed as is, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
