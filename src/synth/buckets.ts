/**
 * Queue-size buckets of the queue-reactive tables, in units of the average event size (aes):
 * 0: empty; 1: (0, 1) aes; 2: [1, 2); 3: [2, 4); 4: [4, 8); … doubling, the last bucket open.
 * Log-spaced because best queues on large-tick crypto books run from a fraction of one order to
 * hundreds of them.
 */
export function queueBucket(q: number, invAes: number, nb: number): number {
  if (q <= 0) return 0;
  const x = q * invAes;
  if (x < 1) return 1;
  if (x >= 1073741824) return nb - 1;
  const b = 33 - Math.clz32(x); // 2 + floor(log2(x)) for x >= 1
  return b < nb ? b : nb - 1;
}

/** Lower edge of bucket b in aes units (for reports). */
export function bucketLow(b: number): number {
  return b <= 1 ? 0 : 2 ** (b - 2);
}
