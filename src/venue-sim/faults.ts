import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../core/errors.ts';

/**
 * Faults the simulator injects, by flag (`--fault drop:symbol=BTCUSDT,after=500`), schedule file
 * (`--faults faults.yaml`: a list of the same objects) or control request (POST /__sim/fault).
 *
 * Frame faults hit the next book frame of `symbol` (any symbol if none) once the trigger is
 * reached: `drop` (not sent), `duplicate` (sent twice), `reorder` (swapped with the next frame of
 * the same book), `gap` (the venue's sequence numbers jump by `count` from here on: a loss the
 * client must detect), `corrupt` (cut short: not JSON), `checksum` (wrong checksum value).
 * Connection faults hit every connection (or connection `conn`): `disconnect` (close frame,
 * 1001), `stall` (nothing at all is sent for `ms`: no data, no pongs, no heartbeats),
 * `slow-reader` (the venue treats the client as a slow consumer: frames queue for `ms`, then
 * the connection is closed with 1008 and the queue discarded, as Binance and Coinbase do).
 *
 * Triggers: `after` N frames played (of `symbol` if given), or `atMs` of playback; `every` N
 * frames repeats it.
 */
export const FAULT_KINDS = ['disconnect', 'stall', 'drop', 'duplicate', 'reorder', 'gap', 'corrupt', 'checksum', 'slow-reader'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const FRAME_FAULTS: readonly FaultKind[] = ['drop', 'duplicate', 'reorder', 'gap', 'corrupt', 'checksum'];

const num = z.number().int().min(0);
export const faultSchema = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  symbol: z.string().min(1).optional(),
  after: num.optional(),
  atMs: num.optional(),
  every: z.number().int().min(1).optional(),
  count: z.number().int().min(1).max(1_000_000).optional(),
  ms: z.number().int().min(1).max(3_600_000).optional(),
  conn: num.optional(),
});
export type FaultSpec = z.infer<typeof faultSchema>;

function check(spec: unknown, where: string): FaultSpec {
  const r = faultSchema.safeParse(spec);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UsageError(`${where}: ${i.path.length ? `field "${i.path.join('.')}": ` : ''}${i.code === 'unrecognized_keys' ? `unknown key ${(i as { keys: string[] }).keys[0]} (known: ${Object.keys(faultSchema.shape).join(', ')})` : i.message}`);
  }
  return r.data;
}

/** `kind[:key=value,...]` → a fault spec. */
export function parseFaultFlag(s: string): FaultSpec {
  const colon = s.indexOf(':');
  const kind = colon < 0 ? s : s.slice(0, colon);
  const spec: Record<string, unknown> = { kind };
  if (colon >= 0) {
    for (const part of s.slice(colon + 1).split(',')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) throw new UsageError(`--fault ${s}: expected key=value, got ${JSON.stringify(part)}`);
      const k = part.slice(0, eq);
      const v = part.slice(eq + 1);
      spec[k] = k === 'symbol' ? v : /^\d+$/.test(v) ? Number(v) : v;
    }
  }
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--fault ${s}: unknown fault "${kind}"; faults are ${FAULT_KINDS.join(', ')}`);
  return check(spec, `--fault ${s}`);
}

/** A schedule file: YAML or JSON list of fault objects. */
export function loadFaultFile(path: string): FaultSpec[] {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`fault schedule ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(data)) throw new UsageError(`fault schedule ${path}: expected a list of faults`);
  return data.map((d, i) => check(d, `fault schedule ${path}: item ${i}`));
}

export function faultFromJson(body: unknown): FaultSpec {
  return check(body, 'fault');
}

/** A scheduled fault and its progress. */
export class Fault {
  /** Frames played that count toward the trigger. */
  seen = 0;
  fired = 0;
  /** Armed: the trigger was reached; a frame fault waits for its next matching frame. */
  armed = false;
  /** Remaining frames to hit (drop with count > 1). */
  remaining = 0;
  done = false;
  readonly log: { atFrame: number; symbol?: string; detail: string }[] = [];
  constructor(readonly spec: FaultSpec) {}

  get frameFault(): boolean {
    return FRAME_FAULTS.includes(this.spec.kind);
  }

  /** Counts a played frame of `symbol`; true when the trigger is reached now. */
  count(symbol: string, playedMs: number): boolean {
    if (this.done || this.armed) return false;
    const s = this.spec;
    if (s.symbol === undefined || s.symbol === symbol) this.seen++;
    const target = s.after ?? (s.atMs === undefined ? 0 : undefined);
    const hit = target !== undefined ? this.seen > target + this.fired * (s.every ?? 0) : playedMs >= s.atMs!;
    if (hit) {
      this.armed = true;
      this.remaining = s.kind === 'drop' ? (s.count ?? 1) : 1;
    }
    return hit;
  }

  /** After firing: re-arm for `every`, or finish. */
  fire(detail: string, atFrame: number, symbol?: string): void {
    this.log.push({ atFrame, symbol, detail });
    this.remaining--;
    if (this.remaining > 0) return;
    this.fired++;
    this.armed = false;
    if (this.spec.every === undefined) this.done = true;
  }
}
