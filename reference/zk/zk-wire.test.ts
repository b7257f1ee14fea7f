/**
 * The reference ZooKeeper server behind the NIO factory, byte by byte over raw sockets on 127.0.0.1: the
 * handshake variants, ping, closeSession, setWatches, and bad input, which must cost only the connection that
 * sent it while a node-zookeeper-client session goes on working.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Client } from 'node-zookeeper-client';
import { ConnectResponseCodec } from './connect-records.ts';
import { Err } from './error-codes.ts';
import { JuteReader } from './jute-reader.ts';
import { OpCode, Xid } from './op-codes.ts';
import { PathWatchRequestCodec, SetWatchesCodec } from './request-records.ts';
import { WatcherEventCodec } from './response-records.ts';
import { StatCodec } from './stat.ts';
import { EventType } from './watch-events.ts';
import { closeReasons, connectFrame, eventually, rawHandshake, RawPeer, readReply, requestFrame, startZk, zk } from './test-support.ts';

const T = { timeout: 15_000 };

/** The server still answers a node-zookeeper-client session that was connected all along. */
async function stillServes(good: Client, name: string): Promise<void> {
  await zk.create(good, `/${name}`, Buffer.from('ok'));
  assert.equal((await zk.getData(good, `/${name}`)).data.toString(), 'ok');
}

const ping = () => requestFrame(Xid.ping, OpCode.ping);

test('[wire.handshake] zk tcp: the readOnly byte is answered in kind: 45-byte request gets 37 bytes, 44 gets 36', T, async (t) => {
  const f = await startZk(t);
  const withByte = await RawPeer.connect(t, f.address);
  withByte.write(connectFrame({ readOnly: false }));
  const long = await withByte.readFrame();
  assert.equal(long?.length, 37);
  assert.equal(long?.[36], 0, 'readOnly false: this server is read-write');
  const without = await RawPeer.connect(t, f.address);
  without.write(connectFrame({ readOnly: null }));
  assert.equal((await without.readFrame())?.length, 36);
  const tolerant = await RawPeer.connect(t, f.address);
  assert.ok((await rawHandshake(tolerant, { readOnly: true })).timeOut > 0, 'a client asking for read-only is served read-write');
});

test('[wire.handshake] zk tcp: an unknown session id gets timeout 0, session 0 and a zero password, then the server closes', T, async (t) => {
  const f = await startZk(t);
  const peer = await RawPeer.connect(t, f.address);
  // A ping pipelined behind the ConnectRequest is never answered: the refused connection reads nothing more.
  peer.write(Buffer.concat([connectFrame({ sessionId: 0x0123_4567n, passwd: new Uint8Array(16).fill(1) }), ping()]));
  const payload = await peer.readFrame();
  assert.ok(payload !== null);
  const res = ConnectResponseCodec.read(new JuteReader(payload));
  assert.deepEqual([res.timeOut, res.sessionId, [...res.passwd]], [0, 0n, new Array(16).fill(0)]);
  assert.equal(await peer.readFrame(), null);
  assert.ok(f.logs.some((l) => l.includes('Invalid session 0x1234567') && l.includes('probably expired')));
});

test('[zk.session-lifecycle] zk tcp: a reconnect with id and password moves the session and closes the old connection', T, async (t) => {
  const f = await startZk(t);
  const reasons = closeReasons(f);
  const first = await RawPeer.connect(t, f.address);
  const opened = await rawHandshake(first, { timeOut: 10_000 });
  assert.equal(opened.passwd.length, 16);
  const second = await RawPeer.connect(t, f.address);
  const moved = await rawHandshake(second, { sessionId: opened.sessionId, passwd: opened.passwd, timeOut: 8000 });
  assert.equal(moved.sessionId, opened.sessionId);
  assert.deepEqual([...moved.passwd], [...opened.passwd]);
  assert.equal(moved.timeOut, 8000, 'the new connection negotiates its own timeout');
  await first.closed;
  assert.deepEqual(reasons, ['client_reconnect']);
  second.write(ping());
  assert.equal((await readReply(second))?.header.xid, Xid.ping);
});

test('[zk.session-lifecycle] zk tcp: a wrong password is refused like an unknown session and the owner stays connected', T, async (t) => {
  const f = await startZk(t);
  const owner = await RawPeer.connect(t, f.address);
  const opened = await rawHandshake(owner);
  const thief = await RawPeer.connect(t, f.address);
  const refused = await rawHandshake(thief, { sessionId: opened.sessionId, passwd: new Uint8Array(16).fill(9) });
  assert.equal(refused.timeOut, 0);
  await thief.closed;
  owner.write(ping());
  assert.equal((await readReply(owner))?.header.err, Err.OK);
});

test('[zk.session-lifecycle] zk tcp: a client that has seen a later zxid than the server is closed without a reply', T, async (t) => {
  const f = await startZk(t);
  const reasons = closeReasons(f);
  const peer = await RawPeer.connect(t, f.address);
  peer.write(connectFrame({ lastZxidSeen: 1000n }));
  assert.equal(await peer.readFrame(), null);
  assert.deepEqual(reasons, ['client_zxid_ahead']);
  assert.ok(f.logs.some((l) => /Refusing session\(0x0\) request .* has seen zxid 0x3e8, our last zxid is 0x0/.test(l)));
});

test('[wire.ping] zk tcp: a ping is answered 00000010 FFFFFFFE <last zxid> 00000000 with no body', T, async (t) => {
  const f = await startZk(t);
  const peer = await RawPeer.connect(t, f.address);
  await rawHandshake(peer);
  peer.write(ping());
  const frame = await peer.read(20);
  assert.equal(frame.toString('hex'), `00000010fffffffe${f.server.tree.lastZxid().toString(16).padStart(16, '0')}00000000`);
});

test('[zk.session-lifecycle] zk tcp: closeSession is answered with its xid, then the server closes the connection', T, async (t) => {
  const f = await startZk(t);
  const reasons = closeReasons(f);
  const peer = await RawPeer.connect(t, f.address);
  const { sessionId } = await rawHandshake(peer);
  peer.write(requestFrame(7, OpCode.closeSession));
  const reply = await readReply(peer);
  assert.deepEqual([reply?.header.xid, reply?.header.err], [7, Err.OK]);
  await peer.closed;
  assert.deepEqual(reasons, ['client_closed_session']);
  assert.equal(f.server.sessions.get(sessionId), undefined);
});

test('[zk.watches] zk tcp: setWatches fires at once for changes since the client zxid and re-arms the other watches', T, async (t) => {
  const f = await startZk(t);
  const good = await f.connect();
  await zk.create(good, '/changed', null);
  await zk.create(good, '/same', null);
  const since = f.server.tree.lastZxid();
  await zk.setData(good, '/changed', Buffer.from('new'));
  const peer = await RawPeer.connect(t, f.address);
  await rawHandshake(peer, { lastZxidSeen: since });
  const lists = { relativeZxid: since, dataWatches: ['/changed', '/same', '/gone'], existWatches: ['/same', '/later'], childWatches: [] };
  peer.write(requestFrame(Xid.setWatches, OpCode.setWatches, (w) => SetWatchesCodec.write(w, lists)));
  const fired: [number, string][] = [];
  for (;;) {
    const reply = await readReply(peer);
    assert.ok(reply !== null);
    if (reply.header.xid !== Xid.notification) {
      assert.deepEqual([reply.header.xid, reply.header.err], [Xid.setWatches, Err.OK]);
      break;
    }
    const event = WatcherEventCodec.read(reply.body);
    fired.push([event.type, event.path]);
  }
  assert.deepEqual(fired, [
    [EventType.NodeDataChanged, '/changed'],
    [EventType.NodeDeleted, '/gone'],
    [EventType.NodeCreated, '/same'],
  ]);
  await zk.create(good, '/later', null);
  const later = await readReply(peer);
  assert.equal(later?.header.xid, Xid.notification);
  assert.deepEqual(later && WatcherEventCodec.read(later.body), { type: EventType.NodeCreated, state: 3, path: '/later' });
});

test('[zk.bad-request] zk tcp: an unknown op code is answered UNIMPLEMENTED (-6) and closed; other clients carry on', T, async (t) => {
  const f = await startZk(t);
  const good = await f.connect();
  const peer = await RawPeer.connect(t, f.address);
  await rawHandshake(peer);
  peer.write(requestFrame(5, 77, (w) => w.int(1)));
  const reply = await readReply(peer);
  assert.deepEqual([reply?.header.xid, reply?.header.zxid, reply?.header.err], [5, -1n, Err.UNIMPLEMENTED]);
  await peer.closed;
  assert.ok(f.logs.some((l) => l.startsWith('warn') && l.includes('unknown op code 77')));
  await stillServes(good, 'after-unknown-op');
});

test('[zk.more-ops] zk tcp: check sent as a top-level request gets no reply and the connection goes on, as in ZooKeeper 3.8', T, async (t) => {
  const f = await startZk(t);
  const peer = await RawPeer.connect(t, f.address);
  await rawHandshake(peer);
  peer.write(requestFrame(1, OpCode.check, (w) => w.ustring('/').int(-1)));
  peer.write(requestFrame(2, OpCode.exists, (w) => w.ustring('/').bool(false)));
  const reply = await readReply(peer);
  assert.deepEqual([reply?.header.xid, reply?.header.err], [2, Err.OK]);
});

test('[zk.bad-request] zk tcp: a request before the handshake closes that connection with a log line; others carry on', T, async (t) => {
  const f = await startZk(t);
  const good = await f.connect();
  const reasons = closeReasons(f);
  const peer = await RawPeer.connect(t, f.address);
  peer.write(ping());
  assert.equal(await peer.readFrame(), null);
  assert.deepEqual(reasons, ['io_exception']);
  assert.ok(f.logs.some((l) => /^warn Closing connection from .*: bad ConnectRequest \(truncated\)/.test(l)));
  await stillServes(good, 'after-early-request');
});

test('[zk.bad-request] zk tcp: a truncated ConnectRequest closes the connection with a log line naming the field', T, async (t) => {
  const f = await startZk(t);
  const good = await f.connect();
  const peer = await RawPeer.connect(t, f.address);
  const full = connectFrame();
  const cut = full.subarray(4, 4 + 30);
  peer.write(Uint8Array.of(0, 0, 0, cut.length, ...cut));
  assert.equal(await peer.readFrame(), null);
  assert.ok(f.logs.some((l) => l.includes('bad ConnectRequest (truncated)') && l.includes('passwd')));
  await stillServes(good, 'after-truncated-connect');
});

test('[zk.bad-request] zk tcp: a ConnectRequest password length out of range closes the connection as unreasonable', T, async (t) => {
  const f = await startZk(t);
  const good = await f.connect();
  const peer = await RawPeer.connect(t, f.address);
  const body = Buffer.alloc(4 + 8 + 4 + 8 + 4 + 16);
  body.writeInt32BE(30_000, 12);
  body.writeInt32BE(0x7fffffff, 24);
  const frame = Buffer.alloc(4);
  frame.writeInt32BE(body.length);
  peer.write(Buffer.concat([frame, body]));
  assert.equal(await peer.readFrame(), null);
  assert.ok(f.logs.some((l) => l.includes('bad ConnectRequest (length)') && l.includes('unreasonable length 2147483647')));
  await stillServes(good, 'after-unreasonable-connect');
});

test('[zk.bad-request] zk tcp: a frame too short for a RequestHeader closes that session connection with a log line', T, async (t) => {
  const f = await startZk(t);
  const good = await f.connect();
  const peer = await RawPeer.connect(t, f.address);
  await rawHandshake(peer);
  peer.write(Uint8Array.of(0, 0, 0, 4, 0, 0, 0, 1));
  assert.equal(await peer.readFrame(), null);
  assert.ok(f.logs.some((l) => l.includes('bad RequestHeader: record truncated')));
  await stillServes(good, 'after-short-header');
});

test('[zk.bad-request] zk tcp: a truncated request body is answered MARSHALLINGERROR (-5) and the connection stays usable', T, async (t) => {
  const f = await startZk(t);
  const peer = await RawPeer.connect(t, f.address);
  await rawHandshake(peer);
  peer.write(requestFrame(1, OpCode.getData, (w) => w.int(50).raw(Uint8Array.of(0x2f, 0x61))));
  const reply = await readReply(peer);
  assert.deepEqual([reply?.header.xid, reply?.header.err, reply?.body.remaining()], [1, Err.MARSHALLINGERROR, 0]);
  assert.ok(f.logs.some((l) => l.includes('Failed to process op 4 (xid 1)') && l.includes('truncated')));
  peer.write(requestFrame(2, OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path: '/', watch: false })));
  const next = await readReply(peer);
  assert.deepEqual([next?.header.xid, next?.header.err], [2, Err.OK]);
  assert.equal(next && StatCodec.read(next.body).numChildren, 1);
});

test('[zk.bad-request] zk tcp: a path length out of range in a request body is answered MARSHALLINGERROR (-5)', T, async (t) => {
  const f = await startZk(t, { server: { juteMaxBuffer: 4096, juteMaxBufferExtraSize: 1024 } });
  const peer = await RawPeer.connect(t, f.address);
  await rawHandshake(peer);
  peer.write(requestFrame(3, OpCode.create, (w) => w.int(5121).raw(new Uint8Array(16))));
  const reply = await readReply(peer);
  assert.deepEqual([reply?.header.xid, reply?.header.err], [3, Err.MARSHALLINGERROR]);
  assert.ok(f.logs.some((l) => l.includes('unreasonable length 5121')));
  assert.equal(f.server.tree.lastZxid() > 1n, true, 'the failed write used up a zxid, as in ZooKeeper');
});

test('[wire.bad-frame] zk tcp: a frame length above jute.maxbuffer closes only that connection; a client session carries on', T, async (t) => {
  const f = await startZk(t);
  const good = await f.connect();
  const peer = await RawPeer.connect(t, f.address);
  await rawHandshake(peer);
  peer.write(Uint8Array.of(0x7f, 0xff, 0xff, 0xff));
  await peer.closed;
  await stillServes(good, 'after-bad-length');
  await eventually('one connection left', () => f.factory.connections().length === 1);
});
