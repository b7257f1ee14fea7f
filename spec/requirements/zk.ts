import type { Requirement } from '../requirement.ts';

/**
 * The ZooKeeper server behind the reference factories (reference/zk): enough of the client protocol that real
 * ZooKeeper clients use the reference, so the connection layer is exercised by code nobody here wrote.
 */
export const zkRequirements: readonly Requirement[] = [
  {
    id: 'zk.jute-encoding',
    area: 'zk',
    level: 'MUST',
    statement:
      'The server MUST encode and decode jute records as ZooKeeper does: big-endian int and long, a one-byte boolean, ' +
      'buffers, strings and vectors prefixed by a signed length where -1 means null, and records as their fields in order. ' +
      'A truncated field, or a length outside -1 .. jute.maxbuffer + extrasize, MUST be refused with a typed ' +
      'CNXNSPEC_ERR_FRAME error before anything is allocated for it.',
    rationale:
      'Every client library writes these bytes by hand from the same informal rules, so the only safe server is one ' +
      'that follows them to the bit, including the odd corners such as -1 for null. Checking a length against the bytes ' +
      'that are actually there, before allocating, is what keeps a forged length from costing memory.',
    sources: [{ kind: 'zk', section: '5.1 Jute binary encoding' }],
    invariants: [],
    tests: 'unit and property round trips; truncation at every cut point',
  },
  {
    id: 'zk.session-lifecycle',
    area: 'zk',
    level: 'MUST',
    statement:
      'A ConnectRequest with session 0 MUST create a session with a fresh id, a 16-byte password derived from it with a ' +
      'server secret, and the requested timeout clamped to [minSessionTimeout, maxSessionTimeout] (2 and 20 x tickTime ' +
      'by default). A reconnect with a matching id and password MUST move the session to the new connection and close ' +
      'the old one with client_reconnect; an unknown or expired session, or a wrong password, MUST be answered with ' +
      'timeout 0 and then closed. closeSession MUST be answered, remove the session\'s ephemeral nodes, and close the ' +
      'connection once the answer is written.',
    rationale:
      'Sessions outlive connections: a client that loses its socket reconnects, possibly to another server, and keeps its ' +
      'ephemeral nodes and watches. The password stops one client from stealing another\'s session by guessing its id. ' +
      'Answering a dead session with timeout 0 instead of silence tells the client to start over rather than retry forever.',
    sources: [{ kind: 'zk', section: '5.2 Connect handshake' }, { kind: 'zk', section: '3.6 close' }],
    invariants: [],
    tests: 'real ZooKeeper client (node-zookeeper-client) and raw sockets',
  },
  {
    id: 'zk.session-expiry',
    area: 'zk',
    level: 'MUST',
    statement:
      'A session that hears nothing from its client for its negotiated timeout MUST be expired by the server\'s own session ' +
      'thread, not before the timeout and at most one tickTime after it: its ephemeral nodes are deleted, the watches on them ' +
      'fire, its connection is closed with client_closed_session, and a later reconnect to it gets timeout 0.',
    rationale:
      'Ephemeral nodes are how ZooKeeper users build locks and membership, and they only work if a dead client\'s nodes go ' +
      'away on time. Expiring on the server\'s clock, in tick-sized buckets, bounds the lateness without a timer per session.',
    sources: [{ kind: 'zk', section: '2.8 Connection expiry' }, { kind: 'zk', section: '3.7 DisconnectReason' }],
    invariants: [],
    tests: 'real ZooKeeper client with a short session timeout',
  },
  {
    id: 'zk.data-tree',
    area: 'zk',
    level: 'MUST',
    statement:
      'create (persistent, ephemeral, sequential and both), delete, exists, getData, setData, getChildren, getChildren2, ' +
      'sync and multi MUST keep ZooKeeper\'s Stat fields, versions, 10-digit sequence suffixes and error codes (NONODE, ' +
      'NODEEXISTS, BADVERSION, NOTEMPTY, NOCHILDRENFOREPHEMERALS, BADARGUMENTS). Every write MUST take a new zxid, and a ' +
      'multi MUST apply all of its operations or none, with a result per operation.',
    rationale:
      'Clients build recipes (locks, queues, leader election) on exact Stat and version semantics, so a server that is ' +
      'only roughly right breaks them in ways that look like races. The tree is small here, but its rules are the ones ' +
      'real clients check.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'unit tests of the tree; real ZooKeeper client',
  },
  {
    id: 'zk.watches',
    area: 'zk',
    level: 'MUST',
    statement:
      'Data, exists and child watches MUST fire at most once, as WatcherEvent notifications with xid -1, before the reply to ' +
      'the change that fired them. They MUST end with their connection, and setWatches on a reconnect MUST arm them again, or ' +
      'fire them at once for changes made after the zxid the client reports.',
    rationale:
      'Watches are one-shot so that a client re-reads state instead of trusting a stream of deltas; ordering the event before ' +
      'the reply is what lets a client reason about what it has seen. setWatches closes the gap a reconnect would otherwise open.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'unit tests of the watch manager; real ZooKeeper client',
  },
  {
    id: 'zk.four-letter-words',
    area: 'zk',
    level: 'MUST',
    statement:
      'When the first 4 bytes of a connection spell ruok, srvr, stat, cons or mntr, the server MUST answer in ZooKeeper\'s ' +
      'text shape (standalone mode; counts from the server and the factory\'s connections) and then close the connection ' +
      'once the answer is written, even if the client half-closed after sending the word.',
    rationale:
      'Operators and monitoring scripts talk to ZooKeeper with nc and these words, so they are part of its wire surface. ' +
      'They are recognised only at the start of a connection, where a real frame length could never spell four letters.',
    sources: [{ kind: 'zk', section: '3.3 Four-letter words (NIO)' }, { kind: 'zk', section: '5.5 Four-letter words: response shapes' }],
    invariants: [],
    tests: 'raw sockets, including an nc-style half-close; unit tests of the output shapes',
  },
  {
    id: 'zk.whitelist',
    area: 'zk',
    level: 'MUST',
    statement:
      'Only the words in 4lw.commands.whitelist (comma-separated, trimmed, * for all; srvr always) MAY run. Any other known ' +
      'word MUST be answered with `<word> is not executed because it is not in the whitelist.` and a close.',
    rationale:
      'Some words reveal client addresses or cost the server work, so exposing them is an operator\'s choice. Answering a ' +
      'refused word, instead of dropping the connection, tells the operator why nothing came back.',
    sources: [{ kind: 'zk', section: '1.1 Factory selection and sockets (both factories)' }, { kind: 'zk', section: '3.3 Four-letter words (NIO)' }],
    invariants: [],
    tests: 'unit tests and raw sockets',
  },
  {
    id: 'zk.bad-request',
    area: 'zk',
    level: 'MUST',
    statement:
      'Input the server cannot use MUST cost only its own connection: an undecodable ConnectRequest or request header is ' +
      'closed with a log line naming the reason; an undecodable request body is answered MARSHALLINGERROR (-5); an unknown ' +
      'op code is answered UNIMPLEMENTED (-6) and the connection is closed. Every other connection MUST go on being served.',
    rationale:
      'A server shared by thousands of clients cannot let one buggy or hostile client take it down. ZooKeeper answers what ' +
      'it can answer, so a client library learns what went wrong, and closes only what it cannot trust.',
    sources: [{ kind: 'zk', section: '3.2 Read state machine' }, { kind: 'zk', section: '5.3 Request/response headers' }],
    invariants: [],
    tests: 'raw sockets while another client keeps working',
  },
  {
    id: 'zk.serve',
    area: 'zk',
    level: 'MUST',
    statement:
      '`cnxnspec serve [--config zoo.cfg] [--port N]` MUST start the ZooKeeper server from a zoo.cfg with the factory chosen ' +
      'as boot chooses it (NIO by default), log every bound address, and shut down cleanly with exit status 0 on SIGINT or SIGTERM.',
    rationale:
      'A server people can start with one command, from the configuration file they already have, is what lets real ' +
      'clients and tools be pointed at the reference without writing any code.',
    sources: [{ kind: 'seed', file: '000', section: 'QuorumPeerMain::runFromConfig' }],
    invariants: [],
    tests: 'in process and as a child process with signals',
  },
  {
    id: 'zk.slow-reader-session',
    area: 'zk',
    level: 'MUST',
    statement:
      'A client that reads its replies slowly but keeps reading and pinging within its session timeout MUST keep its session, ' +
      'its ephemeral nodes and its watches, however long its output backlog lasts, as in ZooKeeper; a frame read and parked ' +
      'behind the backlog MUST count as hearing from the session (the session lives until that frame\'s time + timeout).',
    rationale:
      'A slow network or a busy client looks exactly like this, and expiring it drops locks and membership that the client ' +
      'still holds in good faith. ZooKeeper keeps such sessions because it reads everything; the reference keeps them while ' +
      'bounding its memory, by reading pings past the backlog (issue 18.1).',
    sources: [{ kind: 'zk', section: '2.8 Connection expiry' }, { kind: 'design', section: 'issue 18.1' }],
    invariants: [],
    tests: 'slow raw-socket readers against the reference and Apache ZooKeeper 3.8',
  },
  {
    id: 'zk.builtin-nodes',
    area: 'zk',
    level: 'MUST',
    statement:
      'Deleting /, /zookeeper, /zookeeper/quota or /zookeeper/config MUST fail with BADARGUMENTS (-8) before the version is ' +
      'looked at, as in ZooKeeper; their children may be created and deleted like any node.',
    rationale:
      'These nodes belong to the server (quotas, the dynamic configuration); a client that could delete them would break ' +
      'features other clients rely on, and tools such as zkCli treat them as always there.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference',
  },
  {
    id: 'zk.acl-validation',
    area: 'zk',
    level: 'MUST',
    statement:
      'create and setACL MUST refuse with INVALIDACL (-114) an empty or null ACL, world with an id other than anyone, an ' +
      'unknown scheme, an ip id that is not an IPv4 address with an optional /0..32 mask, a digest id that is not ' +
      'user:hash, and the auth scheme from a client that has authenticated no user; auth entries MUST be replaced by the ' +
      'client\'s digest identities and duplicate entries dropped; the ACL is checked after the path shape and before the parent.',
    rationale:
      'An ACL that names nobody, or an id the server can never match, locks a node for good; refusing it at once, with the ' +
      'code ZooKeeper uses, is what client libraries and their tests expect.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference',
  },
  {
    id: 'zk.acl-enforcement',
    area: 'zk',
    level: 'MUST',
    statement:
      'Every operation MUST check the ACL as ZooKeeper 3.8 does and answer NOAUTH (-102) when no entry grants the permission: ' +
      'READ for getData, getChildren, getAllChildrenNumber and a multi check; WRITE for setData; CREATE on the parent for ' +
      'create (after the parent is found, before NODEEXISTS); DELETE on the parent for delete (before the node is looked up); ' +
      'ADMIN for setACL (after the new ACL is validated); READ or ADMIN for getACL, which shows digest ids as user:x without ' +
      'ADMIN; nothing for exists and sync. world:anyone grants all, digest ids match exactly, ip ids by address and mask; ' +
      'the digest super user (zookeeper.DigestAuthenticationProvider.superDigest) passes every check, and ' +
      'zookeeper.skipACL=yes turns checks off. /zookeeper/config is world:anyone READ. A watch notification MUST go only to a ' +
      'watcher with READ on the node it is about (for NodeChildrenChanged the parent), as 3.8 sends them.',
    rationale:
      'A client library\'s ACL tests, and applications that lock nodes with digest ACLs, rely on the server refusing what the ' +
      'ACL does not allow, with ZooKeeper\'s code and in ZooKeeper\'s order of checks.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference, with a super digest and with skipACL',
  },
  {
    id: 'zk.quotas',
    area: 'zk',
    level: 'MUST',
    statement:
      'For every path P with a /zookeeper/quota/P/zookeeper_limits node, the server MUST keep /zookeeper/quota/P/zookeeper_stats ' +
      'at count=<nodes in P\'s subtree>,bytes=<their data bytes> (computed when the stats node is created, then updated in place ' +
      'by every create, delete and setData below the deepest such P, without a new version) and log a warning when a soft ' +
      'limit is exceeded; with zookeeper.enforceQuota=true a write that would pass countHardLimit or byteHardLimit MUST fail ' +
      'with QUOTAEXCEEDED (-125).',
    rationale:
      'zkCli setquota, listquota and delquota, and monitoring built on them, read these statistics; they are only right if the ' +
      'server maintains them as ZooKeeper does.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'zkCli setquota/listquota/delquota and node-zookeeper-client scripts against Apache ZooKeeper 3.8 and the reference',
  },
  {
    id: 'zk.admin-words',
    area: 'zk',
    level: 'MUST',
    statement:
      'When whitelisted, conf, envi, wchs, wchc, wchp, dump, dirs, crst and srst MUST answer in ZooKeeper 3.8\'s line formats ' +
      '(envi carrying zookeeper.version=<x.y.z>-<revision>, built on <date>), crst and srst MUST reset the connection and ' +
      'server statistics, and mntr MUST list ZooKeeper\'s gauge and counter keys, zk_version and zk_server_state first.',
    rationale:
      'Monitoring tools and client libraries parse these answers (the server version from envi, metrics from mntr); a word ' +
      'that answers nothing, or in another shape, breaks them.',
    sources: [{ kind: 'zk', section: '5.5 Four-letter words: response shapes' }],
    invariants: [],
    tests: 'the words sent to Apache ZooKeeper 3.8 and the reference, their line shapes compared',
  },
  {
    id: 'zk.sasl',
    area: 'zk',
    level: 'MUST',
    statement:
      'A SASL request (op 102) to a server without SASL configured MUST be answered as ZooKeeper 3.8 answers it: OK with a ' +
      'null token, the connection kept.',
    rationale:
      'Clients that try SASL first (the Java client when a JAAS file is around) carry on without it on ZooKeeper; a server that ' +
      'disconnects them instead breaks them.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference',
  },
  {
    id: 'zk.request-errors',
    area: 'zk',
    level: 'MUST',
    statement:
      'Malformed requests MUST get ZooKeeper\'s codes: a null path in a read, delete or create is MARSHALLINGERROR (-5); ' +
      'create and delete check only that a path has a / and no NUL before looking up the parent, so other malformed ' +
      'paths are NONODE; reads of "" see the root; a vector count below -1 is an empty vector; a ping is answered with xid ' +
      '-2 whatever xid it carried.',
    rationale:
      'Client libraries and their tests are written against ZooKeeper\'s answers, including the odd ones; a server that ' +
      'answers more sensibly but differently breaks them all the same.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference',
  },
  {
    id: 'zk.auth',
    area: 'zk',
    level: 'MUST',
    statement:
      'An auth packet MUST succeed for the digest scheme (with credentials, adding digest:user:base64(sha1(user:password))) ' +
      'and the ip scheme (adding ip:<address>), and for any other scheme or missing digest credentials be answered ' +
      'AUTHFAILED (-115) and closed. Every connection starts authenticated as ip:<its address>.',
    rationale:
      'Which schemes exist decides whether a client may stay connected after addauth, and which identities whoAmI and the ' +
      'auth ACL scheme see.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference',
  },
  {
    id: 'zk.more-ops',
    area: 'zk',
    level: 'MUST',
    statement:
      'getEphemerals (the session\'s ephemeral paths under a prefix), getAllChildrenNumber (nodes below a path), whoAmI ' +
      '(scheme and user of each identity), and the refusals of reconfig (RECONFIGDISABLED -123), createSession as a request ' +
      '(MARSHALLINGERROR), createTTL with extended types off (UNIMPLEMENTED, connection kept) and a lone check (no reply when ' +
      'it passes, its error when it fails) ' +
      'MUST answer as a standalone ZooKeeper 3.8 does.',
    rationale:
      'Newer client libraries call these operations (Curator, zkCli); answering them as ZooKeeper does keeps those ' +
      'clients working instead of disconnecting them with UNIMPLEMENTED.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference',
  },
  {
    id: 'zk.persistent-watches',
    area: 'zk',
    level: 'MUST',
    statement:
      'addWatch (106) MUST register persistent (mode 0) and persistent-recursive (mode 1) watches that stay after firing; ' +
      'recursive ones fire NodeCreated, NodeDataChanged and NodeDeleted for every descendant and never NodeChildrenChanged; ' +
      'a later standard watch on the same path replaces the mode, setWatches2 re-arms both kinds, any other mode is MARSHALLINGERROR, as in ZooKeeper 3.8.',
    rationale:
      'Curator\'s CuratorCache and every 3.6+ client that caches a subtree rely on these watches; without them such clients fail at once.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference',
  },
  {
    id: 'zk.remove-watches',
    area: 'zk',
    level: 'MUST',
    statement:
      'removeWatches (18) and checkWatches (17) MUST answer per watcher type (1 children, 2 data, 3 any) on exactly the given path: ' +
      'removeWatches OK when the connection holds such a watch (removing it), checkWatches OK when any connection holds one (as 3.8 ' +
      'does), NOWATCHER (-121) otherwise, MARSHALLINGERROR for types 3.8 does not know; ' +
      'the connection stays.',
    rationale:
      'Clients remove watches they no longer need and check them on reconnect; an answer that differs leaves them with phantom or missing watches.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference',
  },
  {
    id: 'zk.containers',
    area: 'zk',
    level: 'MUST',
    statement:
      'createContainer (19) MUST create a container (hidden mark: stat ephemeralOwner 0), a client deleteContainer (20) MUST be BADARGUMENTS, and ' +
      'the container manager MUST delete empty containers that once had a child on the znode.container.checkIntervalMs / maxPerMinute schedule, ' +
      'firing watches as a delete does.',
    rationale:
      'Recipes (Curator locks, leader latches) create their parents as containers and expect them to vanish once empty.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference',
  },
  {
    id: 'zk.ttl-nodes',
    area: 'zk',
    level: 'MUST',
    statement:
      'With zookeeper.extendedTypesEnabled, createTTL (21) with flag 5 or 6 and a TTL of 1..2^40-1 ms MUST create a TTL node, deleted by the container ' +
      'manager once childless and unmodified for longer than its TTL; other TTL/flag combinations are BADARGUMENTS, and TTL flags with extended types ' +
      'off are UNIMPLEMENTED with the connection kept.',
    rationale:
      'TTL nodes are how clients leave records that clean themselves up; the switch and its error codes are what clients probe.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference',
  },
  {
    id: 'zk.multi-read',
    area: 'zk',
    level: 'MUST',
    statement:
      'multiRead (22) MUST answer each getChildren and getData on its own (a failed one as an error result), set no watches, and answer other ' +
      'operation types MARSHALLINGERROR as ZooKeeper 3.8 does.',
    rationale:
      'Clients batch reads with multiRead; one missing node must not hide the answers to the others.',
    sources: [{ kind: 'zk', section: '5.4 Op codes and records' }],
    invariants: [],
    tests: 'raw requests to Apache ZooKeeper 3.8 and the reference',
  },
];
