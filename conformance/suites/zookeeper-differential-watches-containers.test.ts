/**
 * Differential for ZooKeeper 3.6+ features: persistent and recursive watches (addWatch, setWatches2),
 * removeWatches / checkWatches, containers and their reaping, TTL nodes, multiRead, reconfig, sasl, the built-in
 * nodes and srvr's node count. The same raw frames go to Apache ZooKeeper 3.8 (extended types on, containers
 * checked every 300 ms) and to the reference set up alike; replies (xid, err, body length, notifications with
 * their type and path, chosen bodies, zxid steps where asked) must agree.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { findApacheZooKeeper, fourLetterWord, startApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { exchange, type Exchange, type ExchangeOptions } from '../zookeeper/raw-exchange.ts';
import { OPEN, req } from '../zookeeper/request-frames.ts';
import { createClient, type Client } from 'node-zookeeper-client';
import { closeClient, startZk, zk } from '../../reference/zk/test-support.ts';
import { OpCode } from '../../reference/zk/op-codes.ts';
import type { SocketAddress } from '../../spec/runtime.ts';

const apache = findApacheZooKeeper();
const skip = apache.found ? false : `Apache ZooKeeper is not available: ${apache.reason}`;
const T = { timeout: 120_000, skip };
const CHECK_MS = 300;
const addresses: SocketAddress[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  if (!apache.found) return;
  const real = await startApacheZooKeeper(apache, ['4lw.commands.whitelist=*'], { 'zookeeper.extendedTypesEnabled': 'true', 'znode.container.checkIntervalMs': String(CHECK_MS) });
  cleanups.push(() => real.stop());
  addresses.push({ host: '127.0.0.1', port: real.port });
  const reference = await startZk(
    { after: (fn) => void cleanups.push(fn) },
    { server: { extendedTypesEnabled: true, containerCheckIntervalMs: CHECK_MS, fourLetterWordWhitelist: '*', epochMs: Date.now() } },
  );
  addresses.push(reference.address);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

type Case = readonly [name: string, frames: readonly Uint8Array[], options?: ExchangeOptions];

async function agree(cases: readonly Case[]): Promise<Map<string, Exchange>> {
  const seen = new Map<string, Exchange>();
  const differences: string[] = [];
  for (const [name, frames, options] of cases) {
    const [real, reference] = await Promise.all(addresses.map((a) => exchange(a, frames, { quietMs: 400, ...options })));
    seen.set(name, real!);
    if (JSON.stringify(real) !== JSON.stringify(reference)) differences.push(`${name}:\n  ZooKeeper ${JSON.stringify(real)}\n  reference ${JSON.stringify(reference)}`);
  }
  assert.deepEqual(differences, [], 'the reference reacted differently from Apache ZooKeeper');
  return seen;
}

const events = (e: Exchange | undefined) => e?.replies.filter((r) => r.event !== undefined).map((r) => `${r.event?.type} ${r.event?.path}`);
const errs = (e: Exchange | undefined) => e?.replies.filter((r) => r.xid !== -1).map((r) => r.err);

const addWatch = (xid: number, path: string | null, mode: number) => req.op(xid, OpCode.addWatch, (w) => void w.ustring(path).int(mode));
const check = (xid: number, path: string | null, type: number) => req.op(xid, OpCode.checkWatches, (w) => void w.ustring(path).int(type));
const remove = (xid: number, path: string, type: number) => req.op(xid, OpCode.removeWatches, (w) => void w.ustring(path).int(type));
const watchRead = (xid: number, type: number, path: string) => req.op(xid, type, (w) => void w.ustring(path).bool(true));
const setData = (xid: number, path: string) => req.op(xid, OpCode.setData, (w) => void w.ustring(path).buffer(Buffer.from('x')).int(-1));
const exists = (xid: number, path: string) => req.read(xid, OpCode.exists, path);
const create = (xid: number, op: number, path: string, flags: number, ttl?: bigint) =>
  req.op(xid, op, (w) => {
    w.ustring(path).buffer(null).int(1).int(31).ustring('world').ustring('anyone').int(flags);
    if (ttl !== undefined) w.long(ttl);
  });
/** A request whose body is `text` as raw bytes (deleteContainer reads its path that way). */
function rawBody(xid: number, op: number, text: string): Uint8Array {
  const frame = Buffer.concat([Buffer.from(req.op(xid, op)), Buffer.from(text)]);
  frame.writeInt32BE(frame.length - 4, 0);
  return new Uint8Array(frame);
}
const multiRead = (xid: number, ops: readonly (readonly [number, string])[]) =>
  req.op(xid, OpCode.multiRead, (w) => {
    for (const [type, path] of ops) w.int(type).bool(false).int(-1).ustring(path).bool(true);
    w.int(-1).bool(true).int(-1);
  });

test('[zk.persistent-watches] differential: addWatch persistent and recursive watches stay after firing, recursive ones fire for descendants, setWatches2 re-arms them', T, async () => {
  const seen = await agree([
    ['persistent', [addWatch(1, '/pw', 0), req.create(2, '/pw'), setData(3, '/pw'), req.create(4, '/pw/c'), setData(5, '/pw/c'), req.delete(6, '/pw/c'), req.delete(7, '/pw'), req.create(8, '/pw'), req.delete(9, '/pw')]],
    ['recursive', [addWatch(1, '/rw', 1), req.create(2, '/rw'), req.create(3, '/rw/a'), req.create(4, '/rw/a/b'), setData(5, '/rw/a/b'), req.delete(6, '/rw/a/b'), req.delete(7, '/rw/a'), req.delete(8, '/rw')]],
    ['recursive on the root', [addWatch(1, '/', 1), req.create(2, '/rr'), req.delete(3, '/rr')]],
    ['modes and paths addWatch accepts', [addWatch(1, '/x', 2), addWatch(2, '/x', -1), addWatch(3, 'abc', 0), addWatch(4, null, 0), addWatch(5, '', 1), addWatch(6, '/a/', 0), req.ping()]],
    ['a standard watch replaces a persistent one (3.8)', [addWatch(1, '/md', 0), req.create(2, '/md'), watchRead(3, OpCode.getData, '/md'), setData(4, '/md'), setData(5, '/md'), req.delete(6, '/md')]],
    ['standard watches replace a recursive one (3.8)', [addWatch(1, '/rs', 1), req.create(2, '/rs'), watchRead(3, OpCode.getData, '/rs'), setData(4, '/rs'), setData(5, '/rs'), watchRead(6, OpCode.getChildren, '/rs'), req.create(7, '/rs/a'), req.create(8, '/rs/b'), req.delete(9, '/rs/a'), req.delete(10, '/rs/b'), req.delete(11, '/rs')]],
    ['two watchers of one event notified once', [addWatch(1, '/tw', 1), addWatch(2, '/tw/a', 0), watchRead(3, OpCode.exists, '/tw/a'), req.create(4, '/tw'), req.create(5, '/tw/a'), req.delete(6, '/tw/a'), req.delete(7, '/tw')]],
    ['setWatches2', [req.op(-8, OpCode.setWatches2, (w) => void w.long(0n).int(0).int(0).int(0).int(1).ustring('/s2p').int(1).ustring('/s2r')), req.create(2, '/s2p'), req.create(3, '/s2p/a'), req.create(4, '/s2r'), req.create(5, '/s2r/a'), req.delete(6, '/s2p/a'), req.delete(7, '/s2p'), req.delete(8, '/s2r/a'), req.delete(9, '/s2r')]],
  ]);
  assert.deepEqual(events(seen.get('recursive')), ['1 /rw', '1 /rw/a', '1 /rw/a/b', '3 /rw/a/b', '2 /rw/a/b', '2 /rw/a', '2 /rw']);
  assert.deepEqual(errs(seen.get('modes and paths addWatch accepts')), [-5, -5, 0, 0, 0, 0, 0]);
});

test('[zk.remove-watches] differential: checkWatches and removeWatches per watcher type, NOWATCHER, and MARSHALLINGERROR for types 3.8 does not know', T, async () => {
  const seen = await agree([
    ['check a data watch', [watchRead(1, OpCode.getData, '/'), check(2, '/', 1), check(3, '/', 2), check(4, '/', 3), check(5, '/', 4), check(6, '/', 5), check(7, '/', 9), check(8, '/zookeeper', 2), req.ping()]],
    // A relative path with a '/' inside ('a/b') is left out: ZooKeeper answers it MARSHALLINGERROR or NOWATCHER
    // depending on the watches other sessions hold, so no fixed answer can be compared.
    ['check odd paths', [check(1, null, 1), check(2, 'abc', 1), check(3, 'abc', 3), check(4, '', 2), req.ping()]],
    ['check persistent and recursive', [addWatch(1, '/cp', 0), check(2, '/cp', 1), check(3, '/cp', 2), check(4, '/cp', 3), addWatch(5, '/cr', 1), check(6, '/cr', 1), check(7, '/cr', 2), check(8, '/cr/x', 2), check(9, '/cr/x', 1)]],
    ['remove standard watches', [watchRead(1, OpCode.getData, '/'), remove(2, '/', 2), remove(3, '/', 2), watchRead(4, OpCode.getChildren, '/'), remove(5, '/', 2), remove(6, '/', 1), watchRead(7, OpCode.exists, '/nx'), remove(8, '/nx', 3), remove(9, '/nx', 3), remove(10, '/', 7)]],
    ['remove persistent watches', [addWatch(1, '/rp', 0), remove(2, '/rp', 1), req.create(3, '/rp'), remove(4, '/rp', 2), req.delete(5, '/rp'), addWatch(6, '/rr', 1), remove(7, '/rr', 1), remove(8, '/rr', 2), req.create(9, '/rr'), req.delete(10, '/rr')]],
    ['watcher types 4 and 5 are 3.9s', [addWatch(1, '/rp', 0), remove(2, '/rp', 4), addWatch(3, '/rr', 1), remove(4, '/rr', 5), remove(5, '/rr', 3), req.ping()]],
  ]);
  assert.deepEqual(errs(seen.get('check a data watch')), [0, -121, 0, 0, -5, -5, -5, -121, 0]);
});

test('[zk.containers] differential: createContainer makes containers (stat owner 0), plain create with flag 4 does not, a client deleteContainer is BADARGUMENTS, and the container manager reaps used empty containers', T, async () => {
  await agree([
    ['creates', [create(1, OpCode.create, '/c1', 4), create(2, OpCode.create2, '/c2', 4), create(3, OpCode.createContainer, '/c3', 4), create(4, OpCode.createContainer, '/c4', 0), exists(5, '/c3'), req.create(6, '/c3/e', OPEN, 1), req.create(7, '/c3/e/x')], { bodies: [1] }],
    ['deleteContainer from a client', [create(1, OpCode.createContainer, '/dr', 4), req.create(2, '/dr/a'), rawBody(3, OpCode.deleteContainer, '/dr'), req.delete(4, '/dr/a'), rawBody(5, OpCode.deleteContainer, '/dr'), req.op(6, OpCode.deleteContainer, (w) => void w.ustring('/dr')), req.create(7, '/dr/b'), req.delete(8, '/dr/b')], { zxids: true }],
  ]);
  const reaped = await agree([
    ['reaping', [create(1, OpCode.createContainer, '/rc', 4), req.create(2, '/rc/a'), watchRead(3, OpCode.exists, '/rc'), req.delete(4, '/rc/a'), create(5, OpCode.createContainer, '/never', 4)], { quietMs: 6 * CHECK_MS }],
    ['after reaping', [exists(1, '/rc'), exists(2, '/never'), exists(3, '/c1'), exists(4, '/c3')]],
  ]);
  assert.deepEqual(events(reaped.get('reaping')), ['2 /rc']);
});

test('[zk.ttl-nodes] differential: createTTL with TTL flags and TTLs in range, BADARGUMENTS otherwise, and TTL nodes expire unless modified', T, async () => {
  await agree([
    ['flags and ttls', [create(1, OpCode.create, '/t1', 5), create(2, OpCode.create2, '/t2', 6), create(3, OpCode.createTTL, '/t3', 5, 100_000n), create(4, OpCode.createTTL, '/t4-', 6, 100_000n), create(5, OpCode.createTTL, '/t5', 0, 1000n), create(6, OpCode.createTTL, '/t6', 5, 0n), create(7, OpCode.createTTL, '/t7', 5, -1n), create(8, OpCode.createTTL, '/t8', 5, 1n << 40n), create(9, OpCode.createTTL, '/t9', 5, (1n << 40n) - 1n), create(10, OpCode.createTTL, '/t10', 4, 100n), create(11, OpCode.create, '/t11', 7), exists(12, '/t3'), req.create(13, '/t3/child')], { zxids: true }],
    ['in a multi, the flags decide', [
      req.op(1, OpCode.multi, (w) => {
        const op = (type: number, path: string, flags: number, ttl?: bigint) => {
          w.int(type).bool(false).int(-1).ustring(path).buffer(null).int(1).int(31).ustring('world').ustring('anyone').int(flags);
          if (ttl !== undefined) w.long(ttl);
        };
        op(OpCode.createContainer, '/mc', 4);
        op(OpCode.createTTL, '/mt', 5, 100_000n);
        op(OpCode.create2, '/m2', 0);
        op(OpCode.createTTL, '/m0', 0, 5n);
        op(OpCode.create, '/m4', 4);
        w.int(-1).bool(true).int(-1);
      }),
      req.op(2, OpCode.multi, (w) => void w.int(OpCode.createTTL).bool(false).int(-1).ustring('/mx').buffer(null).int(1).int(31).ustring('world').ustring('anyone').int(5).long(0n).int(-1).bool(true).int(-1)),
      exists(3, '/m4'),
    ]],
    ['expiry', [create(1, OpCode.createTTL, '/ttl', 5, 200n), watchRead(2, OpCode.exists, '/ttl'), create(3, OpCode.createTTL, '/ttl-parent', 5, 200n), req.create(4, '/ttl-parent/a')], { quietMs: 6 * CHECK_MS }],
    ['after expiry', [exists(1, '/ttl'), exists(2, '/ttl-parent'), req.delete(3, '/ttl-parent/a')]],
  ]);
});

test('[zk.multi-read, zk.acl-enforcement] differential: multiRead answers getChildren and getData each on its own, checks READ per read, sets no watches, and refuses other op types', T, async () => {
  await agree([
    ['reads', [req.create(1, '/mr'), req.create(2, '/mr/a'), multiRead(3, [[OpCode.getChildren, '/mr'], [OpCode.getChildren, '/nope'], [OpCode.getData, '/nope'], [OpCode.getChildren, '/mr/a']]), req.ping()], { bodies: [3] }],
    ['getData results', [multiRead(1, [[OpCode.getData, '/mr'], [OpCode.getData, '/mr/a']]), req.ping()]],
    ['no READ on one node', [req.create(1, '/mrw', [[4, 'world', 'anyone']]), multiRead(2, [[OpCode.getData, '/mrw'], [OpCode.getChildren, '/mrw'], [OpCode.getChildren, '/mr']]), req.ping()], { bodies: [2] }],
    ['no watches', [multiRead(1, [[OpCode.getData, '/mr/a'], [OpCode.getChildren, '/mr']]), req.create(2, '/mr/b'), setData(3, '/mr/a'), req.delete(4, '/mr/b')]],
    ['a write op', [req.op(1, OpCode.multiRead, (w) => void w.int(OpCode.create).bool(false).int(-1).ustring('/mrx').buffer(null).int(0).int(0).int(-1).bool(true).int(-1)), req.ping()], { bodies: [1] }],
    ['an unknown op', [req.op(1, OpCode.multiRead, (w) => void w.int(OpCode.exists).bool(false).int(-1).ustring('/').bool(false).int(-1).bool(true).int(-1)), req.ping()], { bodies: [1] }],
    ['empty', [req.op(1, OpCode.multiRead, (w) => void w.int(-1).bool(true).int(-1)), req.ping()], { bodies: [1] }],
  ]);
});

test('[zk.bad-request] differential: reconfig and deleteContainer use up a zxid as ZooKeeper\'s transaction stage does; sasl without SASL answers a null token and keeps the connection', T, async () => {
  await agree([
    ['reconfig', [req.create(1, '/rz'), req.op(2, OpCode.reconfig, (w) => void w.ustring(null).ustring(null).ustring(null).long(-1n)), req.create(3, '/rz/a'), req.op(4, OpCode.reconfig, (w) => void w.ustring('server.1=x').ustring(null).ustring(null).long(-1n)), req.create(5, '/rz/b')], { zxids: true }],
    ['sasl', [req.op(1, OpCode.sasl, (w) => void w.buffer(new Uint8Array(0))), req.ping()], { bodies: [1] }],
    ['reads and addWatch use none', [req.create(1, '/zq'), req.op(2, OpCode.addWatch, (w) => void w.ustring('/zq').int(0)), req.op(3, OpCode.multiRead, (w) => void w.int(-1).bool(true).int(-1)), req.create(4, '/zq/q')], { zxids: true }],
  ]);
});

test('[zk.builtin-nodes] differential: /zookeeper/config, /zookeeper and /zookeeper/quota read as on a fresh ZooKeeper, and srvr counts nodes as ZooKeeper does; sequential suffixes count the parent\'s child creates, not its deletes', T, async () => {
  await agree([
    ['built-in nodes', [req.read(1, OpCode.getData, '/zookeeper/config'), req.read(2, OpCode.getChildren, '/zookeeper'), req.getAcl(3, '/zookeeper/config'), req.getAcl(4, '/zookeeper'), req.read(5, OpCode.getData, '/zookeeper'), req.read(6, OpCode.getData, '/zookeeper/quota'), req.getAcl(7, '/zookeeper/quota')], { bodies: [1, 2, 3, 4, 5, 6, 7] }],
    ['root data is empty, not null', [req.read(1, OpCode.getData, '/')]],
  ]);
  // One connection per step, then all pipelined on one: deletes do not advance the suffix either way.
  const steps: Case[] = [
    ['parent', [req.create(1, '/sq')]],
    ['first', [req.create(1, '/sq/n-', OPEN, 2)], { bodies: [1] }],
    ['delete', [req.delete(1, '/sq/n-0000000000')]],
    ['second', [req.create(1, '/sq/n-', OPEN, 2)], { bodies: [1] }],
  ];
  for (const step of steps) await agree([step]);
  await agree([['pipelined', [req.create(1, '/sq/n-', OPEN, 2), req.delete(2, '/sq/n-0000000002'), req.create(3, '/sq/x'), req.delete(4, '/sq/x'), req.create(5, '/sq/n-', OPEN, 2), req.read(6, OpCode.exists, '/sq')], { bodies: [1, 5] }]]);
  // The root's cversion and child count (its zxids differ: ZooKeeper's readiness probe used a session).
  const rootStat = async (a: SocketAddress) => {
    const body = Buffer.from((await exchange(a, [exists(1, '/')], { bodies: [1] })).replies[0]?.body ?? '', 'hex');
    return { cversion: body.readInt32BE(36), numChildren: body.readInt32BE(56) };
  };
  const [realRoot, referenceRoot] = await Promise.all(addresses.map(rootStat));
  assert.deepEqual(referenceRoot, realRoot, 'root cversion and numChildren');
  const count = async (a: SocketAddress) => /Node count: (\d+)/.exec(await fourLetterWord(a.port, 'srvr'))?.[1];
  const [real, reference] = await Promise.all(addresses.map(count));
  assert.ok(real !== undefined);
  assert.equal(reference, real, 'srvr Node count');
});

/** node-zookeeper-client's script: sequential creates and deletes sent without waiting, then the children and cversion. */
async function sequentialScript(address: SocketAddress): Promise<{ children: string[]; cversion: number }> {
  const client: Client = createClient(`${address.host}:${address.port}`, { retries: 0 });
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  try {
    await zk.create(client, '/nzc', null);
    const first = await zk.create(client, '/nzc/job-', null, 2);
    await Promise.all([zk.remove(client, first), zk.create(client, '/nzc/job-', null, 2), zk.create(client, '/nzc/other', null)]);
    await Promise.all([zk.remove(client, '/nzc/other'), zk.create(client, '/nzc/job-', null, 2)]);
    const { children, stat } = await zk.getChildren(client, '/nzc');
    return { children: children.sort(), cversion: stat.cversion };
  } finally {
    await closeClient(client);
  }
}

test('[zk.data-tree] differential: node-zookeeper-client\'s pipelined sequential creates and deletes get the same suffixes and cversion as on ZooKeeper', T, async () => {
  const [real, reference] = await Promise.all(addresses.map(sequentialScript));
  assert.deepEqual(reference, real);
  assert.deepEqual(real?.children, ['job-0000000001', 'job-0000000003'], 'deletes do not advance the suffix');
});
