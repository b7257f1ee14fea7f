/**
 * Differential, issue 18.1: clients that pipeline getData of a 500 KB znode and read slowly while pinging, against
 * Apache ZooKeeper 3.8 and the reference (tickTime 500, so a 2 s session timeout and a test of a few seconds).
 * ZooKeeper keeps every such session; so must the reference, with its output per connection bounded.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'node-zookeeper-client';
import { findApacheZooKeeper, startApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { startZk, zk } from '../../reference/zk/test-support.ts';
import { slowRead, type SlowReadOutcome } from '../../reference/zk/slow-reader-peer.ts';
import type { SocketAddress } from '../../spec/runtime.ts';

const apache = findApacheZooKeeper();
const skip = apache.found ? false : `Apache ZooKeeper is not available: ${apache.reason}`;
const CLIENTS = 4;
const ZNODE_BYTES = 500 * 1024;
const addresses: SocketAddress[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

async function createBigZnode(address: SocketAddress): Promise<void> {
  const client = createClient(`${address.host}:${address.port}`, { retries: 0 });
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  try {
    await zk.create(client, '/big', Buffer.alloc(ZNODE_BYTES, 7));
  } finally {
    client.close();
  }
}

before(async () => {
  if (!apache.found) return;
  const real = await startApacheZooKeeper(apache, ['tickTime=500', '4lw.commands.whitelist=ruok']);
  cleanups.push(() => real.stop());
  addresses.push({ host: '127.0.0.1', port: real.port });
  const reference = await startZk({ after: (fn) => void cleanups.push(fn) }, { server: { tickTime: 500 } });
  addresses.push(reference.address);
  for (const address of addresses) await createBigZnode(address);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** What must agree: ping replies are left out (how many arrive depends on timing). */
function comparable(o: SlowReadOutcome) {
  return { closedWhileSlow: o.closedWhileSlow, negotiatedTimeout: o.negotiatedTimeout, replyXids: o.replyXids, replyErrs: o.replyErrs, dataLengths: o.dataLengths, afterwardsErr: o.afterwardsErr };
}

test('[wire.slow-reader, zk.slow-reader-session] differential: 4 slow readers of a 500 KB znode keep their sessions past 2 timeouts on both servers', { timeout: 90_000, skip }, async () => {
  const plan = { path: '/big', requests: 20, sessionTimeoutMs: 2_000, pingEveryMs: 500, slowForMs: 4_500, stepMs: 100, bytesPerStep: 2 * 1024 };
  const answers = [];
  for (const address of addresses) {
    const outcomes = await Promise.all(Array.from({ length: CLIENTS }, () => slowRead(address, plan)));
    answers.push(outcomes.map(comparable));
  }
  assert.deepEqual(answers[1], answers[0], 'the reference answered differently from Apache ZooKeeper');
  for (const o of answers[0] ?? []) {
    assert.equal(o.closedWhileSlow, false);
    assert.equal(o.afterwardsErr, 0);
    assert.equal(o.dataLengths.length, plan.requests);
  }
});
