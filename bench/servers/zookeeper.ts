/**
 * Apache ZooKeeper 3.8 from Debian, found or installed, and started standalone on loopback:
 * - find: /usr/share/java/zookeeper.jar and a `java`; if the jar is absent and we are root, install it with
 *   `apt-get update && apt-get install -y zookeeper zookeeper-bin` (saying so); otherwise skip ZooKeeper with the
 *   reason, and the run goes on with the node servers.
 * - classpath: zookeeper.jar (its manifest names the rest) plus netty-codec.jar, which Debian's manifest leaves out
 *   (without it the Netty factory binds, then every connection dies with NoClassDefFoundError), netty-resolver,
 *   slf4j-log4j12, log4j-1.2, and a folder with a log4j.properties writing to the console.
 * - start: `java -Xmx1000m -cp ... org.apache.zookeeper.server.ZooKeeperServerMain zoo.cfg` with a temp dataDir,
 *   admin.enableServer=false, 4lw.commands.whitelist=*, maxClientCnxns=0; ready when `ruok` answers `imok` and `srvr` shows a mode.
 * - over TLS: secureClientPort on another free port with the given `ssl.*` lines (ZooKeeper's own property names; 3.8
 *   reads PEM stores with ssl.keyStore.type=PEM, and netty-handler.jar, which holds its SslHandler, is in the jar's
 *   manifest); the plain clientPort stays for `ruok`, and the port returned is the secure one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnServer, type ServerProcess } from './processes.ts';
import { fourLetterWord, freePort } from '../../conformance/zookeeper/apache-zookeeper.ts';

const JAVA_DIR = '/usr/share/java';
const ZK_JAR = join(JAVA_DIR, 'zookeeper.jar');
const EXTRA_JARS = ['netty-codec.jar', 'netty-resolver.jar', 'slf4j-log4j12.jar', 'log4j-1.2.jar'];
const MAIN_CLASS = 'org.apache.zookeeper.server.ZooKeeperServerMain';
export const NETTY_FACTORY = 'org.apache.zookeeper.server.NettyServerCnxnFactory';
const INSTALL_BUDGET_MS = 15 * 60_000;

export interface ZooKeeperInstall {
  readonly version: string;
  readonly java: string;
  readonly classpath: string;
}

export type ZooKeeperFound = { readonly ok: true; readonly install: ZooKeeperInstall } | { readonly ok: false; readonly reason: string };

function javaVersion(): string | undefined {
  const run = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  return (run.stderr || run.stdout).split('\n')[0]?.trim();
}

/** Runs apt-get, echoing a line of its output now and then so a long install is visibly alive. */
function aptGet(args: string[], say: (line: string) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('apt-get', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    let last = 0;
    const echo = (chunk: Buffer) => {
      const lines = chunk.toString().split('\n').filter((l) => l.trim() !== '');
      if (lines.length > 0 && Date.now() - last > 5_000) {
        last = Date.now();
        say(`  apt-get: ${lines[lines.length - 1]?.slice(0, 120)}`);
      }
    };
    child.stdout.on('data', echo);
    child.stderr.on('data', echo);
    const timer = setTimeout(() => child.kill('SIGKILL'), INSTALL_BUDGET_MS);
    child.on('error', () => resolve(false));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

function readVersion(classpath: string): string {
  const run = spawnSync('java', ['-cp', classpath, 'org.apache.zookeeper.version.VersionInfoMain'], { encoding: 'utf8', timeout: 20_000 });
  const line = run.stdout?.split('\n')[0]?.trim();
  if (run.status === 0 && line) return line;
  const dpkg = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'zookeeper'], { encoding: 'utf8' });
  return dpkg.status === 0 ? `Debian package ${dpkg.stdout.trim()}` : 'unknown';
}

/** Finds Apache ZooKeeper, installing it when possible; never throws. */
export async function findZooKeeper(confDir: string, say: (line: string) => void): Promise<ZooKeeperFound> {
  if (!existsSync(ZK_JAR)) {
    const isRoot = process.getuid?.() === 0;
    if (!isRoot) {
      return { ok: false, reason: `${ZK_JAR} is absent and this is not root, so it cannot be installed here (run: sudo apt-get install -y zookeeper zookeeper-bin)` };
    }
    if (spawnSync('apt-get', ['--version']).status !== 0) return { ok: false, reason: `${ZK_JAR} is absent and there is no apt-get to install it with` };
    say('Apache ZooKeeper is not installed: running `apt-get update && apt-get install -y zookeeper zookeeper-bin` (a few minutes)');
    const installed = (await aptGet(['update'], say)) && (await aptGet(['install', '-y', 'zookeeper', 'zookeeper-bin'], say));
    if (!installed || !existsSync(ZK_JAR)) return { ok: false, reason: 'apt-get install zookeeper zookeeper-bin failed (see its output above)' };
    say('Apache ZooKeeper installed');
  }
  const java = javaVersion();
  if (java === undefined) return { ok: false, reason: 'there is no working `java` on PATH (apt-get install -y openjdk-17-jre-headless)' };
  const missing = EXTRA_JARS.filter((jar) => !existsSync(join(JAVA_DIR, jar)));
  if (missing.length > 0) return { ok: false, reason: `jars missing from ${JAVA_DIR}: ${missing.join(', ')}` };
  mkdirSync(confDir, { recursive: true });
  // WARN and up, except the line that names the connection factory, which the start check reads.
  writeFileSync(
    join(confDir, 'log4j.properties'),
    [
      'log4j.rootLogger=WARN, CONSOLE',
      'log4j.logger.org.apache.zookeeper.server.ServerCnxnFactory=INFO',
      'log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender',
      'log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} %-5p [%t] %c{1} - %m%n',
      '',
    ].join('\n'),
  );
  const classpath = [ZK_JAR, ...EXTRA_JARS.map((jar) => join(JAVA_DIR, jar)), confDir].join(':');
  return { ok: true, install: { version: readVersion(classpath), java, classpath } };
}

export interface ZooKeeperOptions {
  readonly netty: boolean;
  /** clientPortListenBacklog; absent leaves the JDK default (50). */
  readonly backlog?: number;
  readonly sessionlessMs: number;
  /** `ssl.*` zoo.cfg lines: serve a secure client port with them too. */
  readonly tls?: readonly string[];
}

/** Starts one standalone ZooKeeper; resolves with it once `ruok` answers `imok` and `srvr` shows it serving. */
export async function startZooKeeper(
  install: ZooKeeperInstall,
  options: ZooKeeperOptions,
  workDir: string,
  logFile: string,
): Promise<{ proc: ServerProcess; port: number }> {
  const port = await freePort();
  const securePort = options.tls === undefined ? undefined : await freePort();
  const dataDir = join(workDir, `data-${port}`);
  mkdirSync(dataDir, { recursive: true });
  const cfg = join(workDir, `zoo-${port}.cfg`);
  writeFileSync(
    cfg,
    [
      'tickTime=2000',
      `dataDir=${dataDir}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      '4lw.commands.whitelist=*',
      'admin.enableServer=false',
      'maxClientCnxns=0',
      ...(options.backlog !== undefined ? [`clientPortListenBacklog=${options.backlog}`] : []),
      ...(securePort !== undefined ? [`secureClientPort=${securePort}`, 'secureClientPortAddress=127.0.0.1', ...(options.tls ?? [])] : []),
      '',
    ].join('\n'),
  );
  const args = [
    '-Xmx1000m',
    '-cp',
    install.classpath,
    `-Dzookeeper.nio.sessionlessCnxnTimeout=${options.sessionlessMs}`,
    ...(options.netty ? [`-Dzookeeper.serverCnxnFactory=${NETTY_FACTORY}`] : []),
    MAIN_CLASS,
    cfg,
  ];
  const started = spawnServer('java', args, logFile);
  // Its transaction log and snapshots go once it has stopped: a full run starts 66 of these servers.
  const proc: ServerProcess = {
    ...started,
    stop: async () => {
      await started.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.hasExited()) throw new Error(`ZooKeeper ${await proc.exited} before answering ruok (log: ${logFile})`);
    // ruok says imok as soon as the port is bound, before the server serves sessions (a loaded machine widens that
    // window enough for every client of a phase to be turned away); srvr shows the server's mode only once it serves.
    if ((await fourLetterWord(port, 'ruok', 500)) === 'imok' && (await fourLetterWord(port, 'srvr', 500)).includes('Mode: ')) {
      return { proc, port: securePort ?? port };
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await proc.stop();
  throw new Error(`ZooKeeper did not answer ruok within 30 s (log: ${logFile})`);
}

/**
 * Threads named by the OutOfMemoryErrors in a server's log: the JVM prints `Exception: java.lang.OutOfMemoryError
 * thrown from the UncaughtExceptionHandler in thread "X"` per thread, and a VM warning when the error hits its
 * signal dispatcher. Empty for logs without one (the node servers never print it).
 */
export function outOfMemoryThreads(logFile: string): string[] {
  let log = '';
  try {
    log = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  const threads = new Set<string>();
  for (const line of log.split('\n')) {
    if (!line.includes('OutOfMemoryError')) continue;
    const thread = /in thread "([^"]+)"/.exec(line)?.[1];
    threads.add(thread ?? (line.includes('dispatching signal') ? 'signal dispatcher' : 'unnamed'));
  }
  return [...threads];
}
