/**
 * The text of the four-letter words the reference answers: ruok, isro, srvr, stat, cons and mntr, rendered from
 * a snapshot of the server so that the shapes can be tested without sockets. Shapes follow ZooKeeper 3.9:
 *
 *   ruok  imok                                     (no newline; does not check that the server runs)
 *   isro  rw                                       (no newline)
 *   srvr  Zookeeper version: ...\nLatency min/avg/max: a/b/c\nReceived: n\nSent: n\nConnections: n\n
 *         Outstanding: n\nZxid: 0x..\nMode: standalone\nNode count: n\n
 *   stat  the version line, `Clients:`, one brief line per connection, an empty line, then srvr's other lines
 *   cons  one full line per connection, then an empty line
 *   mntr  zk_<key>\t<value> lines, zk_version and zk_server_state first
 *
 * conf, envi, wchs, wchc, wchp, dump and dirs are admin-words.ts's; crst and srst are the server's (they reset its
 * counters). Words ZooKeeper knows but the reference does not implement (gtmk, stmk, hash) are declined, and the
 * factory closes the connection, which is what ZooKeeper does with a word it has no command for.
 *
 * Implements: zk.four-letter-words.
 */
import type { SocketAddress } from '../../spec/runtime.ts';

/** Version line: ZooKeeper's `<version>-<revision>, built on <date>` shape; the revision names the reference. */
export const ZK_VERSION = '3.9.3-cnxnspec, built on 01/01/1970 00:00 GMT';

export const NOT_SERVING = 'This ZooKeeper instance is not currently serving requests\n';

export interface SessionLine {
  readonly sessionId: bigint;
  readonly lastOp: string;
  readonly establishedMs: number;
  readonly timeout: number;
  readonly lastCxid: number;
  readonly lastZxid: bigint;
  readonly lastResponseTime: number;
  readonly lastLatency: number;
  readonly minLatency: number;
  readonly avgLatency: number;
  readonly maxLatency: number;
}

export interface ConnectionLine {
  readonly remote: SocketAddress;
  readonly interestOps: number;
  readonly queued: number;
  readonly recved: number;
  readonly sent: number;
  /** Present once the connection has a session. */
  readonly session?: SessionLine;
}

export interface ServerSnapshot {
  readonly serving: boolean;
  readonly latency: { readonly min: number; readonly avg: number; readonly max: number };
  readonly received: number;
  readonly sent: number;
  readonly outstanding: number;
  readonly zxid: bigint;
  readonly nodeCount: number;
  readonly connections: readonly ConnectionLine[];
  readonly uptimeMs: number;
  readonly watchCount: number;
  readonly ephemeralsCount: number;
  readonly approximateDataSize: number;
  readonly sessionCount: number;
  /** Descriptors the process has open and may open (-1 where the platform does not say). */
  readonly openFileDescriptors: number;
  readonly maxFileDescriptors: number;
}

/** Java's Long.toHexString: negative values as their 64-bit two's complement. */
export function hex(value: bigint | number): string {
  return BigInt.asUintN(64, BigInt(value)).toString(16);
}

/** Java's Double.toString for the values these words print: always with a fraction. */
export function javaDouble(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function brief(c: ConnectionLine): string {
  return ` /${c.remote.host}:${c.remote.port}[${c.interestOps.toString(16)}](queued=${c.queued},recved=${c.recved},sent=${c.sent}`;
}

function full(c: ConnectionLine): string {
  const s = c.session;
  if (s === undefined || s.sessionId === 0n) return `${brief(c)})`;
  const lcxid = s.lastCxid >= 0 ? `,lcxid=0x${hex(s.lastCxid)}` : '';
  return (
    `${brief(c)},sid=0x${hex(s.sessionId)},lop=${s.lastOp},est=${s.establishedMs},to=${s.timeout}${lcxid}` +
    `,lzxid=0x${hex(s.lastZxid)},lresp=${s.lastResponseTime},llat=${s.lastLatency},minlat=${s.minLatency}` +
    `,avglat=${s.avgLatency},maxlat=${s.maxLatency})`
  );
}

function summary(s: ServerSnapshot): string {
  return [
    `Latency min/avg/max: ${s.latency.min}/${javaDouble(s.latency.avg)}/${s.latency.max}`,
    `Received: ${s.received}`,
    `Sent: ${s.sent}`,
    `Connections: ${s.connections.length}`,
    `Outstanding: ${s.outstanding}`,
    `Zxid: 0x${hex(s.zxid)}`,
    'Mode: standalone',
    `Node count: ${s.nodeCount}`,
    '',
  ].join('\n');
}

/**
 * ZooKeeper 3.8's counters that stay 0 on a standalone in-memory server that answers each request as it reads it
 * (quorum, snapshots, request pipeline queues, caches, throttling, TLS); printed so that tools find every key.
 */
const ZERO_COUNTERS = [
  'proposal_count', 'watch_bytes', 'outstanding_changes_removed', 'throttled_ops', 'stale_requests_dropped',
  'large_requests_rejected', 'insecure_admin_count', 'connection_rejected', 'cnxn_closed_without_zk_server_running',
  'sessionless_connections_expired', 'looking_count', 'dead_watchers_queued', 'stale_requests', 'connection_drop_count',
  'learner_proposal_received_count', 'digest_mismatches_count', 'dead_watchers_cleared', 'response_packet_cache_hits',
  'bytes_received_count', 'add_dead_watcher_stall_time', 'request_throttle_wait_count',
  'requests_not_forwarded_to_commit_processor', 'response_packet_cache_misses', 'ensemble_auth_success',
  'prep_processor_request_queued', 'learner_commit_received_count', 'stale_replies', 'connection_request_count',
  'response_bytes', 'ensemble_auth_fail', 'diff_count', 'response_packet_get_children_cache_misses',
  'connection_revalidate_count', 'quit_leading_due_to_disloyal_voter', 'snap_count', 'unrecoverable_error_count',
  'unsuccessful_handshake', 'commit_count', 'stale_sessions_expired', 'response_packet_get_children_cache_hits',
  'sync_processor_request_queued', 'outstanding_changes_queued', 'request_commit_queued', 'ensemble_auth_skip',
  'skip_learner_request_to_next_processor_count', 'tls_handshake_exceeded', 'revalidate_count',
];

/**
 * ZooKeeper 3.8's gauges and counters in the order it prints them. Response sizes are -1 (ZooKeeper's value before
 * it has measured one; the reference does not measure them); ZooKeeper's summaries (avg_/min_/max_/cnt_/sum_ of
 * its internal timings, and their percentiles) are left out: they time pipeline stages the reference does not have.
 */
function mntr(s: ServerSnapshot): string {
  const metrics: [string, string | number][] = [
    ['version', ZK_VERSION],
    ['server_state', 'standalone'],
    ['ephemerals_count', s.ephemeralsCount],
    ['num_alive_connections', s.connections.length],
    ['avg_latency', javaDouble(s.latency.avg)],
    ['outstanding_requests', s.outstanding],
    ['znode_count', s.nodeCount],
    ['global_sessions', s.sessionCount],
    ['non_mtls_remote_conn_count', 0],
    ['last_client_response_size', -1],
    ['packets_sent', s.sent],
    ['packets_received', s.received],
    ['max_client_response_size', -1],
    ['connection_drop_probability', '0.0'],
    ['watch_count', s.watchCount],
    ['auth_failed_count', 0],
    ['min_latency', s.latency.min],
    ['max_file_descriptor_count', s.maxFileDescriptors],
    ['approximate_data_size', s.approximateDataSize],
    ['open_file_descriptor_count', s.openFileDescriptors],
    ['local_sessions', 0],
    ['uptime', s.uptimeMs],
    ['max_latency', s.latency.max],
    ['outstanding_tls_handshake', 0],
    ['min_client_response_size', -1],
    ['non_mtls_local_conn_count', 0],
    ...ZERO_COUNTERS.map((key): [string, number] => [key, 0]),
  ];
  return metrics.map(([key, value]) => `zk_${key}\t${value}\n`).join('');
}

/** The reply to `word`, or undefined when it is not one of the words above (admin-words.ts has the others). */
export function renderFourLetterWord(word: string, s: ServerSnapshot): string | undefined {
  if (word === 'ruok') return 'imok';
  if (word === 'isro') return 'rw';
  if (!['srvr', 'stat', 'cons', 'mntr'].includes(word)) return undefined;
  if (!s.serving) return NOT_SERVING;
  switch (word) {
    case 'srvr':
      return `Zookeeper version: ${ZK_VERSION}\n${summary(s)}`;
    case 'stat':
      return [`Zookeeper version: ${ZK_VERSION}`, 'Clients:', ...s.connections.map((c) => `${brief(c)})`), '', summary(s)].join('\n');
    case 'cons':
      return [...s.connections.map(full), '', ''].join('\n');
    default:
      return mntr(s);
  }
}
