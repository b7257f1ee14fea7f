/**
 * Test support: runs a client's interactive shell (ZooKeeper's Java zkCli, the C client's cli_mt) as a child process,
 * feeds it commands and returns everything it printed, stdout and stderr together, once it has exited. A shell
 * still running after `timeoutMs` is killed, so a test is bounded whatever the shell does.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

/** Writes the commands to the shell's stdin (and ends it); `printed()` is what the shell has printed so far. */
export type ShellFeed = (stdin: Writable, printed: () => string) => Promise<void> | void;

export function runShell(command: string, args: readonly string[], feed: ShellFeed, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    Promise.resolve(feed(child.stdin, () => out)).catch(reject);
  });
}
