import type { Requirement } from '../requirement.ts';

/** The accept thread: its loop, the distribution of connections, the per-address limit, and the handoff. */
export const acceptRequirements: readonly Requirement[] = [
  {
    id: 'accept.loop',
    area: 'accept',
    level: 'MUST',
    statement:
      'The accept thread MUST loop while the factory is not stopped and the listening socket is open, each pass being one select on ' +
      'its own selector followed by handling the selected keys. ' +
      'An exception thrown within a pass MUST be logged (and traced) and MUST NOT end the loop. ' +
      'When the loop ends the accept thread MUST close its selector and stop the factory.',
    rationale:
      'The accept thread is the only way new clients get in, so one bad pass (a reset peer, a transient socket error) must not ' +
      'lock every future client out of a server that is otherwise healthy. Ending only on stop or on a closed listening socket ' +
      'ties its life to exactly the two conditions under which accepting is meaningless, and stopping the whole factory when it ' +
      'exits avoids a server that serves old clients but silently refuses new ones.',
    sources: [
      { kind: 'seed', file: '001', section: '二、监听socket接入 (accept)' },
      { kind: 'zk', section: '2.3 AcceptThread loop' },
    ],
    invariants: ['handler-exception-contained'],
    tests: 'simulation with an exception injected into one accept pass',
  },
  {
    id: 'accept.round-robin',
    area: 'accept',
    level: 'MUST',
    statement:
      'The accept thread MUST hand accepted connections to the selector threads in a fixed cyclic order: each handoff goes to the ' +
      'selector thread after the one used by the previous handoff, and after the last it restarts at the first. ' +
      'A connection refused before handoff (accept.per-ip-limit) MUST NOT consume a turn.',
    rationale:
      'Cycling spreads connections evenly over the selectors with no shared counters and no measurement of load, and it is ' +
      'decided entirely on the accept thread, so it needs no locking. Because a connection stays with its selector for life, an ' +
      'even initial spread is the only balancing that ever happens, which is why the order must not skip or repeat.',
    sources: [
      { kind: 'seed', file: '001', section: '二、监听socket接入 (accept)' },
      { kind: 'zk', section: '2.3 AcceptThread loop' },
    ],
    invariants: ['round-robin'],
    tests: 'simulation with several selector threads and a burst of connections',
  },
  {
    id: 'accept.per-ip-limit',
    area: 'accept',
    level: 'MUST',
    statement:
      'When maxClientCnxns > 0 and the remote address already holds maxClientCnxns connections on this factory, the accept thread ' +
      'MUST refuse the new connection: close it before reading any byte, never hand it to a selector thread, and log ' +
      '`Too many connections from <ip> - max is <n>`. ' +
      'maxClientCnxns = 0 or a negative value means no limit; the count is per factory and per remote IP address, and it MUST include ' +
      'every registered connection from that address (connections handed off but not yet registered MAY be left out).',
    rationale:
      'One misbehaving host, such as a client in a reconnect loop, could otherwise use up the descriptors and memory meant for all ' +
      'clients. Refusing at accept time costs almost nothing, because the connection never reaches a selector or a worker. The ' +
      'limit is per address because that is the unit a runaway client shares, and per factory because the plain and secure ' +
      'listeners keep separate connection sets.',
    sources: [
      { kind: 'seed', file: '001', section: '二、监听socket接入 (accept)' },
      { kind: 'zk', section: '2.3 AcceptThread loop' },
      { kind: 'zk', section: '1.1 Factory selection and sockets (both factories)' },
    ],
    invariants: ['per-ip-limit', 'configured-matches-given'],
    tests: 'simulation with many scripted peers from one address; real sockets on 127.0.0.1',
  },
  {
    id: 'accept.pause-on-failure',
    area: 'accept',
    level: 'MUST',
    statement:
      'When the accept call itself fails (for example EMFILE, out of file descriptors), the accept thread MUST stop selecting for ' +
      'accepts for 10 ms: it sets the listening key\'s interest ops to 0, waits in a select with a 10 ms timeout (a wakeup MAY end ' +
      'it early), then restores OP_ACCEPT and resumes its loop. ' +
      'It MUST NOT retry accept without this pause, and a connection refused after a successful accept (limit, failed handoff) ' +
      'MUST NOT cause a pause.',
    rationale:
      'The listening socket stays ready as long as connections are pending, so after a failed accept the next select returns at ' +
      'immediately and the thread would spin at full speed, filling the log while nothing changes. A short pause gives other parts of the ' +
      'server (the expirer, closing clients) time to free descriptors. Rejections after a successful accept are different: the ' +
      'descriptor was obtained and closed, so there is no shortage to wait out.',
    sources: [
      { kind: 'seed', file: '001', section: '二、监听socket接入 (accept)' },
      { kind: 'zk', section: '2.3 AcceptThread loop' },
    ],
    invariants: ['accept-pause-on-failure'],
    tests: 'simulation with an injected EMFILE from accept, in virtual time',
  },
  {
    id: 'accept.handoff',
    area: 'accept',
    level: 'MUST',
    statement:
      'The accept thread MUST NOT register an accepted channel with any selector. ' +
      'It MUST make the channel non-blocking, offer it to the chosen selector thread\'s acceptedQueue and then wake that selector thread\'s selector. ' +
      'If that selector thread is stopped or the offer is refused, the accept thread MUST close the channel instead.',
    rationale:
      'Registering with a selector contends with a select in progress on that selector, so only the thread that owns the selector ' +
      'may do it; the accept thread instead leaves the channel in a queue that only the owner drains. The owner blocks only in ' +
      'select and never on its queues, so the wakeup is what makes it look at the queue now rather than at some unrelated later ' +
      'event. A channel that cannot be queued has no other owner, so closing it is the only way it is not leaked.',
    sources: [
      { kind: 'seed', file: '001', section: '二、监听socket接入 (accept)' },
      { kind: 'seed', file: '001', section: '三、总结: wakeUp and addAcceptedConnection' },
      { kind: 'seed', file: '000', section: 'SelectorThread.acceptedQueue' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
    ],
    invariants: ['register-on-owner', 'wakeup-after-offer', 'accepted-ends-registered-or-closed'],
    tests: 'simulation with a chosen schedule, including a selector thread stopping during handoff',
  },
  {
    id: 'accept.max-cnxns',
    area: 'accept',
    level: 'MUST',
    statement:
      'When maxCnxns > 0 and the factory already holds maxCnxns connections, the accept thread MUST refuse a new connection ' +
      '(close it before reading any byte, reason refused_max_cnxns) and log `Too many connections <n> - max is <maxCnxns>`. ' +
      'maxCnxns = 0 (the default) means no limit. As with the per-address limit, connections handed off but not yet registered ' +
      'MAY be left out of the count.',
    rationale:
      'The per-address limit protects the server from one host; the total limit protects it from many, bounding the descriptors, ' +
      'buffers and sessions a flood of clients can take. Refusing at accept time costs nothing beyond the accept itself.',
    sources: [{ kind: 'zk', section: '2.3 AcceptThread loop' }],
    invariants: [],
    tests: 'simulation: the conformance handler counts the connections open at once against maxCnxns',
  },
];
