/**
 * ISO-8601 UTC timestamps as Coinbase writes them ("2021-04-17T16:43:37.075687Z", up to 9
 * fractional digits) to float64 epoch nanoseconds, exactly: the result is the float nearest the
 * true integer, as `Number(BigInt(ns))` would give (one rounding, never two).
 */

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new Error(`bad ISO timestamp ${JSON.stringify(s)}`);
    v = v * 10 + d;
  }
  return v;
}

export function isoToNs(s: string): number {
  if (typeof s !== 'string' || s.length < 19 || s[4] !== '-' || s[7] !== '-' || (s[10] !== 'T' && s[10] !== ' ') || s[13] !== ':' || s[16] !== ':') {
    throw new Error(`bad ISO timestamp ${JSON.stringify(s)}`);
  }
  const ms = Date.UTC(digits(s, 0, 4), digits(s, 5, 2) - 1, digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2));
  let i = 19;
  let frac = 0;
  let k = 0;
  if (s[i] === '.') {
    i++;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
      if (k === 9) throw new Error(`ISO timestamp finer than 1 ns: ${JSON.stringify(s)}`);
      frac = frac * 10 + (s.charCodeAt(i) - 48);
      k++;
      i++;
    }
    if (k === 0) throw new Error(`bad ISO timestamp ${JSON.stringify(s)}`);
  }
  const rest = s.slice(i);
  if (rest !== 'Z' && rest !== '' && rest !== '+00:00') throw new Error(`ISO timestamp not in UTC: ${JSON.stringify(s)}`);
  // Microseconds since the epoch are exact in a float64 (< 2^53); one multiplication rounds once.
  if (k <= 6) return (ms * 1000 + frac * 10 ** (6 - k)) * 1000;
  return Number(BigInt(ms) * 1_000_000n + BigInt(frac * 10 ** (9 - k)));
}
