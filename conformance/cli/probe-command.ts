/**
 * `cnxnspec probe HOST:PORT`: a black-box profile of a running server that speaks the ZooKeeper client
 * protocol (handshake, ping, pipelined order, malformed frames, a slow reader, a bounded storm, four-letter
 * words; per-IP limit and sessionless timeout when their configured values are given). Load and time are
 * modest unless raised by flags; only the named address is contacted, and it must be loopback unless
 * --allow-remote says otherwise. Same result files and exit codes as `cnxnspec test`.
 */

import { Command, InvalidArgumentError } from 'commander';
import { CnxnspecError } from '../../spec/errors.ts';
import { writeReport } from '../report/write-report.ts';
import { buildVerdictReport } from '../trace/verdict-report.ts';
import { runWireChecks, type CheckResult } from '../wire/run-wire-checks.ts';
import { isLoopback, parseTarget } from '../wire/target.ts';

interface ProbeFlags {
  storm: number;
  slowReaderRequests: number;
  pipelined: number;
  juteMaxBuffer: number;
  maxClientCnxns?: number;
  sessionlessTimeout?: number;
  stepTimeout: number;
  only?: string;
  allowRemote?: boolean;
  json?: boolean;
  out?: string;
}

const bounded = (max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max.toLocaleString('en')}`);
  return n;
};

export function probeCommand(): Command {
  return new Command('probe')
    .description('judge the wire behaviour of a running ZooKeeper-protocol server at HOST:PORT (loopback unless --allow-remote)')
    .argument('<target>', 'HOST:PORT, or PORT for 127.0.0.1')
    .option('--storm <n>', 'clients in the connection storm', bounded(20_000), 200)
    .option('--slow-reader-requests <n>', 'requests the slow reader pipelines', bounded(200_000), 5_000)
    .option('--pipelined <n>', 'requests pipelined in the order check', bounded(100_000), 500)
    .option('--jute-max-buffer <bytes>', "the server's jute.maxbuffer", bounded(2 ** 31 - 2), 0xfffff)
    .option('--max-client-cnxns <n>', "the server's maxClientCnxns: judge the per-IP limit (opens n + 1 connections)", bounded(1_000))
    .option('--sessionless-timeout <ms>', "the server's sessionless connection timeout: judge it (waits up to 2 x ms + 1 s)", bounded(60_000))
    .option('--step-timeout <ms>', 'how long any one answer is awaited', bounded(120_000), 5_000)
    .option('--only <pattern>', 'only checks whose name matches this regular expression')
    .option('--allow-remote', 'allow a target that is not a loopback address')
    .option('--json', 'print the result as JSON on stdout')
    .option('--out <dir>', 'write the result (JSON, Markdown, JUnit XML) and the badge under this folder')
    .action(async (target: string, flags: ProbeFlags) => {
      process.exitCode = await runProbe(target, flags);
    });
}

function line(r: CheckResult): string {
  const mark = r.outcome.status === 'pass' ? 'PASS' : r.outcome.status === 'fail' ? 'FAIL' : 'not judged';
  return `${mark.padEnd(10)} ${r.check.name.padEnd(20)} [${r.check.requirements.join(', ')}] ${r.outcome.detail} (${(r.ms / 1000).toFixed(1)} s)`;
}

export async function runProbe(targetText: string, flags: ProbeFlags): Promise<number> {
  let target;
  let only: RegExp | undefined;
  try {
    target = parseTarget(targetText);
    only = flags.only === undefined ? undefined : new RegExp(flags.only);
  } catch (err) {
    console.error(`cnxnspec probe: ${(err as Error).message}`);
    return 2;
  }
  if (!isLoopback(target.host) && !flags.allowRemote) {
    console.error(`cnxnspec probe: ${target.host} is not a loopback address; the probe opens many connections and sends malformed frames, so pass --allow-remote if ${target.host} is yours to test`);
    return 2;
  }
  const startedAt = new Date();
  try {
    const result = await runWireChecks(target, {
      stormClients: flags.storm,
      slowReaderRequests: flags.slowReaderRequests,
      pipelined: flags.pipelined,
      juteMaxBuffer: flags.juteMaxBuffer,
      stepTimeoutMs: flags.stepTimeout,
      ...(flags.maxClientCnxns !== undefined ? { maxClientCnxns: flags.maxClientCnxns } : {}),
      ...(flags.sessionlessTimeout !== undefined ? { sessionlessTimeoutMs: flags.sessionlessTimeout } : {}),
      ...(only ? { only } : {}),
      onCheck: (r) => {
        if (!flags.json) console.log(line(r));
      },
    });
    const name = `${target.host}:${target.port}`;
    const report = buildVerdictReport(result.requirements, { name, mode: 'wire probe', judgeMode: 'wire', rerun: `npx cnxnspec probe ${targetText}`, startedAt, durationMs: result.durationMs, units: result.checks.length });
    if (flags.json) console.log(JSON.stringify(report, null, 2));
    else {
      const count = (s: string) => result.requirements.filter((r) => r.status === s).length;
      console.log(`${result.ok ? 'PASS' : 'FAIL'}: ${count('pass')} requirements hold, ${count('fail')} violated, ${count('not-judged')} not judged by these checks (${report.counts['not-judged']} of ${report.requirements.length} not judged on the wire); ${(result.durationMs / 1000).toFixed(1)} s`);
    }
    if (flags.out) for (const [what, file] of Object.entries(writeReport(flags.out, report))) process.stderr.write(`  ${what.padEnd(9)} ${file}\n`);
    return result.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof CnxnspecError) {
      console.error(`cnxnspec probe: ${err.message}`);
      return 2;
    }
    console.error(`cnxnspec probe: internal error: ${(err as Error).stack ?? String(err)}`);
    return 3;
  }
}
