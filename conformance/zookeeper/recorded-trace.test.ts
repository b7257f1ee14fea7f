import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTraceFile, exitCodeOf } from '../trace/check-trace.ts';
import { DEFECTS, injectDefect } from '../trace/trace-defects.ts';
import { findApacheZooKeeper } from './apache-zookeeper.ts';
import { recordZooKeeperTrace } from './record-zookeeper-trace.ts';

const fixture = fileURLToPath(new URL('../../fixtures/traces/zookeeper/apache-zookeeper-3.8-nio.jsonl', import.meta.url));
/** What the Byteman rules record is enough for these; the rest are reported as not judged. */
const JUDGED = [
  'register-on-owner', 'interest-via-update-queue', 'wakeup-after-offer', 'expiry-on-time', 'io-exclusive', 'round-robin', 'per-ip-limit', 'accepted-ends-registered-or-closed', 'liveness-no-lost-wakeup', 'accept-pause-on-failure', 'facts-match-observation', 'stop-ends-everything', 'stop-ends-promptly', 'handler-exception-contained',
];
const apache = findApacheZooKeeper();
const byteman = existsSync('/usr/share/java/byteman.jar');

async function judge(path: string) {
  const checked = await checkTraceFile(path);
  assert.equal(checked.trace.problemCount, 0, JSON.stringify(checked.trace.problems));
  assert.deepEqual(checked.judgement.invariants.filter((v) => v.judged).map((v) => v.invariant.name).sort(), [...JUDGED].sort());
  assert.ok(checked.trace.quiescentAt.length > 0, 'the qsnt marker did not reach the trace');
  return checked;
}

test('[selector.register-on-owner] check: the committed trace of Apache ZooKeeper 3.8 NIO holds every invariant its recorder can feed', { timeout: 30_000 }, async () => {
  const checked = await judge(fixture);
  assert.equal(exitCodeOf(checked), 0, checked.judgement.invariants.flatMap((v) => v.violations.map((x) => x.message)).join('\n'));
  assert.equal(checked.trace.meta.source?.startsWith('Apache ZooKeeper NIOServerCnxnFactory via Byteman'), true);
});

test('[selector.wakeup-after-offer] check: a fresh Byteman recording of Apache ZooKeeper 3.8 NIO is judged the same way', { timeout: 120_000, skip: apache.found && byteman ? false : `needs Apache ZooKeeper and libbyteman-java: ${apache.found ? 'byteman.jar absent' : apache.reason}` }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-zk-trace-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const recording = await recordZooKeeperTrace(join(dir, 'trace.jsonl'), 4);
  assert.ok(recording.recorded, recording.recorded ? '' : recording.reason);
  const checked = await judge(join(dir, 'trace.jsonl'));
  assert.equal(exitCodeOf(checked), 0, checked.judgement.invariants.flatMap((v) => v.violations.map((x) => x.message)).join('\n'));
  // The defects target events by pattern, so they apply to a new recording too, and are caught there as well.
  const fresh = readFileSync(join(dir, 'trace.jsonl'), 'utf8');
  for (const defect of DEFECTS) {
    const { text, evidence } = injectDefect(fresh, defect);
    writeFileSync(join(dir, `${defect.name}.jsonl`), text);
    const copy = await checkTraceFile(join(dir, `${defect.name}.jsonl`));
    const flagged = copy.judgement.invariants.find((v) => v.invariant.name === defect.invariant)?.violations ?? [];
    assert.ok(flagged.some((v) => evidence.every((seq) => v.evidence.includes(seq))), `${defect.name} on a fresh recording: ${JSON.stringify(flagged)}`);
  }
});
