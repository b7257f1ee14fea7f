/**
 * Differential with the Java client framework most ZooKeeper users build on: Apache Curator 5.4 (Debian's
 * libcurator-*-java) runs one workload (conformance/zookeeper/CuratorWorkload.java: its builders and their
 * errors, containers, protected names, transactions, one-shot and persistent recursive watches, CuratorCache, ACLs
 * with digest auth, and its recipes -- re-entrant mutex, semaphore, leader latch, atomic long, shared count, double
 * barrier, group membership -- over four sessions) against Apache ZooKeeper 3.8 and against `cnxnspec serve` with
 * each reference factory. What
 * the workload prints leaves out what servers may choose, so the two outputs must be equal.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { playWorkload, workloadDifferential } from '../zookeeper/workload-differential.ts';

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

workloadDifferential({
  title: 'Apache Curator (Java) sees the same results, errors, watch events and recipe outcomes from',
  apache,
  skip,
  // Curator makes its recipes' parents as containers, which both servers remove once empty.
  apacheConfig: ['4lw.commands.whitelist=ruok'],
  apacheProperties: { 'zookeeper.extendedTypesEnabled': 'true' },
  serveConfig: ['extendedTypesEnabled=true'],
  run: (port) => playWorkload('Curator', 'java', ['-Xmx256m', '-cp', [...(apache.found ? apache.classpathJars : []), ...CURATOR_JARS].join(':'), WORKLOAD], port),
});
