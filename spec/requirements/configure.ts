import type { Requirement } from '../requirement.ts';

/** configure: opening and binding the listening socket, ephemeral ports, and the TLS restriction. */
export const configureRequirements: readonly Requirement[] = [
  {
    id: 'configure.bind',
    area: 'configure',
    level: 'MUST',
    statement:
      'The NIO factory\'s configure(address, maxClientCnxns, backlog, secure) MUST open a listening socket, enable address reuse, ' +
      'bind it to the address with the given backlog (-1 meaning the platform default), switch it to non-blocking mode and create, ' +
      'but not start, the accept thread, so the port is in use when configure returns even if start is never called. ' +
      'The Netty-style factory\'s configure MUST only record the address, limit, backlog and secure flag, and MUST bind in start ' +
      '(netty.start-bind).',
    rationale:
      'Binding during configure makes an address conflict fail the configuration step, before any thread exists, and lets the ' +
      'caller learn the real port early. Address reuse lets a restarted server take its port back while old connections linger ' +
      'in TIME_WAIT. The backlog is passed through rather than fixed because it decides whether a burst of simultaneous connects ' +
      'queues in the kernel or overflows into retransmits. The Netty-style factory defers binding because its listening channel ' +
      'only exists once its event loops run.',
    sources: [
      { kind: 'seed', file: '001', section: '一、创建ServerSocket (open)' },
      { kind: 'zk', section: '2.2 configure(addr, maxcc, backlog, secure)' },
      { kind: 'zk', section: '4.1 Lifecycle' },
      { kind: 'zk', section: '1.1 Factory selection and sockets (both factories)' },
    ],
    invariants: [],
    tests: 'real sockets on 127.0.0.1: the port refuses a second bind after configure and before start',
  },
  {
    id: 'configure.port-zero',
    area: 'configure',
    level: 'MUST',
    statement:
      'When the configured port is 0 the factory MUST bind an ephemeral port chosen by the system, and once bound its local address ' +
      'and local port MUST report the bound address and the real port, never 0. ' +
      'The NIO factory MUST report them from the end of configure on; the Netty-style factory from the end of start on.',
    rationale:
      'Tests and embedded servers need a port that is certainly free, and only the system can choose one without a race. Such a ' +
      'port is useless unless the factory can say which one it got, so the factory has to read it back from the socket instead of ' +
      'echoing its configuration.',
    sources: [
      { kind: 'zk', section: '2.2 configure(addr, maxcc, backlog, secure)' },
      { kind: 'zk', section: '4.1 Lifecycle' },
      { kind: 'seed', file: '000', section: 'Netty: start' },
    ],
    invariants: [],
    tests: 'real sockets on 127.0.0.1',
  },
  {
    id: 'configure.secure-needs-tls',
    area: 'configure',
    level: 'MUST',
    statement:
      'The NIO factory\'s configure MUST refuse secure = true with an error that says the NIO factory does not support TLS ' +
      '(ZooKeeper: `SSL isn\'t supported in NIOServerCnxn`), before opening any socket or creating any thread. ' +
      'The Netty-style factory MUST accept secure = true and serve TLS on that port (netty.tls).',
    rationale:
      'A factory asked for a secure port that it would serve in plaintext would expose traffic the operator believes is encrypted, ' +
      'so refusing is the only safe answer. Refusing before any resource is taken keeps the failure clean for boot, which then ' +
      'shuts down whatever it had already configured.',
    sources: [
      { kind: 'seed', file: '000', section: 'createFactory: the two implementations' },
      { kind: 'zk', section: '1.1 Factory selection and sockets (both factories)' },
      { kind: 'zk', section: '2.2 configure(addr, maxcc, backlog, secure)' },
    ],
    invariants: [],
    tests: 'unit for NIO; real TLS sockets on 127.0.0.1 for the Netty-style factory',
  },
];
