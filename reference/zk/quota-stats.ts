/**
 * Quotas as ZooKeeper 3.8 keeps them. A client (zkCli `setquota`) marks a path P as limited by creating
 * `/zookeeper/quota` + P + `/zookeeper_limits` (data: `count=<n>,bytes=<n>` soft limits, and with 3.7+ zkCli
 * `countHardLimit=<n>,byteHardLimit=<n>`; -1 means none) and `.../zookeeper_stats`. The server then:
 * - on creating a `zookeeper_stats` node, overwrites its data with `count=<nodes in P's subtree, P included>,
 *   bytes=<their data bytes>`;
 * - on every create, delete and setData under the deepest limited ancestor of a path (the root never counts),
 *   updates that ancestor's stats node in place (no version change, as ZooKeeper writes it directly) and logs a
 *   warning when a soft limit is exceeded;
 * - with `zookeeper.enforceQuota=true`, refuses a create or setData that would take a limited subtree beyond a
 *   hard limit with QUOTAEXCEEDED (-125), checked after the ACL and before the version; soft limits only warn.
 * Which paths are limited is read from the tree (a limits node exists), so multi's undo needs nothing here.
 *
 * Implements: zk.quotas.
 */
import { Err, KeeperError } from './error-codes.ts';
import { decodeLenient, encodeUtf8 } from './utf8.ts';

export const QUOTA_ROOT = '/zookeeper/quota';
export const LIMITS_NODE = 'zookeeper_limits';
export const STATS_NODE = 'zookeeper_stats';

/** What the tracker needs of the tree. */
export interface QuotaHost {
  /** The node's data; undefined when there is no node. */
  data(path: string): Uint8Array | null | undefined;
  /** Replaces a node's data without a new version (undone with the rest of a failed multi). */
  rewrite(path: string, data: Uint8Array): void;
  /** Nodes in the subtree at `path` (itself included) and their data bytes; zeros when there is no node. */
  subtree(path: string): { count: number; bytes: number };
}

/** ZooKeeper's StatsTrack text: `key=value` pairs joined by commas, count and bytes first; -1 for a missing key. */
export class StatsTrack {
  readonly values = new Map<string, number>();

  constructor(text: string | null = null) {
    for (const pair of (text ?? '').split(',')) {
      const [key, value, ...rest] = pair.split('=');
      if (key === undefined || value === undefined || rest.length > 0 || !/^-?\d+$/.test(value.trim())) continue;
      this.values.set(key, Number(value.trim()));
    }
  }

  get(key: string): number {
    return this.values.get(key) ?? -1;
  }

  toString(): string {
    const extra = [...this.values].filter(([k]) => k !== 'count' && k !== 'bytes').map(([k, v]) => `${k}=${v}`);
    return [`count=${this.get('count')}`, `bytes=${this.get('bytes')}`, ...extra].join(',');
  }
}

const lengthOf = (data: Uint8Array | null | undefined): number => data?.length ?? 0;

export class QuotaStats {
  /** `zookeeper.enforceQuota`: hard limits refuse writes. */
  enforceHardLimits = false;
  /** Where "Quota exceeded" warnings go (the server's logger). */
  warn: (message: string) => void = () => {};

  constructor(private readonly host: QuotaHost) {}

  /** The deepest limited ancestor-or-self of `path`, or undefined (never the root). */
  limitedPrefix(path: string): string | undefined {
    for (let prefix = path; prefix.length > 1; prefix = prefix.slice(0, prefix.lastIndexOf('/'))) {
      if (this.host.data(`${QUOTA_ROOT}${prefix}/${LIMITS_NODE}`) !== undefined) return prefix;
      if (prefix.lastIndexOf('/') === 0) break;
    }
    return undefined;
  }

  /** Before a create (`before` null) or setData: QUOTAEXCEEDED when enforcing and a hard limit would be passed. */
  check(path: string, before: Uint8Array | null, after: Uint8Array | null, creating: boolean): void {
    if (!this.enforceHardLimits) return;
    const prefix = this.limitedPrefix(path);
    if (prefix === undefined) return;
    const limits = this.track(`${QUOTA_ROOT}${prefix}/${LIMITS_NODE}`);
    const stats = this.track(`${QUOTA_ROOT}${prefix}/${STATS_NODE}`);
    const countDiff = creating ? 1 : 0;
    const bytesDiff = lengthOf(after) - lengthOf(before);
    const over = (diff: number, key: 'count' | 'bytes', hardKey: string): boolean => {
      if (diff === 0 || limits.get(hardKey) < 0) return false;
      return stats.get(key) + diff > limits.get(hardKey);
    };
    if (over(countDiff, 'count', 'countHardLimit') || over(bytesDiff, 'bytes', 'byteHardLimit')) throw new KeeperError(Err.QUOTAEXCEEDED, prefix);
  }

  created(path: string, data: Uint8Array | null): void {
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (parent.startsWith(QUOTA_ROOT) && path.endsWith(`/${STATS_NODE}`)) {
      const { count, bytes } = this.host.subtree(parent.slice(QUOTA_ROOT.length));
      this.host.rewrite(path, encodeUtf8(`count=${count},bytes=${bytes}`));
    }
    this.update(path, lengthOf(data), 1);
  }

  deleted(path: string, data: Uint8Array | null): void {
    this.update(path, -lengthOf(data), -1);
  }

  changed(path: string, before: Uint8Array | null, after: Uint8Array | null): void {
    this.update(path, lengthOf(after) - lengthOf(before), 0);
  }

  private update(path: string, bytesDiff: number, countDiff: number): void {
    const prefix = this.limitedPrefix(path);
    if (prefix === undefined) return;
    const statsPath = `${QUOTA_ROOT}${prefix}/${STATS_NODE}`;
    if (this.host.data(statsPath) === undefined) return;
    const stats = this.track(statsPath);
    stats.values.set('count', stats.get('count') + countDiff);
    stats.values.set('bytes', stats.get('bytes') + bytesDiff);
    this.host.rewrite(statsPath, encodeUtf8(stats.toString()));
    const limits = this.track(`${QUOTA_ROOT}${prefix}/${LIMITS_NODE}`);
    for (const key of ['count', 'bytes'] as const) {
      if (limits.get(key) > -1 && limits.get(key) < stats.get(key)) this.warn(`Quota exceeded: ${prefix} ${key}=${stats.get(key)} limit=${limits.get(key)}`);
    }
  }

  private track(path: string): StatsTrack {
    const data = this.host.data(path);
    return new StatsTrack(data === undefined || data === null ? null : decodeLenient(data));
  }
}
