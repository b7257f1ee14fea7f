/**
 * `cnxnspec test`: the conformance suite against a factory module (the reference NIO factory by default) on the
 * simulated runtime. Progress goes to stderr a line at a time; the verdict, failures and replay lines to stdout.
 * Exit status 0 only when every checked requirement passed or failed as the expectations file says (the
 * statuses are in ./exit-codes.ts).
 */

import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import { traceToJsonl } from '../sim/index.ts';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CnxnspecError } from '../../spec/errors.ts';
import { CHECKED_REQUIREMENTS, maxFailuresOf, runConformance, type ConformanceResult } from '../harness/conformance-run.ts';
import { loadExpectations } from '../harness/expectations.ts';
import { renderFailure, type ReportContext } from '../harness/failure-report.ts';
import { decodeSuiteToken, type StrategyName } from '../harness/suite-token.ts';
import { buildReport } from '../report/build-report.ts';
import { profileFor } from '../harness/profile.ts';
import { writeReport } from '../report/write-report.ts';
import { badgeData } from '../report/badge.ts';
import { EXIT } from './exit-codes.ts';
import { parseShard, shardText, type Shard } from '../harness/search-slice.ts';
import { writeShardFile, type ShardSettings } from '../harness/shard-file.ts';

interface TestFlags {
  factory?: string;
  runs: number;
  seed?: number;
  strategy: 'random' | 'pct' | 'pos';
  depth: number;
  timeBudget: number;
  shrinkBudget: number;
  only?: string;
  profile?: string;
  replay?: string;
  expectations?: string;
  json?: boolean;
  out?: string;
  traceOut?: string;
  workers: number;
  shard?: Shard;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of 0 or more');
  return n;
}

function anyInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export function testCommand(): Command {
  return new Command('test')
    .description('run the conformance suite on the simulated runtime under generated interleavings')
    .option('--factory <module>', 'factory module exporting createFactory(runtime, options) (default: $CNXNSPEC_FACTORY or the reference NIO factory)')
    .option('--runs <n>', 'scenario runs at most, shrinking not counted', positiveInt, 2_000)
    .option('--seed <n>', 'seed for the search (default: chosen and printed)', anyInt)
    .addOption(new Option('--strategy <name>', 'scheduling strategy').choices(['random', 'pct', 'pos']).default('random'))
    .option('--depth <d>', 'PCT bug depth', positiveInt, 2)
    .option('--time-budget <seconds>', 'stop searching after this long', positiveInt, 120)
    .option('--shrink-budget <seconds>', 'stop shrinking a failure after this long, keeping the shortest found', nonNegativeInt, 10)
    .option('--only <pattern>', 'only requirements whose ID matches this regular expression, e.g. "^selector\\."')
    .option('--profile <name>', 'which requirements apply: nio or netty (default: the module\'s exported profile, else nio)')
    .option('--replay <token>', 'run exactly the case a failure printed')
    .option('--expectations <file>', 'JSON file of expected failures and flaky requirements, with reasons (default: $CNXNSPEC_EXPECTATIONS)')
    .option('--json', 'print the result as JSON on stdout')
    .option('--out <dir>', 'write the result (JSON, Markdown, JUnit XML, HTML with swimlanes) and the badge (SVG, shields.io JSON) under this folder')
    .option('--trace-out <file>', 'write the full trace of the (first) failing run as JSON Lines')
    .option('--workers <n>', 'worker processes for the search; the result is the same for any n (default: the cores)', positiveInt, availableParallelism())
    .option('--shard <i/n>', 'search only shard i of n of the runs (shard 1 also runs the harness checks); needs --seed; combine the --out folders with cnxnspec merge', parseShard)
    .action(async (flags: TestFlags) => {
      process.exitCode = await runTestCommand(flags);
    });
}

async function runTestCommand(flags: TestFlags): Promise<number> {
  const factoryPath = flags.factory ?? process.env.CNXNSPEC_FACTORY;
  const profile = await profileFor(flags.profile, factoryPath);
  const only = flags.only ? compilePattern(flags.only) : undefined;
  if (only && !CHECKED_REQUIREMENTS.some((id) => only.test(id))) {
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `--only ${flags.only} matches none of the requirements the suite checks (${CHECKED_REQUIREMENTS.join(', ')})`);
  }
  const strategy: StrategyName = flags.strategy === 'pct' ? { kind: 'pct', depth: flags.depth } : flags.strategy === 'pos' ? { kind: 'pos' } : { kind: 'random' };
  if (flags.replay) decodeSuiteToken(flags.replay);
  const expectationsFile = flags.expectations ?? process.env.CNXNSPEC_EXPECTATIONS;
  const expectationsOption = flags.expectations ? '--expectations' : 'CNXNSPEC_EXPECTATIONS';
  const expectations = expectationsFile ? loadExpectations(expectationsFile, expectationsOption, CHECKED_REQUIREMENTS) : undefined;
  if (flags.shard && (flags.seed === undefined || flags.replay || !flags.out)) {
    const why = flags.replay ? 'does not go with --replay' : flags.seed === undefined ? 'needs --seed, the same for every shard, so that the shards search one sequence of runs' : 'needs --out <dir>, the folder cnxnspec merge reads';
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `--shard ${shardText(flags.shard)} ${why}`);
  }
  const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
  const name = factoryPath ?? 'the reference NIO factory';
  const strategyName = strategyLabel(strategy);
  const slice = flags.shard ? `, shard ${shardText(flags.shard)}` : '';
  progress(
    `cnxnspec test: ${name} (profile ${profile.name}); ${flags.replay ? `replaying ${flags.replay}` : `up to ${flags.runs} runs or ${flags.timeBudget} s, seed ${seed}, ${strategyName}${slice}, ${flags.workers} worker(s)`}`,
  );
  let lastLine = 0;
  const startedAt = new Date();
  const result = await runConformance({
    ...(factoryPath ? { factoryPath } : {}),
    runs: flags.runs,
    seed,
    strategy,
    timeBudgetMs: flags.timeBudget * 1000,
    shrinkBudgetMs: flags.shrinkBudget * 1000,
    ...(only ? { only } : {}),
    profile,
    ...(flags.replay ? { replay: flags.replay } : {}),
    ...(expectations ? { expectations } : {}),
    workers: flags.workers,
    ...(flags.shard ? { shard: flags.shard } : {}),
    onProgress: (p) => {
      if (Date.now() - lastLine < 2_000) return;
      lastLine = Date.now();
      const rate = p.elapsedMs > 0 ? (p.runs / p.elapsedMs) * 1000 : 0;
      const left = Math.max(0, Math.min((p.budgetMs - p.elapsedMs) / 1000, rate > 0 ? (flags.runs - p.runs) / rate : Infinity));
      const shrinking = p.shrinking ? `shrinking a failure (${p.shrinkRuns ?? 0} tries, shortest ${p.shortest ?? '?'} events so far)` : undefined;
      progress(`  ${shrinking ?? 'searching'}: ${p.runs} runs, ${rate.toFixed(0)} runs/s on ${p.workers} worker(s), ~${left.toFixed(0)} s left (${strategyName})`);
    },
  });
  const report = buildReport(result, {
    ...(factoryPath ? { module: factoryPath } : {}),
    name,
    profile: profile.name,
    seed,
    strategy: strategyName,
    runs: flags.runs,
    timeBudgetSeconds: flags.timeBudget,
    startedAt,
  });
  if (flags.json) console.log(JSON.stringify(report, null, 2));
  else console.log(summarize(result, { ...(factoryPath ? { factoryArg: factoryPath } : {}), profile: profile.name }));
  if (flags.out) {
    const paths: Record<string, string> = writeReport(flags.out, report, result.failures.map((f) => f.trace));
    if (flags.shard && result.search) {
      const settings: ShardSettings = {
        factory: report.factory,
        versions: report.versions,
        profile: report.profile,
        seed,
        strategy,
        budget: report.budget,
        shrinkBudgetSeconds: flags.shrinkBudget,
        only: only?.source ?? null,
        maxFailures: maxFailuresOf({}),
        expectations: [...(expectations ?? new Map())],
      };
      const file = { format: 'cnxnspec-shard/1', shard: flags.shard, settings, startedAt: report.startedAt, durationMs: result.durationMs, record: result.search } as const;
      paths.shard = writeShardFile(flags.out, { ...file, outcomes: flags.shard.index === 1 ? (result.outcomes ?? []) : null });
    }
    const badge = badgeData(report);
    progress(`\nreport written (badge: ${badge.label} | ${badge.message}, ${badge.color}):`);
    for (const [what, path] of Object.entries(paths)) progress(`  ${what.padEnd(9)} ${path}`);
  }
  if (flags.traceOut) {
    const failure = result.failures[0];
    if (failure) {
      writeFileSync(flags.traceOut, `${traceToJsonl(failure.trace)}\n`);
      progress(`trace of the failing run (${failure.trace.length} events) written to ${flags.traceOut}`);
    } else progress(`no failing run: nothing written to ${flags.traceOut}`);
  }
  return result.ok ? EXIT.conformant : EXIT.nonConformant;
}

export function strategyLabel(strategy: StrategyName): string {
  return strategy.kind === 'pct' ? `pct d=${strategy.depth}` : strategy.kind === 'pos' ? 'pos' : 'random walk';
}

export function summarize(result: ConformanceResult, context: ReportContext = {}): string {
  const lines: string[] = [];
  for (const failure of result.failures) lines.push(renderFailure(failure, context), '');
  for (const r of result.requirements) {
    for (const f of r.checkFindings ?? []) lines.push(`FAIL [${r.id}] ${f.message} (${f.mode} check "${f.check}")`, ...f.evidence.map((e) => `    ${e}`), '');
  }
  const count = (status: string) => result.requirements.filter((r) => r.status === status).length;
  for (const r of result.requirements.filter((x) => x.status === 'unexpected-pass')) lines.push(`UNEXPECTED PASS [${r.id}] expected to fail: ${r.reason}`);
  for (const r of result.requirements.filter((x) => x.status === 'expected-fail')) lines.push(`expected fail [${r.id}]: ${r.reason}`);
  const byReason = new Map<string, string[]>();
  for (const r of result.requirements.filter((x) => x.status === 'not-judged')) byReason.set(r.notJudged ?? '', [...(byReason.get(r.notJudged ?? '') ?? []), r.id]);
  for (const [reason, ids] of byReason) lines.push(`NOT JUDGED [${ids.join(', ')}]: ${reason}`);
  const judged = result.requirements.length - count('not-judged');
  lines.push(
    `${result.ok ? 'PASS' : 'FAIL'}: ${judged}/${result.requirements.length} requirements judged: ${count('pass')} passed, ${count('fail')} failed, ` +
      `${count('expected-fail')} expected failures, ${count('unexpected-pass')} unexpected passes; ${count('not-judged')} not judged (reasons in the report); ` +
      `${result.runs} runs in ${(result.durationMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}

function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `--only ${pattern} is not a regular expression (${(err as Error).message}); try --only '^selector\\.'`);
  }
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
