/**
 * The suite bites on a factory it was not written against: each mutant of the independently written NIO
 * factory (fixtures/factories/independent-nio-mutants, one planted defect each, listed with the requirement that
 * must catch it in its index.ts) must be rejected by the suite at the default budget (2,000 runs, random walk,
 * fixed seed) for that requirement, and the failure's replay token must reproduce it.
 *
 * Mutants that no check of the suite can see yet are todos naming what they need; to turn one into an assertion,
 * delete its line from NOT_YET_KILLABLE.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadFactory } from '../harness/factory-module.ts';
import { runSuite, type Failure } from '../harness/run-suite.ts';
import { decodeSuiteToken } from '../harness/suite-token.ts';
import { INDEPENDENT_MUTANTS, type MutantEntry } from '../../fixtures/factories/independent-nio-mutants/index.ts';

const TIMEOUT = { timeout: 180_000 };
const SEED = 1;
/** The default budget of `cnxnspec test`. */
const RUNS = 2_000;

/** Mutant -> what the suite lacks to catch it (measured on this branch: each survived RUNS runs). */
const NOT_YET_KILLABLE: Readonly<Record<string, string>> = {
  'two-frames-per-pass': 'needs a framing check: at most one handlerCall between an ioStart and its ioEnd',
  'no-max-buffer-check': 'needs a wire check that a length above jute.maxbuffer closes the connection at once, not at expiry',
  'no-shuffle': 'needs a shuffle check: the handling order of several ready keys must vary with the seed',
  'no-accept-pause': 'needs a pause check: after a failed accept, acceptPaused and no accept select for 10 ms',
  'throttle-ignored': 'needs a handler or scenario that throttles (disableRecv) and a check that no read follows it',
  'close-after-flush-never': 'needs scenarios that make the handler call sendCloseAfterFlush (closeSession, unknown session) and a check that the close follows the flush',
  'close-after-flush-at-once': 'needs scenarios that make the handler call sendCloseAfterFlush and a check that every byte queued before it reached the peer',
  'reason-outside-set': 'needs a check that every close reason is in the closed set (isCloseReason)',
  'worker-dies-on-handler-error': 'needs a harness handler that throws on purpose',
  'connection-closed-twice': 'needs the harness connectionClosed observation and a check that it comes once per connection',
  'expire-at-half-timeout': 'needs an idle-close check that does not trust the reason: no close by the expirer (or of an idle connection) before its deadline',
  'no-touch-after-io': 'needs IO passes that take virtual time, or a check of the touch fact after each ioEnd',
};

function requirementsOf(failure: Failure): string[] {
  return [...new Set([failure.finding, ...failure.others].flatMap((f) => f.requirements))];
}

function describeFailure(failure: Failure): string {
  return `${failure.finding.source}: ${failure.finding.message} (requirements ${requirementsOf(failure).join(', ')}; token ${failure.token})`;
}

async function assertRejected(mutant: MutantEntry): Promise<void> {
  const path = fileURLToPath(new URL(`../../fixtures/factories/independent-nio-mutants/${mutant.name}.ts`, import.meta.url));
  const { module: factory } = await loadFactory(path);
  const strategy = { kind: 'random' } as const;
  const result = await runSuite({ factory, runs: RUNS, seed: SEED, strategy });
  const failure = result.failure;
  assert.ok(failure, `mutant ${mutant.name} survived ${result.runs} runs (seed ${SEED}, random walk)`);
  assert.ok(requirementsOf(failure).includes(mutant.requirement), `mutant ${mutant.name} failed, but not for ${mutant.requirement}: ${describeFailure(failure)}`);

  const replayed = await runSuite({ factory, runs: 1, seed: SEED, strategy, replay: decodeSuiteToken(failure.token) });
  assert.ok(replayed.failure, `replaying ${failure.token} against mutant ${mutant.name} passed`);
  assert.ok(requirementsOf(replayed.failure).includes(mutant.requirement), `replaying ${failure.token} failed, but not for ${mutant.requirement}: ${describeFailure(replayed.failure)}`);
}

for (const mutant of INDEPENDENT_MUTANTS) {
  const title = `[${mutant.requirement}] independent mutant ${mutant.name} (${mutant.defect}) is rejected`;
  const todo = NOT_YET_KILLABLE[mutant.name];
  if (todo) test(title, { todo });
  else test(title, TIMEOUT, () => assertRejected(mutant));
}
