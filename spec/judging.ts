/**
 * How `cnxnspec test` judges each requirement for a factory it loads, in one table so that a report can say
 * exactly what was judged and why the rest was not. A requirement is either judged by one or more modes
 * (spec/requirement.ts JudgeMode), or not judged for a loaded factory with the reason. The reasons are few on
 * purpose: a requirement about something other than the factory (the boot code, the ZooKeeper server behind it,
 * the host runtime the suite provides), or one that the factory contract cannot show.
 * test/judging.test.ts keeps this table and spec/requirements in step.
 */

import type { Judging } from './requirement.ts';

/** Requirements on code that chooses and starts a factory, not on a factory. */
export const ABOUT_BOOT =
  'about the boot code that chooses and starts a factory (reference/boot), not about a factory; judged by cnxnspec\'s own tests';
/** Requirements on the ZooKeeper server a factory serves. */
export const ABOUT_SERVER =
  'about the ZooKeeper server behind the factory, not about the factory; judged by cnxnspec\'s own tests and, for any running server, by `cnxnspec probe`';
/** Requirements on the host runtimes, which the suite itself provides. */
export const ABOUT_RUNTIME =
  'about the host runtime the suite provides, not about the factory; judged by the runtime contract suite on both runtimes';

const sim = { by: ['simulation'] } as const satisfies Judging;
const simWire = { by: ['simulation', 'wire'] } as const satisfies Judging;
const simHarness = { by: ['simulation', 'harness'] } as const satisfies Judging;
const boot = { by: 'not-judgeable', reason: ABOUT_BOOT } as const satisfies Judging;
const server = { by: 'not-judgeable', reason: ABOUT_SERVER } as const satisfies Judging;
const runtime = { by: 'not-judgeable', reason: ABOUT_RUNTIME } as const satisfies Judging;

export const JUDGING: Readonly<Record<string, Judging>> = {
  'factory.select-default': boot,
  'factory.select-by-name': boot,
  'factory.select-log': boot,
  'factory.select-error': boot,
  'factory.client-socket-select': {
    by: 'not-judgeable',
    reason: 'about the reference client\'s choice of socket implementation, not about a server factory; judged by cnxnspec\'s own tests',
  },
  'factory.lifecycle-start-once': { by: ['harness'] },
  'factory.lifecycle-stop': { by: ['simulation', 'wire'] },
  'factory.host-runtime-only': simHarness,
  'boot.client-port': boot,
  'boot.secure-client-port': boot,
  'configure.bind': { by: ['harness', 'wire'] },
  'configure.port-zero': { by: ['wire'] },
  'configure.secure-needs-tls': { by: ['harness'] },
  'nio.thread-counts': { by: ['harness'] },
  'accept.loop': sim,
  'accept.round-robin': sim,
  'accept.per-ip-limit': { by: ['simulation', 'wire', 'harness'] },
  'accept.pause-on-failure': sim,
  'accept.handoff': sim,
  'accept.max-cnxns': sim,
  'selector.loop': sim,
  'selector.register-on-owner': sim,
  'selector.shuffle': { by: ['harness'] },
  'selector.invalid-key': sim,
  'selector.handoff-io': sim,
  'selector.interest-via-update-queue': sim,
  'selector.wakeup-after-offer': sim,
  'selector.level-triggered': sim,
  'io.exclusive': sim,
  'io.zero-workers': sim,
  'cnxn.framing': simWire,
  'cnxn.outgoing-buffers': sim,
  'cnxn.interest-ops': sim,
  'cnxn.throttle': simHarness,
  'cnxn.close': simHarness,
  'cnxn.four-letter-word': sim,
  'lifecycle.open-accept-io-clean': sim,
  'expiry.sessionless': simWire,
  'expiry.session-timeout': sim,
  'expiry.buckets': sim,
  'expiry.touch': sim,
  'expiry.thread': sim,
  // Judged by the harness's own secure runs in the simulation: the generated scenarios are plaintext.
  'netty.start-bind': { by: ['harness'] },
  'netty.tls': { by: ['harness'] },
  'netty.event-loop-affinity': sim,
  'netty.per-ip-limit': simWire,
  'wire.handshake': simWire,
  'wire.ping': simWire,
  'wire.order': simWire,
  'wire.connection-storm': { by: ['wire'] },
  'wire.slow-reader': simWire,
  'wire.bad-frame': simWire,
  'zk.jute-encoding': server,
  'zk.session-lifecycle': server,
  'zk.session-expiry': server,
  'zk.data-tree': server,
  'zk.watches': server,
  'zk.four-letter-words': server,
  'zk.whitelist': server,
  'zk.bad-request': server,
  'zk.serve': server,
  'zk.slow-reader-session': server,
  'zk.builtin-nodes': server,
  'zk.acl-validation': server,
  'zk.acl-enforcement': server,
  'zk.quotas': server,
  'zk.admin-words': server,
  'zk.sasl': server,
  'zk.request-errors': server,
  'zk.auth': server,
  'zk.more-ops': server,
  'zk.persistent-watches': server,
  'zk.remove-watches': server,
  'zk.containers': server,
  'zk.ttl-nodes': server,
  'zk.multi-read': server,
  'runtime.level-triggered': runtime,
  'runtime.sticky-wakeup': runtime,
  'runtime.partial-write': runtime,
  'runtime.thread-identity': runtime,
  'runtime.trace-per-operation': runtime,
  'runtime.deterministic-replay': runtime,
  'runtime.virtual-time': runtime,
};

/** How `id` is judged; requirements missing from the table are a bug that test/judging.test.ts catches. */
export function judgingOf(id: string): Judging | undefined {
  return JUDGING[id];
}
