/**
 * The server processes of a run: each is spawned in its own process group and remembered, so that stopping one
 * (SIGTERM to the group, SIGKILL after a grace period) and stopping all of them at exit, on an error or on Ctrl-C
 * needs nothing but this list. Also reads a process's resident memory from /proc.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';

export interface ServerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with a description once the process has exited (by itself or stopped). */
  readonly exited: Promise<string>;
  hasExited(): boolean;
  stop(): Promise<void>;
}

const live = new Set<ServerProcess>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Spawns `command` as a process-group leader, its stdout and stderr appended to `logFile`. */
export function spawnServer(command: string, args: readonly string[], logFile: string, options: SpawnOptions = {}): ServerProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(proc);
      log.end();
      resolve(signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
    child.once('error', (err) => {
      done = true;
      live.delete(proc);
      resolve(`could not start: ${err.message}`);
    });
  });
  const proc: ServerProcess = {
    pid: child.pid ?? -1,
    child,
    exited,
    hasExited: () => done,
    async stop() {
      if (done) return;
      child.stdin?.end();
      killGroup(proc.pid, 'SIGTERM');
      const grace = setTimeout(() => killGroup(proc.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(grace);
      // Anything the leader left behind in its group goes too.
      killGroup(proc.pid, 'SIGKILL');
    },
  };
  if (child.pid !== undefined) live.add(proc);
  return proc;
}

/** Stops every server still running; synchronous so that it also works in an 'exit' handler. */
export function killAllNow(): void {
  for (const proc of live) killGroup(proc.pid, 'SIGKILL');
  live.clear();
}

let installed = false;
/** Makes sure no server outlives this process, however it ends. */
export function stopServersOnExit(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping every server`);
      killAllNow();
      process.exit(130);
    });
  }
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux this runs on). */
const USER_HZ = 100;

/** CPU time (user + system, all threads) a server process and its process group have used so far, in ms; undefined once it is gone. */
export function cpuMs(pid: number): number | undefined {
  const own = statFields(pid);
  if (own === undefined) return undefined;
  // A server started with several processes (node:cluster) leads its process group; its copies count too.
  let ticks = Number(own[11]) + Number(own[12]);
  for (const entry of readdirSync('/proc')) {
    const other = Number(entry);
    if (!Number.isInteger(other) || other === pid) continue;
    const fields = statFields(other);
    if (fields !== undefined && Number(fields[2]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / USER_HZ;
}

/** The fields of /proc/PID/stat after the command name (which may contain spaces): state, ppid, pgrp, ... */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Resident set size of a process in KiB (VmRSS), or undefined once it is gone. */
export function rssKiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
