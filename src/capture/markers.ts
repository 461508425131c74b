/**
 * lobkit marker lines: control records the recorder writes into a raw capture stream, in the same
 * `<localTsNs> <frame>` line format as venue frames. A marker frame is a JSON object whose first
 * key is "lobkit" (no venue sends that), so readers tell them apart by prefix alone:
 *
 *   {"lobkit":"connect","venue":"okx","conn":"okx-0#3","url":"wss://..."}      a connection opened
 *   {"lobkit":"disconnect","venue":"okx","symbol":"BTC-USDT","reason":"..."}  it dropped: the book is invalid until a resync
 *   {"lobkit":"gap","venue":"okx","symbol":"BTC-USDT","reason":"..."}         upstream loss detected (sequence break, checksum failure)
 *   {"lobkit":"bad","venue":"okx","reason":"...","text":"..."|"base64":"..."} a frame that cannot be stored as one text line, kept losslessly
 *
 * `lobkit replay` turns gap/disconnect markers into Gap/Disconnect events, starts a new connection
 * context on connect markers, and counts bad markers as bad lines.
 */

export const MARKER_PREFIX = '{"lobkit":"';

export type MarkerKind = 'connect' | 'disconnect' | 'gap' | 'bad';

export interface ConnectMarker {
  lobkit: 'connect';
  venue: string;
  conn: string;
  url: string;
}

export interface DisconnectMarker {
  lobkit: 'disconnect';
  venue: string;
  symbol: string;
  reason: string;
}

export interface GapMarker {
  lobkit: 'gap';
  venue: string;
  symbol: string;
  reason: string;
}

export interface BadMarker {
  lobkit: 'bad';
  venue: string;
  reason: string;
  /** The frame's text when it is valid UTF-8 (it held a line break). */
  text?: string;
  /** The frame's bytes when it was binary. */
  base64?: string;
}

export type Marker = ConnectMarker | DisconnectMarker | GapMarker | BadMarker;

export function isMarker(frame: string): boolean {
  return frame.startsWith(MARKER_PREFIX);
}

export function connectMarker(venue: string, conn: string, url: string): string {
  return JSON.stringify({ lobkit: 'connect', venue, conn, url });
}

export function disconnectMarker(venue: string, symbol: string, reason: string): string {
  return JSON.stringify({ lobkit: 'disconnect', venue, symbol, reason });
}

export function gapMarker(venue: string, symbol: string, reason: string): string {
  return JSON.stringify({ lobkit: 'gap', venue, symbol, reason });
}

export function badMarker(venue: string, reason: string, frame: string | Buffer): string {
  return JSON.stringify(typeof frame === 'string' ? { lobkit: 'bad', venue, reason, text: frame } : { lobkit: 'bad', venue, reason, base64: frame.toString('base64') });
}

/**
 * Decodes a marker frame. Throws an Error naming the problem for a malformed one (the reader
 * turns it into a located bad line).
 */
export function parseMarker(frame: string): Marker {
  let m: unknown;
  try {
    m = JSON.parse(frame);
  } catch {
    throw new Error(`malformed lobkit marker: ${frame.slice(0, 80)}`);
  }
  if (m === null || typeof m !== 'object') throw new Error(`malformed lobkit marker: ${frame.slice(0, 80)}`);
  const o = m as Record<string, unknown>;
  const str = (k: string): string => {
    const v = o[k];
    if (typeof v !== 'string') throw new Error(`lobkit ${String(o.lobkit)} marker without a string "${k}"`);
    return v;
  };
  switch (o.lobkit) {
    case 'connect':
      return { lobkit: 'connect', venue: str('venue'), conn: str('conn'), url: str('url') };
    case 'disconnect':
      return { lobkit: 'disconnect', venue: str('venue'), symbol: str('symbol'), reason: str('reason') };
    case 'gap':
      return { lobkit: 'gap', venue: str('venue'), symbol: str('symbol'), reason: str('reason') };
    case 'bad': {
      const b: BadMarker = { lobkit: 'bad', venue: str('venue'), reason: str('reason') };
      if (typeof o.text === 'string') b.text = o.text;
      else if (typeof o.base64 === 'string') b.base64 = o.base64;
      else throw new Error('lobkit bad marker without "text" or "base64"');
      return b;
    }
  }
  throw new Error(`unknown lobkit marker kind ${JSON.stringify(o.lobkit)}`);
}

/** True when a frame can be stored verbatim as the rest of one line (no line break, no trailing CR). */
export function fitsOneLine(frame: string): boolean {
  return frame.indexOf('\n') === -1 && frame.indexOf('\r') === -1;
}
