/**
 * Differential fuzz of well-formed request sequences (conformance/zookeeper/op-sequence-diff.ts): seeded sequences
 * of ordinary client requests over 1-3 sessions, played on Apache ZooKeeper 3.8 and on the reference, must show every
 * session the same replies, bodies and notifications (up to what legitimately differs: play-normaliser.ts). The
 * differences the fuzz once found are kept as regression sequences with ZooKeeper's answers, checked on the reference
 * alone too, so they hold where Java is missing. The long run is bench/zk-op-fuzz.ts (docs/differential-fuzz.md).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import type { ServerPair } from '../zookeeper/differential-pair.ts';
import { opSequence } from '../zookeeper/op-sequence.ts';
import { diffSequence, shrinkSequence, startOpFuzzPair } from '../zookeeper/op-sequence-diff.ts';
import { playSequence } from '../zookeeper/op-sequence-player.ts';
import { REGRESSION_ROOT, REGRESSIONS } from '../zookeeper/op-sequence-regressions.ts';
import { playLines } from '../zookeeper/play-normaliser.ts';
import { startZk } from '../../reference/zk/test-support.ts';

const apache = findApacheZooKeeper();
const skip = apache.found ? false : `Apache ZooKeeper is not available: ${apache.reason}`;
const SEQUENCES = 80;
const PIPELINED = 40;
const SEED = 20261130;
let pair: ServerPair | undefined;

before(async () => {
  if (apache.found) pair = await startOpFuzzPair();
});

after(async () => {
  await pair?.stop();
});

async function referenceLines(t: { after(fn: () => Promise<void> | void): void }, index: number): Promise<string[][]> {
  const reference = await startZk(t, { server: { extendedTypesEnabled: true } });
  const regression = REGRESSIONS[index]!;
  return playLines(await playSequence(reference.address, regression.sequence, REGRESSION_ROOT));
}

test('[zk.more-ops] a check outside a multi answers nothing when it passes and its error when it fails, each using a zxid, as ZooKeeper 3.8 does', { timeout: 30_000 }, async (t) => {
  assert.deepEqual(await referenceLines(t, 0), REGRESSIONS[0]!.zookeeper);
});

test('[zk.remove-watches] checkWatches is OK when any session watches the path; removeWatches removes only the asking session\'s watch', { timeout: 30_000 }, async (t) => {
  assert.deepEqual(await referenceLines(t, 1), REGRESSIONS[1]!.zookeeper);
});

test('[zk.acl-enforcement] a watcher without READ on the node gets no notification about it, and its one-shot watch is used up', { timeout: 30_000 }, async (t) => {
  assert.deepEqual(await referenceLines(t, 2), REGRESSIONS[2]!.zookeeper);
});

test('[zk.session-lifecycle] a closed session\'s ephemerals go in ZooKeeper 3.8\'s order (its HashSet\'s), as a recursive watcher sees them', { timeout: 30_000 }, async (t) => {
  assert.deepEqual(await referenceLines(t, 3), REGRESSIONS[3]!.zookeeper);
});

test('[zk.watches] differential: the fuzz\'s regression sequences play the same on Apache ZooKeeper 3.8 and the reference', { timeout: 60_000, skip }, async () => {
  const differences: string[] = [];
  for (const regression of REGRESSIONS) {
    const difference = await diffSequence(pair!, regression.sequence);
    if (difference !== undefined) differences.push(`${regression.name}: ${difference.signature}\n${difference.report}`);
  }
  assert.deepEqual(differences, []);
});

test(`[zk.data-tree] differential: ${SEQUENCES} seeded sequences of well-formed requests over 1-3 sessions get the same replies and notifications from Apache ZooKeeper 3.8 and the reference`, { timeout: 120_000, skip }, async () => {
  for (const sequence of fc.sample(opSequence(14), { numRuns: SEQUENCES, seed: SEED })) {
    const difference = await diffSequence(pair!, sequence);
    if (difference === undefined) continue;
    const shrunk = await shrinkSequence(pair!, sequence, difference.signature, 40);
    assert.fail(`the reference answered differently (${difference.signature}); shrunk:\n${(shrunk.difference ?? difference).report}`);
  }
});

test(`[zk.watches] differential: ${PIPELINED} seeded sequences with each session's consecutive requests pipelined get the same replies and notifications from Apache ZooKeeper 3.8 and the reference`, { timeout: 120_000, skip }, async () => {
  for (const sequence of fc.sample(opSequence(14), { numRuns: PIPELINED, seed: SEED + 1 })) {
    const difference = await diffSequence(pair!, sequence, { pipeline: true });
    if (difference === undefined) continue;
    const shrunk = await shrinkSequence(pair!, sequence, difference.signature, 40, { pipeline: true });
    assert.fail(`the reference answered pipelined requests differently (${difference.signature}); shrunk:\n${(shrunk.difference ?? difference).report}`);
  }
});
