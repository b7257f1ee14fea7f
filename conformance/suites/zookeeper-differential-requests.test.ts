/**
 * Differential, request by request: the same bytes (well formed or not) to Apache ZooKeeper 3.8 and to the
 * reference, one raw connection per case; per reply the xid, the error code and the body length must agree, and
 * so must whether the connection was closed. One ZooKeeper for the file.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { findApacheZooKeeper, startApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { exchange, type Exchange } from '../zookeeper/raw-exchange.ts';
import { OPEN, req } from '../zookeeper/request-frames.ts';
import { startZk } from '../../reference/zk/test-support.ts';
import { OpCode } from '../../reference/zk/op-codes.ts';
import type { SocketAddress } from '../../spec/runtime.ts';

const apache = findApacheZooKeeper();
const skip = apache.found ? false : `Apache ZooKeeper is not available: ${apache.reason}`;
const T = { timeout: 120_000, skip };
const addresses: SocketAddress[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  if (!apache.found) return;
  const real = await startApacheZooKeeper(apache, ['4lw.commands.whitelist=ruok']);
  cleanups.push(() => real.stop());
  addresses.push({ host: '127.0.0.1', port: real.port });
  const reference = await startZk({ after: (fn) => void cleanups.push(fn) });
  addresses.push(reference.address);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** `racy`: xids whose reply one server may lose to its own close (ZooKeeper can reset before its closeSession reply is read). */
type Case = readonly [name: string, frames: readonly Uint8Array[], racy?: readonly number[]];

function comparable(e: Exchange, racy: readonly number[]): string {
  return JSON.stringify({ ...e, replies: e.replies.filter((r) => !racy.includes(r.xid)) });
}

/** Runs every case on both servers (one connection each) and asserts the same reactions; returns ZooKeeper's. */
async function agree(cases: readonly Case[]): Promise<Map<string, Exchange>> {
  const seen = new Map<string, Exchange>();
  const differences: string[] = [];
  for (const [name, frames, racy = []] of cases) {
    const [real, reference] = await Promise.all([exchange(addresses[0]!, frames, { quietMs: 400 }), exchange(addresses[1]!, frames, { quietMs: 400 })]);
    seen.set(name, real);
    if (comparable(real, racy) !== comparable(reference, racy)) differences.push(`${name}:\n  ZooKeeper ${JSON.stringify(real)}\n  reference ${JSON.stringify(reference)}`);
  }
  assert.deepEqual(differences, [], 'the reference reacted differently from Apache ZooKeeper');
  return seen;
}

const errs = (e: Exchange | undefined) => e?.replies.map((r) => r.err);
const bad = Uint8Array.of(0xff, 0xfe);

test('[zk.builtin-nodes] differential: /zookeeper, /zookeeper/quota and /zookeeper/config cannot be deleted (BADARGUMENTS), whatever the version', T, async () => {
  const seen = await agree([
    ['delete /zookeeper', [req.delete(1, '/zookeeper')]],
    ['delete /zookeeper/quota', [req.delete(1, '/zookeeper/quota')]],
    ['delete /zookeeper/config', [req.delete(1, '/zookeeper/config'), req.delete(2, '/zookeeper/config', 5)]],
    ['delete /', [req.delete(1, '/')]],
    ['children of /zookeeper come and go', [req.create(1, '/zookeeper/x'), req.delete(2, '/zookeeper/x'), req.create(3, '/zookeeper/quota/y'), req.delete(4, '/zookeeper/quota/y')]],
  ]);
  assert.deepEqual(errs(seen.get('delete /zookeeper/config')), [-8, -8]);
});

test('[zk.acl-validation] differential: world:foo, unknown schemes, bad ip and digest ids, auth without a user and empty ACLs are INVALIDACL on create and setACL', T, async () => {
  const seen = await agree([
    ['world:foo', [req.create(1, '/acl-a', [[31, 'world', 'foo']])]],
    ['unknown scheme', [req.create(1, '/acl-b', [[31, 'foo', 'bar']])]],
    ['ip not an address', [req.create(1, '/acl-c', [[31, 'ip', 'notanip']])]],
    ['ip with a mask too wide', [req.create(1, '/acl-c2', [[31, 'ip', '10.0.0.0/33']])]],
    ['ip ok', [req.create(1, '/acl-d', [[31, 'ip', '127.0.0.1']]), req.create(2, '/acl-d2', [[31, 'ip', '10.0.0.0/8']]), req.delete(3, '/acl-d'), req.delete(4, '/acl-d2')]],
    ['digest without a colon', [req.create(1, '/acl-e', [[31, 'digest', 'nocolon']])]],
    ['digest with two colons', [req.create(1, '/acl-e2', [[31, 'digest', 'a:b:c']])]],
    ['digest ok', [req.create(1, '/acl-f', [[31, 'digest', 'u:abc']]), req.delete(2, '/acl-f')]],
    ['auth without a user', [req.create(1, '/acl-g', [[31, 'auth', '']])]],
    ['auth after addauth digest', [req.auth('digest', Buffer.from('u:p')), req.create(1, '/acl-g2', [[31, 'auth', '']]), req.getAcl(2, '/acl-g2'), req.delete(3, '/acl-g2')]],
    ['world id not UTF-8', [req.create(1, '/acl-h', [[31, 'world', bad]])]],
    ['permissions 0 and 99 are kept', [req.create(1, '/acl-i', [[0, 'world', 'anyone']]), req.create(2, '/acl-j', [[99, 'world', 'anyone']]), req.delete(3, '/acl-i'), req.delete(4, '/acl-j')]],
    ['duplicates removed', [req.create(1, '/acl-k', [...OPEN, ...OPEN, [1, 'world', 'anyone']]), req.getAcl(2, '/acl-k'), req.delete(3, '/acl-k')]],
    ['empty ACL', [req.create(1, '/acl-l', [])]],
    ['null ACL', [req.createWithAclCount(1, '/acl-m', -1)]],
    ['negative ACL count reads as empty', [req.createWithAclCount(1, '/acl-n', -5)]],
    ['ACL checked before the parent', [req.create(1, '/no-parent/x', [[31, 'world', 'foo']])]],
    ['path shape checked before the ACL', [req.create(1, 'relative', [[31, 'world', 'foo']])]],
    ['setACL', [req.create(1, '/sa'), req.setAcl(2, '/sa', [[31, 'world', 'foo']]), req.setAcl(3, '/sa', [[31, 'x', 'y']]), req.setAcl(4, '/sa', []), req.delete(5, '/sa')]],
  ]);
  assert.deepEqual(errs(seen.get('world:foo')), [-114]);
  assert.deepEqual(errs(seen.get('setACL')), [0, -114, -114, -114, 0]);
});

test('[zk.request-errors] differential: bad and null paths, root as "", negative vector counts and undecodable multis get ZooKeeper\'s codes', T, async () => {
  await agree([
    ['delete bad paths', [req.delete(1, 'abc'), req.delete(2, '/a/'), req.delete(3, '/a//b'), req.delete(4, ''), req.delete(5, '/nope'), req.delete(6, '/a/./b'), req.delete(7, '/x\u0000y')]],
    ['delete null', [req.delete(1, null)]],
    ['create bad paths', [req.create(1, 'abc'), req.create(2, '/a/'), req.create(3, '/a//b'), req.create(4, '')]],
    ['create null', [req.create(1, null)]],
    ['reads of bad paths', [req.read(1, OpCode.getData, 'abc'), req.read(2, OpCode.getData, '/a/'), req.read(3, OpCode.exists, 'abc'), req.read(4, OpCode.getChildren, '/a/'), req.getAcl(5, 'abc')]],
    ['reads of "" see the root', [req.read(1, OpCode.getData, ''), req.read(2, OpCode.exists, ''), req.read(3, OpCode.getChildren, ''), req.read(4, OpCode.getChildren2, ''), req.getAcl(5, '')]],
    ['reads of null', [req.read(1, OpCode.getData, null), req.read(2, OpCode.exists, null), req.read(3, OpCode.getChildren, null), req.getAcl(4, null), req.ping()]],
    ['writes of null and ""', [req.setData(1, null), req.setData(2, ''), req.setAcl(3, null, OPEN), req.op(4, OpCode.sync, (w) => void w.ustring(null))]],
    ['setWatches with negative counts', [req.op(-8, OpCode.setWatches, (w) => void w.long(0n).int(-3).int(-3).int(-3)), req.ping()]],
    ['multi with an undecodable op', [req.op(1, OpCode.multi, (w) => void w.int(1).bool(false).int(-1).ustring('/x').int(99)), req.ping()]],
    ['multi with an unknown op type', [req.op(1, OpCode.multi, (w) => void w.int(99).bool(false).int(-1).int(-1).bool(true).int(-1)), req.ping()]],
    ['multi with a negative ACL count', [req.op(1, OpCode.multi, (w) => void w.int(1).bool(false).int(-1).ustring('/m').buffer(null).int(-3).int(0).int(-1).bool(true).int(-1)), req.ping()]],
    ['empty multi', [req.op(1, OpCode.multi, (w) => void w.int(-1).bool(true).int(-1)), req.ping()]],
    ['truncated body', [req.op(1, OpCode.getData, (w) => void w.int(10)), req.ping()]],
    ['negative string length', [req.op(1, OpCode.getData, (w) => void w.int(-7).bool(false)), req.ping()]],
  ]);
});

test('[wire.ping, zk.bad-request, zk.auth] differential: pings answer xid -2 whatever their xid; refused and unknown ops, auth schemes and closeSession leave the connection where ZooKeeper leaves it', T, async () => {
  const seen = await agree([
    ['ping xid 5', [req.ping(5)]],
    ['ping xid 0', [req.ping(0)]],
    ['ConnectRequest after the handshake', [req.op(0, 0, (w) => void w.int(0).int(30_000).long(0n).buffer(new Uint8Array(16)).bool(false)), req.ping()]],
    ['auth digest', [req.auth('digest', Buffer.from('u:p')), req.ping()]],
    ['auth digest, xid 7', [req.auth('digest', Buffer.from('u:p'), 7), req.ping()]],
    ['auth digest without a colon', [req.auth('digest', Buffer.from('nocolon')), req.ping()]],
    ['auth digest null', [req.auth('digest', null), req.ping()]],
    ['auth ip', [req.auth('ip', new Uint8Array(0)), req.ping()]],
    ['auth world', [req.auth('world', Buffer.from('anyone')), req.ping()]],
    ['auth unknown', [req.auth('foo', new Uint8Array(0)), req.ping()]],
    ['requests after closeSession', [req.closeSession(1), req.read(2, OpCode.exists, '/'), req.ping()], [1]],
    ['closeSession twice', [req.closeSession(1), req.closeSession(2)], [1]],
    ['reconfig', [req.op(1, OpCode.reconfig, (w) => void w.ustring(null).ustring(null).ustring(null).long(-1n)), req.ping()]],
    ['createSession as a request', [req.op(1, OpCode.createSession), req.ping()]],
    ['createTTL with extended types off', [req.op(1, OpCode.createTTL, (w) => void w.ustring('/ttl').buffer(null).int(1).int(31).ustring('world').ustring('anyone').int(5).long(1000n)), req.ping()]],
    ['check outside a multi', [req.ping(), req.op(1, OpCode.check, (w) => void w.ustring('/').int(-1)), req.read(2, OpCode.exists, '/')]],
    ['notification op', [req.op(1, OpCode.notification), req.ping()]],
    ['unknown op', [req.op(1, 9999), req.ping()]],
    ['header only', [Uint8Array.of(0, 0, 0, 4, 0, 0, 0, 1), req.ping()]],
    ['empty frame', [Uint8Array.of(0, 0, 0, 0), req.ping()]],
  ]);
  assert.deepEqual(seen.get('ping xid 5')?.replies[0]?.xid, -2);
});

test('[zk.more-ops] differential: getEphemerals, getAllChildrenNumber and whoAmI answer as ZooKeeper does', T, async () => {
  await agree([
    ['getEphemerals', [req.create(1, '/eph-a', OPEN, 1), req.op(2, OpCode.getEphemerals, (w) => void w.ustring('/')), req.op(3, OpCode.getEphemerals, (w) => void w.ustring('/eph')), req.op(4, OpCode.getEphemerals, (w) => void w.ustring('/zz'))]],
    ['getAllChildrenNumber', [req.create(1, '/acn'), req.create(2, '/acn/a'), req.create(3, '/acn/a/b'), req.op(4, OpCode.getAllChildrenNumber, (w) => void w.ustring('/acn')), req.op(5, OpCode.getAllChildrenNumber, (w) => void w.ustring('/nope')), req.delete(6, '/acn/a/b'), req.delete(7, '/acn/a'), req.delete(8, '/acn')]],
    // Two scripts, not one: ZooKeeper answers auth on its IO thread, ahead of a whoAmI still in its pipeline, so
    // an auth pipelined behind a whoAmI may be answered before or after it there.
    ['whoAmI', [req.op(1, OpCode.whoAmI), req.ping()]],
    ['whoAmI after auth', [req.auth('digest', Buffer.from('u:p')), req.op(2, OpCode.whoAmI)]],
  ]);
});
