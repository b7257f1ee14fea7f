import type { Requirement } from '../requirement.ts';

/** The host runtime contract that both the real and the simulated runtime honour. */
export const runtimeRequirements: readonly Requirement[] = [
  {
    id: 'runtime.level-triggered',
    area: 'runtime',
    level: 'MUST',
    statement:
      'A runtime\'s selector MUST report a channel with unread data as readable at every select while OP_READ is in its key\'s ' +
      'interest set, until the data has been read; the same holds for OP_ACCEPT with pending connections and OP_WRITE with room to write.',
    rationale:
      'The factories are written for the readiness semantics of Java NIO on epoll, and their central rule (clear interest during ' +
      'IO) only matters under level-triggered readiness. A simulated runtime that reported readiness once would hide exactly the ' +
      'double-handling bugs the suite exists to find.',
    sources: [{ kind: 'design', section: 'The host runtime contract' }],
    invariants: [],
    tests: 'runtime contract suite on both runtimes',
  },
  {
    id: 'runtime.sticky-wakeup',
    area: 'runtime',
    level: 'MUST',
    statement:
      'A wakeup made while no select is in progress on that selector MUST make the next select return at once; wakeups MUST NOT ' +
      'accumulate beyond one, so after that select returns, the following one blocks as usual.',
    rationale:
      'A thread can offer work and call wakeup just before the selector thread enters select; if that wakeup were lost, the work ' +
      'would wait for an unrelated event. Remembering one pending wakeup closes that gap, and not counting them keeps a burst of ' +
      'offers from turning into a burst of empty passes.',
    sources: [{ kind: 'design', section: 'The host runtime contract' }],
    invariants: [],
    tests: 'runtime contract suite on both runtimes',
  },
  {
    id: 'runtime.partial-write',
    area: 'runtime',
    level: 'MUST',
    statement:
      'A channel write MUST accept only as many bytes as the socket can take without unbounded buffering and MUST report how many ' +
      'it took; the rest stays with the caller, who retries after the next writable event.',
    rationale:
      'Partial writes are what make outgoing queues, OP_WRITE interest and slow-reader behaviour necessary. A runtime that ' +
      'silently buffered everything would let a factory pass tests while holding unbounded memory for a slow client, and the ' +
      'simulation has to be able to choose short writes to exercise the remainder path.',
    sources: [{ kind: 'design', section: 'The host runtime contract' }],
    invariants: [],
    tests: 'runtime contract suite on both runtimes',
  },
  {
    id: 'runtime.thread-identity',
    area: 'runtime',
    level: 'MUST',
    statement:
      'Every runtime call MUST be attributed to the logical thread that made it (the name given to spawn, such as ' +
      '`SelectorThread-1`), and the trace event it produces MUST record that name.',
    rationale:
      'The central invariants are statements about which thread did what: registration on the owner, interest changes on the ' +
      'owner, expiry closes on the expirer. They can only be checked if every event carries its thread, and only trusted if the ' +
      'runtime, not the factory, supplies it.',
    sources: [{ kind: 'design', section: 'The host runtime contract' }],
    invariants: [],
    tests: 'runtime contract suite on both runtimes',
  },
  {
    id: 'runtime.trace-per-operation',
    area: 'runtime',
    level: 'MUST',
    statement:
      'Every runtime operation MUST emit exactly one trace event (a blocking wait emits two: one when it begins and one when it ' +
      'ends), produced by the runtime and never by the factory, and every event MUST be valid against the trace schema.',
    rationale:
      'Invariants are judged on traces alone, so the trace must be a complete and faithful record of what the factory asked of ' +
      'the runtime. Emitting from the runtime means a factory cannot leave out or misstate an operation, and the begin and end ' +
      'pair of a blocking wait is what shows whether a thread slept through work that was waiting for it.',
    sources: [
      { kind: 'design', section: 'The host runtime contract' },
      { kind: 'design', section: 'The one idea' },
    ],
    invariants: [],
    tests: 'runtime contract suite on both runtimes, validating every event against the schema',
  },
  {
    id: 'runtime.deterministic-replay',
    area: 'runtime',
    level: 'MUST',
    statement:
      'In the simulated runtime, running the same scenario with the same sequence of scheduling choices MUST produce a ' +
      'byte-identical trace.',
    rationale:
      'A concurrency failure is only useful if it can be reproduced, shrunk and debugged; that needs the schedule, not luck, to ' +
      'decide every interleaving. Byte-identical traces make replay checkable by comparison and let shrinking trust that a ' +
      'smaller choice list that still fails is the same bug.',
    sources: [{ kind: 'design', section: 'The one idea' }],
    invariants: [],
    tests: 'runtime contract suite: run twice, compare traces byte for byte',
  },
  {
    id: 'runtime.virtual-time',
    area: 'runtime',
    level: 'MUST',
    statement:
      'In the simulated runtime, time MUST advance only when no logical thread is runnable, and then straight to the next timer or ' +
      'scripted peer action; no real time may be spent waiting.',
    rationale:
      'Expiry, accept pauses and select timeouts are measured in seconds, and waiting for them in real time would make the suite ' +
      'slow and its timing flaky. Advancing only at quiescence keeps timing exact and lets a ten-second timeout be tested in ' +
      'microseconds.',
    sources: [
      { kind: 'design', section: 'The one idea' },
      { kind: 'design', section: 'The host runtime contract' },
    ],
    invariants: [],
    tests: 'runtime contract suite on the simulated runtime',
  },
];
