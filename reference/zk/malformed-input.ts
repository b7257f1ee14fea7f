/**
 * Generators of malformed client input for fuzzing a ZooKeeper server, by class: random bytes after a valid
 * request header (every op code), jute records of random field types (wrong types, negative and huge lengths),
 * truncated requests, bad length prefixes, raw garbage, and garbage instead of a ConnectRequest. Test-only;
 * shared by the in-process fuzz test and the differential fuzz in bench/.
 */
import fc from 'fast-check';
import { JuteWriter } from './jute-writer.ts';
import { OpCode } from './op-codes.ts';

export type InputClass = 'random-body' | 'wrong-types' | 'truncated' | 'bad-length' | 'raw-bytes' | 'bad-connect';

export interface MalformedInput {
  readonly kind: InputClass;
  /** Sent as the first bytes of the connection (no handshake) when true. */
  readonly noHandshake: boolean;
  readonly bytes: Uint8Array;
}

const OP_CODES = Object.values(OpCode);

/** Framed as ZooKeeper frames: a 4-byte big-endian length, then the payload. */
function framed(payload: Uint8Array): Uint8Array {
  const w = new JuteWriter(payload.length + 4);
  w.int(payload.length).raw(payload);
  return w.toBytes();
}

const opCode = fc.oneof(fc.constantFrom(...OP_CODES), fc.integer({ min: -20, max: 120 }));
const xid = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(-2, -4, -8, 0));

/** One jute field of a random type, sometimes with a length that lies. */
const field = fc.oneof(
  fc.integer().map((v) => (w: JuteWriter) => void w.int(v)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => (w: JuteWriter) => void w.long(v)),
  fc.boolean().map((v) => (w: JuteWriter) => void w.bool(v)),
  fc.constantFrom('/', '/fuzz', '', 'x', '/a/../b', '/zookeeper', '\u0000', 'digest', 'world', 'anyone').map((v) => (w: JuteWriter) => void w.ustring(v)),
  fc.uint8Array({ maxLength: 24 }).map((v) => (w: JuteWriter) => void w.buffer(v)),
  fc.constantFrom(-1, -2, -100, 0x7fffffff, 1 << 20, 3).map((v) => (w: JuteWriter) => void w.int(v)),
);

function header(w: JuteWriter, x: number, op: number): JuteWriter {
  return w.int(x).int(op);
}

export const malformedInput: fc.Arbitrary<MalformedInput> = fc.oneof(
  fc.tuple(xid, opCode, fc.uint8Array({ maxLength: 64 })).map(([x, op, body]): MalformedInput => ({
    kind: 'random-body',
    noHandshake: false,
    bytes: framed(header(new JuteWriter(), x, op).raw(body).toBytes()),
  })),
  fc.tuple(xid, opCode, fc.array(field, { maxLength: 8 })).map(([x, op, fields]): MalformedInput => {
    const w = header(new JuteWriter(), x, op);
    for (const write of fields) write(w);
    return { kind: 'wrong-types', noHandshake: false, bytes: framed(w.toBytes()) };
  }),
  fc.tuple(xid, opCode, fc.array(field, { minLength: 1, maxLength: 6 }), fc.nat()).map(([x, op, fields, cut]): MalformedInput => {
    const w = header(new JuteWriter(), x, op);
    for (const write of fields) write(w);
    const payload = w.toBytes();
    return { kind: 'truncated', noHandshake: false, bytes: framed(payload.subarray(0, cut % payload.length)) };
  }),
  fc.tuple(fc.oneof(fc.integer({ min: -(2 ** 31), max: -1 }), fc.integer({ min: 1_048_576, max: 2 ** 31 - 1 })), fc.uint8Array({ maxLength: 16 })).map(
    ([len, rest]): MalformedInput => ({ kind: 'bad-length', noHandshake: false, bytes: new JuteWriter().int(len).raw(rest).toBytes() }),
  ),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes): MalformedInput => ({ kind: 'raw-bytes', noHandshake: false, bytes })),
  fc.array(field, { maxLength: 8 }).map((fields): MalformedInput => {
    const w = new JuteWriter();
    for (const write of fields) write(w);
    return { kind: 'bad-connect', noHandshake: true, bytes: framed(w.toBytes()) };
  }),
);
