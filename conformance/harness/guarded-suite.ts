/**
 * Runs the suite in a child process under a watchdog. A run that sends no word for `stallMs` (a factory
 * spinning in a synchronous loop, or one the simulation cannot stop) gets the child killed; the stalled run is
 * reported as a failure of factory.host-runtime-only with an explicit replay token. The harness itself never
 * hangs: the child's own crash or exit is reported too. No child outlives its result or the harness: it is
 * killed once it has answered, when the harness exits, and when the harness is stopped by SIGINT, SIGTERM or
 * SIGHUP (the signal then takes its usual course).
 */

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CnxnspecError } from '../../spec/errors.ts';
import type { Progress, SuiteResult } from './run-suite.ts';
import type { SuiteMessage, SuiteRequest } from './suite-messages.ts';
import type { NamedOutcome } from './checks/run-checks.ts';
import { encodeSuiteToken } from './suite-token.ts';

export interface GuardOptions {
  /** Silence after which the child is killed. */
  readonly stallMs: number;
  readonly onProgress?: (progress: Progress) => void;
}

/** What the result says beyond the suite's: why the requirements it does not fail could not be judged. */
export type GuardedResult = SuiteResult & { readonly notJudged?: string };

/** Running from the TypeScript sources (a clone), or from the compiled package (dist/). */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
export const CHILD = fileURLToPath(new URL(`./suite-process.${FROM_SOURCES ? 'ts' : 'js'}`, import.meta.url));

/** tsx, resolved from here, not from the user's working directory, which may not have it; only when TypeScript must run. */
export function execArgv(factoryPath: string | undefined): string[] {
  return FROM_SOURCES || /\.[cm]?tsx?$/.test(factoryPath ?? '') ? ['--import', import.meta.resolve('tsx')] : [];
}

/** Silence allowed before the child's first word. */
export const STARTUP_GRACE_MS = 30_000;

const live = new Set<ChildProcess>();
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** On a stop signal: end the children, then let the signal do what it would have done. */
function onStopSignal(signal: NodeJS.Signals): void {
  killAll();
  for (const s of STOP_SIGNALS) process.removeListener(s, onStopSignal);
  process.kill(process.pid, signal);
}

export function track(child: ChildProcess): void {
  if (live.size === 0) {
    process.on('exit', killAll);
    for (const s of STOP_SIGNALS) if (process.listenerCount(s) === 0) process.on(s, onStopSignal);
  }
  live.add(child);
  child.once('exit', () => {
    live.delete(child);
    if (live.size > 0) return;
    process.removeListener('exit', killAll);
    for (const s of STOP_SIGNALS) process.removeListener(s, onStopSignal);
  });
}

/** The harness checks in a child process under the same watchdog; a check that hangs is killed and reported. */
export async function runGuardedChecks(request: Omit<SuiteRequest, 'task' | 'runs' | 'seed' | 'strategy'>, guard: GuardOptions): Promise<readonly NamedOutcome[]> {
  const outcome = await guarded({ ...request, task: 'checks', runs: 0, seed: 0, strategy: { kind: 'random' } }, guard);
  if (!('outcomes' in outcome)) throw new CnxnspecError('CNXNSPEC_ERR_SIM', 'the suite process answered the checks with a search result');
  return outcome.outcomes;
}

export async function runGuardedSuite(request: SuiteRequest, guard: GuardOptions): Promise<GuardedResult> {
  const outcome = await guarded(request, guard);
  if ('outcomes' in outcome) throw new CnxnspecError('CNXNSPEC_ERR_SIM', 'the suite process answered a search with check results');
  return outcome;
}

function guarded(request: SuiteRequest, guard: GuardOptions): Promise<GuardedResult | { readonly outcomes: readonly NamedOutcome[] }> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { execArgv: execArgv(request.factoryPath), serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    track(child);
    const started = Date.now();
    let runs = 0;
    let last: Extract<SuiteMessage, { type: 'run' }> | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // It exits by itself once it has answered; a factory spinning in it must not keep it running.
      if (child.exitCode === null && child.signalCode === null) setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
      outcome();
    };
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(() => {
          if (request.task === 'checks') {
            reject(new CnxnspecError('CNXNSPEC_ERR_SIM', `the harness checks stopped answering for ${ms} ms (a factory spinning in a synchronous loop?); the process was killed`));
            return;
          }
          try {
            resolve(stalled(last, runs, Date.now() - started, ms));
          } catch (err) {
            reject(err);
          }
        });
      }, ms);
    };
    child.on('message', (message: SuiteMessage) => {
      arm(guard.stallMs);
      if (message.type === 'run') last = message;
      else if (message.type === 'progress') {
        runs = message.progress.runs;
        guard.onProgress?.(message.progress);
      } else if (message.type === 'result') finish(() => resolve(message.notJudged ? { ...message.result, notJudged: message.notJudged } : message.result));
      else if (message.type === 'checks') finish(() => resolve({ outcomes: message.outcomes }));
      else if (message.type === 'error') finish(() => reject(new CnxnspecError(message.code as 'CNXNSPEC_ERR_SIM', message.message)));
    });
    child.on('exit', (code, signal) => {
      finish(() => reject(new CnxnspecError('CNXNSPEC_ERR_SIM', `the suite process ended early (exit ${code ?? signal}) before reporting a result; run again with --runs 1 --replay to isolate it`)));
    });
    child.on('error', (err) => finish(() => reject(err)));
    // Starting node and compiling TypeScript on a loaded machine is not the factory stalling.
    arm(Math.max(guard.stallMs, STARTUP_GRACE_MS));
    child.send(request);
  });
}

export function stalled(last: Extract<SuiteMessage, { type: 'run' }> | undefined, runs: number, durationMs: number, stallMs: number): SuiteResult {
  if (!last) throw new CnxnspecError('CNXNSPEC_ERR_SIM', `the suite process said nothing for ${stallMs} ms before its first run; is the factory module doing work at import time?`);
  const token = encodeSuiteToken({ form: 'explicit', scenario: last.scenario, schedule: last.schedule, seed: last.seed });
  return {
    runs,
    durationMs,
    interrupted: false,
    failure: {
      finding: {
        requirements: ['factory.host-runtime-only'],
        source: 'watchdog',
        message: `the factory stopped answering for ${stallMs} ms in a run (a synchronous loop, or a wait the runtime cannot see); the process was killed`,
        evidence: [],
      },
      others: [],
      scenario: last.scenario,
      schedule: last.schedule,
      trace: [],
      token,
      shrinks: 0,
      firstTraceLength: 0,
      runsToFailure: runs,
    },
  };
}
