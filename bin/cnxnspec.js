#!/usr/bin/env node
/**
 * The `cnxnspec` command. In the published package the CLI is compiled JavaScript (dist/) and runs in this very
 * process: no wrapper, so signals reach it directly and its exit status is the command's. Two cases run it in a
 * child instead, in its own process group (so that a Ctrl-C reaches it once, from here), with SIGINT, SIGTERM and
 * SIGHUP forwarded and its exit status passed on, and ending if this process is killed outright:
 * - a clone, where the sources are TypeScript and nothing is built: the child runs them through tsx;
 * - `serve`, unless node was already given a semi-space size: the child gets the node flags of
 *   ./serve-node-flags.json. V8 grows its young generation to 16 MiB semi-spaces under thousands of sessions
 *   opened at once, and those pages stay resident; with 8 MiB, RSS per held session at 5,000 held fell from 8.2 to
 *   5.4 KiB with pings and the storm unchanged (bench/report/where-the-time-goes.md). A running process cannot
 *   resize its heap, and a worker thread's resource limits, tried first, did not lower RSS, so it takes a process
 *   started with the flag. The benchmarks read the same file, so they measure what `serve` runs.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const sources = fileURLToPath(new URL('../conformance/cli/main.ts', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/conformance/cli/main.js', import.meta.url));
const clone = existsSync(sources);

/** serve's node flags, unless this node was given its own semi-space size (on its command line or in NODE_OPTIONS). */
function serveFlags() {
  if (process.argv[2] !== 'serve') return [];
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((flag) => flag.startsWith('--max-semi-space-size'))) return [];
  return JSON.parse(readFileSync(new URL('./serve-node-flags.json', import.meta.url), 'utf8')).flags;
}

const flags = serveFlags();
if (!clone && flags.length === 0) {
  await import(compiled);
} else {
  const entry = clone ? ['--import', import.meta.resolve('tsx'), sources] : [compiled];
  // Node flags given to this process (e.g. --max-old-space-size) are the child's too: it is the one that works.
  // The IPC channel tells the child when this process is gone, however it ended (conformance/cli/end-with-launcher.ts).
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...entry, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
    env: { ...process.env, CNXNSPEC_LAUNCHER_CHANNEL: '1' },
  });
  child.channel?.unref();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 1)));
}
