/**
 * Differential with a real client in C: Apache ZooKeeper 3.8's C client shell (`cli_mt`, Debian's zookeeper-bin,
 * built on libzookeeper_mt, the library most non-Java bindings wrap) runs one script against Apache ZooKeeper 3.8
 * and against `cnxnspec serve` with each reference factory. Its answers must be the same once session ids and
 * timings are blanked out: every listing (`ls`, `ls2`) in the order it was printed, since the shell prints children
 * as the server sent them, and every other line as a sorted list, since watch events come from the client's own
 * thread and may fall anywhere between command results.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { findApacheZooKeeper, startApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { runShell } from '../zookeeper/client-shell.ts';
import { serveReference, type ReferenceFactoryName } from '../zookeeper/served-reference.ts';

const CLI = '/usr/lib/zookeeper/bin/cli_mt';
const apache = findApacheZooKeeper();
const skip = !apache.found ? `Apache ZooKeeper is not available: ${apache.reason}` : !existsSync(CLI) ? `${CLI} is missing (Debian package zookeeper-bin)` : false;
const T = { timeout: 120_000, skip };
const FACTORIES: readonly ReferenceFactoryName[] = ['NIOServerCnxnFactory', 'NettyServerCnxnFactory'];
const ports = new Map<string, number>();
const cleanups: (() => Promise<void>)[] = [];
/** Pause between commands: the shell reads stdin ahead, and a command sent before the last one's answer may race it. */
const GAP_MS = 120;

before(async () => {
  if (skip !== false || !apache.found) return;
  const real = await startApacheZooKeeper(apache, ['4lw.commands.whitelist=ruok'], {});
  cleanups.push(() => real.stop());
  ports.set('Apache ZooKeeper', real.port);
  for (const factory of FACTORIES) {
    const served = await serveReference(factory, []);
    cleanups.push(() => served.stop());
    ports.set(`cnxnspec serve (${factory})`, served.port);
  }
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Runs `commands` in one shell session, one at a time, then quits; stdout and stderr together. */
function cliMt(port: number, commands: readonly string[]): Promise<string> {
  return runShell(CLI, [`127.0.0.1:${port}`], async (stdin, printed) => {
    // The shell connects first; a command typed before the session exists is refused.
    while (!printed().includes('Got a new session id')) await new Promise((r) => setTimeout(r, 20));
    for (const command of commands) {
      stdin.write(`${command}\n`);
      await new Promise((r) => setTimeout(r, GAP_MS));
    }
    stdin.end('quit\n');
  });
}

interface Answers {
  /** Every listing, as printed: its header line, then one child per line. */
  readonly listings: string[][];
  /** Every other line, normalised and sorted. */
  readonly lines: string[];
}

/** What two servers may differ in: session ids, timings and the client library's own log lines. */
function answers(out: string): Answers {
  const listings: string[][] = [];
  const lines: string[] = [];
  let listing: string[] | undefined;
  for (const raw of out.split('\n')) {
    const line = raw.replace(/0x[0-9a-f]+/g, '0xN');
    if (/^\[?\/\S*: rc = 0$/.test(line)) {
      listing = [line];
      listings.push(listing);
      continue;
    }
    if (listing !== undefined && line.startsWith('\t') && !line.includes('=')) {
      listing.push(line.trim());
      continue;
    }
    listing = undefined;
    const trimmed = line.trim();
    if (trimmed === '' || /^time = \d+ msec$/.test(trimmed) || /ZOO_(INFO|WARN|ERROR|DEBUG)@/.test(trimmed)) continue;
    lines.push(trimmed.replace(/^(ctime|mtime) ?= ?.*/, '$1 = TIME').replace(/(czxid|mzxid|pzxid)=\S+/g, '$1=N'));
  }
  // A result line followed by no names (a create's, a delete's) is an ordinary line.
  for (const single of listings.filter((l) => l.length === 1)) lines.push(single[0] as string);
  return { listings: listings.filter((l) => l.length > 1), lines: lines.sort() };
}

async function agree(commands: readonly string[]): Promise<Answers> {
  const outputs = new Map<string, string>();
  for (const [name, port] of ports) outputs.set(name, await cliMt(port, commands));
  const real = answers(outputs.get('Apache ZooKeeper') ?? '');
  for (const [name, out] of outputs) {
    if (name === 'Apache ZooKeeper') continue;
    assert.deepEqual(answers(out), real, `cli_mt printed something else against ${name}.\nApache ZooKeeper:\n${outputs.get('Apache ZooKeeper')}\n${name}:\n${out}`);
  }
  return real;
}

test('[zk.data-tree] C client: listings come in the same order as from ZooKeeper (its HashSet of children), through growth, deletes and sequential nodes', T, async () => {
  const names = ['alpha', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'lambda', 'mu', 'nu', 'xi', 'omicron', 'pi', 'rho'];
  const real = await agree([
    'create /cc',
    ...names.slice(0, 5).map((n) => `create /cc/${n}`),
    'ls /cc',
    ...names.slice(5).map((n) => `create /cc/${n}`),
    'ls /cc',
    'delete /cc/gamma',
    'delete /cc/pi',
    'create /cc/gamma',
    'create +s /cc/seq-',
    'create +s /cc/seq-',
    'ls2 /cc',
    'ls /',
    'ls /zookeeper',
  ]);
  assert.equal(real.listings.length, 5, JSON.stringify(real));
  assert.notDeepEqual(real.listings[1]?.slice(1), [...(real.listings[1]?.slice(1) ?? [])].sort(), 'the listing happens to be sorted: it no longer tells Java order from name order');
});

test('[zk.session-lifecycle, zk.watches] C client: creates of every mode, gets, sets, exists watches and errors answer the same on both servers', T, async () => {
  const real = await agree([
    'create /cw',
    'create +e /cw/eph',
    'create +s /cw/s-',
    'create /cw',
    'get /cw',
    'set /cw hello',
    'get /cw',
    'wexists /cw/later',
    'create /cw/later',
    'exists /cw/nope',
    'delete /cw/nope',
    'delete /cw',
    'sync /cw',
    'ls /cw',
  ]);
  assert.ok(real.lines.some((line) => line.includes('-110')), `no NODEEXISTS (-110) among:\n${real.lines.join('\n')}`);
});
