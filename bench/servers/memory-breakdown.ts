/**
 * Where a node server's resident memory is, by kind, so that "RSS per held session" can be split into what V8's
 * heap holds and what sits outside it (issue 17's memory target; bench/hot-path.ts --breakdown):
 * - from /proc/PID/smaps: resident KiB in the brk heap (`[heap]`: glibc malloc's main arena, where node's native
 *   objects, libuv handles and small ArrayBuffer backing stores live), in other anonymous mappings (V8's heap pages,
 *   malloc's thread arenas, large mmap'd allocations) and in files (code);
 * - from the server itself (node-server.ts `usage`): process.memoryUsage() and the physical size of V8's heap spaces.
 * "native" is what is anonymous and resident but not V8's heap: anonymous RSS minus the V8 spaces' physical size.
 */
import { readFileSync } from 'node:fs';
import type { RunningServer } from './catalog.ts';

export type MemorySample = Record<string, number>;

interface Usage extends NodeJS.MemoryUsage {
  readonly spaces: Record<string, { size: number; used: number; physical: number }>;
}

/** Resident KiB of the process's mappings, by kind; undefined once it is gone. */
function residentByKind(pid: number): { brk: number; anon: number; file: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return undefined;
  }
  const out = { brk: 0, anon: 0, file: 0 };
  let kind: keyof typeof out = 'anon';
  for (const line of text.split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const name = header[1] as string;
      kind = name === '[heap]' ? 'brk' : name.startsWith('/') ? 'file' : 'anon';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] += Number(rss[1]);
  }
  return out;
}

function askUsage(server: RunningServer, gc: boolean): Promise<Usage | undefined> {
  return new Promise((resolve) => {
    let out = '';
    const timer = setTimeout(() => done(undefined), 10_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /USAGE (\{.*\})\n/.exec(out);
      if (match) done(JSON.parse(match[1] as string) as Usage);
    };
    const done = (value: Usage | undefined) => {
      clearTimeout(timer);
      server.proc.child.stdout?.off('data', onData);
      resolve(value);
    };
    server.proc.child.stdout?.on('data', onData);
    server.proc.child.stdin?.write(gc ? 'usage gc\n' : 'usage\n');
  });
}

/** One sample, in KiB; `gc`: after a full collection (the server runs with --expose-gc). */
export async function sampleMemory(server: RunningServer, gc: boolean): Promise<MemorySample | undefined> {
  const usage = await askUsage(server, gc);
  const resident = residentByKind(server.proc.pid);
  if (usage === undefined || resident === undefined) return undefined;
  const kib = (bytes: number) => bytes / 1024;
  const physical = Object.values(usage.spaces).reduce((sum, s) => sum + s.physical, 0);
  return {
    rss: resident.brk + resident.anon + resident.file,
    brk: resident.brk,
    anon: resident.anon,
    v8: kib(physical),
    native: resident.brk + resident.anon - kib(physical),
    heapUsed: kib(usage.heapUsed),
    external: kib(usage.external),
    arrayBuffers: kib(usage.arrayBuffers),
    newSpace: kib(usage.spaces.new_space?.physical ?? 0),
    oldSpace: kib(usage.spaces.old_space?.physical ?? 0),
  };
}

/** (after - before) / n for every kind, prefixed with `label`. */
export function perSession(label: string, before: MemorySample, after: MemorySample, n: number): MemorySample {
  return Object.fromEntries(Object.keys(after).map((k) => [`${label}${k}`, ((after[k] as number) - (before[k] as number)) / n]));
}
