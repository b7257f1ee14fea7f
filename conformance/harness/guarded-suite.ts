/**
 * Runs the suite in a child process under a watchdog. A run that sends no word for `stallMs` (a factory
 * spinning in a synchronous loop, or one the simulation cannot stop) gets the child killed; the stalled run is
 * reported as a failure of factory.host-runtime-only with an explicit replay token. The harness itself never
 * hangs: the child's own crash or exit is reported too.
 */

import { fork } from 'node:child_process';
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

const CHILD = fileURLToPath(new URL('./suite-process.ts', import.meta.url));
/** Resolved from here, not from the user's working directory, which may not have tsx. */
const TSX = import.meta.resolve('tsx');

/** The harness checks in a child process under the same watchdog; a check that hangs is killed and reported. */
export async function runGuardedChecks(request: Omit<SuiteRequest, 'task' | 'runs' | 'seed' | 'strategy'>, guard: GuardOptions): Promise<readonly NamedOutcome[]> {
  const outcome = await guarded({ ...request, task: 'checks', runs: 0, seed: 0, strategy: { kind: 'random' } }, guard);
  if (!('outcomes' in outcome)) throw new CnxnspecError('CNXNSPEC_ERR_SIM', 'the suite process answered the checks with a search result');
  return outcome.outcomes;
}

export async function runGuardedSuite(request: SuiteRequest, guard: GuardOptions): Promise<SuiteResult> {
  const outcome = await guarded(request, guard);
  if ('outcomes' in outcome) throw new CnxnspecError('CNXNSPEC_ERR_SIM', 'the suite process answered a search with check results');
  return outcome;
}

function guarded(request: SuiteRequest, guard: GuardOptions): Promise<SuiteResult | { readonly outcomes: readonly NamedOutcome[] }> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { execArgv: ['--import', TSX], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const started = Date.now();
    let runs = 0;
    let last: Extract<SuiteMessage, { type: 'run' }> | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(() => {
          if (request.task === 'checks') reject(new CnxnspecError('CNXNSPEC_ERR_SIM', `the harness checks stopped answering for ${guard.stallMs} ms (a factory spinning in a synchronous loop?); the process was killed`));
          else {
            try {
              resolve(stalled(last, runs, Date.now() - started, guard.stallMs));
            } catch (err) {
              reject(err);
            }
          }
        });
      }, guard.stallMs);
    };
    child.on('message', (message: SuiteMessage) => {
      arm();
      if (message.type === 'run') last = message;
      else if (message.type === 'progress') {
        runs = message.progress.runs;
        guard.onProgress?.(message.progress);
      } else if (message.type === 'result') finish(() => resolve(message.result));
      else if (message.type === 'checks') finish(() => resolve({ outcomes: message.outcomes }));
      else finish(() => reject(new CnxnspecError(message.code as 'CNXNSPEC_ERR_SIM', message.message)));
    });
    child.on('exit', (code, signal) => {
      finish(() => reject(new CnxnspecError('CNXNSPEC_ERR_SIM', `the suite process ended early (exit ${code ?? signal}) before reporting a result; run again with --runs 1 --replay to isolate it`)));
    });
    child.on('error', (err) => finish(() => reject(err)));
    arm();
    child.send(request);
  });
}

function stalled(last: Extract<SuiteMessage, { type: 'run' }> | undefined, runs: number, durationMs: number, stallMs: number): SuiteResult {
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
