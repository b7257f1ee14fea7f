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
  assert.equal(w.has('data', '/a', 'gone'), false);
  assert.deepEqual(w.trigger(ev(EventType.NodeDeleted, '/b')), ['stays']);
});
