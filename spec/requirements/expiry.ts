import type { Requirement } from '../requirement.ts';

/** Idle-connection expiry: the expirer thread and its bucketed expiry queue. */
export const expiryRequirements: readonly Requirement[] = [
  {
    id: 'expiry.sessionless',
    area: 'expiry',
    level: 'MUST',
    statement:
      'A connection of the NIO factory on which no session has been established MUST have the idle timeout ' +
      '`zookeeper.nio.sessionlessCnxnTimeout` (default 10,000 ms), and once it has been idle longer than that (subject to ' +
      'expiry.buckets) the expirer thread MUST close it with reason connection_expired.',
    rationale:
      'A client that connects and never sends a ConnectRequest has no session, so the session tracker has nothing to expire and ' +
      'no other part of the server would ever reclaim its socket and buffers. Only an idle-connection timer can, and without one ' +
      'a host that opens sockets and stays silent would exhaust the server\'s descriptors.',
    sources: [
      { kind: 'seed', file: '000', section: 'NIO: thread list' },
      { kind: 'zk', section: '1.2 NIO factory (NIOServerCnxnFactory)' },
      { kind: 'zk', section: '2.8 Connection expiry (ConnectionExpirerThread + ExpiryQueue)' },
    ],
    invariants: ['expiry-on-time', 'configured-matches-given'],
    tests: 'simulation in virtual time with a peer that connects and stays silent; real sockets with a short timeout',
  },
  {
    id: 'expiry.session-timeout',
    area: 'expiry',
    level: 'MUST',
    statement:
      'Once its ConnectRequest has been processed, a connection\'s idle timeout MUST become the negotiated session timeout (the ' +
      'requested timeout clamped to [minSessionTimeout, maxSessionTimeout], by default 2 x tickTime and 20 x tickTime), and the ' +
      'change MUST touch the connection. ' +
      'When a session expires, its connection MUST be closed (ZooKeeper uses reason client_closed_session and sends no reply). ' +
      'A frame read from the client but parked unprocessed (wire.slow-reader) MUST count as activity of its session.',
    rationale:
      'A client with a session pings within its session timeout, so a connection quiet for longer than that belongs to a client ' +
      'that is gone or partitioned, and holding it only delays the client\'s failover. Tying the connection timeout to the ' +
      'negotiated value keeps the two clocks consistent: the connection is not dropped while the session is still meant to be ' +
      'alive, and not kept once the session is dead.',
    sources: [
      { kind: 'zk', section: '2.8 Connection expiry (ConnectionExpirerThread + ExpiryQueue)' },
      { kind: 'zk', section: '5.2 Connect handshake' },
      { kind: 'zk', section: '3.7 DisconnectReason (ServerCnxn.DisconnectReason) and common stats' },
    ],
    invariants: ['expiry-on-time', 'facts-match-observation'],
    tests: 'simulation in virtual time with a peer that completes the handshake, then stops pinging',
  },
  {
    id: 'expiry.buckets',
    area: 'expiry',
    level: 'MUST',
    statement:
      'The expiry queue MUST round every deadline up to the next multiple of its interval (the interval equals ' +
      'sessionlessCnxnTimeout): a connection last touched at time T with timeout t belongs to the bucket at ' +
      '(floor((T + t) / interval) + 1) x interval. ' +
      'It MUST NOT be closed at or before T + t, and MUST be closed no later than one interval after T + t (plus scheduling delay, ' +
      'which is zero in virtual time), so the idle time before an expiry close lies in (t, t + interval].',
    rationale:
      'Grouping deadlines into buckets lets one thread expire thousands of connections with one wakeup per interval instead of ' +
      'one timer per connection, and touching a busy connection becomes a cheap move between buckets that is often a no-op. The ' +
      'price is a bounded lateness of at most one interval, which is acceptable for reclaiming idle sockets and is what the ' +
      'bounds here make testable.',
    sources: [{ kind: 'zk', section: '2.8 Connection expiry (ConnectionExpirerThread + ExpiryQueue)' }],
    invariants: ['expiry-on-time'],
    tests: 'unit over the expiry queue; simulation in virtual time at bucket boundaries',
  },
  {
    id: 'expiry.touch',
    area: 'expiry',
    level: 'MUST',
    statement:
      'A connection MUST be touched (its deadline recomputed from the current time and its current timeout) when it is registered, ' +
      'at every readiness event before its IO is scheduled, after every completed IO pass that leaves its key valid, and when its ' +
      'timeout changes.',
    rationale:
      'Expiry is meant to catch connections that do nothing, so every sign of life has to push the deadline back; touching both ' +
      'before and after IO means a long IO pass cannot end with the connection already overdue. Touching at registration gives ' +
      'every connection a deadline from the start, so even one that never sends a byte is eventually reclaimed.',
    sources: [
      { kind: 'zk', section: '2.8 Connection expiry (ConnectionExpirerThread + ExpiryQueue)' },
      { kind: 'zk', section: '2.4 SelectorThread loop' },
      { kind: 'zk', section: '2.5 IOWorkRequest.doWork() (worker thread, or the selector thread if there are no workers)' },
    ],
    invariants: ['expiry-on-time'],
    tests: 'simulation in virtual time with a peer that sends just before each deadline',
  },
  {
    id: 'expiry.thread',
    area: 'expiry',
    level: 'MUST',
    statement:
      'Expiry closes MUST be made only by the connection expirer thread (`ConnnectionExpirer`). ' +
      'It MUST sleep until the next bucket boundary (max(0, next - now)), then take exactly one bucket and close each connection in ' +
      'it; when it is late it MUST process the overdue buckets one per pass, back to back with no sleep, until the next one lies in the future. ' +
      'stop MUST end its sleep so that the thread ends.',
    rationale:
      'One thread that sleeps to the next boundary costs nothing between buckets and keeps expiry out of the selector and worker ' +
      'paths, whose latency matters for live clients. Confining expiry closes to it also gives a trace a single place to look ' +
      'when judging whether a close was on time. Catching up bucket by bucket keeps the deadlines honest after a stall.',
    sources: [
      { kind: 'seed', file: '000', section: 'NIO: thread list' },
      { kind: 'zk', section: '2.8 Connection expiry (ConnectionExpirerThread + ExpiryQueue)' },
    ],
    invariants: ['expiry-on-time', 'stop-ends-everything', 'stop-ends-promptly'],
    tests: 'simulation in virtual time',
  },
];
