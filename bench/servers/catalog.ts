/**
 * The servers a run measures, and how to start each on 127.0.0.1 in its own process:
 * - the reference NIO factory with its defaults (thread counts from the core count, node's default backlog of 511),
 *   and with 1, 2, 4 selector threads x 0, 4 workers, each with an explicit backlog of 4096, because under a storm
 *   the listen backlog, not the factory, decides how many SYNs wait instead of being retransmitted a second later;
 * - Apache ZooKeeper 3.8 NIO with the JDK's default backlog (50) and with clientPortListenBacklog=4096, and its Netty
 *   factory with clientPortListenBacklog=4096 (the same as Netty's own default here, which is net.core.somaxconn);
 * - the reference Netty-style factory with 2 and 4 worker event loops, backlog 4096;
 * - the bare node:net floor with backlog 4096;
 * - over TLS (ids with `tls`, issue 13): ZooKeeper's Netty factory and the reference Netty-style factory with 2 and 4
 *   event loops on a secure client port, with the same PEM key store and `ssl.*` settings (servers/tls-stores.ts).
 * Every server gets the same sessionless (pre-handshake) timeout, short so that the idle-socket phase is quick.
 * Every node server, the floor included, runs with the node flags `cnxnspec serve` runs with (bin/serve-node-flags.json),
 * so that the reference is measured as it serves and the floor on the same heap.
 * In `short` (chart legends) the backlog is named only where it is not 4096.
 */
import { availableParallelism } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSelectorThreads, defaultWorkerThreads } from '../../spec/knobs.ts';
import { javaLiveHeapKiB } from './heap-probe.ts';
import { spawnServer, type ServerProcess } from './processes.ts';
import type { BenchTls } from './tls-stores.ts';
import { startZooKeeper, type ZooKeeperInstall } from './zookeeper.ts';

export type ServerFamily = 'reference' | 'zookeeper' | 'bare';

export interface ServerSpec {
  readonly id: string;
  readonly label: string;
  /** For chart legends. */
  readonly short: string;
  readonly family: ServerFamily;
  readonly selectors?: number;
  readonly workers?: number;
  /** Listen backlog; absent means the implementation's default. */
  readonly backlog?: number;
  readonly netty?: boolean;
  /**
   * Node servers only: N processes (node:cluster, the kernel spreading accepts over them), each with its own
   * handler. Not a ZooKeeper (no shared data tree); the upper bound of what a second core could give.
   */
  readonly processes?: number;
  /** With `processes`: the copies forward every frame to one handler in the first process (shared-tree.ts). */
  readonly sharedTree?: boolean;
  /** Serves a secure client port only (ZooKeeper keeps its plain port too, for `ruok`); measured by tls-phases.ts. */
  readonly tls?: boolean;
  /**
   * Runs `cnxnspec serve` itself (this checkout's CLI, with serve's node flags) instead of node-server.ts:
   * checks that the node servers measure what the command runs. It answers no memory probes (no live heap).
   */
  readonly cli?: boolean;
}

export interface RunningServer {
  readonly proc: ServerProcess;
  readonly port: number;
  /** The handler a node server serves (ZooKeeper serves itself). */
  readonly handler?: string;
  /**
   * Live heap after a full collection, in KiB: V8 heap used plus off-heap buffers (node), Java heap used (ZooKeeper,
   * when jcmd is there). Undefined when the server cannot tell.
   */
  readonly liveHeapKiB: () => Promise<number | undefined>;
}

export const EXPLICIT_BACKLOG = 4096;
export const NODE_DEFAULT_BACKLOG = 511;
export const JDK_DEFAULT_BACKLOG = 50;

/** The reference's default configuration on this machine: the one the targets are about. */
export const REFERENCE_DEFAULT_ID = 'ref-default';
/** The same thread counts with backlog 4096, compared with ZooKeeper NIO at backlog 4096. */
export const REFERENCE_DEFAULT_THREADS_ID = `ref-s${defaultSelectorThreads(availableParallelism())}-w${defaultWorkerThreads(availableParallelism())}`;
export const ZK_NIO_ID = 'zk-nio';
export const ZK_NIO_4096_ID = 'zk-nio-4096';
export const ZK_NETTY_ID = 'zk-netty';
export const BARE_ID = 'bare';
export const ZK_NETTY_TLS_ID = 'zk-netty-tls';

/**
 * Servers bench/hot-path.ts knows besides the catalog, for questions the report does not ask every run: the floor
 * and the reference each on two processes, sharing nothing (the most a second core could give either: a real
 * server would keep its data tree and sessions in one place and pay for reaching them).
 */
export function experimentalServers(): ServerSpec[] {
  return [
    { id: 'bare-x2', label: 'bare node:net, 2 processes (node:cluster), backlog 4096', short: 'bare x2', family: 'bare', backlog: EXPLICIT_BACKLOG, processes: 2 },
    { id: 'ref-x2', label: 'reference NIO at its defaults, 2 processes (node:cluster)', short: 'ref x2', family: 'reference', processes: 2 },
    { id: 'ref-x2-shared', label: 'reference NIO at its defaults, 2 processes forwarding to one ZkServer', short: 'ref x2 shared', family: 'reference', processes: 2, sharedTree: true },
    { id: 'ref-serve', label: 'cnxnspec serve (reference NIO at its defaults)', short: 'cnxnspec serve', family: 'reference', cli: true },
  ];
}

export function serverCatalog(): ServerSpec[] {
  const cores = availableParallelism();
  const selectors = defaultSelectorThreads(cores);
  const workers = defaultWorkerThreads(cores);
  const reference: ServerSpec[] = [
    {
      id: REFERENCE_DEFAULT_ID,
      label: `reference NIO, defaults (${selectors} selector, ${workers} workers, backlog ${NODE_DEFAULT_BACKLOG})`,
      short: `ref defaults (${selectors} sel, ${workers} wk, backlog ${NODE_DEFAULT_BACKLOG})`,
      family: 'reference',
    },
  ];
  for (const s of [1, 2, 4]) {
    for (const w of [0, 4]) {
      reference.push({
        id: `ref-s${s}-w${w}`,
        label: `reference NIO ${s} sel / ${w} workers, backlog ${EXPLICIT_BACKLOG}`,
        short: `ref ${s} sel, ${w} wk`,
        family: 'reference',
        selectors: s,
        workers: w,
        backlog: EXPLICIT_BACKLOG,
      });
    }
  }
  const netty = [2, 4].map((loops) => ({
    id: `ref-netty-l${loops}`,
    label: `reference Netty-style, ${loops} event loops, backlog ${EXPLICIT_BACKLOG}`,
    short: `ref Netty ${loops} loops`,
    family: 'reference' as const,
    netty: true,
    selectors: loops,
    backlog: EXPLICIT_BACKLOG,
  }));
  const overTls = (spec: ServerSpec): ServerSpec => ({ ...spec, id: `${spec.id}-tls`, label: `${spec.label}, over TLS`, short: `${spec.short}, TLS`, tls: true });
  const zkNetty: ServerSpec = { id: ZK_NETTY_ID, label: `ZooKeeper 3.8 Netty, backlog ${EXPLICIT_BACKLOG}`, short: 'ZK Netty', family: 'zookeeper', netty: true, backlog: EXPLICIT_BACKLOG };
  return [
    { id: ZK_NIO_ID, label: `ZooKeeper 3.8 NIO (backlog ${JDK_DEFAULT_BACKLOG}, default)`, short: `ZK NIO (backlog ${JDK_DEFAULT_BACKLOG})`, family: 'zookeeper' },
    { id: ZK_NIO_4096_ID, label: `ZooKeeper 3.8 NIO, backlog ${EXPLICIT_BACKLOG}`, short: 'ZK NIO', family: 'zookeeper', backlog: EXPLICIT_BACKLOG },
    zkNetty,
    ...reference,
    ...netty,
    { id: BARE_ID, label: `bare node:net, backlog ${EXPLICIT_BACKLOG} (floor)`, short: 'bare node:net (floor)', family: 'bare', backlog: EXPLICIT_BACKLOG },
    ...[zkNetty, ...netty].map(overTls),
  ];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The node flags `cnxnspec serve` runs with (bin/cnxnspec.js says why), read from where the bin reads them. */
export const SERVE_NODE_FLAGS: readonly string[] = (JSON.parse(readFileSync(join(ROOT, 'bin/serve-node-flags.json'), 'utf8')) as { flags: string[] }).flags;

/**
 * Waits up to 30 s for the line of `stream` that says a node server is ready, and returns its match; a server
 * that exits first or stays silent is stopped and reported with its log.
 */
async function readyLine(spec: ServerSpec, proc: ServerProcess, logFile: string, stream: 'stdout' | 'stderr', ready: RegExp): Promise<RegExpExecArray> {
  return new Promise<RegExpExecArray>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${spec.id} did not start within 30 s (log: ${logFile})`)), 30_000);
    proc.child[stream]?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = ready.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    void proc.exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${spec.id} ${how} before it was ready (log: ${logFile})`));
    });
  }).catch(async (err: unknown) => {
    await proc.stop();
    throw err;
  });
}

/**
 * `cnxnspec serve` as a user runs it, with a zoo.cfg that matches node-server.ts's setting: no per-IP limit, every
 * four-letter word, the run's sessionless timeout. Started as bin/cnxnspec.js starts it (node with serve's flags,
 * --import tsx) rather than through the bin, whose wrapper process would stand between this and the server's PID.
 */
async function startCli(spec: ServerSpec, sessionlessMs: number, logFile: string, workDir: string, root = ROOT, nodeFlags: readonly string[] = []): Promise<RunningServer> {
  const cfg = join(workDir, `${spec.id.replace(/[^\w.-]/g, '_')}.cfg`);
  const lines = ['clientPortAddress=127.0.0.1', 'tickTime=2000', 'maxClientCnxns=0', '4lw.commands.whitelist=*', `nio.sessionlessCnxnTimeout=${sessionlessMs}`];
  if (spec.backlog !== undefined) lines.push(`clientPortListenBacklog=${spec.backlog}`);
  writeFileSync(cfg, [...lines, ''].join('\n'));
  const args = [...SERVE_NODE_FLAGS, ...nodeFlags, '--import', 'tsx', join(root, 'conformance/cli/main.ts'), 'serve', '--config', cfg, '--port', '0'];
  const proc = spawnServer(process.execPath, args, logFile, { cwd: root });
  const [, port] = await readyLine(spec, proc, logFile, 'stderr', /listening on 127\.0\.0\.1:(\d+)/);
  return { proc, port: Number(port), handler: 'ZkServer (cnxnspec serve)', liveHeapKiB: async () => undefined };
}

/** `root`: the checkout whose sources the server runs (bench/hot-path.ts compares two); default this one. */
async function startNode(spec: ServerSpec, sessionlessMs: number, logFile: string, root = ROOT, tlsFile?: string, nodeFlags: readonly string[] = []): Promise<RunningServer> {
  const args = [
    // The heap `cnxnspec serve` runs with (given first, so that nodeFlags can override it).
    ...SERVE_NODE_FLAGS,
    ...nodeFlags,
    '--expose-gc',
    '--import',
    'tsx',
    join(root, 'bench/servers/node-server.ts'),
    '--kind',
    spec.family === 'bare' ? 'bare' : spec.netty === true ? 'netty' : 'nio',
    `--sessionless=${sessionlessMs}`,
    `--backlog=${spec.backlog ?? -1}`,
    ...(spec.selectors !== undefined ? [`--selectors=${spec.selectors}`] : []),
    ...(spec.workers !== undefined ? [`--workers=${spec.workers}`] : []),
    ...(tlsFile !== undefined ? [`--tls=${tlsFile}`] : []),
    ...(spec.processes !== undefined ? [`--processes=${spec.processes}`] : []),
    ...(spec.sharedTree === true ? ['--shared-tree'] : []),
  ];
  const proc = spawnServer(process.execPath, args, logFile, { cwd: root });
  const [, port, handler] = await readyLine(spec, proc, logFile, 'stdout', /READY (\d+) (.*)\n/);
  const liveHeapKiB = () =>
    new Promise<number | undefined>((resolve) => {
      let out = '';
      const timer = setTimeout(() => done(undefined), 5_000);
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        const match = /MEM (\{.*\})\n/.exec(out);
        if (!match) return;
        const usage = JSON.parse(match[1] as string) as NodeJS.MemoryUsage;
        done((usage.heapUsed + usage.external) / 1024);
      };
      const done = (value: number | undefined) => {
        clearTimeout(timer);
        proc.child.stdout?.off('data', onData);
        resolve(value);
      };
      proc.child.stdout?.on('data', onData);
      proc.child.stdin?.write('mem\n');
    });
  return { proc, port: Number(port), handler: handler as string, liveHeapKiB };
}

export async function startServer(
  spec: ServerSpec,
  options: {
    readonly sessionlessMs: number;
    readonly workDir: string;
    readonly logFile: string;
    readonly zookeeper?: ZooKeeperInstall;
    readonly root?: string;
    /** Extra node/V8 flags for a node server (bench/hot-path.ts `id~FLAG`), e.g. --max-semi-space-size=2. */
    readonly nodeFlags?: readonly string[];
    /** The run's TLS material; needed by the `tls` servers. */
    readonly tls?: BenchTls;
  },
): Promise<RunningServer> {
  if (spec.tls === true && options.tls === undefined) throw new Error(`${spec.id} serves TLS, but the run has no TLS material`);
  const tls = spec.tls === true ? options.tls?.properties : undefined;
  if (spec.family !== 'zookeeper') {
    const tlsFile = tls === undefined ? undefined : join(options.workDir, 'tls.cfg');
    if (tlsFile !== undefined && tls !== undefined) writeFileSync(tlsFile, [...tls, ''].join('\n'));
    if (spec.cli === true) return startCli(spec, options.sessionlessMs, options.logFile, options.workDir, options.root, options.nodeFlags);
    return startNode(spec, options.sessionlessMs, options.logFile, options.root, tlsFile, options.nodeFlags);
  }
  if (options.zookeeper === undefined) throw new Error('Apache ZooKeeper is not available');
  const zkOptions = {
    netty: spec.netty === true,
    sessionlessMs: options.sessionlessMs,
    ...(spec.backlog !== undefined ? { backlog: spec.backlog } : {}),
    ...(tls !== undefined ? { tls } : {}),
  };
  const { proc, port } = await startZooKeeper(options.zookeeper, zkOptions, options.workDir, options.logFile);
  return { proc, port, liveHeapKiB: () => javaLiveHeapKiB(proc.pid) };
}
