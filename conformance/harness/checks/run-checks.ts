/** Every harness check, run one after another against one factory; the suite process calls this. */

import type { FactoryModule } from '../../../spec/server-cnxn-factory.ts';
import { describeError, type CheckOutcome, type HarnessCheck } from './harness-check.ts';
import { lifecycleChecks } from './lifecycle-checks.ts';
import { shuffleCheck } from './shuffle-check.ts';
import { wireLifecycleChecks } from './wire-lifecycle-checks.ts';
import { wireProbeCheck } from './wire-probe-check.ts';
import { nettyChecks } from './netty-checks.ts';
import { pipelinedHandshakeCheck } from './pipelined-handshake-check.ts';
import { heldUnderLimitCheck } from './held-under-limit-check.ts';
import { closeSessionCheck } from './close-session-check.ts';
import { applies, type Profile } from '../profile.ts';

export const HARNESS_CHECKS: readonly HarnessCheck[] = [lifecycleChecks, shuffleCheck, wireLifecycleChecks, wireProbeCheck, nettyChecks, pipelinedHandshakeCheck, heldUnderLimitCheck, closeSessionCheck];

/** The checks that judge something `profile` applies; the others would only spend time. */
export function checksFor(profile: Profile): readonly HarnessCheck[] {
  return HARNESS_CHECKS.filter((c) => c.requirements.some((id) => applies(profile, id)));
}

export interface NamedOutcome extends CheckOutcome {
  readonly check: string;
  readonly mode: HarnessCheck['mode'];
}

export async function runChecks(factory: FactoryModule, checks: readonly HarnessCheck[] = HARNESS_CHECKS): Promise<NamedOutcome[]> {
  const outcomes: NamedOutcome[] = [];
  for (const check of checks) {
    try {
      outcomes.push({ check: check.name, mode: check.mode, ...(await check.run(factory)) });
    } catch (err) {
      // A check that cannot run judges nothing; it never passes what it did not see.
      outcomes.push({ check: check.name, mode: check.mode, judged: [], findings: [], notJudged: check.requirements.map((id) => ({ id, reason: `the check "${check.name}" failed to run: ${describeError(err)}` })) });
    }
  }
  return outcomes;
}
