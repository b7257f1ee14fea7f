/**
 * Differential with a real client: Apache ZooKeeper 3.8's Java CLI (ZooKeeperMain from Debian's package) runs
 * the same script of 3.6+ commands (addWatch, removewatches, create -c / -t, getAllChildrenNumber, whoami,
 * config, reconfig, ...) against Apache ZooKeeper 3.8 and against the reference, both with extended types on.
 * The outputs must be the same once ports, zxids, times and session ids are blanked out; lines are compared as a
 * sorted list, since the CLI prints watch events from another thread than command results.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { findApacheZooKeeper, startApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { runShell } from '../zookeeper/client-shell.ts';
import { startZk } from '../../reference/zk/test-support.ts';

const apache = findApacheZooKeeper();
const skip = apache.found ? false : `Apache ZooKeeper is not available: ${apache.reason}`;
const T = { timeout: 120_000, skip };
const ports: number[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  if (!apache.found) return;
  const real = await startApacheZooKeeper(apache, ['4lw.commands.whitelist=ruok'], { 'zookeeper.extendedTypesEnabled': 'true', 'znode.container.checkIntervalMs': '300' });
  cleanups.push(() => real.stop());
  ports.push(real.port);
  const reference = await startZk({ after: (fn) => void cleanups.push(fn) }, { server: { extendedTypesEnabled: true, containerCheckIntervalMs: 300, epochMs: Date.now() } });
  ports.push(reference.address.port);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Runs `commands` in one CLI session (then quit) and returns its output, stdout and stderr together. */
function zkCli(port: number, commands: readonly string[]): Promise<string> {
  if (!apache.found) throw new Error('no Apache ZooKeeper');
  const args = ['-Xmx128m', '-cp', apache.classpathJars.join(':'), 'org.apache.zookeeper.ZooKeeperMain', '-server', `127.0.0.1:${port}`];
  return runShell('java', args, (stdin) => void stdin.end([...commands, 'quit', ''].join('\n')));
}

/** What two servers may differ in: ports, zxids, times, session ids; log4j's complaints and the client's closing event are dropped. */
function normalized(out: string): string[] {
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^log4j|SLF4J|^at /.test(line))
    // The client's own event as it closes at quit: printed or not depending on whether the JVM exits first.
    .filter((line) => !/^WatchedEvent state:Closed /.test(line))
    .map((line) =>
      line
        .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
        .replace(/0x[0-9a-f]+/g, '0xN')
        .replace(/^(ctime|mtime) = .*/, '$1 = TIME'),
    )
    .sort();
}

async function agree(commands: readonly string[]): Promise<string[]> {
  const [real, reference] = await Promise.all(ports.map((port) => zkCli(port, commands)));
  assert.deepEqual(normalized(reference!), normalized(real!), `zkCli printed something else against the reference.\nZooKeeper:\n${real}\nreference:\n${reference}`);
  return normalized(real!);
}

test('[zk.persistent-watches, zk.remove-watches] zkCli: addWatch (persistent and recursive) and removewatches print the same events and errors on both servers', T, async () => {
  const out = await agree([
    'create /cli-w',
    'addWatch -m PERSISTENT_RECURSIVE /cli-w',
    'create /cli-w/a',
    'set /cli-w/a x',
    'delete /cli-w/a',
    'removewatches /cli-w',
    'removewatches /cli-w',
    'addWatch /cli-w',
    'create /cli-w/b',
    'set /cli-w x',
    'removewatches /cli-w -d',
    'removewatches /cli-w -c',
    'removewatches /cli-w -a',
    'get -w /cli-w',
    'removewatches /cli-w -c',
    'removewatches /cli-w -d',
    'ls -w /cli-w',
    'removewatches /cli-w -c',
  ]);
  assert.ok(out.includes('WatchedEvent state:SyncConnected type:NodeCreated path:/cli-w/a'), out.join('\n'));
});

test('[zk.containers, zk.ttl-nodes, zk.more-ops] zkCli: create -c and -t, getAllChildrenNumber, getEphemerals, whoami, config, reconfig and stat print the same on both servers', T, async () => {
  const out = await agree([
    'create -c /cli-c',
    'create /cli-c/child',
    'create -t 100000 /cli-t',
    'create -t 0 /cli-t0',
    'create -s -t 100000 /cli-ts-',
    'create -e -t 100000 /cli-te',
    'create -e /cli-e',
    // Enough ephemerals, and children of /, that the order of each listing tells Java's HashSet order from name order.
    ...['alpha', 'gamma', 'delta', 'omega', 'kappa'].map((n) => `create -e /cli-e-${n}`),
    'getEphemerals /',
    'getEphemerals /cli-e-',
    'ls /',
    'getAllChildrenNumber /cli-c',
    'whoami',
    'config',
    'get /zookeeper/config',
    'getAcl /zookeeper/config',
    'ls /zookeeper',
    'stat /cli-c',
    'stat /cli-t',
    'reconfig -add server.5=localhost:1234:1235;1236',
    'ls -R /cli-c',
    'delete /cli-c/child',
  ]);
  assert.ok(out.includes('TTLs cannot be used with Ephemeral znodes') && out.includes('KeeperErrorCode = Reconfig is disabled'), out.join('\n'));
});

test('[zk.data-tree, zk.bad-request] zkCli: sync, versioned set and delete, deleteall, and the client-side commands (printwatches, history, redo, version) print the same on both servers', T, async () => {
  // `connect host:port` is left out: it names the server, so its script cannot be the same for both.
  const out = await agree([
    'create /cli-k v',
    'sync /cli-k',
    'get -s /cli-k',
    'set -v 0 /cli-k w',
    'set -v 0 /cli-k z',
    'delete -v 7 /cli-k',
    'create /cli-k/a',
    'create /cli-k/a/b',
    'delete /cli-k',
    // No watch is set here: whether an event arrives before the CLI quits would be timing, not the server.
    'printwatches off',
    'printwatches on',
    'history',
    'redo 1',
    'version',
    'deleteall /cli-k',
    'ls /cli-k',
  ]);
  assert.ok(out.includes('version No is not valid : /cli-k') && out.some((l) => l.startsWith('Node does not exist')), out.join('\n'));
});
