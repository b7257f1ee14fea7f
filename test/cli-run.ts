/** Test support: `cnxnspec` run from the sources in this repository, bounded in time, its output captured. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../', import.meta.url));

export function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'conformance/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 80_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
