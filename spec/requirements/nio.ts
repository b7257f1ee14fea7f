import type { Requirement } from '../requirement.ts';

/** The NIO factory's threads and their default counts. */
export const nioRequirements: readonly Requirement[] = [
  {
    id: 'nio.thread-counts',
    area: 'nio',
    level: 'MUST',
    statement:
      'A started NIO factory MUST run exactly 1 accept thread (`AcceptThread`), N selector threads (`SelectorThread-0` to ' +
      '`SelectorThread-<N-1>`), M worker threads (`NIOWorker-<k>`) and 1 connection expirer thread (`ConnnectionExpirer`). ' +
      'N comes from `zookeeper.nio.numSelectorThreads`, default max(floor(sqrt(cores / 2)), 1); M comes from ' +
      '`zookeeper.nio.numWorkerThreads`, default 2 x cores, where 0 or a negative value means no worker pool (io.zero-workers). ' +
      'N < 1 MUST fail configure with `numSelectorThreads must be at least 1`; on 32 cores the defaults are N = 4 and M = 64.',
    rationale:
      'Each role has a different reason to block: accepting, waiting for readiness, doing socket IO, and waiting for a deadline. ' +
      'A single select over a very large set of connections becomes a bottleneck, so the connections are split over a few ' +
      'selectors; the count grows slowly with cores because each selector is cheap to keep busy. Workers take the IO off the ' +
      'selectors so that readiness keeps being collected while bytes move. The expirer is separate because idle connections ' +
      'without a session have no other owner that would ever close them.',
    sources: [
      { kind: 'seed', file: '000', section: 'NIO: thread list' },
      { kind: 'zk', section: '1.2 NIO factory (NIOServerCnxnFactory)' },
      { kind: 'zk', section: '2.1 Threads and queues' },
    ],
    invariants: ['configured-matches-given'],
    tests: 'unit for the default formula by core count; simulation counting thread-start events by name',
  },
];
