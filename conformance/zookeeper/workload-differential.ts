/**
 * Test support: one client workload run against Apache ZooKeeper 3.8 and against `cnxnspec serve` with each
 * reference factory, one test per factory, each comparing step by step with ZooKeeper's run (played once). The
 * servers start before the tests and stop after them; a test file calls this once at its top level.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startApacheZooKeeper, type ApacheZooKeeper } from './apache-zookeeper.ts';
import { serveReference, type ReferenceFactoryName } from './served-reference.ts';
import { differingSteps, type WorkloadSteps } from './workload-steps.ts';

const FACTORIES: readonly ReferenceFactoryName[] = ['NIOServerCnxnFactory', 'NettyServerCnxnFactory'];

export interface WorkloadDifferential {
  /** Test title up to the server, e.g. "kazoo (Python) sees the same ... from". */
  readonly title: string;
  readonly apache: ApacheZooKeeper;
  /** false, or why the test is skipped (a missing client, no ZooKeeper). */
  readonly skip: string | false;
  /** ZooKeeper's zoo.cfg lines and -D properties, and the same settings as zoo.cfg lines for serve. */
  readonly apacheConfig: readonly string[];
  readonly apacheProperties?: Readonly<Record<string, string>>;
  readonly serveConfig: readonly string[];
  run(port: number): Promise<WorkloadSteps>;
}

export function workloadDifferential(w: WorkloadDifferential): void {
  let apachePort = 0;
  const servedPorts = new Map<ReferenceFactoryName, number>();
  const cleanups: (() => Promise<void>)[] = [];
  let expected: Promise<WorkloadSteps> | undefined;

  before(async () => {
    if (w.skip !== false || !w.apache.found) return;
    const real = await startApacheZooKeeper(w.apache, w.apacheConfig, w.apacheProperties);
    cleanups.push(() => real.stop());
    apachePort = real.port;
    for (const factory of FACTORIES) {
      const served = await serveReference(factory, w.serveConfig);
      cleanups.push(() => served.stop());
      servedPorts.set(factory, served.port);
    }
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  for (const factory of FACTORIES) {
    test(`zookeeper differential: ${w.title} cnxnspec serve (${factory}) as from Apache ZooKeeper 3.8`, { timeout: 240_000, skip: w.skip }, async () => {
      expected ??= w.run(apachePort);
      const [want, got] = [await expected, await w.run(servedPorts.get(factory)!)];
      assert.ok(want.length > 40, `the workload ran to its end against Apache ZooKeeper (${want.length} steps)`);
      const differing = differingSteps(want, got);
      assert.deepEqual(differing, [], `steps that differ:\n${differing.join('\n')}`);
    });
  }
}

/**
 * Runs a workload program (`command args... 127.0.0.1:PORT`) and reads the steps it prints: a JSON array of pairs,
 * after whatever the client's logging printed first.
 */
export function playWorkload(what: string, command: string, args: readonly string[], port: number): Promise<WorkloadSteps> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args, `127.0.0.1:${port}`], { timeout: 180_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`the ${what} workload failed against port ${port}: ${err.message}\n${stderr.slice(-4000)}`));
      else resolve(JSON.parse(stdout.slice(stdout.indexOf('[['))) as WorkloadSteps);
    });
  });
}
