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
const NOT_YET_KILLABLE: Readonly<Record<string, string>> = {};

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
