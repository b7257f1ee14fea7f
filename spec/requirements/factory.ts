import type { Requirement } from '../requirement.ts';

/** Choosing a factory implementation by name, and the factory's own start/stop lifecycle. */
export const factoryRequirements: readonly Requirement[] = [
  {
    id: 'factory.select-default',
    area: 'factory',
    level: 'MUST',
    statement:
      'When the `zookeeper.serverCnxnFactory` setting is absent, createFactory MUST return a new instance of the reference NIO factory. ' +
      'No other setting may change this default.',
    rationale:
      'A server started with no opinion about its connection layer should get the implementation that needs nothing beyond the ' +
      'host platform and that every other requirement treats as the baseline. ZooKeeper makes the same choice, so a zoo.cfg ' +
      'written for ZooKeeper behaves the same here when it says nothing.',
    sources: [
      { kind: 'seed', file: '000', section: 'createFactory' },
      { kind: 'seed', file: '001', section: 'opening: createFactory' },
      { kind: 'zk', section: '1.1 Factory selection and sockets (both factories)' },
    ],
    invariants: [],
    tests: 'unit',
  },
  {
    id: 'factory.select-by-name',
    area: 'factory',
    level: 'MUST',
    statement:
      'createFactory MUST read `zookeeper.serverCnxnFactory` on every call and treat its value as the name of the implementation: ' +
      'the reference NIO and Netty-style factories by the names the reference registers for them, and any other value as a module ' +
      'path whose module exports a factory. ' +
      'runFromConfig MUST use the one resolved implementation for both the plain and the secure client port.',
    rationale:
      'Naming the implementation in configuration lets an operator swap the connection layer, or plug in a third-party one, ' +
      'without touching the server. Resolving per call keeps the choice a pure function of the current setting. Using one ' +
      'choice for both ports avoids a server whose plain and secure listeners follow different threading and throttling rules.',
    sources: [
      { kind: 'seed', file: '000', section: 'createFactory' },
      { kind: 'seed', file: '001', section: 'opening: createFactory' },
      { kind: 'zk', section: '1.1 Factory selection and sockets (both factories)' },
    ],
    invariants: [],
    tests: 'unit, with a fixture factory module loaded by path',
  },
  {
    id: 'factory.select-log',
    area: 'factory',
    level: 'MUST',
    statement:
      'After the chosen implementation has been instantiated, createFactory MUST log at info level the line ' +
      '`Using <name> as server connection factory`, where <name> is the resolved name (the default one when the setting is absent). ' +
      'The line MUST NOT be logged when instantiation fails.',
    rationale:
      'The factory decides the threading model of every client connection, so the log must say which one is running before any ' +
      'client arrives. Logging only after success means the line is proof that the named implementation really was built, and ' +
      'keeping the exact ZooKeeper wording lets existing log searches keep working.',
    sources: [
      { kind: 'seed', file: '000', section: 'createFactory' },
      { kind: 'seed', file: '001', section: 'opening: createFactory' },
    ],
    invariants: [],
    tests: 'unit, capturing the runtime log',
  },
  {
    id: 'factory.select-error',
    area: 'factory',
    level: 'MUST',
    statement:
      'When the named implementation cannot be loaded, does not export a factory, or throws while being constructed, createFactory ' +
      'MUST fail with an error whose message is `Couldn\'t instantiate <name>` and whose cause is the underlying error. ' +
      'Such a failure MUST leave no socket bound, no logical thread running and no timer pending.',
    rationale:
      'A misspelt setting must stop the server loudly at boot rather than fall back silently to something the operator did not ask ' +
      'for; one of the seeds even shows the exception being swallowed, which is the behaviour to avoid. Carrying the cause keeps ' +
      'the real reason (missing module, bad export, constructor error) visible. Because the failure happens before configure, ' +
      'nothing can have been acquired yet, and a retry must find the port free.',
    sources: [
      { kind: 'seed', file: '000', section: 'createFactory' },
      { kind: 'seed', file: '001', section: 'opening: createFactory' },
      { kind: 'zk', section: '1.1 Factory selection and sockets (both factories)' },
    ],
    invariants: [],
    tests: 'unit, with a missing module, a module without a factory and a throwing constructor',
  },
  {
    id: 'factory.client-socket-select',
    area: 'factory',
    level: 'MUST',
    statement:
      'The reference client MUST choose its socket implementation from the `zookeeper.clientCnxnSocket` setting in the same way: ' +
      'absent selects the default NIO-style client socket, a name selects the named implementation (the Netty-style one by its ' +
      'registered name, anything else as a module path), and a name that cannot be instantiated fails with ' +
      '`Couldn\'t instantiate <name>` carrying the cause.',
    rationale:
      'ZooKeeper pairs a server-side and a client-side switch so that either end can move to the Netty transport on its own. ' +
      'Mirroring the mechanism in the reference client lets the suite drive every server factory with every client socket, and ' +
      'one selection rule for both ends means one set of tests covers both.',
    sources: [{ kind: 'seed', file: '000', section: 'createFactory: zookeeper.clientCnxnSocket quote' }],
    invariants: [],
    tests: 'unit',
  },
  {
    id: 'factory.lifecycle-start-once',
    area: 'factory',
    level: 'MUST',
    statement:
      'On a configured factory that has not been stopped, start MUST clear `stopped`, create the worker pool only if none exists, ' +
      'and start each selector thread, the accept thread and the connection expirer thread, each at most once in the life of the factory. ' +
      'A second start MUST be a no-op: it spawns no thread and creates no pool. ' +
      'A start after stop MUST NOT spawn any thread or accept any connection: a stopped factory is not restartable.',
    rationale:
      'Callers such as startup paths and tests may call start more than once; guarding each thread individually makes that ' +
      'harmless instead of doubling the selector threads that own the same selectors. Creating the pool lazily in start, not in ' +
      'configure, means a factory that is configured and shut down without ever starting spends no threads. Refusing a restart ' +
      'keeps the end state of stop final, which is what lets stop promise that nothing runs afterwards.',
    sources: [
      { kind: 'seed', file: '000', section: 'NIO: start' },
      { kind: 'zk', section: '2.9 start / stop / shutdown / join / reconfigure / closeAll' },
    ],
    invariants: [],
    tests: 'simulation: start twice, and start after stop, counting thread-start events',
  },
  {
    id: 'factory.lifecycle-stop',
    area: 'factory',
    level: 'MUST',
    statement:
      'stop MUST be idempotent and MUST set `stopped`, close the listening socket so that no connection is accepted afterwards, wake ' +
      'the accept thread and every selector thread (or close the selector of one that is not running), end the expirer\'s sleep and ' +
      'stop the worker pool. ' +
      'shutdown MUST perform stop, then join, then close every remaining connection with reason server_shutdown, and every channel ' +
      'still queued in an acceptedQueue MUST be closed; when shutdown returns the port MUST be free to bind again, even if start was never called. ' +
      'join MUST return only after every logical thread of the factory has ended, and after shutdown no socket, thread or timer of the factory may remain. ' +
      'The worker threads MUST end within shutdownTimeout (zookeeper.nio.shutdownTimeout) of stop: a handler call still under way ' +
      'in one is cut short (interrupted) rather than waited for; only a read or write already under way may finish first.',
    rationale:
      'A server embedded in tests or restarted in-process must give back everything it took, or each cycle leaks descriptors and ' +
      'threads until the host runs out. Threads that block in select or sleep only notice the flag when woken, so stop must wake ' +
      'each of them explicitly. Closing with a recorded reason keeps shutdown distinguishable from client or expiry closes, and ' +
      'channels still waiting in a queue belong to nobody else, so stop has to close them itself.',
    sources: [
      { kind: 'zk', section: '2.9 start / stop / shutdown / join / reconfigure / closeAll' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
      { kind: 'zk', section: '2.11 Cleanup paths, summarised' },
    ],
    invariants: ['stop-ends-everything', 'stop-ends-promptly', 'workers-end-by-shutdown-timeout'],
    tests: 'simulation with stop at every point of a chosen schedule; real sockets for port release',
  },
  {
    id: 'factory.host-runtime-only',
    area: 'factory',
    level: 'MUST',
    statement:
      'A factory MUST do everything that involves threads, sockets, selectors, queues or time through the host runtime it is ' +
      'given, awaiting every call, and MUST NOT touch node:net, timers, Date.now or any other source of real time or real IO ' +
      'itself. Between two runtime calls a logical thread MUST finish in bounded time: no synchronous busy loops, no awaiting ' +
      'promises that only something outside the runtime settles. A logical thread\'s body MUST NOT end with an uncaught exception.',
    rationale:
      'The simulation can only explore interleavings it can see, and it sees exactly the runtime calls. A factory that waits on a ' +
      'real timer or spins between calls escapes the scheduler, so the suite would judge a different program from the one that ' +
      'runs in production. The same rule is what lets one factory run unchanged on real sockets and in the simulation, and it is ' +
      'why the harness runs factories under a watchdog that names the run that stopped answering.',
    sources: [
      { kind: 'design', section: 'The host runtime contract' },
      { kind: 'design', section: 'The conformance harness' },
    ],
    invariants: ['handler-exception-contained'],
    tests: 'conformance harness: broken factories that await a real timer, spin, or throw from a thread are reported with a replay line',
  },
];
