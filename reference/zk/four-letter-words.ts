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
 * Words ZooKeeper knows but the reference does not implement (conf, dump, envi, wchs, ...) render as undefined;
 * the handler then declines them and the factory closes the connection, which is what ZooKeeper does with a
 * word it has no command for.
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

function mntr(s: ServerSnapshot): string {
  const metrics: [string, string | number][] = [
    ['version', ZK_VERSION],
    ['server_state', 'standalone'],
    ['avg_latency', javaDouble(s.latency.avg)],
    ['max_latency', s.latency.max],
    ['min_latency', s.latency.min],
    ['packets_received', s.received],
    ['packets_sent', s.sent],
    ['num_alive_connections', s.connections.length],
    ['outstanding_requests', s.outstanding],
    ['uptime', s.uptimeMs],
    ['znode_count', s.nodeCount],
    ['watch_count', s.watchCount],
    ['ephemerals_count', s.ephemeralsCount],
    ['approximate_data_size', s.approximateDataSize],
    ['global_sessions', s.sessionCount],
    ['local_sessions', 0],
  ];
  return metrics.map(([key, value]) => `zk_${key}\t${value}\n`).join('');
}

/** The reply to `word`, or undefined when the reference has no command for it. */
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
