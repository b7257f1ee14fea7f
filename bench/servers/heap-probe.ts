/**
 * Live heap of a server after a full collection, to split its resident memory into what the program keeps and
 * what the runtime holds around it. Java: `jcmd <pid> GC.run`, then `GC.heap_info`'s "used" (needs jcmd from a JDK;
 * without it the figure is left out). Node servers answer for themselves over stdin (catalog.ts), run with
 * --expose-gc so they can collect first.
 */
import { execFile } from 'node:child_process';

function jcmd(pid: number, command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('jcmd', [String(pid), command], { timeout: 15_000 }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

/** Java heap used after a full GC, in KiB; undefined when jcmd is missing or fails. */
export async function javaLiveHeapKiB(pid: number): Promise<number | undefined> {
  if ((await jcmd(pid, 'GC.run')) === undefined) return undefined;
  const info = await jcmd(pid, 'GC.heap_info');
  const match = info === undefined ? null : /used (\d+)K/.exec(info);
  return match ? Number(match[1]) : undefined;
}
