import type { Requirement } from '../requirement.ts';

/** The server-side connection: framing, the outgoing queue, interest ops, throttling and close. */
export const cnxnRequirements: readonly Requirement[] = [
  {
    id: 'cnxn.framing',
    area: 'cnxn',
    level: 'MUST',
    statement:
      'Each client frame MUST be read as a 4-byte big-endian signed length followed by exactly that many payload bytes. ' +
      'A length < 0 or > jute.maxbuffer (default 1,048,575 = 0xfffff; a length equal to it is allowed) MUST close the connection ' +
      'with reason io_exception, with no reply and a `Len error` warning in the log. ' +
      'A frame split across reads MUST resume exactly where the previous read stopped, and one IO pass MUST complete at most one ' +
      'frame, never taking bytes of the next frame from the socket. ' +
      'An event-loop factory (netty profile), which has no such IO passes, MAY decode every complete frame of what one read ' +
      'returned, as Netty\'s frame decoder does, handing them to the server one at a time, in order, each only once all of its bytes were read.',
    rationale:
      'A stream socket has no message boundaries, so the length prefix is the only framing, and a hostile or broken prefix must ' +
      'not make the server reserve an absurd buffer. Reading at most one frame per pass leaves the rest in the kernel, where ' +
      'level-triggered readiness brings it back on the next select, so a connection that sends a flood cannot keep one IO thread ' +
      'to itself and throttling can take effect between frames.',
    sources: [
      { kind: 'zk', section: '3.2 Read state machine (doIO, readLength, readPayload)' },
      { kind: 'zk', section: '1.4 Frame size, request size and throttling (shared by both factories)' },
    ],
    invariants: ['frames-as-sent'],
    tests: 'simulation with scripted peers splitting frames at every byte; wire probe on real sockets',
  },
  {
    id: 'cnxn.outgoing-buffers',
    area: 'cnxn',
    level: 'MUST',
    statement:
      'Each response MUST be appended whole (all of its buffers together, whichever thread produces it) to the connection\'s ' +
      'outgoingBuffers and written to the socket in append order. ' +
      'A partial write MUST keep the unwritten remainder at the head of the queue for the next writable event, and the connection ' +
      'MUST want OP_WRITE while any data is pending. ' +
      'A close requested after a response (closeConn, e.g. after a closeSession reply) MUST take effect only once every byte queued ' +
      'before it has been written; no queued byte may be dropped or reordered while the connection is open.',
    rationale:
      'Responses are produced by request-processing threads while the socket belongs to whichever thread does the connection\'s ' +
      'IO, so a queue is the meeting point and preserves the order the client relies on. Sockets accept only what fits, so the ' +
      'remainder has to wait for writability instead of blocking a thread. Treating close as one more item in the queue is what ' +
      'lets a server say goodbye (a closeSession reply, an auth failure) before hanging up.',
    sources: [
      { kind: 'seed', file: '000', section: 'NIOServerCnxn.outgoingBuffers' },
      { kind: 'zk', section: '3.4 Outgoing path' },
    ],
    invariants: ['outgoing-complete-in-order', 'close-after-flush'],
    tests: 'simulation with a peer whose socket accepts a few bytes per write',
  },
  {
    id: 'cnxn.interest-ops',
    area: 'cnxn',
    level: 'MUST',
    statement:
      'A connection\'s interest ops MUST be 0 while it is not selectable (its key is invalid or its IO is in progress); otherwise ' +
      'OP_READ (1) unless reading is throttled, combined with OP_WRITE (4) while its outgoingBuffers is non-empty.',
    rationale:
      'Deriving the interest from the connection\'s state, rather than storing it, means whoever restores it always applies ' +
      'the current truth, even if responses were queued or throttling changed while IO was out. Wanting OP_WRITE only while data ' +
      'is pending avoids a selector that wakes forever for a socket that is always writable.',
    sources: [
      { kind: 'zk', section: '3.4 Outgoing path' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
    ],
    invariants: ['interest-via-update-queue'],
    tests: 'unit over connection states; simulation',
  },
  {
    id: 'cnxn.throttle',
    area: 'cnxn',
    level: 'MUST',
    statement:
      'When too many requests are outstanding (ZooKeeper: more than zookeeper.globalOutstandingLimit, default 1000, in flight or in ' +
      'process), a connection MUST stop reading after a counted request and MUST resume once a response brings the count back ' +
      'under the limit; requests with xid <= 0 (pings, auth, setWatches) are not counted. ' +
      'Reading MUST also be off from the moment a ConnectRequest is processed until its ConnectResponse has been queued, so no ' +
      'later frame on that connection is read before then. ' +
      'Throttling changes the interest ops only through the updateQueue. ' +
      'Output over the high-water mark is the one throttle that MAY keep reading: frames read then are parked unprocessed, in ' +
      'order, up to a bounded size, and processed first once output drains.',
    rationale:
      'A client can send requests far faster than the server completes them, and every request read is memory held until it is ' +
      'answered. Not reading pushes the excess back into the kernel buffers and onto the client through TCP flow control, which ' +
      'bounds the server\'s memory without dropping anything. Holding reads during the handshake guarantees that requests pipelined ' +
      'behind a ConnectRequest are parsed only once their session exists.',
    sources: [
      { kind: 'zk', section: '3.5 Throttling (receive disable)' },
      { kind: 'zk', section: '5.2 Connect handshake' },
      { kind: 'zk', section: '1.4 Frame size, request size and throttling (shared by both factories)' },
    ],
    invariants: ['interest-via-update-queue', 'throttle-stops-reads'],
    tests: 'simulation with a peer pipelining past the limit; a harness check with requests pipelined behind a ConnectRequest; real ZooKeeper client',
  },
  {
    id: 'cnxn.close',
    area: 'cnxn',
    level: 'MUST',
    statement:
      'Closing a connection MUST be idempotent: the first close records its reason, one of a closed set of reason strings modelled ' +
      'on ZooKeeper\'s disconnect reasons (such as server_shutdown, connection_expired, client_closed_connection, ' +
      'client_closed_session, unable_to_read_from_client, io_exception, clean_up, connection_mode_changed), and later closes do ' +
      'nothing and do not change it. ' +
      'The first close MUST remove the connection from the connection set, its per-address count and the expiry queue, cancel its ' +
      'key and close its socket. Closing a connection MUST NOT close its session.',
    rationale:
      'The expirer, a worker, the selector thread at exit and shutdown can all decide to close one connection at nearly the same ' +
      'moment, so close has to be safe to call from any of them and do the cleanup exactly once. A recorded reason from a closed ' +
      'set turns every close into something a trace can check and an operator can count. The session outlives the connection so ' +
      'a client can reconnect to it, here or on another server.',
    sources: [
      { kind: 'zk', section: '3.6 close' },
      { kind: 'zk', section: '3.7 DisconnectReason (ServerCnxn.DisconnectReason) and common stats' },
      { kind: 'zk', section: '2.10 removeCnxn (called from NIOServerCnxn.close)' },
    ],
    invariants: ['close-has-cause', 'close-after-flush', 'no-io-after-close', 'connection-closed-once'],
    tests: 'simulation with concurrent closes from the expirer, a worker and stop',
  },
  {
    id: 'cnxn.four-letter-word',
    area: 'cnxn',
    level: 'MUST',
    statement:
      'When the first 4 bytes of a connection spell a known four-letter word, the factory MUST offer the word to the server ' +
      '(RequestHandler.fourLetterWord) before reading the bytes as a frame length. Once the server takes the word, the factory ' +
      'MUST read nothing more from that connection: no second word, no frame, is handed over; the answer is written and the ' +
      'connection closed. A word the server declines is a frame length like any other.',
    rationale:
      'Operators probe servers with nc and a word; the word is only meaningful at the start of a connection, where no real ' +
      'frame length could spell four letters. A connection that answered a word has served its purpose, and reading on would ' +
      'hand the server bytes of a conversation that never began.',
    sources: [{ kind: 'zk', section: '3.3 Four-letter words (NIO)' }],
    invariants: [],
    tests: 'simulation: peers that send a word (and a second one); the conformance handler reports anything handed over after it',
  },
];
