/**
 * The reference ZooKeeper server behind the NIO factory, used by a client library nobody here wrote
 * (node-zookeeper-client from npm), on real sockets on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateMode, Event, Exception, type Client } from 'node-zookeeper-client';
import { closeClient, closeReasons, errorCode, eventually, startZk, zk } from './test-support.ts';

const T = { timeout: 20_000 };

const sessionOf = (c: Client): bigint => c.getSessionId().readBigInt64BE(0);
const long = (b: Buffer): bigint => b.readBigInt64BE(0);

/** A watcher that records the events it receives. */
function recorder(): { events: Event[]; watch: (e: Event) => void } {
  const events: Event[] = [];
  return { events, watch: (e) => void events.push(e) };
}

test('[wire.handshake] client: node-zookeeper-client connects and gets a timeout clamped to [2, 20] x tickTime', T, async (t) => {
  const f = await startZk(t, { server: { tickTime: 100 } });
  const low = await f.connect({ sessionTimeout: 50 });
  const mid = await f.connect({ sessionTimeout: 500 });
  const high = await f.connect({ sessionTimeout: 100_000 });
  assert.deepEqual([low, mid, high].map((c) => c.getSessionTimeout()), [200, 500, 2000]);
  const ids = [low, mid, high].map(sessionOf);
  assert.equal(new Set(ids).size, 3);
  for (const id of ids) assert.equal(id >> 56n, 1n, 'standalone ids carry server id 1');
  assert.equal(f.server.sessions.count(), 3);
});

test('[zk.data-tree] client: create, getData, setData and delete with stats, versions and error codes', T, async (t) => {
  const f = await startZk(t);
  const c = await f.connect();
  assert.equal(await zk.create(c, '/app', Buffer.from('v0')), '/app');
  const { data, stat } = await zk.getData(c, '/app');
  assert.equal(data.toString(), 'v0');
  assert.equal(stat.version, 0);
  assert.equal(long(stat.czxid), long(stat.mzxid));
  assert.equal(await errorCode(zk.create(c, '/app', null)), Exception.NODE_EXISTS);
  assert.equal(await errorCode(zk.setData(c, '/app', Buffer.from('x'), 7)), Exception.BAD_VERSION);
  const set = await zk.setData(c, '/app', Buffer.from('v1'), 0);
  assert.equal(set.version, 1);
  assert.ok(long(set.mzxid) > long(stat.mzxid), 'every write has a later zxid');
  await zk.create(c, '/app/child', null);
  assert.equal(await errorCode(zk.remove(c, '/app', 1)), Exception.NOT_EMPTY);
  assert.deepEqual((await zk.getChildren(c, '/app')).children, ['child']);
  await zk.remove(c, '/app/child');
  await zk.remove(c, '/app', 1);
  assert.equal(await zk.exists(c, '/app'), null);
  assert.equal(await errorCode(zk.getData(c, '/app')), Exception.NO_NODE);
  assert.equal(await errorCode(zk.remove(c, '/app')), Exception.NO_NODE);
  assert.deepEqual((await zk.getChildren(c, '/')).children, ['zookeeper']);
});

test('[zk.data-tree] client: sequential nodes get 10-digit suffixes and ephemeral nodes take no children', T, async (t) => {
  const f = await startZk(t);
  const c = await f.connect();
  await zk.create(c, '/jobs', null);
  assert.equal(await zk.create(c, '/jobs/job-', null, CreateMode.PERSISTENT_SEQUENTIAL), '/jobs/job-0000000000');
  assert.equal(await zk.create(c, '/jobs/lock-', null, CreateMode.EPHEMERAL_SEQUENTIAL), '/jobs/lock-0000000001');
  const owner = (await zk.exists(c, '/jobs/lock-0000000001'))?.ephemeralOwner;
  assert.equal(owner && long(owner), sessionOf(c));
  assert.equal(await errorCode(zk.create(c, '/jobs/lock-0000000001/x', null)), Exception.NO_CHILDREN_FOR_EPHEMERALS);
});

test('[zk.data-tree] client: a transaction applies all its operations, or none of them when one fails', T, async (t) => {
  const f = await startZk(t);
  const c = await f.connect();
  const ok = await new Promise<unknown[]>((resolve, reject) =>
    c.transaction().create('/t', Buffer.from('a')).create('/t/x').setData('/t', Buffer.from('b'), 0).check('/t', 1).commit((e, r) => (e ? reject(e) : resolve(r))),
  );
  assert.equal(ok.length, 4);
  const { data, stat } = await zk.getData(c, '/t');
  assert.equal(data.toString(), 'b');
  assert.equal(long(stat.czxid), long(stat.mzxid), 'one zxid for the whole multi');
  const failed = await new Promise<{ code: number; results: unknown[] }>((resolve) =>
    c.transaction().create('/t/y').remove('/t/x').setData('/t', Buffer.from('c'), 99).commit((e, r) => resolve({ code: (e as Exception).getCode(), results: r })),
  );
  assert.equal(failed.code, Exception.BAD_VERSION);
  assert.deepEqual(failed.results, [{ type: -1, err: 0 }, { type: -1, err: 0 }, { type: -1, err: -103 }]);
  assert.deepEqual((await zk.getChildren(c, '/t')).children, ['x'], 'the create and the delete were undone');
  assert.equal((await zk.getData(c, '/t')).data.toString(), 'b');
});

test('[zk.session-lifecycle] client: an ephemeral node disappears when its session closes, and a watcher hears NodeDeleted', T, async (t) => {
  const f = await startZk(t);
  const owner = await f.connect();
  const observer = await f.connect();
  await zk.create(owner, '/leader', Buffer.from('me'), CreateMode.EPHEMERAL);
  const seen = recorder();
  assert.ok(await zk.exists(observer, '/leader', seen.watch));
  const sessionId = sessionOf(owner);
  await closeClient(owner);
  await eventually('the NodeDeleted notification', () => seen.events.length === 1);
  assert.equal(seen.events[0]?.getType(), Event.NODE_DELETED);
  assert.equal(seen.events[0]?.getPath(), '/leader');
  assert.equal(await zk.exists(observer, '/leader'), null);
  assert.equal(f.server.sessions.get(sessionId), undefined, 'the session is gone, not waiting to expire');
  await eventually('the close log line', () => f.logs.some((l) => l.includes(`Closed session 0x${sessionId.toString(16)}`)));
});

test('[zk.watches] client: watches fire once: data on change, exists on create, children on a new child', T, async (t) => {
  const f = await startZk(t);
  const watcher = await f.connect();
  const writer = await f.connect();
  await zk.create(writer, '/w', Buffer.from('0'));
  const data = recorder();
  const created = recorder();
  const children = recorder();
  await zk.getData(watcher, '/w', data.watch);
  assert.equal(await zk.exists(watcher, '/w2', created.watch), null);
  await zk.getChildren(watcher, '/w', children.watch);
  await zk.setData(writer, '/w', Buffer.from('1'));
  await zk.setData(writer, '/w', Buffer.from('2'));
  await zk.create(writer, '/w2', null);
  await zk.create(writer, '/w/a', null);
  await zk.create(writer, '/w/b', null);
  // A round trip on the watcher's own connection: notifications queued before its reply have arrived by then.
  await zk.exists(watcher, '/w');
  assert.deepEqual(data.events.map((e) => [e.getType(), e.getPath()]), [[Event.NODE_DATA_CHANGED, '/w']]);
  assert.deepEqual(created.events.map((e) => [e.getType(), e.getPath()]), [[Event.NODE_CREATED, '/w2']]);
  assert.deepEqual(children.events.map((e) => [e.getType(), e.getPath()]), [[Event.NODE_CHILDREN_CHANGED, '/w']]);
  assert.equal(f.server.watches.count(), 0, 'fired watches are gone');
});

test('[zk.watches] client: after a dropped connection the client rejoins its session and setWatches re-arms its watches', T, async (t) => {
  const f = await startZk(t);
  const watcher = await f.connect();
  const writer = await f.connect();
  await zk.create(writer, '/r', Buffer.from('0'));
  const seen = recorder();
  await zk.getData(watcher, '/r', seen.watch);
  const sessionId = sessionOf(watcher);
  const reconnected = new Promise<void>((resolve) => watcher.once('connected', () => resolve()));
  assert.equal(await f.factory.closeSession(sessionId, 'connection_close_forced'), true);
  await reconnected;
  assert.equal(sessionOf(watcher), sessionId, 'same session after the reconnect');
  await zk.exists(watcher, '/r'); // after setWatches, which the client sends first
  assert.equal(f.server.watches.count(), 1);
  await zk.setData(writer, '/r', Buffer.from('1'));
  await eventually('the re-armed watch to fire', () => seen.events.length === 1);
  assert.equal(seen.events[0]?.getType(), Event.NODE_DATA_CHANGED);
});

test('[zk.session-expiry] client: a client that stops pinging sees its session expire; its ephemeral node goes and a watch fires', T, async (t) => {
  const f = await startZk(t, { server: { tickTime: 100, minSessionTimeout: 200, maxSessionTimeout: 2000 } });
  const victim = await f.connect({ sessionTimeout: 200 });
  const observer = await f.connect({ sessionTimeout: 2000 });
  await zk.create(victim, '/lease', null, CreateMode.EPHEMERAL);
  const seen = recorder();
  await zk.exists(observer, '/lease', seen.watch);
  const sessionId = sessionOf(victim);
  const reasons = closeReasons(f);
  const expired = new Promise<void>((resolve) => victim.once('expired', () => resolve()));
  // The client pings from a socket idle timer; switching it off makes the session go silent.
  victim.connectionManager.socket.setTimeout(0);
  await expired;
  assert.deepEqual(seen.events.map((e) => [e.getType(), e.getPath()]), [[Event.NODE_DELETED, '/lease']]);
  assert.equal(reasons[0], 'client_closed_session', 'the tracker closed the silent connection');
  assert.ok(f.logs.some((l) => l.includes(`Expiring session 0x${sessionId.toString(16)}, timeout of 200ms exceeded`)));
  assert.ok(f.logs.some((l) => l.includes(`Invalid session 0x${sessionId.toString(16)}`)), 'the reconnect was told the session is gone');
  assert.equal(await zk.exists(observer, '/lease'), null);
  assert.equal(f.server.sessions.get(sessionId), undefined);
});

test('[wire.order] client: 500 requests issued at once on one session are answered in the order they were sent', T, async (t) => {
  const f = await startZk(t);
  const c = await f.connect();
  await zk.create(c, '/o', Buffer.from('x'));
  const order: number[] = [];
  await Promise.all(Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? zk.getData(c, '/o') : zk.exists(c, '/o')).then(() => void order.push(i))));
  assert.deepEqual(order, Array.from({ length: 500 }, (_, i) => i));
});

test('[wire.connection-storm] client: 200 node-zookeeper-client sessions connecting at once are all served', T, async (t) => {
  const f = await startZk(t);
  const clients = await Promise.all(Array.from({ length: 200 }, () => f.connect({ sessionTimeout: 10_000 })));
  await Promise.all(clients.map((c, i) => zk.create(c, `/storm-${i}`, Buffer.from(String(i)), CreateMode.EPHEMERAL)));
  const reads = await Promise.all(clients.map((c, i) => zk.getData(c, `/storm-${(i + 1) % 200}`)));
  assert.deepEqual(reads.map((r) => r.data.toString()), clients.map((_, i) => String((i + 1) % 200)));
  assert.equal(f.server.sessions.count(), 200);
  assert.equal(f.factory.connections().length, 200);
  await Promise.all(clients.map(closeClient));
  await eventually('every session to close', () => f.server.sessions.count() === 0);
  assert.equal(f.server.tree.ephemeralCount(), 0);
});
