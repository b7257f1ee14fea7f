/**
 * The black-box wire checks of `cnxnspec probe` (conformance/wire), run against the loaded factory itself: the
 * module on the node runtime on 127.0.0.1, serving the reference echo handler, with the configured values the
 * probe needs given by the harness (it set them). One host serves every check with no per-address limit (a
 * storm comes from one address); a second host with maxClientCnxns 2 serves the per-address check. Only
 * verdicts on requirements that spec/judging.ts judges on the wire for a factory are taken.
 */

import { JUDGING } from '../../../spec/judging.ts';
import type { FactoryModule } from '../../../spec/server-cnxn-factory.ts';
import { runWireChecks, WIRE_CHECKS, type RunWireOptions } from '../../wire/run-wire-checks.ts';
import { describeError, type CheckFinding, type CheckOutcome, type HarnessCheck } from './harness-check.ts';
import { hostOnNode } from './node-host.ts';

const SESSIONLESS_MS = 1_000;
const PER_IP_LIMIT = 2;
/** Modest load: enough to see order, storms and slow reads on two shared cores, bounded in time. */
const LOAD: RunWireOptions = { stormClients: 200, slowReaderRequests: 2_000, pipelined: 300, stepTimeoutMs: 10_000 };

const judgedOnWire = (id: string) => {
  const judging = JUDGING[id];
  return judging !== undefined && judging.by !== 'not-judgeable' && judging.by.includes('wire');
};

/**
 * What a wire check sees of one requirement it sees of its event-loop twin too: the per-address limit is the same
 * behaviour on the wire whether the accept thread or the channel-active handler enforces it.
 */
const TWINS: Readonly<Record<string, string>> = { 'accept.per-ip-limit': 'netty.per-ip-limit' };

const REQUIREMENTS = [...new Set(WIRE_CHECKS.flatMap((c) => c.requirements).flatMap((id) => [id, ...(TWINS[id] ? [TWINS[id]] : [])]))].filter(judgedOnWire);

async function probe(module: FactoryModule, maxClientCnxns: number, options: RunWireOptions) {
  const host = await hostOnNode(module, { numSelectorThreads: 2, numWorkerThreads: 2, sessionlessCnxnTimeout: SESSIONLESS_MS });
  try {
    await host.configure(maxClientCnxns);
    return await runWireChecks(await host.startup(), options);
  } finally {
    await host.dispose();
  }
}

export const wireProbeCheck: HarnessCheck = {
  name: 'wire probe on real sockets',
  mode: 'wire',
  requirements: REQUIREMENTS,
  async run(module): Promise<CheckOutcome> {
    try {
      const open = await probe(module, 0, { ...LOAD, sessionlessTimeoutMs: SESSIONLESS_MS, only: /^(?!per-ip-limit$)/ });
      const limited = await probe(module, PER_IP_LIMIT, { ...LOAD, maxClientCnxns: PER_IP_LIMIT, only: /^per-ip-limit$/ });
      const seen = [...open.requirements, ...limited.requirements];
      const verdicts = [...seen, ...seen.flatMap((v) => (TWINS[v.id] ? [{ ...v, id: TWINS[v.id]! }] : []))].filter((v) => judgedOnWire(v.id));
      const findings: CheckFinding[] = verdicts
        .filter((v) => v.status === 'fail')
        .map((v) => ({ requirements: [v.id], message: v.evidence?.message ?? 'failed on the wire', evidence: [v.evidence?.source ?? 'wire'] }));
      const judged = [...new Set(verdicts.filter((v) => v.status !== 'not-judged').map((v) => v.id))];
      const notJudged = verdicts.filter((v) => v.status === 'not-judged' && !judged.includes(v.id)).map((v) => ({ id: v.id, reason: v.reason ?? 'the wire check could not judge it' }));
      return { judged, findings, notJudged };
    } catch (err) {
      const reason = `the factory could not be probed on real sockets: ${describeError(err)}`;
      return { judged: [], findings: [], notJudged: this.requirements.map((id) => ({ id, reason })) };
    }
  },
};
