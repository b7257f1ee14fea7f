import type { Requirement } from '../requirement.ts';

/** The Netty-style factory: where it differs from NIO (binding, TLS, event loops, the per-address check). */
export const nettyRequirements: readonly Requirement[] = [
  {
    id: 'netty.start-bind',
    area: 'netty',
    level: 'MUST',
    statement:
      'The Netty-style factory\'s start MUST apply the listen backlog only when it is not -1 (leaving the platform default ' +
      'otherwise), log `binding to port <address>`, bind synchronously so that start returns only once the socket is bound or ' +
      'binding has failed, then replace its local address with the bound one and log `bound to port <port>` with the real port.',
    rationale:
      'Binding synchronously gives start a clear outcome: when it returns, clients can connect, or the caller has the bind error. ' +
      'Reading the address back from the bound channel is what makes port 0 usable, since the configured address says nothing ' +
      'about the port the system picked. The two log lines bracket the bind so that a hang or a failure there is visible.',
    sources: [
      { kind: 'seed', file: '000', section: 'Netty: start' },
      { kind: 'zk', section: '4.1 Lifecycle' },
      { kind: 'zk', section: '1.3 Netty factory (NettyServerCnxnFactory)' },
    ],
    invariants: [],
    tests: 'real sockets on 127.0.0.1 with port 0, capturing the runtime log',
  },
  {
    id: 'netty.tls',
    area: 'netty',
    level: 'MUST',
    statement:
      'A Netty-style factory configured with secure = true MUST serve TLS on its port with the configured key material, and MUST ' +
      'hand a connection\'s bytes to the protocol layer only after its TLS handshake has completed. ' +
      'A client that speaks plaintext there MUST fail the handshake and be closed with reason `Unsuccessful handshake` (the FAILED_HANDSHAKE reason), without any of ' +
      'its bytes reaching the protocol layer.',
    rationale:
      'The secure port exists so that session ids, passwords and data never cross the network in clear, which only holds if no ' +
      'byte is interpreted before the handshake. A plaintext client on that port is a misconfiguration, and closing it with a ' +
      'distinct reason tells the operator why the client never got a session.',
    sources: [
      { kind: 'seed', file: '000', section: 'createFactory: the two implementations' },
      { kind: 'zk', section: '4.3 TLS, the handshake limit and port unification' },
      { kind: 'zk', section: '1.3 Netty factory (NettyServerCnxnFactory)' },
    ],
    invariants: ['tls-before-frames'],
    tests: 'real TLS sockets on 127.0.0.1 with test certificates; a plaintext probe on the secure port',
  },
  {
    id: 'netty.event-loop-affinity',
    area: 'netty',
    level: 'MUST',
    statement:
      'Every read, write and close of a channel MUST run on the one event loop the channel was assigned when it was accepted, and ' +
      'that assignment MUST never change. ' +
      'Throttling MUST turn the channel\'s auto-read off and on (on that event loop) instead of changing interest ops, and data ' +
      'already read while throttled MUST be kept and processed in order when reading resumes.',
    rationale:
      'Pinning a channel to one event loop gives the Netty-style factory the same one-thread-per-connection guarantee that the ' +
      'NIO factory gets from cleared interest ops, but by construction rather than by protocol. Auto-read is the event-loop ' +
      'equivalent of dropping OP_READ; since a read may already have delivered several frames, the unprocessed ones must wait in ' +
      'a buffer rather than be lost.',
    sources: [
      { kind: 'zk', section: '4.4 NettyServerCnxn read path (processMessage / receiveMessage, event loop only)' },
      { kind: 'zk', section: '4.5 Throttling and auto-read' },
    ],
    invariants: ['event-loop-affinity'],
    tests: 'simulation of the Netty-style factory; real ZooKeeper client with pipelined requests',
  },
  {
    id: 'netty.per-ip-limit',
    area: 'netty',
    level: 'MUST',
    statement:
      'The Netty-style factory MUST check the per-address limit when a channel becomes active, before creating a connection for it: ' +
      'with maxClientCnxns > 0 and the address already holding maxClientCnxns connections, it MUST close the channel and log ' +
      '`Too many connections from <ip> - max is <n>`. ' +
      'The per-address count MUST rise when a connection is added and fall when it is closed, the entry disappearing at zero.',
    rationale:
      'An event-loop server has no separate accept step of its own code, so the earliest point where it sees a new peer is the ' +
      'channel becoming active, and checking there keeps a refused peer from costing a connection object. Removing entries at zero ' +
      'keeps the map from growing with every address that ever connected.',
    sources: [
      { kind: 'zk', section: '4.2 channelActive (per connection, event loop)' },
      { kind: 'zk', section: '1.1 Factory selection and sockets (both factories)' },
    ],
    invariants: ['per-ip-limit'],
    tests: 'real sockets on 127.0.0.1 with many connections from one address',
  },
];
