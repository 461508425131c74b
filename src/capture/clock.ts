import { performance } from 'node:perf_hooks';

/**
 * Time as the recorder sees it, injectable so tests drive rotation, watchdogs and backoff without
 * waiting. `nowNs` is epoch nanoseconds in a float64 (exact to 256 ns today, see core/events.ts).
 */
export interface Clock {
  /** Epoch ns, never decreasing. */
  nowNs(): number;
  /** Epoch ms (for schedules). */
  nowMs(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  clearTimeout(t: Timer): void;
}

export interface Timer {
  /** Lets the process exit while the timer is pending (a no-op on test clocks). */
  unref?(): void;
}

/** Only a stepped wall clock (NTP step, manual change) larger than this moves the anchor. */
const STEP_MS = 50;
const RECHECK_MS = 10_000;

/**
 * Wall-clock epoch time with sub-microsecond resolution: `performance.timeOrigin + now()`, checked
 * against `Date.now()` every 10 s so a stepped system clock is followed, and clamped so it never
 * goes backwards (arrival order is what the capture format promises).
 */
export class SystemClock implements Clock {
  private offsetMs = performance.timeOrigin;
  private last = 0;
  private checkedAt = 0;

  nowNs(): number {
    const p = performance.now();
    if (p - this.checkedAt > RECHECK_MS) {
      this.checkedAt = p;
      const wall = Date.now() - p;
      if (Math.abs(wall - this.offsetMs) > STEP_MS) this.offsetMs = wall;
    }
    let ns = Math.round((this.offsetMs + p) * 1e6);
    if (ns <= this.last) ns = this.last + 256; // float64 ns spacing at today's epoch
    this.last = ns;
    return ns;
  }

  nowMs(): number {
    return this.nowNs() / 1e6;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return setTimeout(fn, ms);
  }

  clearTimeout(t: Timer): void {
    clearTimeout(t as NodeJS.Timeout);
  }
}

/** A clock tests move by hand: `advance(ms)` runs due timers in time order. */
export class ManualClock implements Clock {
  private ms: number;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void; id: Timer }[] = [];

  constructor(startMs = Date.UTC(2024, 0, 1)) {
    this.ms = startMs;
  }

  nowNs(): number {
    return Math.round(this.ms * 1e6);
  }

  nowMs(): number {
    return this.ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const id: Timer = {};
    this.timers.push({ at: this.ms + Math.max(0, ms), seq: this.seq++, fn, id });
    return id;
  }

  clearTimeout(t: Timer): void {
    this.timers = this.timers.filter((x) => x.id !== t);
  }

  /** Moves time forward, firing every timer that falls due (including ones they schedule). */
  advance(ms: number): void {
    const end = this.ms + ms;
    for (;;) {
      let next = -1;
      for (let i = 0; i < this.timers.length; i++) {
        const t = this.timers[i];
        if (t.at <= end && (next === -1 || t.at < this.timers[next].at || (t.at === this.timers[next].at && t.seq < this.timers[next].seq))) next = i;
      }
      if (next === -1) break;
      const t = this.timers.splice(next, 1)[0];
      this.ms = Math.max(this.ms, t.at);
      t.fn();
    }
    this.ms = end;
  }

  get pending(): number {
    return this.timers.length;
  }
}
