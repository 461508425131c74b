import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError, UsageError } from '../core/errors.ts';
import { makeBbo, makeBookChange, makeDisconnect, makeFunding, makeGap, makeTrade, type MarketEvent } from '../core/events.ts';
import { EventFileWriter, readEventFile, readEventFileHeader } from './event-file.ts';
import { identify, openReplay } from './open.ts';
import { ReadReport } from './report.ts';

const dir = mkdtempSync(join(tmpdir(), 'lobkit-evfile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmp = (): string => join(dir, `f${n++}.lobev`);

function book(i: number, opts: { snapshot?: boolean; where?: boolean; levels?: number[]; nBids?: number } = {}): MarketEvent {
  const levels = new Float64Array(opts.levels ?? [100 + i, 5, 99, 0, 101, 7]);
  const ev = makeBookChange('binance', 'BTCUSDT', opts.snapshot === true, 1.7e18 + i * 1000, 1.7e18 + i * 1000 + 256, levels, opts.nBids ?? 2, 2, 8, 1000 + i, NaN, i % 2 ? 999 + i : NaN, i % 3 ? 4294967295 : NaN, i % 5);
  if (opts.where) ev.where = { file: '/data/raw/btcusdt_20240808.gz', line: 10 + i };
  return ev;
}

/** One of every type, with NaNs, -0, unicode and non-numeric trade ids, where on several types. */
function sample(): MarketEvent[] {
  const gap = makeGap('okx', 'BTC-USDT', NaN, 1.7e18 + 5, 'recorder: reconnect — seq 5 → 9', 5, 9);
  (gap as { where?: unknown }).where = { file: 'données/é.gz', line: 3 };
  return [
    book(0, { snapshot: true, where: true }),
    book(1),
    book(2, { levels: [], nBids: 0 }),
    book(3, { levels: [1, 2], nBids: 0, where: true }),
    makeTrade('binance', 'BTCUSDT', 1.7e18, 1.7e18 + 1, 6500012, 150, 2, 8, 0, '12345'),
    makeTrade('binance', 'BTCUSDT', NaN, 1.7e18 + 2, 6500012, 0, 2, 8, 1, '007'),
    makeTrade('kraken', 'XBT/USD', 1.7e18, 1.7e18 + 3, -0, 1, 1, 0, -1, 'trade-Ω-日本-🚀'),
    makeTrade('kraken', 'XBT/USD', 1.7e18, 1.7e18 + 3, 1, 1, 1, 0, -1, ''),
    makeTrade('kraken', 'XBT/USD', 1.7e18, 1.7e18 + 3, 1, 1, 1, 0, 0, '12345678901234567890'),
    makeBbo('binance', 'BTCUSDT', 1.7e18, 1.7e18 + 4, 6500000, 1, 6500001, 2, 2, 8, NaN),
    makeBbo('bybit', 'ETHUSDT', 1.7e18, 1.7e18 + 4, 1, 2, 3, 4, 18, 0, 77),
    makeFunding('binance-usdm', 'BTCUSDT', 1.7e18, 1.7e18 + 5, 65000.1, NaN, -0.0001, NaN),
    gap,
    makeGap('binance', 'BTCUSDT', NaN, 1.7e18 + 6, '', NaN, NaN),
    makeDisconnect('coinbase', 'BTC-USD', NaN, 1.7e18 + 7, 'socket closed: 1006'),
  ];
}

function write(path: string, events: MarketEvent[], chunkBytes?: number): void {
  const w = EventFileWriter.open(path, { sources: ['a.gz', 'b.gz'], chunkBytes });
  for (const e of events) w.write(e);
  w.close();
}

async function readAll(path: string): Promise<{ batches: MarketEvent[][]; events: MarketEvent[]; error?: InputError }> {
  const batches: MarketEvent[][] = [];
  try {
    for await (const b of readEventFile(path)) batches.push(b);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { batches, events: batches.flat(), error: e };
  }
  return { batches, events: batches.flat() };
}

/** Field by field, keys in the same order (same object shape), NaN and -0 exact. */
function assertSameEvent(a: MarketEvent, b: MarketEvent, i: number): void {
  assert.deepEqual(Object.keys(a), Object.keys(b), `event ${i}: keys`);
  for (const k of Object.keys(a) as (keyof MarketEvent)[]) {
    const x = a[k] as unknown;
    const y = b[k] as unknown;
    if (x instanceof Float64Array) {
      assert.ok(y instanceof Float64Array, `event ${i}.${k}`);
      assert.deepEqual([...y], [...x], `event ${i}.${k}`);
    } else if (typeof x === 'number') assert.ok(Object.is(x, y), `event ${i}.${k}: ${String(x)} vs ${String(y)}`);
    else assert.deepEqual(y, x, `event ${i}.${k}`);
  }
}

/** Byte offsets of each chunk, walking the layout from the spec (docs/event-file.md). */
function chunkOffsets(path: string): number[] {
  const buf = readFileSync(path);
  const offs: number[] = [];
  let pos = JSON.parse(buf.toString('utf8', 0, buf.indexOf(0x0a))).dataOffset as number;
  while (pos + 32 <= buf.length) {
    offs.push(pos);
    pos += 32 + ((buf.readUInt32LE(pos + 12) + 7) & ~7) + 8 * buf.readUInt32LE(pos + 16);
  }
  return offs;
}

describe('event file round trip', () => {
  for (const chunkBytes of [undefined, 8, 200]) {
    it(`every event type and field survives exactly (chunkBytes ${chunkBytes ?? 'default'})`, async () => {
      const evs = sample();
      const p = tmp();
      write(p, evs, chunkBytes);
      const { batches, events, error } = await readAll(p);
      assert.equal(error, undefined);
      assert.equal(events.length, evs.length);
      evs.forEach((e, i) => assertSameEvent(e, events[i], i));
      const h = await readEventFileHeader(p);
      assert.equal(h.complete, true);
      assert.equal(h.events, evs.length);
      assert.equal(h.chunks, batches.length);
      if (chunkBytes === 8) assert.equal(batches.length, evs.length, 'a tiny chunk size puts one record per chunk');
      if (chunkBytes === undefined) assert.equal(batches.length, 1);
      assert.deepEqual(h.venues, ['binance', 'binance-usdm', 'bybit', 'coinbase', 'kraken', 'okx']);
      assert.ok(h.instruments?.includes('kraken:XBT/USD'));
      assert.deepEqual(h.sources, ['a.gz', 'b.gz']);
      assert.ok(!existsSync(p + '.partial'));
    });
  }

  it('levels are zero-copy aligned views that stay valid after later chunks are read', async () => {
    const evs = Array.from({ length: 300 }, (_, i) => book(i, { levels: [i, i + 1, i + 2, i + 3], nBids: 1 }));
    const p = tmp();
    write(p, evs, 256);
    const { batches, events } = await readAll(p);
    assert.ok(batches.length > 10);
    const buffers = new Set<ArrayBufferLike>();
    for (const e of events) {
      assert.equal(e.type, 'book_change');
      if (e.type !== 'book_change') continue;
      assert.equal(e.levels.byteOffset % 8, 0);
      buffers.add(e.levels.buffer);
    }
    assert.equal(buffers.size, batches.length, 'one buffer per chunk, never reused');
    events.forEach((e, i) => assertSameEvent(evs[i], e, i));
  });

  it('an empty file holds no events and reads back as such', async () => {
    const p = tmp();
    write(p, []);
    const { batches, error } = await readAll(p);
    assert.equal(error, undefined);
    assert.equal(batches.length, 0);
    assert.equal((await readEventFileHeader(p)).events, 0);
  });

  it('replay recognises the file, keeps where, and counts records in the report', async () => {
    const p = tmp();
    const evs = sample();
    write(p, evs, 100);
    const [f] = await identify([p]);
    assert.equal(f.format.id, 'lobkit-events');
    const report = new ReadReport();
    const got: MarketEvent[] = [];
    for await (const b of await openReplay([p], report)) got.push(...b);
    evs.forEach((e, i) => assertSameEvent(e, got[i], i));
    assert.equal(report.files[0].lines, evs.length);
    assert.equal(report.files[0].venue, 'binance+binance-usdm+bybit+coinbase+kraken+okx');
    assert.equal(report.files[0].error, undefined);
    assert.deepEqual((got[0] as { where?: unknown }).where, { file: '/data/raw/btcusdt_20240808.gz', line: 10 });
  });

  it('refuses to replace an existing file unless asked, and leaves no partial file on abort', () => {
    const p = tmp();
    write(p, [book(0)]);
    assert.throws(() => EventFileWriter.open(p), UsageError);
    const w = EventFileWriter.open(p, { overwrite: true });
    w.write(book(1));
    assert.ok(existsSync(p + '.partial'));
    w.abort();
    assert.ok(!existsSync(p + '.partial'));
  });
});

describe('event file damage', () => {
  async function damaged(mutate: (path: string, offs: number[]) => void): Promise<{ path: string; offs: number[]; events: MarketEvent[]; error?: InputError }> {
    const path = tmp();
    write(path, Array.from({ length: 40 }, (_, i) => book(i)), 160);
    const offs = chunkOffsets(path);
    assert.ok(offs.length >= 8);
    mutate(path, offs);
    const r = await readAll(path);
    return { path, offs, events: r.events, error: r.error };
  }

  it('a half-written last chunk is reported as truncation after the events before it', async () => {
    let cut = 0;
    const r = await damaged((p, offs) => truncateSync(p, (cut = offs[offs.length - 1] + 40)));
    const last = r.offs.length - 1;
    assert.ok(r.error, 'must throw');
    assert.match(r.error.message, new RegExp(`^${r.path}: truncated: chunk ${last} at byte offset ${r.offs[last]}: needs \\d+ bytes, the file ends after 40`));
    assert.ok(cut > 0);
    const expected = Array.from({ length: 40 }, (_, i) => book(i)).slice(0, r.events.length);
    assert.ok(r.events.length > 0 && r.events.length < 40);
    r.events.forEach((e, i) => assertSameEvent(expected[i], e, i));
  });

  it('a file cut inside a chunk header is truncation too', async () => {
    const r = await damaged((p, offs) => truncateSync(p, offs[3] + 10));
    assert.match(r.error?.message ?? '', /truncated: chunk 3 at byte offset \d+: only 10 of its 32 header bytes/);
  });

  it('a file cut exactly between chunks is caught by the totals in the header', async () => {
    const r = await damaged((p, offs) => truncateSync(p, offs[5]));
    assert.match(r.error?.message ?? '', /truncated: the header promises 40 events in \d+ chunks, the file holds \d+ in 5/);
    assert.ok(r.events.length > 0);
  });

  it('a file whose writer never closed it is reported as unfinished', async () => {
    const p = tmp();
    const w = EventFileWriter.open(p, { chunkBytes: 100 });
    for (let i = 0; i < 20; i++) w.write(book(i));
    // no close(): as if killed; the completed chunks are on disk in the .partial file
    const r = await readAll(p + '.partial');
    assert.ok(r.events.length > 0);
    assert.match(r.error?.message ?? '', /\.partial: truncated: the writer never finished this file/);
    w.abort();
  });

  it('a writer killed in the middle of writing a chunk: truncation, with the chunks before it delivered', async () => {
    const p = tmp();
    const w = EventFileWriter.open(p, { chunkBytes: 100 });
    for (let i = 0; i < 20; i++) w.write(book(i));
    const offs = chunkOffsets(p + '.partial');
    truncateSync(p + '.partial', offs[offs.length - 1] + 50);
    const r = await readAll(p + '.partial');
    assert.equal(r.batches.length, offs.length - 1);
    assert.match(r.error?.message ?? '', new RegExp(`truncated: chunk ${offs.length - 1} at byte offset ${offs[offs.length - 1]}: needs \\d+ bytes, the file ends after 50`));
    w.abort();
  });

  it('a flipped payload byte fails the chunk checksum, naming chunk and offset', async () => {
    const r = await damaged((p, offs) => {
      const b = readFileSync(p);
      b[offs[2] + 100] ^= 0x40;
      writeFileSync(p, b);
    });
    assert.match(r.error?.message ?? '', /: corrupt: chunk 2 at byte offset \d+: chunk data checksum mismatch; \d+ events before it were read/);
    const b = readFileSync(r.path);
    assert.equal(r.events.length, b.readUInt32LE(r.offs[0] + 8) + b.readUInt32LE(r.offs[1] + 8), 'chunks 0 and 1 are delivered');
  });

  it('a damaged chunk header is named as such (magic, header checksum)', async () => {
    const magic = await damaged((p, offs) => {
      const b = readFileSync(p);
      b[offs[1]] = 0;
      writeFileSync(p, b);
    });
    assert.match(magic.error?.message ?? '', new RegExp(`corrupt: chunk 1 at byte offset ${magic.offs[1]}: bad chunk magic`));
    const count = await damaged((p, offs) => {
      const b = readFileSync(p);
      b.writeUInt32LE(1e9, offs[1] + 16);
      writeFileSync(p, b);
    });
    assert.match(count.error?.message ?? '', /corrupt: chunk 1 at byte offset \d+: chunk header checksum mismatch/);
  });

  it('garbage after the last chunk is not skipped', async () => {
    const r = await damaged((p) => writeFileSync(p, Buffer.concat([readFileSync(p), Buffer.alloc(48, 7)])));
    assert.match(r.error?.message ?? '', /bad chunk magic/);
    assert.equal(r.events.length, 40);
  });

  it('a newer format version is refused with a clear message', async () => {
    const p = tmp();
    write(p, [book(0)]);
    const b = readFileSync(p);
    const s = b.toString('latin1').replace('"version":1', '"version":9');
    writeFileSync(p, Buffer.from(s, 'latin1'));
    const r = await readAll(p);
    assert.match(r.error?.message ?? '', /format version 9 was written by a newer lobkit; this lobkit reads version 1/);
    const report = new ReadReport();
    for await (const _ of await openReplay([p], report)) assert.fail('no events from a newer version');
    assert.match(report.files[0].error ?? '', /newer lobkit/);
  });
});
