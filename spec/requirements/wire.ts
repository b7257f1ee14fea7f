import type { Requirement } from '../requirement.ts';

/** Black-box behaviour on the wire, checked against any host:port. */
export const wireRequirements: readonly Requirement[] = [
  {
    id: 'wire.handshake',
    area: 'wire',
    level: 'MUST',
    statement:
      'The first frame on a connection, a ConnectRequest (protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, optional ' +
      'readOnly), MUST be answered by a ConnectResponse carrying protocolVersion 0, the negotiated timeout, a session id and a ' +
      '16-byte password; for sessionId 0 the server MUST create a session with a new non-zero id. ' +
      'The response MUST carry the readOnly byte if and only if the request did; a reconnect to an unknown or expired session ' +
      'MUST be answered with timeout 0, session id 0 and a zero password, then closed once that response is flushed.',
    rationale:
      'The handshake is the one exchange every client performs before anything else, so any server claiming compatibility must ' +
      'get its layout exactly right, including the optional trailing byte that old clients omit and new ones expect echoed. ' +
      'Answering a dead session explicitly, rather than just hanging up, lets the client tell expiry from a network failure.',
    sources: [
      { kind: 'seed', file: '001', section: 'opening: client cluster restart and scale-out' },
      { kind: 'zk', section: '5.2 Connect handshake' },
    ],
    invariants: ['liveness-replies-owed'],
    tests: 'wire probe on real sockets; real ZooKeeper client',
  },
  {
    id: 'wire.ping',
    area: 'wire',
    level: 'MUST',
    statement:
      'A ping on an established session (RequestHeader xid -2, type 11, no body: frame `00000008 FFFFFFFE 0000000B`) MUST be ' +
      'answered with a ReplyHeader of xid -2, the server\'s last zxid and err 0, with no body, in order with the connection\'s other replies.',
    rationale:
      'Clients ping to keep their session alive and to detect a dead server, and they count a missing answer against the server ' +
      'within two thirds of the session timeout. Because a ping travels through the same per-connection order as other requests, ' +
      'a prompt pong also shows that the connection\'s pipeline is moving.',
    sources: [
      { kind: 'zk', section: '5.3 Request/response headers' },
      { kind: 'zk', section: '5.4 Op codes and records (ZooDefs.OpCode)' },
    ],
    invariants: ['liveness-replies-owed'],
    tests: 'wire probe on real sockets; real ZooKeeper client',
  },
  {
    id: 'wire.order',
    area: 'wire',
    level: 'MUST',
    statement:
      'Requests pipelined on one connection MUST be answered in the order they were received, setWatches (xid -8) included; ' +
      'notifications (xid -1) MAY appear between replies. ' +
      'No reply may be skipped for a request that gets one, so a client never sees an xid out of order.',
    rationale:
      'Clients match replies to requests by position, not by lookup, and treat a mismatch as fatal and drop the connection. ' +
      'Keeping order per connection is cheap for the server because one connection\'s requests already flow through one queue, ' +
      'and it lets clients pipeline without waiting for each reply.',
    sources: [
      { kind: 'seed', file: '000', section: 'NIOServerCnxn.outgoingBuffers' },
      { kind: 'zk', section: '5.3 Request/response headers' },
    ],
    invariants: ['outgoing-complete-in-order', 'liveness-replies-owed'],
    tests: 'wire probe pipelining many requests; real ZooKeeper client with asynchronous calls',
  },
  {
    id: 'wire.connection-storm',
    area: 'wire',
    level: 'MUST',
    statement:
      'When thousands of clients connect at the same moment, as when a client cluster restarts or scales out (the storm ' +
      'scenarios use 1,000, 5,000 and 10,000), every one MUST eventually receive its ConnectResponse, and none may be refused or ' +
      'reset while the factory uses its default backlog.',
    rationale:
      'A whole fleet restarting reconnects within seconds, and a server that refuses part of it turns one restart into waves of ' +
      'retries. The listen backlog, not the threading model, decides whether a burst fits in the kernel\'s queue, so the default ' +
      'must be chosen with such bursts in mind and the accept path must drain the queue quickly.',
    sources: [
      { kind: 'seed', file: '001', section: 'opening: client cluster restart and scale-out' },
      { kind: 'zk', section: '1.1 Factory selection and sockets (both factories)' },
    ],
    invariants: ['accepted-ends-registered-or-closed', 'liveness-replies-owed'],
    tests: 'real sockets on 127.0.0.1 with a load generator',
  },
  {
    id: 'wire.slow-reader',
    area: 'wire',
    level: 'MUST',
    statement:
      'A client that reads its replies slowly MUST still receive every reply byte, complete and in order, with nothing dropped. ' +
      'While it lags, the memory the server holds for that connection MUST stay bounded independently of how many requests the ' +
      'client sends, by throttling (not processing its further requests) rather than buffering without limit. ' +
      'A slow reader that stays live MUST keep its session: the rule that decides is that a complete frame read from the client ' +
      'counts as hearing from it even while its processing waits, so a server MAY park (read, hold unprocessed, in order) a ' +
      'bounded amount of input while output is over its mark, and counts the session alive from the last frame read.',
    rationale:
      'A slow reader is indistinguishable from a slow network, so the server may neither drop its replies nor disconnect it for ' +
      'being slow. What the server can control is how much it accepts: by not reading more requests, it stops creating more ' +
      'replies, and the backlog stays in the client\'s own send buffer. Not reading at all would also leave its pings unread, ' +
      'and its session would expire although the client is alive and reading (issue 18.1; ZooKeeper, which reads everything, ' +
      'keeps such sessions but bounds nothing). Parking a bounded amount of input keeps both promises.',
    sources: [
      { kind: 'seed', file: '000', section: 'NIOServerCnxn.outgoingBuffers' },
      { kind: 'zk', section: '3.5 Throttling (receive disable)' },
      { kind: 'zk', section: '3.4 Outgoing path' },
    ],
    invariants: ['outgoing-complete-in-order'],
    tests: 'wire probe with a throttled reader on real sockets; simulation with a peer that reads a few bytes at a time',
  },
  {
    id: 'wire.bad-frame',
    area: 'wire',
    level: 'MUST',
    statement:
      'A bad length prefix (negative or greater than jute.maxbuffer) or garbage where a frame is expected MUST close only the ' +
      'offending connection, without a reply. ' +
      'Every other connection MUST keep being served without interruption.',
    rationale:
      'Malformed input is a property of one client, whether buggy or hostile, so its cost must stay with that client. A server ' +
      'that lets one bad frame disturb other connections hands any peer a way to deny service to all.',
    sources: [
      { kind: 'zk', section: '3.2 Read state machine (doIO, readLength, readPayload)' },
      { kind: 'zk', section: '1.4 Frame size, request size and throttling (shared by both factories)' },
    ],
    invariants: ['liveness-replies-owed'],
    tests: 'wire probe on real sockets beside healthy clients; simulation with a scripted bad peer',
  },
];
