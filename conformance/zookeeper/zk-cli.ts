/**
 * Java zkCli (Debian's /usr/share/zookeeper/bin/zkCli.sh) as a differential client: one JVM per script, the
 * commands fed on stdin (one session for the whole script), and its output reduced to what two servers must
 * agree on: the lines after the connection event, without watcher events, log lines or stack frames.
 * Run asynchronously, so a reference server in the same process keeps serving.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { SocketAddress } from '../../spec/runtime.ts';

export const ZK_CLI = '/usr/share/zookeeper/bin/zkCli.sh';

export function zkCliFound(): boolean {
  return existsSync(ZK_CLI);
}

const NOISE = [/^WATCHER::$/, /^WatchedEvent state:/, /^\s+at /, /^SLF4J/, /^\d{4}-\d\d-\d\d /, /^JLine support/, /^Welcome to ZooKeeper/, /^Connecting to /, /^$/];

export function zkCli(address: SocketAddress, commands: readonly string[], timeoutMs = 60_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(ZK_CLI, ['-server', `${address.host}:${address.port}`], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ZOO_LOG4J_PROP: 'ERROR,CONSOLE' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`zkCli did not finish within ${timeoutMs} ms; output so far:\n${out}\n${err}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', () => {
      clearTimeout(timer);
      // stdout then stderr: zkCli writes some answers to each, and how the two interleave is up to the JVM.
      resolve(`${out}\n${err}`.split('\n').filter((line) => !NOISE.some((re) => re.test(line))));
    });
    child.stdin.end([...commands, 'quit', ''].join('\n'));
  });
}
