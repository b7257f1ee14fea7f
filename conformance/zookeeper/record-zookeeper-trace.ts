/**
 * Records a cnxnspec trace from Apache ZooKeeper 3.8's NIOServerCnxnFactory without changing its code: the
 * Byteman rules in recorder/nio-factory.btm call recorder/CnxnspecTraceHelper.java (compiled here with javac)
 * where ZooKeeper accepts, hands off, selects, registers, creates connections, runs IO passes, changes interest
 * ops, sets session timeouts, wakes and closes. A bounded workload on loopback (a socket that never sends and
 * is expired, a few sessions, pings, pipelined requests, closes), then the word `qsnt`, which the rules turn
 * into a quiescence marker, then the word `qend`, on which the rules shut the factory down with its own
 * shutdown() and mark the end quiescent. The per-IP limit is set (60, ZooKeeper's default) so
 * that per-ip-limit has something to judge, and the sessionless timeout is short so that the expiry is seen.
 * Usage: npx tsx conformance/zookeeper/record-zookeeper-trace.ts OUT.jsonl [--sessions N]
 */

import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findApacheZooKeeper, fourLetterWord, startApacheZooKeeper } from './apache-zookeeper.ts';
import { waitUntilServing } from '../wire/wait-serving.ts';
import { closeSession, existsFrame, openSession, pingFrame } from '../wire/zk-client-frames.ts';

const BYTEMAN = '/usr/share/java/byteman.jar';
const here = fileURLToPath(new URL('./recorder/', import.meta.url));
const SESSIONLESS_MS = 1_000;
const MAX_PER_IP = 60;

/** A socket that connects and never sends: resolves with ms from connect to the server's close, or rejects. */
function idleSocket(port: number, limitMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the idle socket was still open ${limitMs} ms after connect (sessionless timeout ${SESSIONLESS_MS} ms)`));
    }, limitMs);
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

export type Recording = { readonly recorded: true; readonly path: string; readonly events: number } | { readonly recorded: false; readonly reason: string };

function compileHelper(dir: string): string | undefined {
  const javac = spawnSync('javac', ['-d', dir, '-cp', BYTEMAN, join(here, 'CnxnspecTraceHelper.java')], { encoding: 'utf8' });
  if (javac.status !== 0) return `javac failed: ${javac.stderr || javac.error?.message}`;
  const jar = spawnSync('jar', ['cf', join(dir, 'helper.jar'), '-C', dir, 'org'], { encoding: 'utf8' });
  return jar.status === 0 ? undefined : `jar failed: ${jar.stderr || jar.error?.message}`;
}

export async function recordZooKeeperTrace(out: string, sessions = 6): Promise<Recording> {
  const zk = findApacheZooKeeper();
  if (!zk.found) return { recorded: false, reason: zk.reason };
  if (!existsSync(BYTEMAN)) return { recorded: false, reason: `${BYTEMAN} is absent: apt-get install -y libbyteman-java` };
  const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-recorder-'));
  try {
    const failed = compileHelper(dir);
    if (failed) return { recorded: false, reason: failed };
    const trace = join(dir, 'trace.jsonl');
    const agent = `-javaagent:${BYTEMAN}=script:${join(here, 'nio-factory.btm')},sys:${join(dir, 'helper.jar')}`;
    const properties = { 'cnxnspec.trace': trace, 'zookeeper.nio.numSelectorThreads': '2', 'zookeeper.nio.numWorkerThreads': '2', 'zookeeper.nio.sessionlessCnxnTimeout': String(SESSIONLESS_MS) };
    const server = await startApacheZooKeeper(zk, ['4lw.commands.whitelist=*', `maxClientCnxns=${MAX_PER_IP}`], properties, [agent]);
    try {
      const target = { host: '127.0.0.1', port: server.port };
      await waitUntilServing(target, 30_000);
      // Caught at once and rethrown after the sessions, so a failure there is not an unhandled rejection.
      const idle = idleSocket(server.port, 10 * SESSIONLESS_MS).catch((err: Error) => err);
      const open = await Promise.all(Array.from({ length: sessions }, () => openSession(target, 15_000)));
      for (const [i, { conn }] of open.entries()) {
        conn.write(Buffer.concat([pingFrame(), existsFrame(1), existsFrame(2), pingFrame()]));
        for (let r = 0; r < 4; r++) if (!(await conn.nextFrame(15_000))) throw new Error(`session ${i}: reply ${r + 1} missing`);
      }
      await Promise.all(open.slice(0, sessions / 2).map((s) => closeSession(s.conn)));
      const expired = await idle;
      if (expired instanceof Error) throw expired;
      // Long enough after the expiry that a trace without it would show the idle socket open past its latest deadline.
      await new Promise((r) => setTimeout(r, 3 * SESSIONLESS_MS));
      await fourLetterWord(server.port, 'qsnt');
      await new Promise((r) => setTimeout(r, 300));
      await Promise.all(open.slice(sessions / 2).map((s) => closeSession(s.conn)));
      // `qend` makes the rules shut the factory down through its own shutdown(); the helper then writes a last
      // quiescence marker, once every thread has been joined. Killing the JVM instead would leave stop unrecorded.
      await fourLetterWord(server.port, 'qend');
      const ended = Date.now() + 15_000;
      while (!readFileSync(trace, 'utf8').includes('"phase":"joined"')) {
        if (Date.now() > ended) throw new Error('ZooKeeper did not finish its shutdown within 15 s of qend');
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await server.stop();
    }
    if (!existsSync(trace)) return { recorded: false, reason: 'ZooKeeper ran but wrote no trace: the Byteman rules did not fire (see the agent output)' };
    copyFileSync(trace, out);
    const events = spawnSync('grep', ['-c', '"seq"', out], { encoding: 'utf8' }).stdout.trim();
    return { recorded: true, path: out, events: Number(events) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: npx tsx conformance/zookeeper/record-zookeeper-trace.ts OUT.jsonl [--sessions N]');
    process.exit(2);
  }
  const at = process.argv.indexOf('--sessions');
  const result = await recordZooKeeperTrace(out, at > 0 ? Number(process.argv[at + 1]) : undefined);
  console.log(result.recorded ? `recorded ${result.events} events to ${result.path}; check it: npx cnxnspec check ${result.path}` : `not recorded: ${result.reason}`);
  process.exitCode = result.recorded ? 0 : 2;
}
