/**
 * Differential with the Java client framework most ZooKeeper users build on: Apache Curator 5.4 (Debian's
 * libcurator-*-java) runs one workload (conformance/zookeeper/CuratorWorkload.java: its builders and their
 * errors, containers, protected names, transactions, one-shot and persistent recursive watches, CuratorCache, ACLs
 * with digest auth, and its recipes -- re-entrant mutex, semaphore, leader latch, atomic long, shared count, double
 * barrier, group membership -- over four sessions) against Apache ZooKeeper 3.8 and against `cnxnspec serve` with
 * each reference factory. What
 * the workload prints leaves out what servers may choose, so the two outputs must be equal.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findApacheZooKeeper, startApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { serveReference, type ReferenceFactoryName } from '../zookeeper/served-reference.ts';
import { differingSteps, type WorkloadSteps } from '../zookeeper/workload-steps.ts';

const WORKLOAD = fileURLToPath(new URL('../zookeeper/CuratorWorkload.java', import.meta.url));
const CURATOR_JARS = ['curator-client.jar', 'curator-framework.jar', 'curator-recipes.jar', 'guava.jar'].map((jar) => `/usr/share/java/${jar}`);

const apache = findApacheZooKeeper();
const missingJars = CURATOR_JARS.filter((jar) => !existsSync(jar));
/** The workload runs from its source file, which needs the JDK's compiler module, not only a JRE. */
const hasCompiler = () => /^jdk\.compiler@/m.test(spawnSync('java', ['--list-modules'], { encoding: 'utf8', timeout: 20_000 }).stdout ?? '');
const skip = !apache.found
  ? `Apache ZooKeeper is not available: ${apache.reason}`
  : missingJars.length > 0
    ? `Apache Curator is not installed (${missingJars.join(', ')} absent): apt-get install libcurator-recipes-java (.ci/run does)`
    : !hasCompiler()
      ? 'java has no jdk.compiler module to run the workload from source: apt-get install default-jdk-headless (.ci/run does)'
      : false;
const T = { timeout: 240_000, skip };
const FACTORIES: readonly ReferenceFactoryName[] = ['NIOServerCnxnFactory', 'NettyServerCnxnFactory'];
let apachePort = 0;
const servedPorts = new Map<ReferenceFactoryName, number>();
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  if (skip !== false || !apache.found) return;
  // Curator makes its recipes' parents as containers, which both servers remove once empty.
  const real = await startApacheZooKeeper(apache, ['4lw.commands.whitelist=ruok'], { 'zookeeper.extendedTypesEnabled': 'true' });
  cleanups.push(() => real.stop());
  apachePort = real.port;
  for (const factory of FACTORIES) {
    const served = await serveReference(factory, ['extendedTypesEnabled=true']);
    cleanups.push(() => served.stop());
    servedPorts.set(factory, served.port);
  }
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function runWorkload(port: number): Promise<WorkloadSteps> {
  if (!apache.found) throw new Error('no Apache ZooKeeper');
  const classpath = [...apache.classpathJars, ...CURATOR_JARS].join(':');
  return new Promise((resolve, reject) => {
    execFile('java', ['-Xmx256m', '-cp', classpath, WORKLOAD, `127.0.0.1:${port}`], { timeout: 180_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`the Curator workload failed against port ${port}: ${err.message}\n${stderr.slice(-4000)}`));
      else resolve(JSON.parse(stdout.slice(stdout.indexOf('[['))) as WorkloadSteps);
    });
  });
}

let expected: Promise<WorkloadSteps> | undefined;

for (const factory of FACTORIES) {
  test(`zookeeper differential: Apache Curator (Java) sees the same results, errors, watch events and recipe outcomes from cnxnspec serve (${factory}) as from Apache ZooKeeper 3.8`, T, async () => {
    expected ??= runWorkload(apachePort);
    const [want, got] = [await expected, await runWorkload(servedPorts.get(factory)!)];
    assert.ok(want.length > 40, `the workload ran to its end against Apache ZooKeeper (${want.length} steps)`);
    const differing = differingSteps(want, got);
    assert.deepEqual(differing, [], `steps that differ:\n${differing.join('\n')}`);
  });
}
