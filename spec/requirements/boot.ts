import type { Requirement } from '../requirement.ts';

/** runFromConfig: how configuration turns into zero, one or two configured factories. */
export const bootRequirements: readonly Requirement[] = [
  {
    id: 'boot.client-port',
    area: 'boot',
    level: 'MUST',
    statement:
      'When the configuration has a client port address (clientPort, with clientPortAddress or the wildcard address), runFromConfig ' +
      'MUST create a factory with createFactory, configure it with (that address, maxClientCnxns, clientPortListenBacklog, secure = false) ' +
      'and hand it to the server as its plain factory. ' +
      'When zoo.cfg omits them, maxClientCnxns MUST default to 60 and clientPortListenBacklog to -1; a clientPortAddress without a ' +
      'clientPort MUST be rejected as a configuration error (`clientPortAddress is set but clientPort is not set`).',
    rationale:
      'Boot is the one place where configuration meets the connection layer, so its sequence has to be fixed for a factory to be ' +
      'swappable: every factory receives the same four arguments in the same order and nothing else. Keeping ZooKeeper\'s defaults ' +
      'means a zoo.cfg carried over from ZooKeeper gets the same per-address limit and the same backlog behaviour.',
    sources: [
      { kind: 'seed', file: '000', section: 'runFromConfig' },
      { kind: 'zk', section: '1.1 Factory selection and sockets (both factories)' },
    ],
    invariants: [],
    tests: 'unit, with a recording fixture factory',
  },
  {
    id: 'boot.secure-client-port',
    area: 'boot',
    level: 'MUST',
    statement:
      'When the configuration has a secure client port address (secureClientPort, with secureClientPortAddress or the wildcard), ' +
      'runFromConfig MUST create a second factory the same way and configure it with (that address, the same maxClientCnxns, the same ' +
      'clientPortListenBacklog, secure = true) as the server\'s secure factory. ' +
      'Either port alone or both MAY be configured; a configuration with neither MUST fail before anything is bound. ' +
      'If configuring the second factory fails, the first MUST be shut down so that nothing stays bound.',
    rationale:
      'Plain and secure listeners are independent factories so that each has its own threads, limits and connection set, and a ' +
      'deployment can run TLS only, plaintext only, or both during a migration. A server with no client port at all would start and ' +
      'serve nobody, which is better reported as a mistake at once. Because the NIO factory refuses secure = true, a half-built ' +
      'boot is a real case, and it must not leave the plain port held.',
    sources: [
      { kind: 'seed', file: '000', section: 'runFromConfig' },
      { kind: 'zk', section: '1.1 Factory selection and sockets (both factories)' },
    ],
    invariants: [],
    tests: 'unit, with a recording fixture factory; real sockets for the failure path',
  },
];
