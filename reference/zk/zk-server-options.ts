/**
 * The ZooKeeper server's settings and their defaults: the zoo.cfg knobs it reads (tickTime,
 * minSessionTimeout, maxSessionTimeout, 4lw.commands.whitelist, jute.maxbuffer and its extrasize), and what
 * the reference adds so that it runs the same on real and simulated runtimes: the wall-clock origin for
 * ctime/mtime (the runtime clock only counts from its own start) and the password secret.
 */
import { CnxnspecError } from '../../spec/errors.ts';
import { JUTE_MAXBUFFER, TICK_TIME_MS } from '../../spec/knobs.ts';
import { juteLimits, type JuteLimits } from './jute-limits.ts';
import { randomSecret } from './session-password.ts';

export interface ZkServerOptions {
  readonly tickTime?: number;
  /** -1 (default) means 2 x tickTime. */
  readonly minSessionTimeout?: number;
  /** -1 (default) means 20 x tickTime. */
  readonly maxSessionTimeout?: number;
  /** `4lw.commands.whitelist`: comma-separated words, or `*`; absent means srvr only. */
  readonly fourLetterWordWhitelist?: string;
  readonly juteMaxBuffer?: number;
  readonly juteMaxBufferExtraSize?: number;
  /**
   * Wall-clock ms at the runtime clock's zero, added to runtime time for ctime, mtime, `est` and the session id
   * seed. The CLI passes the real epoch; tests and simulations leave 0 for reproducible values.
   */
  readonly epochMs?: number;
  /** Key of the session passwords (see session-password.ts); random when absent. */
  readonly secret?: Uint8Array;
  /** `zookeeper.skipACL=yes`: no ACL is checked (access-control.ts). */
  readonly skipAcl?: boolean;
  /** `zookeeper.DigestAuthenticationProvider.superDigest`: `user:base64(sha1(user:password))` of the super user. */
  readonly superDigest?: string;
  /** `zookeeper.enforceQuota=true`: hard quota limits refuse writes (quota-stats.ts). */
  readonly enforceQuota?: boolean;
  /** What `conf` reports of the factory's settings (the factory enforces them): default 60 and -1 as in ZooKeeper. */
  readonly maxClientCnxns?: number;
  readonly clientPortListenBacklog?: number;
  /** `zookeeper.extendedTypesEnabled`: TTL nodes allowed (default false). */
  readonly extendedTypesEnabled?: boolean;
  /** `znode.container.checkIntervalMs`: how often empty containers and expired TTL nodes are looked for (60000). */
  readonly containerCheckIntervalMs?: number;
  /** `znode.container.maxPerMinute`: at most this many of them deleted per minute (10000). */
  readonly containerMaxPerMinute?: number;
  /** `znode.container.maxNeverUsedIntervalMs`: age after which a container that never had a child goes (0: never). */
  readonly containerMaxNeverUsedIntervalMs?: number;
}

export interface ZkServerSettings {
  readonly tickTime: number;
  readonly minSessionTimeout: number;
  readonly maxSessionTimeout: number;
  readonly whitelist: string | undefined;
  readonly limits: JuteLimits;
  readonly epochMs: number;
  readonly secret: Uint8Array;
  readonly skipAcl: boolean;
  readonly superDigest: string | undefined;
  readonly enforceQuota: boolean;
  readonly maxClientCnxns: number;
  readonly clientPortListenBacklog: number;
  readonly extendedTypesEnabled: boolean;
  readonly containerCheckIntervalMs: number;
  readonly containerMaxPerMinute: number;
  readonly containerMaxNeverUsedIntervalMs: number;
}

function configError(message: string): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_CONFIG', message);
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw configError(`${name} must be a positive number, got ${value}`);
  return value;
}

export function resolveZkServerSettings(options: ZkServerOptions = {}): ZkServerSettings {
  const tickTime = options.tickTime ?? TICK_TIME_MS;
  if (!(tickTime > 0)) throw configError(`tickTime must be a positive number of ms, got ${tickTime}`);
  const min = options.minSessionTimeout === undefined || options.minSessionTimeout === -1 ? 2 * tickTime : options.minSessionTimeout;
  const max = options.maxSessionTimeout === undefined || options.maxSessionTimeout === -1 ? 20 * tickTime : options.maxSessionTimeout;
  if (min > max) throw configError(`minSessionTimeout (${min}) must not be greater than maxSessionTimeout (${max})`);
  return {
    tickTime,
    minSessionTimeout: min,
    maxSessionTimeout: max,
    whitelist: options.fourLetterWordWhitelist,
    limits: juteLimits(options.juteMaxBuffer ?? JUTE_MAXBUFFER, options.juteMaxBufferExtraSize),
    epochMs: options.epochMs ?? 0,
    secret: options.secret ?? randomSecret(),
    skipAcl: options.skipAcl ?? false,
    superDigest: options.superDigest,
    enforceQuota: options.enforceQuota ?? false,
    maxClientCnxns: options.maxClientCnxns ?? 60,
    clientPortListenBacklog: options.clientPortListenBacklog ?? -1,
    extendedTypesEnabled: options.extendedTypesEnabled ?? false,
    containerCheckIntervalMs: positive('znode.container.checkIntervalMs', options.containerCheckIntervalMs ?? 60_000),
    containerMaxPerMinute: positive('znode.container.maxPerMinute', options.containerMaxPerMinute ?? 10_000),
    containerMaxNeverUsedIntervalMs: options.containerMaxNeverUsedIntervalMs ?? 0,
  };
}

/** The requested timeout clamped to [min, max], as ZooKeeper negotiates it. */
export function negotiateTimeout(requested: number, settings: ZkServerSettings): number {
  if (requested < settings.minSessionTimeout) return settings.minSessionTimeout;
  if (requested > settings.maxSessionTimeout) return settings.maxSessionTimeout;
  return requested;
}
