/**
 * The `cnxnspec` command: `spec` (the requirements), `test` (the conformance suite), `merge` (shards of one search)
 * and `serve` (the reference server). The process ends with the command's verdict (exit codes in ./exit-codes.ts): nothing a factory
 * leaves behind (a timer, a socket, a spinning child) keeps it alive.
 */

import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { requirements } from '../../spec/requirements/index.ts';
import { parsePending } from '../../docs/tools/pending.ts';
import { specSummary } from './spec-summary.ts';
import { selectAreas, specJson, specListing } from './spec-listing.ts';
import { testCommand } from './test-command.ts';
import { serveCommand } from './serve-command.ts';
import { checkCommand } from './check-command.ts';
import { probeCommand } from './probe-command.ts';
import { mergeCommand } from './merge-command.ts';
import { EXIT_CODES_HELP, exitFor } from './exit-codes.ts';
import { packageFile, PACKAGE_VERSION } from '../package-root.ts';
import { endWithLauncher } from './end-with-launcher.ts';

interface SpecFlags {
  json?: boolean;
  summary?: boolean;
}

const program = new Command()
  .name('cnxnspec')
  .description('Executable specification and conformance suite for ZooKeeper-style server connection factories')
  .version(PACKAGE_VERSION, '-V, --version', 'print the version of cnxnspec');

program
  .command('spec', { isDefault: true })
  .description('print the requirements (ID, level, statement) by area')
  .argument('[areas...]', 'only these areas, e.g. `selector expiry`')
  .option('--json', 'print them as JSON')
  .option('--summary', 'print counts by area and level only')
  .action((areas: string[], flags: SpecFlags) => {
    const pending = new Set(parsePending(readFileSync(packageFile('spec/pending.txt'), 'utf8')).keys());
    const chosen = selectAreas(requirements, areas);
    if (flags.json) console.log(specJson(chosen, pending));
    else if (flags.summary) console.log(specSummary(chosen, pending));
    else console.log(specListing(chosen, pending));
  });

program.addCommand(testCommand());
program.addCommand(serveCommand());
program.addCommand(checkCommand());
program.addCommand(probeCommand());
program.addCommand(mergeCommand());
for (const command of [program, ...program.commands]) command.exitOverride().addHelpText('after', EXIT_CODES_HELP);

endWithLauncher();

let code: number;
try {
  await program.parseAsync(process.argv);
  code = Number(process.exitCode ?? 0);
} catch (err) {
  const exit = exitFor(err);
  if (exit.print) {
    const error = err as { code?: string; message?: string };
    console.error(`cnxnspec: ${error.message ?? String(err)}${error.code ? ` [${error.code}]` : ''}`);
  }
  code = exit.code;
}
// The verdict is final: a factory's timers or sockets, or anything else left running, must not keep CI waiting.
process.exit(code);
