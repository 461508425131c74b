import type { Frame } from '../core/frame.ts';
import { lobColumn } from './ops/lob-snapshot.ts';

/**
 * DeepLOB-style input tensors (Zhang, Zohren & Roberts 2019): for each sample, the last T rows ×
 * L levels × 4 channels (ask price, ask size, bid price, bid size), built from the `lob_snapshot`
 * columns of a feature frame. Each window ends at its sample row and reaches only backwards; the
 * columns are already normalized backward-looking by the operator. NaN (rows where the book was
 * invalid) becomes 0, the neutral value. Layout: data[((s·T + t)·L + l)·4 + c], t = 0 oldest.
 */
export interface DeepLobTensor {
  data: Float32Array;
  /** Samples. */
  n: number;
  T: number;
  levels: number;
  channels: 4;
  /** Frame row each sample's window ends at (its label row). */
  rows: Int32Array;
}

export interface DeepLobOptions {
  T: number;
  levels: number;
  /** Column prefix of the lob_snapshot operator (default `lob`). */
  prefix?: string;
  /** Rows to build windows for (default: every row with T − 1 rows before it). Earlier rows are padded with 0 when `pad`. */
  rows?: ArrayLike<number>;
  pad?: boolean;
}

function columns(frame: Frame, levels: number, prefix: string): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let l = 1; l <= levels; l++) for (let c = 0; c < 4; c++) cols.push(frame.col(lobColumn(prefix, l, c)));
  return cols;
}

export function deepLobTensors(frame: Frame, opts: DeepLobOptions): DeepLobTensor {
  const { T, levels } = opts;
  if (!(Number.isInteger(T) && T >= 1)) throw new Error(`DeepLOB window T must be an integer ≥ 1, got ${T}`);
  const cols = columns(frame, levels, opts.prefix ?? 'lob');
  let rows: Int32Array;
  if (opts.rows) rows = Int32Array.from(opts.rows);
  else {
    const first = opts.pad ? 0 : T - 1;
    rows = new Int32Array(Math.max(0, frame.n - first));
    for (let i = 0; i < rows.length; i++) rows[i] = first + i;
  }
  const F = levels * 4;
  const data = new Float32Array(rows.length * T * F);
  for (let s = 0; s < rows.length; s++) {
    const end = rows[s];
    if (end < 0 || end >= frame.n) throw new Error(`DeepLOB sample row ${end} outside the frame (0..${frame.n - 1})`);
    if (!opts.pad && end < T - 1) throw new Error(`DeepLOB sample row ${end} has fewer than T − 1 = ${T - 1} rows before it (pass pad: true)`);
    for (let t = 0; t < T; t++) {
      const r = end - (T - 1) + t;
      if (r < 0) continue; // padded: zeros
      const o = (s * T + t) * F;
      for (let f = 0; f < F; f++) {
        const v = cols[f][r];
        data[o + f] = v === v ? v : 0;
      }
    }
  }
  return { data, n: rows.length, T, levels, channels: 4, rows };
}

/**
 * The live counterpart: keeps the last T rows' lob columns (a ring) as rows are emitted, and copies
 * the current T × L × 4 window out, oldest first, in the same layout and with the same NaN → 0 rule
 * as `deepLobTensors` (so a model sees identical inputs offline and live).
 */
export class DeepLobWindow {
  private readonly ring: Float32Array;
  private readonly F: number;
  private pos = 0;
  private count = 0;

  constructor(
    readonly T: number,
    readonly levels: number,
    /** Index in the FeatureSet row of each lob column, in level-major, channel-minor order. */
    private readonly index: Int32Array,
  ) {
    this.F = levels * 4;
    if (index.length !== this.F) throw new Error(`DeepLobWindow: ${index.length} column indices for ${levels} levels`);
    this.ring = new Float32Array(T * this.F);
  }

  /** For a FeatureSet row layout (`names`) holding lob_snapshot columns with this prefix. */
  static forNames(names: readonly string[], T: number, levels: number, prefix = 'lob'): DeepLobWindow {
    const idx = new Int32Array(levels * 4);
    for (let l = 1; l <= levels; l++) {
      for (let c = 0; c < 4; c++) {
        const name = lobColumn(prefix, l, c);
        const i = names.indexOf(name);
        if (i < 0) throw new Error(`no column ${name}: add a lob_snapshot operator with levels ≥ ${levels}`);
        idx[(l - 1) * 4 + c] = i;
      }
    }
    return new DeepLobWindow(T, levels, idx);
  }

  push(row: Float64Array): void {
    const o = this.pos * this.F;
    for (let f = 0; f < this.F; f++) {
      const v = row[this.index[f]];
      this.ring[o + f] = v === v ? v : 0;
    }
    this.pos = this.pos + 1 === this.T ? 0 : this.pos + 1;
    if (this.count < this.T) this.count++;
  }

  get ready(): boolean {
    return this.count === this.T;
  }

  /** Copies the window (oldest row first; zeros before the first T rows) to out[at ..]. */
  copyTo(out: Float32Array, at = 0): void {
    const F = this.F;
    const missing = this.T - this.count;
    out.fill(0, at, at + missing * F);
    const start = this.count === this.T ? this.pos : 0;
    for (let t = 0; t < this.count; t++) {
      const r = (start + t) % this.T;
      out.set(this.ring.subarray(r * F, r * F + F), at + (missing + t) * F);
    }
  }
}
