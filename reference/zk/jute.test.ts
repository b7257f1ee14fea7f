/** Jute encoding: property-tested round trips of every field type, and typed errors on bad input. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CnxnspecError } from '../../spec/errors.ts';
import { JuteError } from './jute-error.ts';
import { juteLimits, DEFAULT_JUTE_LIMITS, fieldLimit } from './jute-limits.ts';
import { JuteReader } from './jute-reader.ts';
import { JuteWriter } from './jute-writer.ts';
import { decodeUtf8 } from './utf8.ts';

const T = { timeout: 20_000 };

type Field =
  | { kind: 'int'; value: number }
  | { kind: 'long'; value: bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'buffer'; value: Uint8Array | null }
  | { kind: 'ustring'; value: string | null }
  | { kind: 'vector'; value: number[] | null };

const field: fc.Arbitrary<Field> = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((value) => ({ kind: 'int' as const, value })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ kind: 'long' as const, value })),
  fc.boolean().map((value) => ({ kind: 'bool' as const, value })),
  fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null }).map((value) => ({ kind: 'buffer' as const, value })),
  fc.option(fc.string({ unit: 'binary', maxLength: 32 }), { nil: null }).map((value) => ({ kind: 'ustring' as const, value })),
  fc.option(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 8 }), { nil: null }).map((value) => ({ kind: 'vector' as const, value })),
);

function write(w: JuteWriter, f: Field): void {
  switch (f.kind) {
    case 'int':
      w.int(f.value);
      break;
    case 'long':
      w.long(f.value);
      break;
    case 'bool':
      w.bool(f.value);
      break;
    case 'buffer':
      w.buffer(f.value);
      break;
    case 'ustring':
      w.ustring(f.value);
      break;
    case 'vector':
      w.vector(f.value, (e, n) => e.int(n));
      break;
  }
}

function read(r: JuteReader, kind: Field['kind']): Field['value'] {
  switch (kind) {
    case 'int':
      return r.int();
    case 'long':
      return r.long();
    case 'bool':
      return r.bool();
    case 'buffer':
      return r.buffer();
    case 'ustring':
      return r.ustring();
    case 'vector':
      return r.vector((e) => e.int());
  }
}

function encode(fields: readonly Field[]): Uint8Array {
  const w = new JuteWriter(8);
  for (const f of fields) write(w, f);
  return w.toBytes();
}

test('[zk.jute-encoding] unit: any sequence of int, long, boolean, buffer, ustring and vector fields reads back as written', T, () => {
  fc.assert(
    fc.property(fc.array(field, { maxLength: 12 }), (fields) => {
      const r = new JuteReader(encode(fields));
      for (const f of fields) assert.deepEqual(read(r, f.kind), f.value);
      assert.equal(r.remaining(), 0);
    }),
    { numRuns: 300 },
  );
});

test('[zk.jute-encoding] unit: fields are big-endian, booleans one byte, and null buffers, strings and vectors are length -1', T, () => {
  const bytes = new JuteWriter().int(0x01020304).long(-2n).bool(true).buffer(null).ustring(null).vector(null, () => {}).ustring('é').toBytes();
  assert.deepEqual(
    [...bytes],
    [1, 2, 3, 4, 255, 255, 255, 255, 255, 255, 255, 254, 1, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 2, 0xc3, 0xa9],
  );
  assert.equal(new JuteReader(Uint8Array.of(7)).bool(), true, 'any non-zero byte reads as true');
});

test('[zk.jute-encoding] unit: a frame writer prefixes the payload with its length', T, () => {
  const frame = JuteWriter.frame(2).int(-2).int(11).toFrame();
  assert.deepEqual([...frame], [0, 0, 0, 8, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 11]);
});

test('[zk.jute-encoding] unit: cutting an encoded record anywhere makes reading it fail as truncated, with the stable code', T, () => {
  fc.assert(
    fc.property(
      fc.array(field, { minLength: 1, maxLength: 8 }).chain((fields) => {
        const bytes = encode(fields);
        return fc.tuple(fc.constant(fields), fc.constant(bytes), fc.nat({ max: Math.max(bytes.length - 1, 0) }));
      }),
      ([fields, bytes, cut]) => {
        const r = new JuteReader(bytes.subarray(0, cut));
        assert.throws(
          () => {
            for (const f of fields) read(r, f.kind);
          },
          (err: unknown) => err instanceof JuteError && err.kind === 'truncated' && err.code === 'CNXNSPEC_ERR_FRAME' && err instanceof CnxnspecError,
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('[zk.jute-encoding] unit: buffer and string lengths outside -1..jute.maxbuffer+extrasize, and vector counts above it, are unreasonable', T, () => {
  const limits = juteLimits(100, 0);
  assert.equal(fieldLimit(limits), 100 + 1024, 'extrasize is at least 1024');
  assert.equal(fieldLimit(DEFAULT_JUTE_LIMITS), 2 * 1_048_575, 'the default extrasize equals jute.maxbuffer');
  for (const len of [-2, -1000, 1125, 0x7fffffff]) {
    const readers: ((r: JuteReader) => unknown)[] = [(r) => r.buffer(), (r) => r.ustring()];
    if (len > 0) readers.push((r) => r.vector((e) => e.int()));
    for (const readField of readers) {
      const bytes = new JuteWriter().int(len).raw(new Uint8Array(8)).toBytes();
      assert.throws(
        () => readField(new JuteReader(bytes, limits)),
        (err: unknown) => err instanceof JuteError && err.kind === 'length' && /unreasonable length/.test(err.message),
        `length ${len}`,
      );
    }
  }
  // A vector count below -1 is an empty vector, as ZooKeeper reads it (its loop simply never runs).
  assert.deepEqual(new JuteReader(new JuteWriter().int(-5).toBytes(), limits).vector((e) => e.int()), []);
  // The limit itself is allowed (the payload then decides whether enough bytes follow).
  const atLimit = new JuteWriter().int(1124).raw(new Uint8Array(1124)).toBytes();
  assert.equal(new JuteReader(atLimit, limits).buffer()?.length, 1124);
});

test('[zk.jute-encoding] unit: a vector count larger than the bytes left fails at once as truncated', T, () => {
  const bytes = new JuteWriter().int(1000).int(1).toBytes();
  assert.throws(() => new JuteReader(bytes).vector((e) => e.int()), (err: unknown) => err instanceof JuteError && err.kind === 'truncated');
});

test('[zk.jute-encoding] unit: ustrings decode both UTF-8 and the CESU-8 form Java writes outside the BMP', T, () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 16 }), (text) => {
      const cesu: number[] = [];
      for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        if (unit < 0x80) cesu.push(unit);
        else if (unit < 0x800) cesu.push(0xc0 | (unit >> 6), 0x80 | (unit & 0x3f));
        else cesu.push(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f));
      }
      assert.equal(decodeUtf8(Uint8Array.from(cesu)), text);
    }),
    { numRuns: 200 },
  );
  assert.equal(decodeUtf8(Uint8Array.of(0x61, 0xff, 0x62)), 'a\ufffdb', 'bytes that are not UTF-8 become U+FFFD');
});

test('[zk.jute-encoding] unit: the writer refuses an int outside 32 bits instead of wrapping it', T, () => {
  assert.throws(() => new JuteWriter().int(2 ** 31), RangeError);
  assert.throws(() => new JuteWriter().int(1.5), RangeError);
});
