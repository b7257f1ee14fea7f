import type { Requirement } from '../requirement.ts';

/** IO work: one connection, one thread at a time, with or without a worker pool. */
export const ioRequirements: readonly Requirement[] = [
  {
    id: 'io.exclusive',
    area: 'io',
    level: 'MUST',
    statement:
      'At most one IO work request per connection MUST be scheduled or running at any time: between the event that schedules IO ' +
      'for a connection and the event that finishes it, no other IO for that connection may be scheduled. ' +
      'No two logical threads may read from, or write to, one connection\'s channel at overlapping times; other threads hand ' +
      'output to the connection\'s outgoingBuffers instead of writing the socket.',
    rationale:
      'A connection\'s read state (a half-read length prefix, a partly filled payload) and its write position in outgoingBuffers ' +
      'are plain per-connection state; two threads advancing them at once would split frames or interleave responses. Making IO ' +
      'exclusive by construction, through cleared interest and a single work request, avoids locking that state at all.',
    sources: [
      { kind: 'seed', file: '000', section: 'SelectorThread.updateQueue' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
      { kind: 'zk', section: '2.5 IOWorkRequest.doWork() (worker thread, or the selector thread if there are no workers)' },
    ],
    invariants: ['io-exclusive', 'facts-match-observation', 'no-io-after-close'],
    tests: 'simulation with a chosen schedule and several workers',
  },
  {
    id: 'io.zero-workers',
    area: 'io',
    level: 'MUST',
    statement:
      'With numWorkerThreads = 0 the selector thread MUST run each IO work request itself, synchronously, while handling the key, ' +
      'and every selector, io, cnxn and expiry requirement MUST still hold. ' +
      'In particular it still clears interest before the IO and restores it through its own updateQueue, waking its own selector so ' +
      'that the next select returns at once.',
    rationale:
      'Zero workers is a legitimate configuration for small servers and for debugging, and it is the easiest place for an ' +
      'implementation to take shortcuts that break later with a pool. Keeping the same path, only run on a different thread, ' +
      'means the rules are proven once and hold for both configurations; the self-wakeup costs one cheap select and keeps the ' +
      'restore in the same loop pass.',
    sources: [
      { kind: 'seed', file: '000', section: 'NIO: thread list' },
      { kind: 'zk', section: '2.6 WorkerService (WorkerService.java)' },
      { kind: 'zk', section: '2.7 Running with 0 worker threads' },
    ],
    invariants: ['io-exclusive', 'interest-via-update-queue', 'wakeup-after-offer'],
    tests: 'the whole simulation suite rerun with 0 workers',
  },
];
