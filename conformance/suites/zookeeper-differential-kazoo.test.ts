/**
 * Differential with a real client in another language: kazoo, the Python ZooKeeper client most Python users run
 * (Debian's python3-kazoo), runs one workload (conformance/zookeeper/kazoo-workload.py: plain operations and their
 * errors, multi, one-shot and re-registering watches, ACLs with digest auth, and its recipes -- lock, counter,
 * queues, election, semaphore, barrier, party, tree cache -- over three sessions) against Apache ZooKeeper 3.8 and
 * against `cnxnspec serve` with each reference factory. What the workload prints leaves out what servers may choose (zxids, times, session ids),
 * so the two outputs must be equal.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findApacheZooKeeper, startApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { serveReference, type ReferenceFactoryName } from '../zookeeper/served-reference.ts';
import { differingSteps, type WorkloadSteps } from '../zookeeper/workload-steps.ts';

/** kazoo's command() sends these; server_version() reads envi. */
const WHITELIST = 'ruok,envi';
const WORKLOAD = fileURLToPath(new URL('../zookeeper/kazoo-workload.py', import.meta.url));

/** Debian's interpreter, where python3-kazoo installs; a python3 first on PATH (pyenv, venv) may not see it. */
function findKazooPython(): { python: string } | { reason: string } {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (python.startsWith('/') && !existsSync(python)) continue;
    const probe = spawnSync(python, ['-c', 'import kazoo'], { encoding: 'utf8', timeout: 20_000 });
    if (probe.status === 0) return { python };
  }
  return { reason: 'kazoo is not installed: apt-get install python3-kazoo (.ci/run does)' };
}

const apache = findApacheZooKeeper();
const kazoo = findKazooPython();
const skip = !apache.found ? `Apache ZooKeeper is not available: ${apache.reason}` : 'reason' in kazoo ? kazoo.reason : false;
const T = { timeout: 240_000, skip };
const FACTORIES: readonly ReferenceFactoryName[] = ['NIOServerCnxnFactory', 'NettyServerCnxnFactory'];
let apachePort = 0;
const servedPorts = new Map<ReferenceFactoryName, number>();
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  if (skip !== false || !apache.found) return;
  const real = await startApacheZooKeeper(apache, [`4lw.commands.whitelist=${WHITELIST}`]);
  cleanups.push(() => real.stop());
  apachePort = real.port;
  for (const factory of FACTORIES) {
    const served = await serveReference(factory, [`4lw.commands.whitelist=${WHITELIST}`]);
    cleanups.push(() => served.stop());
    servedPorts.set(factory, served.port);
  }
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function runWorkload(python: string, port: number): Promise<WorkloadSteps> {
  return new Promise((resolve, reject) => {
    execFile(python, [WORKLOAD, `127.0.0.1:${port}`], { timeout: 180_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`the kazoo workload failed against port ${port}: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as WorkloadSteps);
    });
  });
}

let expected: Promise<WorkloadSteps> | undefined;

for (const factory of FACTORIES) {
  test(`zookeeper differential: kazoo (Python) sees the same results, errors, watch events and recipe outcomes from cnxnspec serve (${factory}) as from Apache ZooKeeper 3.8`, T, async () => {
    if ('reason' in kazoo) return;
    expected ??= runWorkload(kazoo.python, apachePort);
    const [want, got] = [await expected, await runWorkload(kazoo.python, servedPorts.get(factory)!)];
    assert.ok(want.length > 40, `the workload ran to its end against Apache ZooKeeper (${want.length} steps)`);
    const differing = differingSteps(want, got);
    assert.deepEqual(differing, [], `steps that differ:\n${differing.join('\n')}`);
  });
}
