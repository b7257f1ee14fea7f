/** The facts about this machine a reader needs to weigh the figures: cores, memory, versions, limits, load. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Machine } from './results.ts';

function sysctl(name: string): string | undefined {
  try {
    return readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').trim().replace(/\s+/g, '-');
  } catch {
    return undefined;
  }
}

/** The soft and hard descriptor limits of a shell started from here (what children inherit). */
export function fdLimits(): { soft: string; hard: string } {
  const run = spawnSync('sh', ['-c', 'ulimit -n; ulimit -Hn'], { encoding: 'utf8' });
  const [soft = '?', hard = '?'] = run.stdout.trim().split('\n');
  return { soft, hard };
}

export function machineFacts(): Machine {
  const cpus = os.cpus();
  const { soft, hard } = fdLimits();
  const somaxconn = sysctl('net.core.somaxconn');
  const synBacklog = sysctl('net.ipv4.tcp_max_syn_backlog');
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 1024 ** 3,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    ulimitSoft: soft,
    ulimitHard: hard,
    ...(somaxconn ? { somaxconn } : {}),
    ...(synBacklog ? { synBacklog } : {}),
    loadStart: os.loadavg(),
  };
}
