/**
 * The child process that runs the suite, so that a factory which hangs or spins in a synchronous loop can be
 * killed without taking the harness with it. It reports every run before starting it (the watchdog's
 * heartbeat, and what it names if the run never returns), progress, and the result, then exits: whatever the
 * factory left behind (a real timer, a socket) must not keep it alive. As a worker (task 'worker') it answers
 * `done` once it is ready, then runs the tasks it is sent (blocks of runs, shrinks) until the harness lets go.
 */

import type { Failure } from './run-suite.ts';
import { loadFactory, probeStart, type LoadedFactory, type StartFailure } from './factory-module.ts';
import { runSuite } from './run-suite.ts';
import { checksFor, runChecks } from './checks/run-checks.ts';
import { PROFILES, profileNamed, type Profile } from './profile.ts';
import { searchBlock } from './search-block.ts';
import type { SuiteRequest, SuiteMessage, WorkerTask } from './suite-messages.ts';
import { decodeSuiteToken } from './suite-token.ts';

function send(message: SuiteMessage): Promise<void> {
  // Resolved once the message is handed to the channel: a large result must not be cut off by disconnect.
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, undefined, () => resolve());
  });
}

/** The failure of a factory that never started is its lifecycle's, with the factory's own stack trace. */
function startFailure(failure: Failure, start: StartFailure): Failure {
  const message = `${start.stage} threw, so the factory never started and nothing else could be judged:\n${start.error}`;
  return { ...failure, finding: { ...failure.finding, requirements: ['factory.lifecycle-start-once'], source: 'harness', message }, others: [] };
}

// The harness went away (it ended, or was killed): nothing is left to report to.
process.once('disconnect', () => process.exit(0));

/** Runs the search (or, with `at`, shrinks one run) and sends its result. */
async function searchAndReport(
  factory: LoadedFactory,
  request: SuiteRequest,
  profile: Profile,
  shrink?: { readonly at: number; readonly source: string },
): Promise<void> {
  const result = await runSuite({
    factory: factory.module,
    runs: request.runs,
    seed: request.seed,
    strategy: request.strategy,
    ...(request.timeBudgetMs ? { timeBudgetMs: request.timeBudgetMs } : {}),
    ...(request.only ? { only: new RegExp(request.only) } : {}),
    ...(request.replay ? { replay: decodeSuiteToken(request.replay) } : {}),
    ...(shrink ?? {}),
    ...(request.shrinkBudgetMs !== undefined ? { shrinkBudgetMs: request.shrinkBudgetMs } : {}),
    onRun: (scenario, schedule, seed) => void send({ type: 'run', scenario, schedule, seed }),
    onProgress: (progress) => void send({ type: 'progress', progress }),
    ...(profile.invariants ? { invariants: profile.invariants } : {}),
  });
  // A lifecycle failure may be a factory that cannot start at all; then nothing else was judged.
  const start = result.failure?.finding.requirements.includes('factory.lifecycle-start-once') ? await probeStart(factory, true) : undefined;
  if (!start || !result.failure) await send({ type: 'result', result });
  else {
    const notJudged = `not judged: the factory never started (${start.stage} threw)`;
    await send({ type: 'result', result: { ...result, failure: startFailure(result.failure, start) }, notJudged });
  }
}

/** A worker: blocks of runs and shrinks, one task at a time, until the harness disconnects. */
async function work(factory: LoadedFactory, request: SuiteRequest, profile: Profile, task: WorkerTask): Promise<void> {
  if (task.type === 'shrink') {
    const shrinking = { ...request, runs: 1, only: task.only, ...(task.shrinkBudgetMs !== undefined ? { shrinkBudgetMs: task.shrinkBudgetMs } : {}) };
    await searchAndReport(factory, shrinking, profile, { at: task.index, source: task.source });
    return;
  }
  await searchBlock({
    factory: factory.module,
    seed: request.seed,
    strategy: request.strategy,
    ...(request.only ? { only: new RegExp(request.only) } : {}),
    from: task.from,
    count: task.count,
    onRun: (index) => void send({ type: 'tick', index }),
    onFailed: (run) => void send({ type: 'failed', run }),
    ...(profile.invariants ? { invariants: profile.invariants } : {}),
  });
  await send({ type: 'done' });
}

async function fail(err: unknown): Promise<void> {
  const error = err as { code?: string; message?: string };
  await send({ type: 'error', code: error.code ?? 'CNXNSPEC_ERR_SIM', message: error.message ?? String(err) });
}

process.once('message', (request: SuiteRequest) => {
  void (async () => {
    try {
      const factory = await loadFactory(request.factoryPath);
      const profile = request.profile ? profileNamed(request.profile) : PROFILES.nio;
      if (request.task === 'checks') {
        await send({ type: 'progress', progress: { runs: 0, shrinking: false, elapsedMs: 0 } });
        const available = checksFor(profile);
        const chosen = request.checks ? available.filter((c) => request.checks!.includes(c.name)) : available;
        await send({ type: 'checks', outcomes: await runChecks(factory.module, chosen) });
        process.exit(0);
      }
      await probeStart(factory, false);
      if (request.task === 'worker') {
        process.on('message', (task: WorkerTask) => void work(factory, request, profile, task).catch(fail));
        await send({ type: 'done' });
        return;
      }
      await searchAndReport(factory, request, profile);
    } catch (err) {
      await fail(err);
    }
    process.exit(0);
  })();
});
