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
import { encodeSuiteToken } from './suite-token.ts';

export interface GuardOptions {
  /** Silence after which the child is killed. */
  readonly stallMs: number;
  readonly onProgress?: (progress: Progress) => void;
}

const CHILD = fileURLToPath(new URL('./suite-process.ts', import.meta.url));
/** Resolved from here, not from the user's working directory, which may not have tsx. */
const TSX = import.meta.resolve('tsx');

export function runGuardedSuite(request: SuiteRequest, guard: GuardOptions): Promise<SuiteResult> {
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
        finish(() => resolve(stalled(last, runs, Date.now() - started, guard.stallMs)));
      }, guard.stallMs);
    };
    child.on('message', (message: SuiteMessage) => {
      arm();
      if (message.type === 'run') last = message;
      else if (message.type === 'progress') {
        runs = message.progress.runs;
        guard.onProgress?.(message.progress);
      } else if (message.type === 'result') finish(() => resolve(message.result));
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
