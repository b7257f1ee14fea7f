/** The znode tree on its own: stats, versions, error codes, sequential and ephemeral nodes, atomic rollback. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { OPEN_ACL_UNSAFE } from './acl.ts';
import { CreateMode } from './create-mode.ts';
import { DataTree, type Tx } from './data-tree.ts';
import { Err, KeeperError } from './error-codes.ts';
import { EventType } from './watch-events.ts';

const T = { timeout: 20_000 };
const bytes = (s: string) => new TextEncoder().encode(s);

/** A tree and a transaction source: each tx() draws the next zxid at time 1000 + zxid. */
function fresh() {
  const tree = new DataTree();
  const tx = (): Tx => {
    const zxid = tree.nextZxid();
    return { zxid, time: 1000n + zxid };
  };
  return { tree, tx };
}

function code(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    if (err instanceof KeeperError) return err.code;
    throw err;
  }
  throw new Error('no KeeperError was thrown');
}

/** Everything observable about the tree, for before/after comparisons. */
function dump(tree: DataTree, path = '/'): unknown[] {
  const { children, stat } = tree.getChildren(path);
  const { data } = tree.getData(path);
  return [path, stat, data === null ? null : [...data], ...children.flatMap((c) => dump(tree, path === '/' ? `/${c}` : `${path}/${c}`))];
}

test('[zk.data-tree] unit: a fresh tree holds /, /zookeeper, /zookeeper/quota and /zookeeper/config at zxid 0', T, () => {
  const { tree } = fresh();
  assert.equal(tree.nodeCount(), 5, 'four nodes, counted as ZooKeeper counts them (the root twice)');
  assert.equal(tree.lastZxid(), 0n);
  assert.deepEqual(tree.getChildren('/').children, ['zookeeper']);
  assert.deepEqual(tree.getChildren('/zookeeper').children, ['config', 'quota']);
});

test('[zk.data-tree] unit: create, setData and delete keep czxid, mzxid, pzxid, times, versions and child counts', T, () => {
  const { tree, tx } = fresh();
  const created = tree.create('/a', bytes('one'), OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, 9n, tx());
  assert.equal(created.path, '/a');
  assert.deepEqual(
    { ...created.stat },
    { czxid: 1n, mzxid: 1n, pzxid: 1n, ctime: 1001n, mtime: 1001n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 3, numChildren: 0 },
  );
  assert.deepEqual(created.events, [
    { type: EventType.NodeCreated, path: '/a', zxid: 1n, acl: OPEN_ACL_UNSAFE },
    { type: EventType.NodeChildrenChanged, path: '/', zxid: 1n, acl: OPEN_ACL_UNSAFE },
  ]);
  tree.create('/a/b', null, OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, 9n, tx());
  const parent = tree.exists('/a');
  assert.equal(parent?.numChildren, 1);
  assert.equal(parent?.cversion, 1);
  assert.equal(parent?.pzxid, 2n);
  assert.equal(parent?.mzxid, 1n, 'a child does not change the parent data version');
  const set = tree.setData('/a', bytes('three'), 0, tx());
  assert.equal(set.stat.version, 1);
  assert.equal(set.stat.mzxid, 3n);
  assert.equal(set.stat.mtime, 1003n);
  assert.equal(set.stat.ctime, 1001n);
  assert.equal(set.stat.dataLength, 5);
  assert.deepEqual(tree.getData('/a/b').data, null, 'null data stays null');
  tree.delete('/a/b', -1, tx());
  assert.equal(tree.exists('/a')?.cversion, 2);
  assert.equal(tree.exists('/a')?.numChildren, 0);
  assert.equal(tree.exists('/a')?.pzxid, 4n);
});

test('[zk.data-tree] unit: failures carry NONODE, NODEEXISTS, BADVERSION, NOTEMPTY, NOCHILDRENFOREPHEMERALS, BADARGUMENTS and INVALIDACL', T, () => {
  const { tree, tx } = fresh();
  tree.create('/p', null, OPEN_ACL_UNSAFE, 0, 1n, tx());
  tree.create('/p/c', null, OPEN_ACL_UNSAFE, 0, 1n, tx());
  tree.create('/e', null, OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL, 1n, tx());
  assert.equal(code(() => tree.getData('/missing')), Err.NONODE);
  assert.equal(code(() => tree.create('/missing/x', null, OPEN_ACL_UNSAFE, 0, 1n, tx())), Err.NONODE);
  assert.equal(code(() => tree.create('/p', null, OPEN_ACL_UNSAFE, 0, 1n, tx())), Err.NODEEXISTS);
  assert.equal(code(() => tree.setData('/p', null, 5, tx())), Err.BADVERSION);
  assert.equal(code(() => tree.delete('/p', 3, tx())), Err.BADVERSION, 'the version is checked before the children');
  assert.equal(code(() => tree.delete('/p', 0, tx())), Err.NOTEMPTY);
  assert.equal(code(() => tree.create('/e/x', null, OPEN_ACL_UNSAFE, 0, 1n, tx())), Err.NOCHILDRENFOREPHEMERALS);
  assert.equal(code(() => tree.create('/e', null, OPEN_ACL_UNSAFE, 0, 1n, tx())), Err.NODEEXISTS, 'NODEEXISTS comes first');
  for (const bad of ['p', '/p/', '//p', '/p\u0000q', '/p\u0007q', '']) {
    assert.equal(code(() => tree.create(bad, null, OPEN_ACL_UNSAFE, 0, 1n, tx())), Err.BADARGUMENTS, JSON.stringify(bad));
  }
  // As in ZooKeeper, the parent is looked up before the whole path is checked: a relative segment names no parent.
  for (const missingParent of ['/p/./q', '/p/../q']) {
    assert.equal(code(() => tree.create(missingParent, null, OPEN_ACL_UNSAFE, 0, 1n, tx())), Err.NONODE, missingParent);
  }
  assert.equal(code(() => tree.create('/q', null, OPEN_ACL_UNSAFE, 7, 1n, tx())), Err.BADARGUMENTS, 'CreateMode ends at 6');
  assert.equal(code(() => tree.create('/q', null, [], 0, 1n, tx())), Err.INVALIDACL);
  assert.equal(code(() => tree.setAcl('/p', OPEN_ACL_UNSAFE, 7)), Err.BADVERSION);
  assert.equal(tree.setAcl('/p', OPEN_ACL_UNSAFE, 0).aversion, 1);
});

test('[zk.data-tree] unit: sequential names take the count of the parent\'s child creates as a 10-digit suffix; deletes advance the cversion, not the suffix', T, () => {
  const { tree, tx } = fresh();
  tree.create('/q', null, OPEN_ACL_UNSAFE, 0, 1n, tx());
  assert.equal(tree.create('/q/n-', null, OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, 1n, tx()).path, '/q/n-0000000000');
  tree.create('/q/plain', null, OPEN_ACL_UNSAFE, 0, 1n, tx());
  tree.delete('/q/plain', -1, tx());
  const e = tree.create('/q/e-', null, OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL, 5n, tx());
  assert.equal(e.path, '/q/e-0000000002');
  assert.equal(tree.exists('/q')?.cversion, 4);
  assert.equal(e.stat.ephemeralOwner, 5n);
  assert.deepEqual(tree.ephemeralsOf(5n), ['/q/e-0000000002']);
});

test('[zk.data-tree] unit: killing a session deletes its ephemeral nodes and only those, firing delete events', T, () => {
  const { tree, tx } = fresh();
  tree.create('/a', null, OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL, 1n, tx());
  tree.create('/b', null, OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL, 2n, tx());
  tree.create('/c', null, OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, 1n, tx());
  assert.equal(tree.ephemeralCount(), 2);
  const events = tree.killSession(1n, tx());
  assert.deepEqual(events.map((e) => [e.type, e.path]), [
    [EventType.NodeDeleted, '/a'],
    [EventType.NodeChildrenChanged, '/'],
  ]);
  assert.equal(tree.exists('/a'), undefined);
  assert.ok(tree.exists('/b'));
  assert.ok(tree.exists('/c'));
  assert.deepEqual(tree.ephemeralsOf(1n), []);
});

test('[zk.data-tree] unit: a failing atomic block leaves the tree exactly as before, whatever it changed first', T, () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('create' as const), name: fc.constantFrom('a', 'b', 'a/x', 's-'), flags: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('set' as const), name: fc.constantFrom('a', 'b', 'base'), version: fc.integer({ min: -1, max: 2 }) }),
    fc.record({ kind: fc.constant('delete' as const), name: fc.constantFrom('a', 'b', 'a/x', 'base'), version: fc.integer({ min: -1, max: 1 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 8 }), (ops) => {
      const { tree, tx } = fresh();
      tree.create('/base', bytes('x'), OPEN_ACL_UNSAFE, 0, 3n, tx());
      const before = dump(tree);
      const ephemeralsBefore = tree.ephemeralsOf(3n);
      const t = tx();
      assert.throws(() =>
        tree.atomically(() => {
          for (const o of ops) {
            try {
              const path = `/base/${o.name}`;
              if (o.kind === 'create') tree.create(path, bytes('d'), OPEN_ACL_UNSAFE, o.flags, 3n, t);
              else if (o.kind === 'set') tree.setData(path, bytes('e'), o.version, t);
              else tree.delete(path, o.version, t);
            } catch (err) {
              if (!(err instanceof KeeperError)) throw err;
            }
          }
          throw new KeeperError(Err.BADVERSION);
        }),
      );
      assert.deepEqual(dump(tree), before);
      assert.deepEqual(tree.ephemeralsOf(3n), ephemeralsBefore);
    }),
    { numRuns: 200 },
  );
});
