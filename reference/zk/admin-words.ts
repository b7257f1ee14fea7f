/**
 * The four-letter words that report the server's configuration, environment, watches and sessions, in
 * ZooKeeper 3.8's line formats, rendered from an AdminSnapshot so the shapes can be tested without sockets:
 *
 *   conf  key=value lines: clientPort, secureClientPort, dataDir, dataDirSize, dataLogDir, dataLogSize, tickTime,
 *         maxClientCnxns, minSessionTimeout, maxSessionTimeout, clientPortListenBacklog, serverId
 *   envi  `Environment:` then key=value lines, zookeeper.version first (clients parse the version from it)
 *   wchs  `<n> connections watching <m> paths` and `Total watches:<k>` (data watches, as ZooKeeper counts them)
 *   wchc  per session `0x<id>` then a tab-indented line per watched path (data watches only, as in 3.8)
 *   wchp  per path, then a tab-indented `0x<id>` line per watching session (data watches only)
 *   dump  the session tracker's expiry sets and the ephemeral nodes of each session
 *   dirs  `datadir_size: <n>` and `logdir_size: <n>`
 *
 * Placeholders, because the reference keeps everything in memory and is no JVM: dataDir and dataLogDir are
 * `(in memory)` with sizes 0; envi lists Node's runtime (node.version, node.execPath) where ZooKeeper lists
 * java.* properties. `dump` has no `Connections dump:` section (ZooKeeper's NIO factory prints its idle-connection
 * expiry queue there; the reference factories keep no such queue in the server).
 *
 * Implements: zk.admin-words.
 */
import { hex } from './four-letter-words.ts';

export interface WatchEntry {
  readonly kind: 'data' | 'child';
  readonly path: string;
  readonly sessionId: bigint;
}

export interface AdminSnapshot {
  readonly conf: {
    readonly clientPort: number;
    readonly secureClientPort: number;
    readonly tickTime: number;
    readonly maxClientCnxns: number;
    readonly minSessionTimeout: number;
    readonly maxSessionTimeout: number;
    readonly clientPortListenBacklog: number;
  };
  /** key=value pairs after zookeeper.version. */
  readonly environment: readonly (readonly [string, string])[];
  readonly watches: readonly WatchEntry[];
  /** Each live session with the wall-clock ms its expiry set is due. */
  readonly sessions: readonly { readonly id: bigint; readonly expiresAtMs: number }[];
  readonly ephemerals: readonly { readonly sessionId: bigint; readonly paths: readonly string[] }[];
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Java's Date.toString in UTC: `Sun Nov 29 18:57:25 UTC 2026`. */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${time} UTC ${d.getUTCFullYear()}`;
}

function conf(s: AdminSnapshot): string {
  const c = s.conf;
  const lines: [string, string | number][] = [
    ['clientPort', c.clientPort],
    ['secureClientPort', c.secureClientPort],
    ['dataDir', '(in memory)'],
    ['dataDirSize', 0],
    ['dataLogDir', '(in memory)'],
    ['dataLogSize', 0],
    ['tickTime', c.tickTime],
    ['maxClientCnxns', c.maxClientCnxns],
    ['minSessionTimeout', c.minSessionTimeout],
    ['maxSessionTimeout', c.maxSessionTimeout],
    ['clientPortListenBacklog', c.clientPortListenBacklog],
    ['serverId', 0],
  ];
  return lines.map(([k, v]) => `${k}=${v}\n`).join('');
}

/** Insertion-ordered groups of `value` by `key`. */
function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

/** Data watches only, as ZooKeeper 3.8 lists them (child watches do not show in wchc, wchp or wchs). */
function watchesBy(s: AdminSnapshot, byPath: boolean): string {
  let out = '';
  const watches = s.watches.filter((w) => w.kind === 'data');
  if (byPath) {
    for (const [path, ws] of groupBy(watches, (w) => w.path)) out += `${path}\n${ws.map((w) => `\t0x${hex(w.sessionId)}\n`).join('')}`;
  } else {
    for (const [sid, ws] of groupBy(watches, (w) => w.sessionId)) out += `0x${hex(sid)}\n${ws.map((w) => `\t${w.path}\n`).join('')}`;
  }
  return `${out}\n`;
}

function summary(s: AdminSnapshot): string {
  const data = s.watches.filter((w) => w.kind === 'data');
  const sessions = new Set(data.map((w) => w.sessionId)).size;
  const paths = new Set(data.map((w) => w.path)).size;
  return `${sessions} connections watching ${paths} paths\nTotal watches:${data.length}\n`;
}

function dump(s: AdminSnapshot): string {
  const sets = [...groupBy(s.sessions, (x) => x.expiresAtMs)].sort(([a], [b]) => a - b);
  let out = `SessionTracker dump:\nSession Sets (${sets.length})/(${s.sessions.length}):\n`;
  for (const [at, members] of sets) out += `${members.length} expire at ${javaDate(at)}:\n${members.map((m) => `\t0x${hex(m.id)}\n`).join('')}`;
  out += `ephemeral nodes dump:\nSessions with Ephemerals (${s.ephemerals.length}):\n`;
  for (const e of s.ephemerals) out += `0x${hex(e.sessionId)}:\n${e.paths.map((p) => `\t${p}\n`).join('')}`;
  return out;
}

/** The reply to one of the words above, or undefined for any other word. */
export function renderAdminWord(word: string, s: AdminSnapshot, version: string): string | undefined {
  switch (word) {
    case 'conf':
      return conf(s);
    case 'envi':
      return `Environment:\nzookeeper.version=${version}\n${s.environment.map(([k, v]) => `${k}=${v}\n`).join('')}`;
    case 'wchs':
      return summary(s);
    case 'wchc':
      return watchesBy(s, false);
    case 'wchp':
      return watchesBy(s, true);
    case 'dump':
      return dump(s);
    case 'dirs':
      return 'datadir_size: 0\nlogdir_size: 0\n';
    default:
      return undefined;
  }
}
