/**
 * The Netty-style factory under the suite's own generated scenarios and schedules (what `cnxnspec test --profile
 * netty` runs), with the event-loop invariants checked over every trace on top of the default ones the run applies.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { eventLoopInvariants } from '../../spec/invariants/index.ts';
import { runScenario } from '../../conformance/harness/run-scenario.ts';
import { scenarioArbitrary } from '../../conformance/harness/scenario-arbitrary.ts';
import { scheduleArbitrary } from '../../conformance/harness/run-suite.ts';
import { applies, PROFILES } from '../../conformance/harness/profile.ts';
import nettyModule from './netty-server-cnxn-factory.ts';

test('[netty.event-loop-affinity] sim: under 40 generated scenarios and random schedules every channel stays on its loop and the netty profile finds nothing', { timeout: 120_000 }, async () => {
  const cases = fc.sample(fc.tuple(scenarioArbitrary, scheduleArbitrary({ kind: 'random' })), { seed: 7, numRuns: 40 });
  let channels = 0;
  for (const [i, [scenario, schedule]] of cases.entries()) {
    const result = await runScenario(nettyModule, scenario, schedule, { seed: i + 1 });
    channels += new Set(result.trace.filter((e) => e.ev === 'register' && !e.ch.startsWith('ss')).map((e) => e.thread)).size;
    const affinity = eventLoopInvariants.flatMap((inv) => inv.check(result.trace, { atQuiescence: true }));
    assert.deepEqual(affinity, [], `case ${i}`);
    const judged = [...result.violations, ...result.problems].filter((f) => f.requirements.some((id) => applies(PROFILES.netty, id)));
    assert.deepEqual(judged.map((f) => f.message), [], `case ${i}: findings under the netty profile`);
  }
  assert.ok(channels > 0, 'the scenarios connected peers');
});
