import { formatWhere } from '../core/errors.ts';

/** What reading one file produced: line counts, bad lines (counted, with examples), a fatal error. */
export interface FileReport {
  file: string;
  format: string;
  venue: string;
  lines: number;
  /** Lines that carried a frame handed to a venue parser. */
  frames: number;
  /** Control lines that carry no market data by design (headers, subscriptions, connects). */
  control: number;
  badLines: number;
  examples: string[];
  /** Set when the file could not be read to its end (truncated gzip, missing file). */
  error?: string;
}

const MAX_EXAMPLES = 10;

export class ReadReport {
  readonly files: FileReport[] = [];

  open(file: string, format: string, venue: string): FileReport {
    const r: FileReport = { file, format, venue, lines: 0, frames: 0, control: 0, badLines: 0, examples: [] };
    this.files.push(r);
    return r;
  }

  get badLines(): number {
    let n = 0;
    for (const f of this.files) n += f.badLines;
    return n;
  }

  get fileErrors(): number {
    let n = 0;
    for (const f of this.files) if (f.error) n++;
    return n;
  }
}

export function badLine(r: FileReport, line: number, reason: string, field?: string): void {
  r.badLines++;
  if (r.examples.length < MAX_EXAMPLES) r.examples.push(formatWhere({ file: r.file, line, field }) + reason);
}
