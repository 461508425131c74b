import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { simulateToFiles } from './files.ts';
import { simulateFrames } from './frames.ts';

/**
 * Output pinned: two simulated minutes per venue (both default symbols, seed 7), sha256 of the
 * decompressed files. A change of the model, the parameters or the frame writer that changes a
 * single byte fails here: update the pin only for an intended change, and say why.
 */
const PINS = {
  'binance-usdm': { events: 374491, frames: 76142, sha256: 'a03a506b3dccea5005dafcdc858079cda182d948bdf1f5498c07d04175ebbfc2' },
  'binance-spot': { events: 143320, frames: 44116, sha256: 'faaa7c10146711a87e75f1834ab32ef3b828be6a8ff17d5cb2c414420d9bbeff' },
};

for (const venue of ['binance-usdm', 'binance-spot'] as const) {
  test(`${venue}: the written files are byte-identical to the pinned run, and their frames to simulateFrames'`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'lobkit-synth-pin-'));
    try {
      const s = await simulateToFiles({ out, venue, hours: 2 / 60, seed: 7, workers: 1 });
      const h = createHash('sha256');
      const texts: Record<string, string[]> = {};
      for (const f of s.files) {
        const text = gunzipSync(readFileSync(f));
        h.update(text);
        const sym = /([a-z]+)_\d{8}\.gz$/.exec(f)![1].toUpperCase();
        texts[sym] = text.toString('latin1').split('\n').slice(0, -1).map((l) => l.slice(l.indexOf(' ') + 1));
      }
      assert.deepEqual({ events: s.events, frames: s.frames, sha256: h.digest('hex') }, PINS[venue]);
      // the in-memory stream (strings) carries the same frames as the files (bytes)
      const mem: Record<string, string[]> = {};
      for (const f of simulateFrames({ venue, hours: 2 / 60, seed: 7 })) (mem[f.symbol] ??= []).push(f.frame);
      assert.deepEqual(Object.keys(mem).sort(), Object.keys(texts).sort());
      for (const sym of Object.keys(mem)) {
        assert.equal(mem[sym].length, texts[sym].length, sym);
        assert.ok(mem[sym].every((f, i) => f === texts[sym][i]), `${sym}: same frames in the same order`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}
