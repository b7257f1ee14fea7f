/**
 * The `cnxnspec` command: `spec` (requirements by area and level) and `test` (the conformance suite).
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { requirements } from '../../spec/requirements/index.ts';
import { parsePending } from '../../docs/tools/pending.ts';
import { specSummary } from './spec-summary.ts';
import { testCommand } from './test-command.ts';
import { serveCommand } from './serve-command.ts';
import { checkCommand } from './check-command.ts';
import { probeCommand } from './probe-command.ts';

const pendingFile = fileURLToPath(new URL('../../spec/pending.txt', import.meta.url));

const program = new Command()
  .name('cnxnspec')
  .description('Executable specification and conformance suite for ZooKeeper-style server connection factories');

program
  .command('spec', { isDefault: true })
  .description('print the requirements by area and level, and how many are not yet tested')
  .action(() => {
    const pending = parsePending(readFileSync(pendingFile, 'utf8'));
    console.log(specSummary(requirements, new Set(pending.keys())));
  });

program.addCommand(testCommand());
program.addCommand(serveCommand());
program.addCommand(checkCommand());
program.addCommand(probeCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const error = err as { code?: string; message?: string };
  console.error(`cnxnspec: ${error.message ?? String(err)}${error.code ? ` [${error.code}]` : ''}`);
  process.exitCode = 2;
}
