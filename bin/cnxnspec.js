#!/usr/bin/env node
/**
 * The `cnxnspec` command. In the published package the CLI is compiled JavaScript (dist/) and runs in this very
 * process: no wrapper, so SIGINT and SIGTERM reach `cnxnspec serve` directly and its exit status is the
 * command's. In a clone, where the sources are TypeScript and nothing is built, it runs them through tsx in a
 * child in its own process group (so that a Ctrl-C reaches it once, from here), forwards SIGINT, SIGTERM and
 * SIGHUP to it, and exits with its status.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const sources = fileURLToPath(new URL('../conformance/cli/main.ts', import.meta.url));

if (!existsSync(sources)) {
  await import('../dist/conformance/cli/main.js');
} else {
  // Node flags given to this process (e.g. --max-semi-space-size) are the child's too: it is the one that works.
  const child = spawn(process.execPath, [...process.execArgv, '--import', import.meta.resolve('tsx'), sources, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit'],
    detached: true,
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 1)));
}
