/**
 * The suite bites on event-loop factories: each mutant of the Netty-style factory (fixtures/mutants/netty-*.ts, one
 * planted defect each) is rejected by what `cnxnspec test --profile netty --factory <mutant>` runs, at its default
 * budget (2,000 runs, random walk, seed 1), for the requirement it breaks, and a search failure's replay token
 * reproduces it. A defect that no single trace of the generated (plaintext) scenarios shows is rejected by the
 * harness check that judges its requirement: the check is deterministic, so running it again is its replay.
 * `cnxnspec test --profile netty --factory fixtures/mutants/<name>.ts --seed 1` kills each of them (measured when
 * this file was written; the command takes a minute or two, this test only what decides the verdict).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadFactory } from '../harness/factory-module.ts';
import { runSuite, type Failure } from '../harness/run-suite.ts';
import { decodeSuiteToken } from '../harness/suite-token.ts';
import { PROFILES } from '../harness/profile.ts';
import type { HarnessCheck } from '../harness/checks/harness-check.ts';
import { nettyChecks } from '../harness/checks/netty-checks.ts';
import { wireProbeCheck } from '../harness/checks/wire-probe-check.ts';
import { heldUnderLimitCheck } from '../harness/checks/held-under-limit-check.ts';
import nettyReference from '../../reference/netty/netty-server-cnxn-factory.ts';

const TIMEOUT = { timeout: 240_000 };
const SEED = 1;
/** The default budget of `cnxnspec test`. */
const RUNS = 2_000;

interface NettyMutant {
  readonly name: string;
  readonly requirement: string;
  /** The harness check that rejects it; absent: the search of generated interleavings does. */
  readonly check?: HarnessCheck;
}

const NETTY_MUTANTS: readonly NettyMutant[] = [
  { name: 'netty-bind-port-not-resolved', requirement: 'netty.start-bind', check: nettyChecks },
  { name: 'netty-no-tls-stage', requirement: 'netty.tls', check: nettyChecks },
  { name: 'netty-per-ip-off-by-one', requirement: 'netty.per-ip-limit', check: wireProbeCheck },
  { name: 'netty-registered-on-other-loop', requirement: 'netty.event-loop-affinity' },
  { name: 'netty-io-off-loop', requirement: 'netty.event-loop-affinity' },
  { name: 'netty-outstanding-not-dropped', requirement: 'cnxn.throttle', check: heldUnderLimitCheck },
  { name: 'netty-close-session-keeps-slot', requirement: 'netty.per-ip-limit' },
  { name: 'netty-throttle-at-limit', requirement: 'cnxn.throttle', check: heldUnderLimitCheck },
  { name: 'netty-auto-read-never-restored', requirement: 'wire.order' },
  // The hunt for defects the suite did not catch; the first two survived until the per-address and total limits
  // were judged at channel-active in the search (spec/invariants/per-ip-limit.ts, harness/max-cnxns-check.ts).
  { name: 'netty-per-ip-not-released', requirement: 'netty.per-ip-limit' },
  { name: 'netty-max-cnxns-off-by-one', requirement: 'accept.max-cnxns' },
  { name: 'netty-resume-without-drain', requirement: 'wire.order' },
  { name: 'netty-close-after-flush-at-once', requirement: 'cnxn.outgoing-buffers' },
  { name: 'netty-tls-failure-left-open', requirement: 'netty.tls', check: nettyChecks },
  // Survived until scenarios gave a negative maxClientCnxns (no limit) and per-ip-limit judged refusals without a limit.
  { name: 'netty-negative-limit-refuses-all', requirement: 'netty.per-ip-limit' },
  // Survived until peers pipelined requests behind their ConnectRequest (scenario/requests.ts).
  { name: 'netty-connect-hold-not-applied', requirement: 'cnxn.throttle' },
];

function requirementsOf(failure: Failure): string[] {
  return [...new Set([failure.finding, ...failure.others].flatMap((f) => f.requirements))];
}

function describeFailure(failure: Failure): string {
  return `${failure.finding.source}: ${failure.finding.message} (requirements ${requirementsOf(failure).join(', ')}; token ${failure.token})`;
}

async function load(name: string) {
  return (await loadFactory(fileURLToPath(new URL(`../../fixtures/mutants/${name}.ts`, import.meta.url)))).module;
}

async function assertRejectedBySearch(mutant: NettyMutant): Promise<void> {
  const factory = await load(mutant.name);
  const strategy = { kind: 'random' } as const;
  // As `cnxnspec test --only` counts: a defect may break other requirements first; the netty profile's invariants run.
  const only = new RegExp(`^${mutant.requirement.replace(/\./g, '\\.')}$`);
  const invariants = PROFILES.netty.invariants ?? [];
  const result = await runSuite({ factory, runs: RUNS, seed: SEED, strategy, only, invariants });
  const failure = result.failure;
  assert.ok(failure, `mutant ${mutant.name} survived ${result.runs} runs (seed ${SEED}, random walk)`);
  assert.ok(requirementsOf(failure).includes(mutant.requirement), `mutant ${mutant.name} failed, but not for ${mutant.requirement}: ${describeFailure(failure)}`);

  const replayed = await runSuite({ factory, runs: 1, seed: SEED, strategy, only, invariants, replay: decodeSuiteToken(failure.token) });
  assert.ok(replayed.failure, `replaying ${failure.token} against mutant ${mutant.name} passed`);
  assert.ok(requirementsOf(replayed.failure).includes(mutant.requirement), `replaying ${failure.token} failed, but not for ${mutant.requirement}: ${describeFailure(replayed.failure)}`);
}

async function assertRejectedByCheck(mutant: NettyMutant, check: HarnessCheck): Promise<void> {
  const outcome = await check.run(await load(mutant.name));
  assert.ok(outcome.findings.some((f) => f.requirements.includes(mutant.requirement)), `the ${check.name} check passed mutant ${mutant.name}: ${JSON.stringify(outcome)}`);
}

test('[netty.tls] the event-loop checks pass the reference Netty-style factory (so a mutant they reject is rejected for its defect)', TIMEOUT, async () => {
  const outcome = await nettyChecks.run(nettyReference);
  assert.deepEqual(outcome.findings, []);
  assert.deepEqual([...outcome.judged].sort(), ['netty.start-bind', 'netty.tls']);
});

for (const mutant of NETTY_MUTANTS) {
  const title = `[${mutant.requirement}] netty mutant ${mutant.name} is rejected under the netty profile at the default budget`;
  test(title, TIMEOUT, () =>
    mutant.check ? assertRejectedByCheck(mutant, mutant.check) : assertRejectedBySearch(mutant),
  );
}
