/** ZooKeeper records over jute: sizes that real clients depend on, and property-tested round trips. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AclCodec, type Acl } from './acl.ts';
import { ConnectRequestCodec, ConnectResponseCodec } from './connect-records.ts';
import { ReplyHeaderCodec, RequestHeaderCodec } from './header-records.ts';
import { JuteError } from './jute-error.ts';
import { MultiRequestCodec, MultiResponseCodec, type MultiOp, type MultiResult } from './multi-records.ts';
import { OpCode } from './op-codes.ts';
import { decodeRecord, encodeRecord, listOf, type RecordCodec } from './record-codec.ts';
import { CreateRequestCodec, SetWatches2Codec, SetWatchesCodec } from './request-records.ts';
import { GetChildren2ResponseCodec, GetDataResponseCodec, WatcherEventCodec } from './response-records.ts';
import { STAT_BYTES, StatCodec, type Stat } from './stat.ts';

const T = { timeout: 20_000 };

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const text = fc.string({ maxLength: 20 });
const stat: fc.Arbitrary<Stat> = fc.record({
  czxid: int64,
  mzxid: int64,
  ctime: int64,
  mtime: int64,
  version: int32,
  cversion: int32,
  aversion: int32,
  ephemeralOwner: int64,
  dataLength: int32,
  numChildren: int32,
  pzxid: int64,
});
const acl: fc.Arbitrary<Acl> = fc.record({ perms: int32, id: fc.record({ scheme: text, id: text }) });
const data = fc.option(fc.uint8Array({ maxLength: 32 }), { nil: null });
const createRequest = fc.record({ path: text, data, acl: fc.array(acl, { maxLength: 3 }), flags: int32 });
const pathVersion = fc.record({ path: text, version: int32 });

const multiOp: fc.Arbitrary<MultiOp> = fc.oneof(
  createRequest.map((request) => ({ type: OpCode.create, request })),
  createRequest.map((request) => ({ type: OpCode.create2, request })),
  pathVersion.map((request) => ({ type: OpCode.delete, request })),
  pathVersion.map((request) => ({ type: OpCode.check, request })),
  fc.record({ path: text, data, version: int32 }).map((request) => ({ type: OpCode.setData, request })),
);

const multiResult: fc.Arbitrary<MultiResult> = fc.oneof(
  text.map((path) => ({ type: OpCode.create, path })),
  fc.record({ path: text, stat }).map((r) => ({ type: OpCode.create2, ...r })),
  fc.constant({ type: OpCode.delete }),
  fc.constant({ type: OpCode.check }),
  stat.map((s) => ({ type: OpCode.setData, stat: s })),
  int32.map((err) => ({ type: OpCode.error, err })),
);

/** fast-check builds records without a prototype; structuredClone gives both sides plain objects to compare. */
function roundTrips<V>(codec: RecordCodec<V>, arb: fc.Arbitrary<V>): void {
  fc.assert(
    fc.property(arb, (value) => assert.deepEqual(structuredClone(decodeRecord(codec, encodeRecord(codec, value))), structuredClone(value))),
    { numRuns: 150 },
  );
}

test('[zk.jute-encoding] unit: ConnectRequest is 45 bytes with the readOnly byte and 44 without, and both read back', T, () => {
  const base = { protocolVersion: 0, lastZxidSeen: 5n, timeOut: 30_000, sessionId: 0n, passwd: new Uint8Array(16) };
  assert.equal(encodeRecord(ConnectRequestCodec, { ...base, readOnly: false }).length, 45);
  assert.equal(encodeRecord(ConnectRequestCodec, base).length, 44);
  roundTrips(
    ConnectRequestCodec,
    fc.record(
      { protocolVersion: int32, lastZxidSeen: int64, timeOut: int32, sessionId: int64, passwd: fc.uint8Array({ maxLength: 16 }), readOnly: fc.boolean() },
      { requiredKeys: ['protocolVersion', 'lastZxidSeen', 'timeOut', 'sessionId', 'passwd'] },
    ),
  );
});

test('[zk.jute-encoding] unit: ConnectResponse is 37 bytes with the readOnly byte and 36 without, and both read back', T, () => {
  const base = { protocolVersion: 0, timeOut: 4000, sessionId: 7n, passwd: new Uint8Array(16) };
  assert.equal(encodeRecord(ConnectResponseCodec, { ...base, readOnly: false }).length, 37);
  assert.equal(encodeRecord(ConnectResponseCodec, base).length, 36);
  roundTrips(
    ConnectResponseCodec,
    fc.record({ protocolVersion: int32, timeOut: int32, sessionId: int64, passwd: fc.uint8Array({ maxLength: 16 }), readOnly: fc.boolean() }, {
      requiredKeys: ['protocolVersion', 'timeOut', 'sessionId', 'passwd'],
    }),
  );
});

test('[zk.jute-encoding] unit: headers are 8 (request) and 16 (reply) bytes and Stat is 68 bytes', T, () => {
  assert.equal(encodeRecord(RequestHeaderCodec, { xid: -2, type: 11 }).length, 8);
  assert.equal(encodeRecord(ReplyHeaderCodec, { xid: -2, zxid: 3n, err: 0 }).length, 16);
  fc.assert(fc.property(stat, (s) => assert.equal(encodeRecord(StatCodec, s).length, STAT_BYTES)), { numRuns: 50 });
});

test('[zk.jute-encoding] unit: request, response, ACL and notification records read back as written', T, () => {
  roundTrips(StatCodec, stat);
  roundTrips(listOf(AclCodec), fc.array(acl, { maxLength: 4 }));
  roundTrips(CreateRequestCodec, createRequest);
  roundTrips(GetDataResponseCodec, fc.record({ data, stat }));
  roundTrips(GetChildren2ResponseCodec, fc.record({ children: fc.array(text, { maxLength: 5 }), stat }));
  roundTrips(WatcherEventCodec, fc.record({ type: int32, state: int32, path: text }));
  const lists = { relativeZxid: int64, dataWatches: fc.array(text, { maxLength: 3 }), existWatches: fc.array(text, { maxLength: 3 }), childWatches: fc.array(text, { maxLength: 3 }) };
  roundTrips(SetWatchesCodec, fc.record(lists));
  roundTrips(SetWatches2Codec, fc.record({ ...lists, persistentWatches: fc.array(text, { maxLength: 2 }), persistentRecursiveWatches: fc.array(text, { maxLength: 2 }) }));
});

test('[zk.jute-encoding] unit: multi requests and responses read back as written, ending with the done header', T, () => {
  roundTrips(MultiRequestCodec, fc.array(multiOp, { maxLength: 5 }));
  roundTrips(MultiResponseCodec, fc.array(multiResult, { maxLength: 5 }));
  assert.deepEqual([...encodeRecord(MultiRequestCodec, [])], [0xff, 0xff, 0xff, 0xff, 1, 0xff, 0xff, 0xff, 0xff]);
});

test('[zk.jute-encoding] unit: a multi with an operation type it does not allow, or without its done header, is malformed', T, () => {
  const getData = Uint8Array.of(0, 0, 0, 4, 0, 0xff, 0xff, 0xff, 0xff);
  assert.throws(() => decodeRecord(MultiRequestCodec, getData), (err: unknown) => err instanceof JuteError && err.kind === 'malformed');
  const unterminated = encodeRecord(MultiRequestCodec, [{ type: OpCode.check, request: { path: '/a', version: 1 } }]).subarray(0, -9);
  assert.throws(() => decodeRecord(MultiRequestCodec, unterminated), (err: unknown) => err instanceof JuteError && err.kind === 'truncated');
});
