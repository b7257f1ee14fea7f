/**
 * `cnxnspec merge DIR...`: the shards of one search (`cnxnspec test --shard i/n --seed S --out DIR`) as one
 * result, written like `test --out` writes it (JSON, Markdown, JUnit XML, HTML, badge) and summarized on stdout.
 * Shards of different factories, versions, profiles, seeds, strategies or budgets, a missing shard or one given
 * twice are refused with what differs. The exit status is the merged verdict's, as for `test`.
 */

import { createRequire } from 'node:module';
import { Command } from 'commander';
import { readShardFile, mergeShards } from '../harness/shard-file.ts';
import { buildReport } from '../report/build-report.ts';
import { writeReport } from '../report/write-report.ts';
import { badgeData } from '../report/badge.ts';
import { PACKAGE_VERSION } from '../package-root.ts';
import { EXIT } from './exit-codes.ts';
import { strategyLabel, summarize } from './test-command.ts';

interface MergeFlags {
  out: string;
  json?: boolean;
}

const require = createRequire(import.meta.url);

export function mergeCommand(): Command {
  return new Command('merge')
    .description('combine the --out folders of the shards of one search (cnxnspec test --shard i/n) into one result')
    .argument('<dirs...>', 'the folders the shards wrote, one per shard')
    .option('--out <dir>', 'where to write the merged result, summary, JUnit XML, HTML and badge', 'cnxnspec-report')
    .option('--json', 'print the merged result as JSON on stdout')
    .action((dirs: string[], flags: MergeFlags) => {
      process.exitCode = runMerge(dirs, flags);
    });
}

function runMerge(dirs: readonly string[], flags: MergeFlags): number {
  const files = dirs.map((dir) => ({ dir, file: readShardFile(dir) }));
  const versions = { cnxnspec: PACKAGE_VERSION, node: process.version, fastCheck: (require('fast-check/package.json') as { version: string }).version };
  const { result, settings, startedAt } = mergeShards(files, { versions });
  const report = buildReport(result, {
    ...(settings.factory.module !== null ? { module: settings.factory.module } : {}),
    name: settings.factory.name,
    profile: settings.profile,
    seed: settings.seed,
    strategy: strategyLabel(settings.strategy),
    runs: settings.budget.runs,
    timeBudgetSeconds: settings.budget.timeBudgetSeconds,
    startedAt,
  });
  if (flags.json) console.log(JSON.stringify(report, null, 2));
  else console.log(summarize(result, { ...(settings.factory.module ? { factoryArg: settings.factory.module } : {}), profile: settings.profile }));
  const paths = writeReport(flags.out, report, result.failures.map((f) => f.trace));
  const badge = badgeData(report);
  process.stderr.write(`merged ${files.length} shard(s); report written (badge: ${badge.label} | ${badge.message}, ${badge.color}):\n`);
  for (const [what, path] of Object.entries(paths)) process.stderr.write(`  ${what.padEnd(9)} ${path}\n`);
  return result.ok ? EXIT.conformant : EXIT.nonConformant;
}
