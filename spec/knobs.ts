/**
 * Configuration knobs of the connection layer: names, units, defaults and the formulas that derive defaults
 * from the machine. Names are ZooKeeper's property names, so a zoo.cfg or `-D` habit carries over.
 */

export type KnobUnit = 'count' | 'ms' | 'bytes' | 'boolean' | 'name' | 'list';

export interface Knob {
  readonly name: string;
  readonly unit: KnobUnit;
  /** The default as a value, or as a formula in words when it depends on the machine. */
  readonly default: number | boolean | string;
  readonly meaning: string;
  /** Where it is read from: a zoo.cfg key, a property, or both. */
  readonly from: 'zoo.cfg' | 'property' | 'zoo.cfg or property';
}

export const DEFAULT_FACTORY = 'NIOServerCnxnFactory';
export const JUTE_MAXBUFFER = 1_048_575;
export const SESSIONLESS_CNXN_TIMEOUT_MS = 10_000;
export const MAX_CLIENT_CNXNS = 60;
export const LISTEN_BACKLOG_DEFAULT = -1;
export const TICK_TIME_MS = 3_000;
export const ACCEPT_PAUSE_MS = 10;
export const SHUTDOWN_TIMEOUT_MS = 5_000;
export const GLOBAL_OUTSTANDING_LIMIT = 1_000;

/** N = max(floor(sqrt(cores / 2)), 1). */
export function defaultSelectorThreads(cores: number): number {
  return Math.max(Math.floor(Math.sqrt(cores / 2)), 1);
}

/** M = 2 x cores. */
export function defaultWorkerThreads(cores: number): number {
  return 2 * cores;
}

/** Session timeouts are clamped to [min, max]; -1 means 2 x tickTime and 20 x tickTime. */
export function clampSessionTimeout(
  requested: number,
  tickTime: number,
  minSessionTimeout = -1,
  maxSessionTimeout = -1,
): number {
  const min = minSessionTimeout === -1 ? 2 * tickTime : minSessionTimeout;
  const max = maxSessionTimeout === -1 ? 20 * tickTime : maxSessionTimeout;
  if (requested < min) return min;
  if (requested > max) return max;
  return requested;
}

export const KNOBS: readonly Knob[] = [
  { name: 'zookeeper.serverCnxnFactory', unit: 'name', default: DEFAULT_FACTORY, from: 'zoo.cfg or property',
    meaning: 'Which factory serves the client ports: a reference name, a ZooKeeper class name alias, or a module path.' },
  { name: 'zookeeper.clientCnxnSocket', unit: 'name', default: 'ClientCnxnSocketNIO', from: 'property',
    meaning: "Which socket implementation the reference client uses." },
  { name: 'clientPort', unit: 'count', default: 'unset (no plain factory)', from: 'zoo.cfg',
    meaning: 'Port of the plain factory; 0 asks for an ephemeral port.' },
  { name: 'clientPortAddress', unit: 'name', default: 'wildcard', from: 'zoo.cfg',
    meaning: 'Bind address of the plain factory; needs clientPort.' },
  { name: 'secureClientPort', unit: 'count', default: 'unset (no secure factory)', from: 'zoo.cfg',
    meaning: 'Port of the secure (TLS) factory.' },
  { name: 'secureClientPortAddress', unit: 'name', default: 'wildcard', from: 'zoo.cfg',
    meaning: 'Bind address of the secure factory.' },
  { name: 'maxClientCnxns', unit: 'count', default: MAX_CLIENT_CNXNS, from: 'zoo.cfg',
    meaning: 'Concurrent connections allowed per remote IP, per factory; 0 or less means no limit.' },
  { name: 'clientPortListenBacklog', unit: 'count', default: LISTEN_BACKLOG_DEFAULT, from: 'zoo.cfg',
    meaning: 'Listen backlog of the client ports; -1 leaves the platform default.' },
  { name: 'tickTime', unit: 'ms', default: TICK_TIME_MS, from: 'zoo.cfg',
    meaning: 'The basic time unit; session timeout bounds default to multiples of it.' },
  { name: 'minSessionTimeout', unit: 'ms', default: '2 x tickTime', from: 'zoo.cfg',
    meaning: 'Smallest negotiated session timeout.' },
  { name: 'maxSessionTimeout', unit: 'ms', default: '20 x tickTime', from: 'zoo.cfg',
    meaning: 'Largest negotiated session timeout.' },
  { name: 'zookeeper.nio.numSelectorThreads', unit: 'count', default: 'max(floor(sqrt(cores / 2)), 1)', from: 'zoo.cfg or property',
    meaning: 'Selector threads of the NIO factory; less than 1 is a configuration error.' },
  { name: 'zookeeper.nio.numWorkerThreads', unit: 'count', default: '2 x cores', from: 'zoo.cfg or property',
    meaning: 'IO worker threads; 0 runs IO on the selector threads.' },
  { name: 'zookeeper.nio.sessionlessCnxnTimeout', unit: 'ms', default: SESSIONLESS_CNXN_TIMEOUT_MS, from: 'zoo.cfg or property',
    meaning: 'Idle timeout of a connection without a session, and the expiry bucket interval.' },
  { name: 'zookeeper.nio.shutdownTimeout', unit: 'ms', default: SHUTDOWN_TIMEOUT_MS, from: 'zoo.cfg or property',
    meaning: 'How long join waits for the worker pool to end.' },
  { name: 'jute.maxbuffer', unit: 'bytes', default: JUTE_MAXBUFFER, from: 'property',
    meaning: 'Largest allowed frame length; a longer or negative length closes the connection.' },
  { name: 'zookeeper.globalOutstandingLimit', unit: 'count', default: GLOBAL_OUTSTANDING_LIMIT, from: 'zoo.cfg or property',
    meaning: 'Outstanding requests above which a connection stops reading.' },
  { name: 'zookeeper.maxCnxns', unit: 'count', default: 0, from: 'zoo.cfg or property',
    meaning: 'Total connections per factory; 0 means no limit.' },
  { name: '4lw.commands.whitelist', unit: 'list', default: 'srvr', from: 'zoo.cfg or property',
    meaning: 'Four-letter words that may run; * enables all, srvr is always enabled.' },
];
