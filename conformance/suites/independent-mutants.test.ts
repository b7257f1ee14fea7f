/**
 * The suite bites on a factory it was not written against: each mutant of the independently written NIO
 * factory (fixtures/factories/independent-nio-mutants, one planted defect each, listed with the requirement that
 * must catch it in its index.ts) must be rejected by the suite at the default budget (2,000 runs, random walk,
 * fixed seed) for that requirement, and the failure's replay token must reproduce it.
 *
 * A defect only a harness check can see is judged by running that check on the mutant.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadFactory } from '../harness/factory-module.ts';
import { runSuite, type Failure } from '../harness/run-suite.ts';
import { decodeSuiteToken } from '../harness/suite-token.ts';
import type { HarnessCheck } from '../harness/checks/harness-check.ts';
import { shuffleCheck } from '../harness/checks/shuffle-check.ts';
import { heldUnderLimitCheck } from '../harness/checks/held-under-limit-check.ts';
import { INDEPENDENT_MUTANTS, SURVIVING_INDEPENDENT_MUTANTS, type MutantEntry } from '../../fixtures/factories/independent-nio-mutants/index.ts';

const TIMEOUT = { timeout: 180_000 };
const SEED = 1;
/** The default budget of `cnxnspec test`. */
const RUNS = 2_000;

/**
 * Mutants whose defect only a harness check can see (no single trace shows it): the check itself is run on them.
 * Every other mutant is rejected by the search of generated interleavings.
 */
const BY_HARNESS_CHECK: Readonly<Record<string, HarnessCheck>> = {
  'no-shuffle': shuffleCheck,
  'in-flight-kept-on-close': heldUnderLimitCheck,
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
  // Findings count for this mutant's requirement only, as `cnxnspec test --only` counts them: a defect may break
  // other requirements first, and those are judged by their own mutants.
  const only = new RegExp(`^${mutant.requirement.replace(/\./g, '\\.')}$`);
  const result = await runSuite({ factory, runs: RUNS, seed: SEED, strategy, only });
  const failure = result.failure;
  assert.ok(failure, `mutant ${mutant.name} survived ${result.runs} runs (seed ${SEED}, random walk)`);
  assert.ok(requirementsOf(failure).includes(mutant.requirement), `mutant ${mutant.name} failed, but not for ${mutant.requirement}: ${describeFailure(failure)}`);

  const replayed = await runSuite({ factory, runs: 1, seed: SEED, strategy, only, replay: decodeSuiteToken(failure.token) });
  assert.ok(replayed.failure, `replaying ${failure.token} against mutant ${mutant.name} passed`);
  assert.ok(requirementsOf(replayed.failure).includes(mutant.requirement), `replaying ${failure.token} failed, but not for ${mutant.requirement}: ${describeFailure(replayed.failure)}`);
}

async function assertRejectedByCheck(mutant: MutantEntry, check: HarnessCheck): Promise<void> {
  const path = fileURLToPath(new URL(`../../fixtures/factories/independent-nio-mutants/${mutant.name}.ts`, import.meta.url));
  const { module: factory } = await loadFactory(path);
  const outcome = await check.run(factory);
  assert.ok(outcome.findings.some((f) => f.requirements.includes(mutant.requirement)), `the ${check.name} check passed mutant ${mutant.name}: ${JSON.stringify(outcome)}`);
}

for (const mutant of INDEPENDENT_MUTANTS) {
  const title = `[${mutant.requirement}] independent mutant ${mutant.name} (${mutant.defect}) is rejected`;
  const check = BY_HARNESS_CHECK[mutant.name];
  test(title, TIMEOUT, () => (check ? assertRejectedByCheck(mutant, check) : assertRejected(mutant)));
}

for (const mutant of SURVIVING_INDEPENDENT_MUTANTS) test.todo(`[${mutant.requirement}] independent mutant ${mutant.name} (${mutant.defect}) survives: ${mutant.why}`);
