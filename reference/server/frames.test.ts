import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeConnectRequest,
  decodeConnectResponse,
  decodeReply,
  decodeRequest,
  encodeConnectRequest,
  encodeConnectResponse,
  encodeReply,
  encodeRequest,
  frame,
  FrameSplitter,
  pingFrame,
} from './frames.ts';

const T = { timeout: 10_000 };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('[wire.handshake] unit: a ConnectRequest with a 16-byte password and readOnly is a 45-byte body', T, () => {
  const req = { protocolVersion: 0, lastZxidSeen: 5n, timeOut: 30_000, sessionId: 0n, passwd: new Uint8Array(16), readOnly: false };
  const body = encodeConnectRequest(req);
  assert.equal(body.length, 45);
  assert.deepEqual(decodeConnectRequest(body), req);
  const { readOnly: _omitted, ...old } = req;
  assert.equal(encodeConnectRequest(old).length, 44);
  assert.deepEqual(decodeConnectRequest(encodeConnectRequest(old)), old);
});

test('[wire.handshake] unit: a ConnectResponse is 37 bytes with readOnly and 36 without', T, () => {
  const res = { protocolVersion: 0, timeOut: 4000, sessionId: 0x0100000000000001n, passwd: new Uint8Array(16).fill(7), readOnly: false };
  assert.equal(encodeConnectResponse(res).length, 37);
  assert.deepEqual(decodeConnectResponse(encodeConnectResponse(res)), res);
  const { readOnly: _omitted, ...old } = res;
  assert.equal(encodeConnectResponse(old).length, 36);
});

test('[wire.ping] unit: the ping request frame is 00000008 fffffffe 0000000b', T, () => {
  assert.equal(hex(pingFrame()), '00000008fffffffe0000000b');
  assert.equal(hex(frame(encodeReply({ xid: -2, zxid: 0n, err: 0 }))), '00000010fffffffe000000000000000000000000');
});

test('[cnxn.framing] unit: frame splitting returns whole payloads whatever the chunking', T, () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), fc.integer({ min: 1, max: 13 }), (payloads, step) => {
      const stream = Buffer.concat(payloads.map((p) => frame(p)));
      const splitter = new FrameSplitter();
      const got: Uint8Array[] = [];
      for (let at = 0; at < stream.length; at += step) got.push(...splitter.push(stream.subarray(at, at + step)));
      assert.deepEqual(got, payloads);
      assert.equal(splitter.buffered(), 0);
    }),
  );
});

test('[wire.order] unit: request and reply headers round-trip with their bodies', T, () => {
  const req = encodeRequest({ xid: 7, type: 4 }, Uint8Array.of(1, 2));
  assert.deepEqual(decodeRequest(req), { header: { xid: 7, type: 4 }, body: Uint8Array.of(1, 2) });
  const rep = encodeReply({ xid: 7, zxid: 9n, err: -101 }, Uint8Array.of(3));
  assert.deepEqual(decodeReply(rep), { header: { xid: 7, zxid: 9n, err: -101 }, body: Uint8Array.of(3) });
  assert.throws(() => decodeRequest(Uint8Array.of(0, 0, 0)), (err: Error & { code?: string }) => err.code === 'CNXNSPEC_ERR_FRAME');
});
