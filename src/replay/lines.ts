import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { InputError } from '../core/errors.ts';

/** A batch of consecutive lines of one file; `firstLine` is the 1-based number of `lines[0]`. */
export interface LineBatch {
  lines: string[];
  firstLine: number;
}

export function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const n = readSync(fd, b, 0, 2, 0);
    return n === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Streams a text file (plain or gzip, detected by magic bytes) as batches of lines in constant
 * memory. A truncated or corrupt gzip yields every complete line before the damage, then throws
 * an InputError naming the file and the last good line; an incomplete last line of a damaged
 * file is reported, never passed on as data.
 */
export async function* readLines(path: string, onBytes?: (n: number) => void): AsyncGenerator<LineBatch> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new InputError(`cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path });
  }
  const gz = size >= 2 && isGzip(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (onBytes) raw.on('data', (c) => onBytes((c as Buffer).length));
  const stream = gz ? raw.pipe(createGunzip({ chunkSize: 1 << 18 })) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lineNo = 1;
  let first = true;
  try {
    for await (const chunk of stream) {
      let text = rest + decoder.write(chunk as Buffer);
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // UTF-8 byte-order mark
      }
      const lines: string[] = [];
      let start = 0;
      let nl = text.indexOf('\n', start);
      while (nl !== -1) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        lines.push(text.slice(start, end));
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      rest = start < text.length ? text.slice(start) : '';
      if (lines.length > 0) {
        yield { lines, firstLine: lineNo };
        lineNo += lines.length;
      }
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const what = err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message) ? 'truncated gzip' : `corrupt or unreadable data (${err.code ?? err.message})`;
    const partial = rest.length > 0 ? `; an incomplete line ${lineNo} (${rest.length} chars) was not used` : '';
    throw new InputError(`${what}: data ends after line ${lineNo - 1}${partial}`, { file: path, line: lineNo });
  }
  rest += decoder.end();
  if (rest.length > 0) yield { lines: [rest.endsWith('\r') ? rest.slice(0, -1) : rest], firstLine: lineNo };
}
