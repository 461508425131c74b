import { FRAME_KINDS, type FrameKind, type FrameSink } from './binance-feed.ts';
import { SymbolGenerator } from './generator.ts';
import { resolveSpec, type ResolvedSpec, type SimulationSpec } from './spec.ts';

/** One frame as a recorder would receive it. */
export interface SimFrame {
  symbol: string;
  /** Receive time, epoch ns (float64, like every lobkit timestamp). */
  localTs: number;
  kind: (typeof FRAME_KINDS)[number];
  /** The raw frame: a combined-stream envelope, or (kind "snapshot") the REST depth response. */
  frame: string;
}

/** Simulated time generated per step for each symbol (frames are merged across symbols by receive time). */
const STEP_NS = 50e6;

class QueueSink implements FrameSink {
  readonly ts: number[] = [];
  readonly kinds: FrameKind[] = [];
  readonly texts: string[] = [];
  head = 0;
  frame(localNs: number, kind: FrameKind, text: string): void {
    this.ts.push(localNs);
    this.kinds.push(kind);
    this.texts.push(text);
  }
  get size(): number {
    return this.ts.length - this.head;
  }
  compact(): void {
    if (this.head > 4096 && this.head * 2 > this.ts.length) {
      this.ts.splice(0, this.head);
      this.kinds.splice(0, this.head);
      this.texts.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * A simulated market as a stream of raw Binance frames (all symbols merged by receive time),
 * generated lazily: iterate it for as long as needed. The local venue simulator serves it as its
 * `synthetic` source; `depthSnapshot` answers the REST depth request from the current book, with
 * a lastUpdateId consistent with the diffs (Binance's REST book may be ahead of the stream, as
 * here, by up to one generation step).
 */
export class SyntheticMarket implements Iterable<SimFrame> {
  readonly spec: ResolvedSpec;
  private readonly gens: SymbolGenerator[];
  private readonly sinks: QueueSink[];
  private readonly symbols: string[];

  constructor(spec: SimulationSpec & { snapshots?: boolean }) {
    this.spec = resolveSpec(spec);
    const r = this.spec;
    this.symbols = r.instruments.map((p) => p.symbol);
    this.sinks = r.instruments.map(() => new QueueSink());
    this.gens = r.instruments.map(
      (p, i) => new SymbolGenerator({ venue: r.venue, params: p, market: r.params, seed: r.seed, startMs: r.startMs, sink: this.sinks[i], snapshot: spec.snapshots !== false, endNs: r.durationNs }),
    );
  }

  /** Epoch ns of simulation time 0. */
  get startNs(): number {
    return this.spec.startMs * 1e6;
  }

  *[Symbol.iterator](): Iterator<SimFrame> {
    const end = this.spec.durationNs;
    const n = this.gens.length;
    const base = this.startNs;
    for (;;) {
      // every queue holds at least one frame unless its generator is done: the smallest head is safe to emit
      let best = -1;
      let bestTs = Infinity;
      for (let i = 0; i < n; i++) {
        const s = this.sinks[i];
        const g = this.gens[i];
        while (s.size === 0 && g.t < end) {
          g.run(Math.min(end, g.t + STEP_NS));
          if (g.t >= end) g.finish();
        }
        if (s.size > 0 && s.ts[s.head] < bestTs) {
          bestTs = s.ts[s.head];
          best = i;
        }
      }
      if (best < 0) return;
      const s = this.sinks[best];
      const k = s.head++;
      yield { symbol: this.symbols[best], localTs: base + s.ts[k], kind: FRAME_KINDS[s.kinds[k]], frame: s.texts[k] };
      s.compact();
    }
  }

  /**
   * Frames paced to the wall clock at `speed` × real time (1 = live). Stops early when `signal`
   * aborts. The first frame is delivered at once.
   */
  async *paced(speed: number, signal?: AbortSignal): AsyncGenerator<SimFrame> {
    if (!(speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
    const wall0 = performance.now();
    let sim0 = NaN;
    for (const f of this) {
      if (signal?.aborted) return;
      if (sim0 !== sim0) sim0 = f.localTs;
      const due = (f.localTs - sim0) / 1e6 / speed - (performance.now() - wall0);
      if (due > 1) await sleep(due, signal);
      if (signal?.aborted) return;
      yield f;
    }
  }

  /** The REST `GET depth?limit=` response of `symbol`'s current book (spot and USD-M layouts). */
  depthSnapshot(symbol: string, limit = 1000): string {
    const i = this.symbols.indexOf(symbol.toUpperCase());
    if (i < 0) throw new RangeError(`symbol ${symbol} is not simulated (have ${this.symbols.join(', ')})`);
    const g = this.gens[i];
    return g.feed.restSnapshot(g.t, limit, this.spec.startMs + Math.floor(g.t / 1e6));
  }

  /** Symbols in the simulation. */
  get symbolList(): string[] {
    return [...this.symbols];
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', done);
      clearTimeout(t);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A lazily generated stream of raw frames (see `SyntheticMarket`). */
export function simulateFrames(spec: SimulationSpec & { snapshots?: boolean }): SyntheticMarket {
  return new SyntheticMarket(spec);
}
