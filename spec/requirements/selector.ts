import type { Requirement } from '../requirement.ts';

/** The selector threads: their loop, registration, the handoff to IO, and the two queues that feed them. */
export const selectorRequirements: readonly Requirement[] = [
  {
    id: 'selector.loop',
    area: 'selector',
    level: 'MUST',
    statement:
      'Each selector thread MUST loop while the factory is not stopped, each pass being: one select on its own selector (the only ' +
      'call of the pass that may block), handling the selected keys, then draining its acceptedQueue, then draining its updateQueue, ' +
      'both with non-blocking polls until the queue is empty or the factory is stopped. ' +
      'An exception in one pass MUST be logged (and traced) and MUST NOT end the loop. ' +
      'When the loop ends it MUST close every selectable connection with reason server_shutdown, cancel every key, close every ' +
      'channel left in its acceptedQueue, discard its updateQueue, close its selector and stop the factory.',
    rationale:
      'A selector thread has two kinds of input, readiness from the kernel and work from other threads, and can wait on only one ' +
      'of them; it waits in select and turns queued work into wakeups, so both kinds end up handled in one place. Polling instead ' +
      'of taking keeps a queue from holding the thread while ready keys pile up. Surviving a bad pass protects every other ' +
      'connection on that selector, and the exit sweep makes sure the connections it owned do not outlive it.',
    sources: [
      { kind: 'seed', file: '001', section: '三、socket读写事件处理 (selector)' },
      { kind: 'seed', file: '001', section: '三、总结: wakeUp and addAcceptedConnection' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
    ],
    invariants: ['liveness-no-lost-wakeup', 'stop-ends-everything', 'handler-exception-contained'],
    tests: 'simulation with a chosen schedule and an exception injected into one pass',
  },
  {
    id: 'selector.register-on-owner',
    area: 'selector',
    level: 'MUST',
    statement:
      'A channel MUST be registered with a selector only by the selector thread that owns that selector. ' +
      'For each channel it polls from its acceptedQueue, that thread MUST register it with interest OP_READ, create the connection ' +
      'object, attach it to the key and add it to the factory\'s connection set and per-address count (touching its expiry). ' +
      'If any of these steps fails, the key MUST be cancelled and the socket closed.',
    rationale:
      'Registering a channel and changing interest ops contend with a select that is running on the same selector, so letting ' +
      'any other thread do it would either stall behind the select or race with it. Giving each selector a single owner removes ' +
      'that contention entirely. Doing all the bookkeeping in the same step means a connection is either fully known to the ' +
      'factory or closed, never half-registered.',
    sources: [
      { kind: 'seed', file: '000', section: 'SelectorThread.acceptedQueue' },
      { kind: 'seed', file: '000', section: 'NIOServerCnxn.outgoingBuffers' },
      { kind: 'seed', file: '001', section: '三、socket读写事件处理 (selector)' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
    ],
    invariants: ['register-on-owner', 'accepted-ends-registered-or-closed'],
    tests: 'simulation with a chosen schedule and injected register failures',
  },
  {
    id: 'selector.shuffle',
    area: 'selector',
    level: 'MUST',
    statement:
      'After each select the selector thread MUST handle the ready keys in a random order, a fresh permutation each pass, removing ' +
      'each key from the selected set as it is handled. ' +
      'The randomness MUST come from a source that a seeded simulated run reproduces exactly.',
    rationale:
      'The selector reports ready keys in an order tied to registration, so walking them in that order would always serve the ' +
      'same connections first and the same ones last. Under sustained load the ones at the end would see consistently higher ' +
      'latency, and with a stop midway they would be the ones never served. A fresh random order spreads that cost evenly, and a ' +
      'seeded source keeps runs replayable.',
    sources: [
      { kind: 'seed', file: '001', section: '三、socket读写事件处理 (selector)' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
    ],
    invariants: [],
    tests: 'simulation: with many ready keys, the handling order varies across seeds and is identical on replay',
  },
  {
    id: 'selector.invalid-key',
    area: 'selector',
    level: 'MUST',
    statement:
      'A key that is invalid when it comes out of select MUST be cancelled and cleaned up, with no IO done for it. ' +
      'A key that is invalid when polled from the updateQueue MUST be cleaned up the same way, and its interest ops MUST NOT be set.',
    rationale:
      'A key becomes invalid when its channel was closed or its registration cancelled by another path, often between the select ' +
      'and the moment the key is looked at. Doing IO on it, or setting interest ops on it, would fail or act on a dead connection, ' +
      'while cleaning it up makes sure the selector drops it from its key set.',
    sources: [
      { kind: 'seed', file: '001', section: '三、socket读写事件处理 (selector)' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
      { kind: 'zk', section: '2.11 Cleanup paths, summarised' },
    ],
    invariants: ['invalid-key-untouched'],
    tests: 'simulation with a peer reset or a close racing the select',
  },
  {
    id: 'selector.handoff-io',
    area: 'selector',
    level: 'MUST',
    statement:
      'For each valid key that is readable or writable the selector thread MUST, in this order: mark the connection not selectable, ' +
      'set the key\'s interest ops to 0, touch the connection\'s expiry, and schedule one IO work request for it on the worker pool ' +
      '(running it inline on the selector thread when there are 0 workers). ' +
      'A ready key with neither read nor write readiness MUST be logged as `Unexpected ops in select <ops>` and otherwise ignored.',
    rationale:
      'Readiness is level-triggered, so a key left interested while a worker reads it would be selected again on the next pass and ' +
      'a second thread would start on the same connection. Clearing the interest first, on the thread that owns the key, closes ' +
      'that window before the work leaves the selector. Marking the connection not selectable also stops other threads from ' +
      'asking for an interest update while the work is out.',
    sources: [
      { kind: 'seed', file: '000', section: 'SelectorThread.updateQueue' },
      { kind: 'seed', file: '001', section: '三、socket读写事件处理 (selector)' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
    ],
    invariants: ['io-exclusive', 'interest-via-update-queue'],
    tests: 'simulation with a chosen schedule',
  },
  {
    id: 'selector.interest-via-update-queue',
    area: 'selector',
    level: 'MUST',
    statement:
      'After an IO pass the worker, like any other thread that changes what a connection wants (a response being queued, throttling), ' +
      'MUST NOT set interest ops: it marks the connection selectable again, offers the key to the owning selector thread\'s ' +
      'updateQueue and wakes that selector. ' +
      'When the selector thread polls the key and the connection is still selectable, it MUST set the key\'s interest ops to the ' +
      'connection\'s current interest ops (cnxn.interest-ops). ' +
      'Every interestOps call on a connection\'s key MUST happen on its owning selector thread; if the offer is refused because the ' +
      'factory is stopping, the worker MUST close the connection with reason connection_mode_changed.',
    rationale:
      'Changing interest ops from another thread contends with the select in progress on that selector, which is exactly what ' +
      'single ownership avoids. Sending the key back through a queue makes the restore a message to the owner, and reading the ' +
      'interest from the connection at that moment, not at the moment of the request, means the owner applies the latest state ' +
      'even when several requests were queued. A refused offer means nobody will ever restore the key, so the connection cannot ' +
      'be left open.',
    sources: [
      { kind: 'seed', file: '000', section: 'SelectorThread.updateQueue' },
      { kind: 'seed', file: '001', section: '三、socket读写事件处理 (selector)' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
      { kind: 'zk', section: '2.5 IOWorkRequest.doWork() (worker thread, or the selector thread if there are no workers)' },
    ],
    invariants: ['interest-via-update-queue'],
    tests: 'simulation with a chosen schedule',
  },
  {
    id: 'selector.wakeup-after-offer',
    area: 'selector',
    level: 'MUST',
    statement:
      'Every successful offer to a selector thread\'s acceptedQueue or updateQueue MUST be followed by a wakeup of that selector, ' +
      'made by the offering thread before it offers again or blocks. ' +
      'The selector thread MUST NOT block on either queue, and no item may remain in a queue while its selector thread blocks in ' +
      'select with no wakeup pending (no lost wakeup).',
    rationale:
      'The selector thread blocks only in select, never on its queues, so a queued item by itself does nothing: without a wakeup it ' +
      'waits until some unrelated readiness event, which on a quiet server may be never. Waking after the offer, not before, ' +
      'matters because a wakeup sent first could be consumed by a select that then drains an empty queue and blocks again. With a ' +
      'sticky wakeup the order offer-then-wakeup is enough to guarantee the item is seen on the next pass.',
    sources: [
      { kind: 'seed', file: '001', section: '三、总结: wakeUp and addAcceptedConnection' },
      { kind: 'seed', file: '000', section: 'SelectorThread.acceptedQueue' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
    ],
    invariants: ['wakeup-after-offer', 'liveness-no-lost-wakeup'],
    tests: 'simulation with PCT and exhaustive small schedules around offer and select',
  },
  {
    id: 'selector.level-triggered',
    area: 'selector',
    level: 'MUST',
    statement:
      'A factory MUST treat readiness as level-triggered: a channel with unread data, or pending output room, is reported ready at ' +
      'every select while the matching op is in its interest set. ' +
      'It MUST therefore clear a key\'s interest ops before its IO is handed to any thread and restore them only after that IO has ' +
      'finished, and MUST NOT rely on readiness being reported only once.',
    rationale:
      'Because the selector repeats readiness until the data is consumed, the only way to keep a connection from being handed out ' +
      'twice is to take it out of the selector\'s view while its IO runs. The same property makes reading one frame per pass safe: ' +
      'bytes left in the socket are reported again, so nothing is lost by stopping early.',
    sources: [
      { kind: 'seed', file: '000', section: 'SelectorThread.updateQueue' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
      { kind: 'design', section: 'The host runtime contract' },
    ],
    invariants: ['io-exclusive'],
    tests: 'simulation: a peer sends two frames at once and both are read, never concurrently',
  },
];
