import type { Requirement } from '../requirement.ts';

/** The life of one connection through the four phases of seed 001. */
export const lifecycleRequirements: readonly Requirement[] = [
  {
    id: 'lifecycle.open-accept-io-clean',
    area: 'lifecycle',
    level: 'MUST',
    statement:
      'Every connection MUST pass through four phases in order: open (the listening socket bound by configure), accept (taken by ' +
      'the accept thread and handed to a selector thread), read/write (registered by its selector thread and served by IO ' +
      'passes), and clean (closed with a reason and removed from every structure of the factory). ' +
      'Every channel returned by accept MUST end either registered with exactly one selector or closed: none may be lost between ' +
      'phases, and none may be left queued, unregistered and open once the factory has stopped.',
    rationale:
      'Each phase is owned by a different thread, so a connection crosses thread boundaries twice before it serves a single ' +
      'request, and every crossing is a place where it could be dropped by a race or a stop. Stating the end condition for every ' +
      'accepted channel turns those crossings into one property that a trace can check, and it is the property whose violation ' +
      'shows up as leaked descriptors.',
    sources: [
      { kind: 'seed', file: '001', section: 'four phases: open, accept, selector, clean' },
      { kind: 'zk', section: '2.11 Cleanup paths, summarised' },
    ],
    invariants: ['accepted-ends-registered-or-closed', 'stop-ends-everything', 'close-has-cause'],
    tests: 'simulation with a chosen schedule, faults and stop at any point',
  },
];
