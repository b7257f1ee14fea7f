/** One-shot watches on their own: which events fire which watches, once each. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventType, type TreeEvent } from './watch-events.ts';
import { WatchManager } from './watch-manager.ts';

const T = { timeout: 10_000 };
const ev = (type: TreeEvent['type'], path: string): TreeEvent => ({ type, path, zxid: 1n });

test('[zk.watches] unit: a data watch fires once for NodeDataChanged and is gone afterwards', T, () => {
  const w = new WatchManager<string>();
  w.add('data', '/a', 'c1');
  w.add('data', '/a', 'c2');
  assert.deepEqual(w.trigger(ev(EventType.NodeDataChanged, '/a')), ['c1', 'c2']);
  assert.deepEqual(w.trigger(ev(EventType.NodeDataChanged, '/a')), []);
  assert.equal(w.count(), 0);
});

test('[zk.watches] unit: NodeCreated fires data (exists) watches, NodeChildrenChanged fires child watches only', T, () => {
  const w = new WatchManager<string>();
  w.add('data', '/a', 'exists');
  w.add('child', '/a', 'children');
  assert.deepEqual(w.trigger(ev(EventType.NodeChildrenChanged, '/a')), ['children']);
  assert.deepEqual(w.trigger(ev(EventType.NodeCreated, '/a')), ['exists']);
});

test('[zk.watches] unit: NodeDeleted fires data and child watches with one notification per watcher', T, () => {
  const w = new WatchManager<string>();
  w.add('data', '/a', 'both');
  w.add('child', '/a', 'both');
  w.add('child', '/a', 'child-only');
  w.add('data', '/b', 'other');
  assert.deepEqual(w.trigger(ev(EventType.NodeDeleted, '/a')), ['both', 'child-only']);
  assert.equal(w.count(), 1);
});

test('[zk.watches] unit: the watches of a closed connection are dropped from both tables', T, () => {
  const w = new WatchManager<string>();
  w.add('data', '/a', 'gone');
  w.add('child', '/b', 'gone');
  w.add('child', '/b', 'stays');
  w.removeWatcher('gone');
  assert.equal(w.watched('data', '/a'), false);
  assert.deepEqual(w.trigger(ev(EventType.NodeDeleted, '/b')), ['stays']);
});

test('[zk.persistent-watches] a persistent watch stays after firing; a recursive one fires for descendants but not for NodeChildrenChanged', T, () => {
  const m = new WatchManager<string>();
  m.addPersistent('/p', 'a', 'persistent');
  m.addPersistent('/r', 'b', 'recursive');
  assert.deepEqual(m.trigger({ type: EventType.NodeDataChanged, path: '/p', zxid: 1n }), ['a']);
  assert.deepEqual(m.trigger({ type: EventType.NodeDataChanged, path: '/p', zxid: 2n }), ['a']);
  assert.deepEqual(m.trigger({ type: EventType.NodeChildrenChanged, path: '/p', zxid: 3n }), ['a']);
  assert.deepEqual(m.trigger({ type: EventType.NodeCreated, path: '/p/c', zxid: 4n }), [], 'a persistent watch is not recursive');
  assert.deepEqual(m.trigger({ type: EventType.NodeCreated, path: '/r/x/y', zxid: 5n }), ['b']);
  assert.deepEqual(m.trigger({ type: EventType.NodeChildrenChanged, path: '/r', zxid: 6n }), []);
  assert.deepEqual(m.trigger({ type: EventType.NodeDeleted, path: '/r', zxid: 7n }), ['b'], 'one notification for both tables');
  assert.equal(m.count(), 4, 'both stay, each in both tables');
});

test('[zk.persistent-watches] a standard watch on the same path turns a persistent one back into a one-shot watch, as ZooKeeper 3.8 does', T, () => {
  const m = new WatchManager<string>();
  m.addPersistent('/p', 'a', 'persistent');
  m.add('data', '/p', 'a');
  assert.deepEqual(m.trigger({ type: EventType.NodeDataChanged, path: '/p', zxid: 1n }), ['a']);
  assert.deepEqual(m.trigger({ type: EventType.NodeDataChanged, path: '/p', zxid: 2n }), []);
  assert.deepEqual(m.trigger({ type: EventType.NodeChildrenChanged, path: '/p', zxid: 3n }), ['a'], 'the child table kept its persistent mode');
});

test('[zk.remove-watches] remove and watched look at exactly one path and table; removing the last recursive watch stops ancestor lookups', T, () => {
  const m = new WatchManager<string>();
  m.addPersistent('/r', 'a', 'recursive');
  assert.equal(m.watched('data', '/r/x'), false);
  assert.equal(m.watched('child', '/r'), true);
  assert.equal(m.remove('data', '/r', 'b'), false, 'removeWatches takes only the asking connection\'s watch');
  assert.equal(m.remove('data', '/r', 'a'), true);
  assert.equal(m.remove('data', '/r', 'a'), false);
  assert.deepEqual(m.trigger({ type: EventType.NodeCreated, path: '/r/x', zxid: 1n }), [], 'the child-table entry never fires NodeCreated');
  m.removeWatcher('a');
  assert.equal(m.count(), 0);
});
