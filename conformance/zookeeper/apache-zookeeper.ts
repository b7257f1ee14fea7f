/**
 * Apache ZooKeeper 3.8 from Debian's `zookeeper` package, started standalone on loopback for differential
 * tests: the same client script runs against it and against the reference, and the answers must agree.
 * It is found, never installed here (.ci/run installs it); when it is absent, `findApacheZooKeeper` says why.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const JAVA_DIR = '/usr/share/java';
const ZK_JAR = join(JAVA_DIR, 'zookeeper.jar');
/** Debian's zookeeper.jar manifest leaves out netty-codec, without which the Netty factory cannot read. */
const EXTRA_JARS = ['netty-codec.jar', 'netty-resolver.jar', 'slf4j-log4j12.jar', 'log4j-1.2.jar'];
const MAIN_CLASS = 'org.apache.zookeeper.server.ZooKeeperServerMain';

export type ApacheZooKeeper = { readonly found: true; readonly classpathJars: readonly string[] } | { readonly found: false; readonly reason: string };

export function findApacheZooKeeper(): ApacheZooKeeper {
  if (!existsSync(ZK_JAR)) return { found: false, reason: `${ZK_JAR} is absent: apt-get install -y zookeeper zookeeper-bin` };
  if (spawnSync('java', ['-version']).status !== 0) return { found: false, reason: 'no working java on PATH: apt-get install -y default-jre-headless' };
  const jars = [ZK_JAR, ...EXTRA_JARS.map((jar) => join(JAVA_DIR, jar))];
  const missing = jars.filter((jar) => !existsSync(jar));
  if (missing.length > 0) return { found: false, reason: `missing ${missing.join(', ')}` };
  return { found: true, classpathJars: jars };
}

export interface RunningZooKeeper {
  readonly port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Sends a four-letter word and collects the answer until the server closes ('' on failure). */
export function fourLetterWord(port: number, word: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(word));
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => resolve(''));
    socket.on('close', () => resolve(answer));
  });
}

/**
 * True once a ConnectRequest gets a session: ZooKeeper answers ruok a moment before it serves sessions, and a
 * connection in that moment is closed unanswered. The probe's session is closed, and the answer given once the
 * server has closed the connection: a session left to expire would take a zxid in the middle of whatever test runs
 * 30 s later (the op-sequence fuzz compares zxid steps).
 */
function grantsSession(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(connectRequestBytes()));
    socket.setTimeout(2_000, () => socket.destroy());
    let got = Buffer.alloc(0);
    let granted: boolean | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (granted !== undefined) return;
      got = Buffer.concat([got, chunk]);
      if (got.length < 12) return;
      granted = got.readInt32BE(8) > 0;
      if (granted) socket.end(CLOSE_SESSION_REQUEST);
      else socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => resolve(granted ?? false));
  });
}

/** closeSession (op -11) with xid 1, length prefix included. */
const CLOSE_SESSION_REQUEST = Buffer.from([0, 0, 0, 8, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xf5]);

/** A ConnectRequest for a new session of 30 s (length prefix included), written out by hand. */
function connectRequestBytes(): Buffer {
  const body = Buffer.alloc(4 + 8 + 4 + 8 + 4 + 16 + 1);
  body.writeInt32BE(30_000, 12);
  body.writeInt32BE(16, 28);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length, 0);
  return Buffer.concat([length, body]);
}

/**
 * Starts ZooKeeper with `config` lines added to a test zoo.cfg (tickTime, dataDir, clientPort, loopback address,
 * admin server off), `properties` as -D flags and `jvmOptions` (a -javaagent, say) before them; resolves once
 * `ruok` answers `imok` and a handshake gets a session (within 30 s).
 */
export async function startApacheZooKeeper(
  zk: Extract<ApacheZooKeeper, { found: true }>,
  config: readonly string[],
  properties: Readonly<Record<string, string>> = {},
  jvmOptions: readonly string[] = [],
): Promise<RunningZooKeeper> {
  const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-zk-'));
  const port = await freePort();
  writeFileSync(join(dir, 'log4j.properties'), 'log4j.rootLogger=WARN, C\nlog4j.appender.C=org.apache.log4j.ConsoleAppender\nlog4j.appender.C.layout=org.apache.log4j.PatternLayout\n');
  const cfg = join(dir, 'zoo.cfg');
  writeFileSync(cfg, ['tickTime=2000', `dataDir=${join(dir, 'data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'admin.enableServer=false', ...config, ''].join('\n'));
  const args = ['-Xmx256m', ...jvmOptions, '-cp', [...zk.classpathJars, dir].join(':'), ...Object.entries(properties).map(([k, v]) => `-D${k}=${v}`), MAIN_CLASS, cfg];
  const child: ChildProcess = spawn('java', args, { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await fourLetterWord(port, 'ruok', 500)) === 'imok' && (await grantsSession(port))) return { port, stop };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`Apache ZooKeeper did not answer ruok on port ${port} within 30 s`);
}
