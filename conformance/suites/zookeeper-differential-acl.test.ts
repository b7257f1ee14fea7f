/**
 * Differential, ACL enforcement: the same raw requests to Apache ZooKeeper 3.8 and to the reference, both with
 * the same digest super user; per reply the xid, error code and body length must agree (a getACL body is
 * shorter when digest ids are masked as user:x, so masking shows in the length), and so must notifications.
 * A second pair runs with skipACL. One connection per case; nodes persist from case to case.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { findApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { zkCli, zkCliFound } from '../zookeeper/zk-cli.ts';
import { agreeOnCases, errsOf, startPair, type ServerPair } from '../zookeeper/differential-pair.ts';
import { OPEN, req, type AclEntry } from '../zookeeper/request-frames.ts';
import { digestId } from '../../reference/zk/auth-providers.ts';
import { OpCode } from '../../reference/zk/op-codes.ts';

const apache = findApacheZooKeeper();
const skip = apache.found ? false : `Apache ZooKeeper is not available: ${apache.reason}`;
const T = { timeout: 180_000, skip };
const SUPER = digestId('super:secret');
const U = digestId('u:p');
const user = () => req.auth('digest', Buffer.from('u:p'));
const superUser = () => req.auth('digest', Buffer.from('super:secret'));
const READ_ONLY: readonly AclEntry[] = [[1, 'world', 'anyone']];
const getData = (xid: number, path: string, watch = false) => req.op(xid, OpCode.getData, (w) => void w.ustring(path).bool(watch));
const setData = (xid: number, path: string, version = -1) => req.op(xid, OpCode.setData, (w) => void w.ustring(path).buffer(Buffer.from('v')).int(version));
const multiSetData = (xid: number, path: string) =>
  req.op(xid, OpCode.multi, (w) => void w.int(OpCode.setData).bool(false).int(-1).ustring(path).buffer(null).int(-1).int(-1).bool(true).int(-1));
const multiCheck = (xid: number, path: string) =>
  req.op(xid, OpCode.multi, (w) => void w.int(OpCode.check).bool(false).int(-1).ustring(path).int(-1).int(-1).bool(true).int(-1));

let pair: ServerPair | undefined;
let skipping: ServerPair | undefined;

before(async () => {
  if (!apache.found) return;
  pair = await startPair({ properties: { 'zookeeper.DigestAuthenticationProvider.superDigest': SUPER }, server: { superDigest: SUPER } });
  skipping = await startPair({ properties: { 'zookeeper.skipACL': 'yes' }, server: { skipAcl: true } });
});

after(async () => {
  await pair?.stop();
  await skipping?.stop();
});

test('[zk.acl-enforcement] differential: READ for getData and getChildren, WRITE for setData, CREATE and DELETE on the parent, ADMIN for setACL, none for exists', T, async () => {
  const seen = await agreeOnCases(pair!, [
    ['a read-only node', [req.create(1, '/ro', READ_ONLY), getData(2, '/ro'), setData(3, '/ro'), req.create(4, '/ro/child'), req.setAcl(5, '/ro', OPEN), req.read(6, OpCode.exists, '/ro'), req.read(7, OpCode.getChildren, '/ro'), req.getAcl(8, '/ro')]],
    ['a node without READ', [req.create(1, '/wo', [[30, 'world', 'anyone']]), getData(2, '/wo'), req.read(3, OpCode.getChildren, '/wo'), req.read(4, OpCode.getChildren2, '/wo'), req.getAcl(5, '/wo'), req.op(6, OpCode.getAllChildrenNumber, (w) => void w.ustring('/wo')), req.read(7, OpCode.exists, '/wo'), req.op(8, OpCode.sync, (w) => void w.ustring('/wo'))]],
    ['permission 0', [req.create(1, '/none', [[0, 'world', 'anyone']]), getData(2, '/none'), req.getAcl(3, '/none'), req.delete(4, '/none')]],
    ['delete needs DELETE on the parent', [req.create(1, '/nodel', [[23, 'world', 'anyone']]), req.create(2, '/nodel/c'), req.delete(3, '/nodel/c'), req.delete(4, '/nodel/missing'), req.delete(5, '/nodel/c', 7)]],
    ['order: parent NONODE, then NOAUTH, then NODEEXISTS and BADVERSION; delete checks the parent before the node', [req.create(1, '/ro/x'), req.create(2, '/ro/x/y'), setData(3, '/ro', 99), req.setAcl(4, '/ro', [[31, 'world', 'foo']]), req.delete(5, '/ro/nope')]],
    // Apart: ZooKeeper checks a request pipelined behind a setACL against the ACL before it (its pending change
    // record keeps the old ACL); once the setACL is applied, the new ACL holds on both servers.
    ['lock a parent', [req.create(1, '/ro2'), req.create(2, '/ro2/c'), req.setAcl(3, '/ro2', READ_ONLY)]],
    ['NOAUTH before NODEEXISTS', [req.create(1, '/ro2/c'), req.create(2, '/ro2/c', OPEN, 2)]],
    ['the built-in nodes', [req.getAcl(1, '/'), req.getAcl(2, '/zookeeper'), req.getAcl(3, '/zookeeper/quota'), req.getAcl(4, '/zookeeper/config'), setData(5, '/zookeeper/config'), req.create(6, '/zookeeper/config/x'), req.setAcl(7, '/zookeeper/config', OPEN)]],
    ['multi: setData and check on locked nodes', [multiSetData(1, '/ro'), multiCheck(2, '/wo'), multiCheck(3, '/ro')]],
    ['no watch is left on NOAUTH', [getData(1, '/wo', true), req.read(2, OpCode.exists, '/wo')]],
  ]);
  assert.deepEqual(errsOf(seen.get('a read-only node')), [0, 0, -102, -102, -102, 0, 0, 0]);
});

test('[zk.acl-enforcement, zk.auth] differential: digest and auth ids, ip ids with masks, and getACL masking digest ids without ADMIN', T, async () => {
  const seen = await agreeOnCases(pair!, [
    ['auth node', [user(), req.create(1, '/d', [[31, 'auth', '']]), getData(2, '/d'), setData(3, '/d'), req.getAcl(4, '/d')]],
    ['auth node from a stranger', [getData(1, '/d'), setData(2, '/d'), req.getAcl(3, '/d'), req.delete(4, '/d')]],
    ['digest entry with world READ', [req.create(1, '/dr', [[1, 'world', 'anyone'], [31, 'digest', U]]), req.getAcl(2, '/dr'), setData(3, '/dr')]],
    ['digest entry, the user', [user(), req.getAcl(1, '/dr'), setData(2, '/dr')]],
    ['another digest user', [req.auth('digest', Buffer.from('v:q')), getData(1, '/d'), req.getAcl(2, '/dr')]],
    ['ip entries', [req.create(1, '/ip1', [[31, 'ip', '127.0.0.1']]), setData(2, '/ip1'), req.create(3, '/ip8', [[31, 'ip', '127.0.0.0/8']]), setData(4, '/ip8'), req.create(5, '/ip10', [[31, 'ip', '10.0.0.0/8']]), setData(6, '/ip10'), getData(7, '/ip10'), req.create(8, '/ip0', [[31, 'ip', '10.1.2.3/0']]), setData(9, '/ip0')]],
    // An auth packet is answered at once by ZooKeeper, ahead of earlier requests still in its pipeline: so it comes first.
    ['READ only for the user', [req.create(1, '/ur', [[1, 'digest', U], [30, 'world', 'anyone']]), getData(2, '/ur')]],
    ['READ only for the user, as the user', [user(), getData(1, '/ur')]],
  ]);
  assert.deepEqual(errsOf(seen.get('auth node from a stranger')), [-102, -102, -102, 0]);
  const masked = seen.get('digest entry with world READ')?.replies[1]?.bodyLength;
  const full = seen.get('digest entry, the user')?.replies[1]?.bodyLength;
  assert.ok(masked !== undefined && full !== undefined && masked < full, 'getACL without ADMIN masks the digest hash');
});

test('[zk.acl-enforcement] differential: the digest super user passes every check; the super id is not an auth identity', T, async () => {
  const seen = await agreeOnCases(pair!, [
    ['locked tree', [req.create(1, '/lk', [[0, 'world', 'anyone']]), req.create(2, '/lk2', [[0, 'digest', U]])]],
    ['super', [superUser(), getData(1, '/lk'), setData(2, '/lk'), req.create(3, '/lk/c'), req.getAcl(4, '/lk2'), req.setAcl(5, '/lk2', OPEN), req.delete(6, '/lk/c'), req.create(7, '/sa', [[31, 'auth', '']]), req.getAcl(8, '/sa'), req.op(9, OpCode.whoAmI)]],
    ['wrong super password', [req.auth('digest', Buffer.from('super:wrong')), getData(1, '/lk')]],
    ['clean up as super', [superUser(), ...['/ro2/c', '/ro2', '/ro', '/wo', '/none', '/nodel', '/d', '/dr', '/ip1', '/ip8', '/ip10', '/ip0', '/ur', '/lk', '/lk2', '/sa'].map((p, i) => req.delete(i + 1, p))]],
  ]);
  assert.deepEqual(errsOf(seen.get('wrong super password')), [0, -102]);
});

test('[zk.acl-enforcement] differential: with zookeeper.skipACL=yes nothing is checked, yet ACLs are still validated', T, async () => {
  await agreeOnCases(skipping!, [
    ['locked nodes', [req.create(1, '/k', [[0, 'world', 'anyone']]), getData(2, '/k'), setData(3, '/k'), req.create(4, '/k/c'), req.getAcl(5, '/k'), req.setAcl(6, '/k', [[1, 'digest', U]]), req.getAcl(7, '/k'), req.delete(8, '/k/c'), req.delete(9, '/k')]],
    ['validation stays', [req.create(1, '/v', [[31, 'world', 'foo']]), req.create(2, '/v', [[31, 'auth', '']])]],
  ]);
});

test('[zk.acl-enforcement] differential: zkCli addauth, setAcl, getAcl and whoami, and the errors it prints for NOAUTH', { ...T, skip: skip || (!zkCliFound() && 'zkCli.sh is not installed') }, async () => {
  const script = [
    'create /cli x',
    'setAcl /cli world:anyone:r',
    'set /cli y',
    'getAcl /cli',
    'addauth digest u:p',
    'setAcl /cli world:anyone:r',
    'create /cli2 x auth::cdrwa',
    'getAcl /cli2',
    'whoami',
    'setAcl /cli2 digest:u:p:rw',
    'setAcl /cli2 ip:127.0.0.1:rwa,world:anyone:r',
    'getAcl /cli2',
    'set /cli2 z',
    'delete /cli2',
    'delete /cli',
    'ls /',
  ];
  const real = await zkCli(pair!.zookeeper, script);
  const reference = await zkCli(pair!.reference, script);
  assert.deepEqual(reference, real);
  assert.ok(real.some((line) => line.includes('Insufficient permission')), `zkCli reports NOAUTH: ${real.join(' | ')}`);
});
