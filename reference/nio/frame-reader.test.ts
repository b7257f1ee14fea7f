import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FrameLengthError, FrameReader, type ReadFn } from './frame-reader.ts';

const T = { timeout: 10_000 };

/** A scripted socket: delivers `stream` in pieces of at most `pieces[i]` bytes per read, then 0, or -1 at the end. */
function scripted(stream: Uint8Array, pieces: number[] = [], eofAtEnd = false): ReadFn & { asked: number[] } {
  let at = 0;
  let call = 0;
  const fn = (async (into: Uint8Array) => {
    fn.asked.push(into.length);
    if (at >= stream.length) return eofAtEnd ? -1 : 0;
    const cap = pieces.length > 0 ? (pieces[call++ % pieces.length] as number) : Infinity;
    const n = Math.min(into.length, stream.length - at, cap);
    into.set(stream.subarray(at, at + n));
    at += n;
    return n;
  }) as ReadFn & { asked: number[] };
  fn.asked = [];
  return fn;
}

function framed(...payloads: Uint8Array[]): Uint8Array {
  const total = payloads.reduce((n, p) => n + 4 + p.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of payloads) {
    view.setInt32(at, p.length, false);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

test('[cnxn.framing] unit: one step completes at most one frame and never asks for bytes of the next', T, async () => {
  const a = new Uint8Array([1, 2, 3]);
  const b = new Uint8Array([4, 5]);
  const read = scripted(framed(a, b));
  const reader = new FrameReader(1000);
  const first = await reader.step(read);
  assert.deepEqual(first, { kind: 'frame', payload: a });
  // Asked for 4 length bytes, then exactly the 3 payload bytes: nothing of frame b.
  assert.deepEqual(read.asked, [4, 3]);
  assert.deepEqual(await reader.step(read), { kind: 'frame', payload: b });
});

test('[cnxn.framing] unit: a frame split across reads resumes where the previous read stopped', T, async () => {
  const payload = Uint8Array.from({ length: 50 }, (_, i) => i);
  const read = scripted(framed(payload), [3]);
  const reader = new FrameReader(1000);
  const steps = [];
  for (let i = 0; i < 100; i++) {
    const step = await reader.step(read);
    steps.push(step.kind);
    if (step.kind === 'frame') {
      assert.deepEqual(step.payload, payload);
      break;
    }
  }
  assert.equal(steps.at(-1), 'frame');
  assert.ok(steps.includes('partial'));
});

test('[cnxn.framing] unit: a length equal to jute.maxbuffer is allowed, one more is refused', T, async () => {
  const ok = new FrameReader(8);
  assert.equal((await ok.step(scripted(framed(new Uint8Array(8))))).kind, 'frame');
  const tooLong = new FrameReader(8);
  await assert.rejects(tooLong.step(scripted(framed(new Uint8Array(9)))), (err: unknown) => {
    assert.ok(err instanceof FrameLengthError);
    assert.equal(err.code, 'CNXNSPEC_ERR_FRAME');
    assert.equal(err.length, 9);
    return true;
  });
});

test('[cnxn.framing] unit: a negative length prefix is refused', T, async () => {
  const reader = new FrameReader(1_048_575);
  await assert.rejects(reader.step(scripted(new Uint8Array([0xff, 0xff, 0xff, 0xfe]))), FrameLengthError);
});

test('[cnxn.framing] unit: a large length prefix alone reserves no payload memory; growth follows arriving bytes', T, async () => {
  const reader = new FrameReader(1_048_575, 4096);
  const header = new Uint8Array([0x00, 0x0f, 0xff, 0xff]); // 1,048,575
  assert.equal((await reader.step(scripted(header))).kind, 'partial');
  // Nothing is reserved until payload bytes arrive, let alone the advertised megabyte.
  assert.equal(reader.reservedBytes(), 0);
  // Then the first chunk, whatever the first read brought (here 1 byte, then 2 more).
  const dribble = new Uint8Array(4 + 3).fill(7);
  dribble.set(header);
  const reader3 = new FrameReader(1_048_575, 4096);
  assert.equal((await reader3.step(scripted(dribble, [4, 1, 2]))).kind, 'partial');
  assert.equal(reader3.reservedBytes(), 4096);
  assert.equal((await reader3.step(scripted(new Uint8Array([8, 9])))).kind, 'partial');
  assert.equal(reader3.reservedBytes(), 4096);
  const reader2 = new FrameReader(1_048_575, 4096);
  const stream = new Uint8Array(4 + 10_000);
  stream.set(header);
  const read = scripted(stream);
  assert.equal((await reader2.step(read)).kind, 'partial');
  assert.ok(reader2.reservedBytes() <= 2 * 10_000 + 4096, `reserved ${reader2.reservedBytes()}`);
  assert.ok(reader2.reservedBytes() >= 10_000);
});

test('[cnxn.framing] unit: end of stream mid-frame is reported as eof', T, async () => {
  const reader = new FrameReader(100);
  const read = scripted(new Uint8Array([0, 0, 0, 10, 1, 2]), [], true);
  assert.equal((await reader.step(read)).kind, 'partial');
  assert.equal((await reader.step(read)).kind, 'eof');
});

test('[cnxn.framing] property: any split of any frame sequence yields the same payloads in order', T, async () => {
  await fc.assert(
    fc.asyncProperty(
      // Some frames over 1 KiB, which wait for their first payload bytes before reserving any.
      fc.array(fc.uint8Array({ maxLength: 2500 }), { maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 64 }),
      async (payloads, pieces, chunk) => {
        const read = scripted(framed(...payloads), pieces);
        const reader = new FrameReader(4000, chunk);
        const got: Uint8Array[] = [];
        for (let i = 0; i < 20_000 && got.length < payloads.length; i++) {
          const step = await reader.step(read);
          if (step.kind === 'frame') got.push(step.payload);
        }
        assert.deepEqual(got, payloads);
      },
    ),
  );
});

test('[cnxn.framing] unit: only the first 4 bytes of a stream are offered as a four-letter word', async () => {
  const words = new Set(['ruok', 'stat']);
  const bytes = (text: string) => new TextEncoder().encode(text);
  const first = new FrameReader(1000, 4096, words);
  const step = await first.step(async (into) => {
    into.set(bytes('ruok'));
    return 4;
  });
  assert.deepEqual(step, { kind: 'word', word: 'ruok', length: 0x72756f6b });
  const later = new FrameReader(1000, 4096, words);
  const frame = Uint8Array.of(0, 0, 0, 1, 7);
  let at = 0;
  const read = async (into: Uint8Array) => {
    const n = Math.min(into.length, frame.length - at);
    into.set(frame.subarray(at, at + n));
    at += n;
    return n;
  };
  assert.equal((await later.step(read)).kind, 'frame');
  at = 0;
  frame.set(bytes('stat'), 0);
  await assert.rejects(later.step(read), /frame length .* is negative or greater than jute.maxbuffer=1000/);
  const unknown = new FrameReader(1000, 4096, words);
  await assert.rejects(unknown.step(async (into) => (into.set(bytes('nope')), 4)), /jute.maxbuffer/);
});
