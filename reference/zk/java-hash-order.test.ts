import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHILDREN_TABLE, cloneTableSize, grownTableSize, javaChildrenOrder, javaHashSetCloneOrder } from './java-hash-order.ts';

const T = { timeout: 5_000 };

// Expected orders printed by Java 17: new ArrayList<>((HashSet<String>) set.clone()) after the same adds and removes.
test('[zk.session-lifecycle] unit: ephemerals of a closed session go in the order of a clone of Java\'s HashSet of their paths', T, () => {
  assert.deepEqual(javaHashSetCloneOrder(['/r/a/b/c', '/r/a/b/c0000000001'], 2), ['/r/a/b/c0000000001', '/r/a/b/c']);
  const nine = ['/x/e0000000000', '/x/e0000000001', '/x/e0000000002', '/x/e0000000003', '/x/e0000000004', '/x/e0000000005', '/x/e0000000006', '/x/a', '/x/b'];
  assert.deepEqual(javaHashSetCloneOrder(nine, nine.length), ['/x/e0000000000', '/x/e0000000005', '/x/e0000000006', '/x/b', '/x/e0000000001', '/x/a', '/x/e0000000002', '/x/e0000000003', '/x/e0000000004']);
  const many = ['/p1', '/p2', '/p3', '/q', '/zz/top', '/a/b/c/d/e', ...[10, 11, 12, 13, 14, 15, 16, 17].map((n) => `/s00000000${n}`)];
  assert.deepEqual(javaHashSetCloneOrder(many, many.length), ['/q', '/a/b/c/d/e', '/p1', '/s0000000017', '/p2', '/p3', '/s0000000015', '/s0000000016', '/zz/top', '/s0000000010', '/s0000000013', '/s0000000014', '/s0000000011', '/s0000000012']);
  assert.deepEqual(javaHashSetCloneOrder(['/p1', '/p2', '/late'], many.length), ['/p1', '/p2', '/late'], 'a set that grew to 32 buckets keeps them after removals');
});

test('[zk.session-lifecycle] unit: HashMap table sizes: grown from 16 past three quarters full, a clone sized for its entries alone', T, () => {
  assert.deepEqual([0, 12, 13, 24, 25].map((peak) => grownTableSize(peak)), [16, 16, 32, 32, 64]);
  assert.deepEqual([0, 6, 7, 12, 13].map((peak) => grownTableSize(peak, CHILDREN_TABLE)), [8, 8, 16, 16, 32]);
  assert.deepEqual([1, 2, 3, 5, 6, 11, 12].map(cloneTableSize), [2, 4, 8, 8, 16, 16, 32]);
});

test('[zk.data-tree] unit: a znode\'s children are listed in the order of Java\'s HashSet with room for 8, as ZooKeeper 3.8 listed them', T, () => {
  // Apache ZooKeeper 3.8 listed these children of /p (created in this order, beta deleted and created again after
  // iota) as epsilon, zeta, iota, eta, alpha, delta, kappa, theta, gamma, beta (the C client's ls, 2026-11-30).
  const inserted = ['alpha', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'beta', 'kappa'];
  assert.deepEqual(javaChildrenOrder(inserted, 10), ['epsilon', 'zeta', 'iota', 'eta', 'alpha', 'delta', 'kappa', 'theta', 'gamma', 'beta']);
  // The root's and /zookeeper's own children, as every fresh ZooKeeper lists them.
  assert.deepEqual(javaChildrenOrder(['zookeeper', 'p'], 2), ['p', 'zookeeper']);
  assert.deepEqual(javaChildrenOrder(['quota', 'config'], 2), ['config', 'quota']);
});
