/** Containers, TTL nodes and the new watch operations on their own, without Apache ZooKeeper. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCandidate } from './container-manager.ts';
import { parseCreateFlags } from './create-mode.ts';
import { Err, KeeperError } from './error-codes.ts';
import { checkTtl, CONTAINER_OWNER, kindOf, MAX_TTL_MS, ttlOwner } from './extended-create.ts';
import { lastOpName, OpCode } from './op-codes.ts';
import type { Stat } from './stat.ts';
import { OPEN_ACL_UNSAFE } from './acl.ts';
import { DataTree } from './data-tree.ts';
import { requestFrame, startZk, rawHandshake, readReply, RawPeer, eventually } from './test-support.ts';

const T = { timeout: 20_000 };
const zeroStat: Stat = { czxid: 0n, mzxid: 0n, ctime: 0n, mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 0, numChildren: 0, pzxid: 0n };
const schedule = { containerCheckIntervalMs: 100, containerMaxPerMinute: 10_000, containerMaxNeverUsedIntervalMs: 0 };

function code(fn: () => void): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof KeeperError) return err.code;
    throw err;
  }
  return undefined;
}

test('[zk.ttl-nodes] unit: TTL flags need extended types (UNIMPLEMENTED), a TTL of 1..2^40-1 ms, and createTTL needs a TTL flag (BADARGUMENTS)', T, () => {
  const ttlMode = parseCreateFlags(5, '/t');
  const plain = parseCreateFlags(0, '/t');
  assert.equal(code(() => checkTtl(OpCode.createTTL, ttlMode, 1000n, '/t', false)), Err.UNIMPLEMENTED);
  assert.equal(code(() => checkTtl(OpCode.create, ttlMode, -1n, '/t', false)), Err.UNIMPLEMENTED);
  assert.equal(code(() => checkTtl(OpCode.createTTL, ttlMode, 1000n, '/t', true)), undefined);
  assert.equal(code(() => checkTtl(OpCode.createTTL, ttlMode, MAX_TTL_MS, '/t', true)), undefined);
  assert.equal(code(() => checkTtl(OpCode.createTTL, ttlMode, MAX_TTL_MS + 1n, '/t', true)), Err.BADARGUMENTS);
  assert.equal(code(() => checkTtl(OpCode.createTTL, ttlMode, 0n, '/t', true)), Err.BADARGUMENTS);
  assert.equal(code(() => checkTtl(OpCode.create, ttlMode, -1n, '/t', true)), Err.BADARGUMENTS);
  assert.equal(code(() => checkTtl(OpCode.createTTL, plain, -1n, '/t', true)), Err.BADARGUMENTS, 'ZooKeeper 3.8 hangs on this one; the reference refuses it');
  assert.equal(code(() => checkTtl(OpCode.create, plain, -1n, '/t', false)), undefined);
  assert.deepEqual(kindOf(ttlOwner(1234n)), { kind: 'ttl', ttlMs: 1234n });
  assert.deepEqual(kindOf(CONTAINER_OWNER), { kind: 'container' });
  assert.deepEqual(kindOf(5n), { kind: 'ephemeral' });
});

test('[zk.containers] unit: container candidates are empty containers that had a child (or are older than maxNeverUsedIntervalMs), and expired childless TTL nodes', T, () => {
  const stat = (owner: bigint, extra: Partial<Stat> = {}): Stat => ({ ...zeroStat, ephemeralOwner: owner, mtime: 1000n, ...extra });
  assert.equal(isCandidate(stat(CONTAINER_OWNER), 5000, schedule), false, 'never used');
  assert.equal(isCandidate(stat(CONTAINER_OWNER, { cversion: 2 }), 5000, schedule), true);
  assert.equal(isCandidate(stat(CONTAINER_OWNER, { cversion: 2, numChildren: 1 }), 5000, schedule), false);
  assert.equal(isCandidate(stat(CONTAINER_OWNER), 5000, { ...schedule, containerMaxNeverUsedIntervalMs: 3000 }), true);
  assert.equal(isCandidate(stat(ttlOwner(500n)), 1400, schedule), false, 'not expired yet');
  assert.equal(isCandidate(stat(ttlOwner(500n)), 1600, schedule), true);
  assert.equal(isCandidate(stat(ttlOwner(500n), { numChildren: 1 }), 9000, schedule), false);
  assert.equal(isCandidate(stat(0n, { cversion: 3 }), 9000, schedule), false, 'a plain node is never a candidate');
});

test('[zk.containers] unit: container and TTL marks are hidden from clients (ephemeralOwner 0) and allow children; ephemeral parents do not', T, () => {
  const tree = new DataTree();
  let zxid = 0n;
  const tx = () => ({ zxid: (zxid += 1n), time: 0n });
  assert.equal(tree.create('/c', null, OPEN_ACL_UNSAFE, 4, 9n, tx(), undefined, CONTAINER_OWNER).stat.ephemeralOwner, 0n);
  assert.equal(tree.exists('/c')?.ephemeralOwner, 0n);
  assert.equal(tree.create('/c/e', null, OPEN_ACL_UNSAFE, 1, 9n, tx()).stat.ephemeralOwner, 9n);
  assert.equal(code(() => tree.create('/c/e/x', null, OPEN_ACL_UNSAFE, 0, 9n, tx())), Err.NOCHILDRENFOREPHEMERALS);
  assert.deepEqual(tree.ephemeralsOf(9n), ['/c/e']);
  assert.deepEqual(tree.extendedNodes().map((n) => [n.path, n.stat.ephemeralOwner]), [['/c', CONTAINER_OWNER]]);
});

test('[zk.remove-watches] unit: cons names the new operations as ZooKeeper 3.8 does', T, () => {
  assert.deepEqual([OpCode.addWatch, OpCode.checkWatches, OpCode.removeWatches, OpCode.createContainer, OpCode.createTTL].map(lastOpName), ['ADDW', 'CHKW', 'REMW', 'CREA', 'CREA']);
});

test('[zk.containers] zk tcp: the container manager deletes a container once its last child is gone and notifies its watcher', T, async (t) => {
  const f = await startZk(t, { server: { containerCheckIntervalMs: 50 } });
  const peer = await RawPeer.connect(t, f.address);
  await rawHandshake(peer);
  const create = (xid: number, op: number, path: string, flags: number) =>
    requestFrame(xid, op, (w) => void w.ustring(path).buffer(null).int(1).int(31).ustring('world').ustring('anyone').int(flags));
  peer.write(create(1, OpCode.createContainer, '/box', 4));
  peer.write(create(2, OpCode.create, '/box/item', 0));
  peer.write(requestFrame(3, OpCode.exists, (w) => void w.ustring('/box').bool(true)));
  peer.write(requestFrame(4, OpCode.delete, (w) => void w.ustring('/box/item').int(-1)));
  for (let i = 0; i < 4; i++) assert.equal((await readReply(peer))?.header.err, Err.OK);
  const event = await readReply(peer);
  assert.equal(event?.header.xid, -1);
  assert.deepEqual([event?.body.int(), event?.body.int(), event?.body.string()], [2, 3, '/box']);
  await eventually('the container is gone', () => f.server.tree.exists('/box') === undefined);
});
