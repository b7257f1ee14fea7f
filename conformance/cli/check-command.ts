/**
 * `cnxnspec check TRACE.jsonl`: judges a trace recorded from any implementation (Java, Go, Rust, ZooKeeper
 * itself) by every invariant, and writes the same result files as `cnxnspec test`. Exit status: 0 every judged
 * requirement holds, 1 one is violated, 2 usage or input error (missing file, malformed lines), 3 internal error.
 */

import { existsSync, statSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';

interface CheckFlags {
  complete?: boolean;
  timeSlack?: number;
  maxErrors: number;
  json?: boolean;
  out?: string;
  verbose?: boolean;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of 0 or more');
  return n;
}

export function checkCommand(): Command {
  return new Command('check')
    .description('judge a JSONL trace recorded from any implementation by every invariant (docs/emitting-traces.md)')
    .argument('<trace>', 'the trace file, one event per line (gzip-compressed or not; - reads standard input)')
    .option('--complete', 'treat the end of the trace as quiescent, so liveness is judged there (for version-1 traces, which cannot say so)')
    .option('--time-slack <ms>', 'lateness tolerated by timing checks (default: the header\'s timeSlackMs, else 0)', count)
    .option('--max-errors <n>', 'input problems printed before only counting them', count, 20)
    .option('--json', 'print the result as JSON on stdout')
    .option('--out <dir>', 'write the result (JSON, Markdown, JUnit XML) and the badge under this folder')
    .option('--verbose', 'also list every requirement not judged, with the reason')
    .action(async (path: string, flags: CheckFlags) => {
      process.exitCode = await runCheck(path, flags);
    });
}

export async function runCheck(path: string, flags: CheckFlags): Promise<number> {
  if (path !== '-' && (!existsSync(path) || !statSync(path).isFile())) {
    console.error(`cnxnspec check: ${path} is not a readable file; give the path of a JSONL trace, or - for standard input (see docs/emitting-traces.md)`);
    return 2;
  }
  try {
    // Loaded here, not at the top: compiling the per-event validators should not slow every other command's start.
    const { checkTraceFile, exitCodeOf, judgedRequirements, renderCheck } = await import('../trace/check-trace.ts');
    const { buildVerdictReport } = await import('../trace/verdict-report.ts');
    const { writeReport } = await import('../report/write-report.ts');
    const startedAt = new Date();
    const checked = await checkTraceFile(path, {
      maxProblems: flags.maxErrors,
      ...(flags.complete ? { complete: true } : {}),
      ...(flags.timeSlack !== undefined ? { timeSlackMs: flags.timeSlack } : {}),
    });
    const report = buildVerdictReport(judgedRequirements(checked), {
      name: path,
      mode: 'trace check',
      judgeMode: 'trace',
      rerun: `npx cnxnspec check ${path}${flags.complete ? ' --complete' : ''}`,
      startedAt,
      durationMs: checked.durationMs,
      units: checked.trace.events.length,
    });
    if (flags.json) console.log(JSON.stringify(report, null, 2));
    else console.log(renderCheck(checked, flags.verbose));
    if (flags.out) for (const [what, file] of Object.entries(writeReport(flags.out, report))) process.stderr.write(`  ${what.padEnd(9)} ${file}\n`);
    return exitCodeOf(checked);
  } catch (err) {
    console.error(`cnxnspec check: internal error while checking ${path}: ${(err as Error).stack ?? String(err)}`);
    return 3;
  }
}
