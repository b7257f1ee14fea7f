/**
 * Issue 18.1 on real sockets: clients that pipeline getData of a large znode and read slowly while pinging keep
 * their sessions and get every byte in order, while the factory's memory per connection stays bounded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_OUTGOING_HIGH_WATER_BYTES, DEFAULT_PARKED_INPUT_BYTES } from '../nio/nio-settings.ts';
import { slowRead, type SlowReadPlan } from './slow-reader-peer.ts';
import { startZk, zk } from './test-support.ts';

const ZNODE_BYTES = 500 * 1024;

const SLOW_PLAN: SlowReadPlan = {
  path: '/big',
  requests: 20,
  sessionTimeoutMs: 2_000,
  pingEveryMs: 500,
  slowForMs: 4_500,
  stepMs: 100,
  bytesPerStep: 2 * 1024,
};

test('[wire.slow-reader, expiry.session-timeout] tcp: 4 slow readers of a 500 KB znode keep their sessions past 2 session timeouts and get every byte', { timeout: 60_000 }, async (t) => {
  const f = await startZk(t, { server: { tickTime: 500 } });
  const c = await f.connect();
  await zk.create(c, '/big', Buffer.alloc(ZNODE_BYTES, 7));
  let maxHeld = 0;
  let maxPending = 0;
  const sampler = setInterval(() => {
    for (const cnxn of f.factory.registry.list()) {
      maxPending = Math.max(maxPending, cnxn.pendingOutgoingBytes());
      maxHeld = Math.max(maxHeld, cnxn.pendingOutgoingBytes() + cnxn.reservedIncomingBytes());
    }
  }, 20);
  t.after(() => clearInterval(sampler));
  const outcomes = await Promise.all(Array.from({ length: 4 }, () => slowRead(f.address, SLOW_PLAN)));
  clearInterval(sampler);
  for (const o of outcomes) {
    assert.equal(o.negotiatedTimeout, 2_000);
    assert.equal(o.closedWhileSlow, false, 'the session outlived two timeouts while its client read slowly');
    assert.deepEqual(o.replyXids, Array.from({ length: 20 }, (_, i) => i + 1));
    assert.deepEqual(o.dataLengths, new Array(20).fill(ZNODE_BYTES));
    assert.equal(o.afterwardsErr, 0);
  }
  // The throttle did engage (output backed up past the mark), and held at most one reply more than the mark
  // plus the parking space.
  assert.ok(maxPending > DEFAULT_OUTGOING_HIGH_WATER_BYTES, `output reached ${maxPending} bytes`);
  assert.ok(maxHeld <= DEFAULT_OUTGOING_HIGH_WATER_BYTES + ZNODE_BYTES + 1024 + DEFAULT_PARKED_INPUT_BYTES, `held ${maxHeld} bytes`);
  t.diagnostic(`max output pending ${maxPending} B, max held ${maxHeld} B per connection`);
});
