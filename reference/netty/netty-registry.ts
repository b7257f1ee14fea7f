/**
 * NettyRegistry: the factory's connections, the per-address counts (ZooKeeper's ipMap) and the session map.
 * A count rises when a connection is added at channel-active and falls when it is removed at close; an address
 * whose count reaches 0 leaves the map, so it does not grow with every address that ever connected.
 *
 * Implements: netty.per-ip-limit (counting).
 */
import type { NettyServerCnxn } from './netty-server-cnxn.ts';

export class NettyRegistry {
  private readonly cnxns = new Set<NettyServerCnxn>();
  private readonly ipCounts = new Map<string, number>();
  private readonly sessions = new Map<bigint, NettyServerCnxn>();
  /** Requests (xid > 0) handed to the server and not yet answered, over every connection (globalOutstandingLimit). */
  inFlight = 0;

  ipCount(ip: string): number {
    return this.ipCounts.get(ip) ?? 0;
  }

  /** Addresses with at least one connection. */
  addresses(): string[] {
    return [...this.ipCounts.keys()];
  }

  size(): number {
    return this.cnxns.size;
  }

  add(cnxn: NettyServerCnxn): void {
    if (this.cnxns.has(cnxn)) return;
    this.cnxns.add(cnxn);
    this.ipCounts.set(cnxn.ip, this.ipCount(cnxn.ip) + 1);
  }

  /** False if it was not there, so that close is idempotent. */
  remove(cnxn: NettyServerCnxn): boolean {
    if (!this.cnxns.delete(cnxn)) return false;
    const n = this.ipCount(cnxn.ip);
    if (n <= 1) this.ipCounts.delete(cnxn.ip);
    else this.ipCounts.set(cnxn.ip, n - 1);
    const sessionId = cnxn.sessionId();
    if (sessionId !== 0n && this.sessions.get(sessionId) === cnxn) this.sessions.delete(sessionId);
    return true;
  }

  setSession(cnxn: NettyServerCnxn, sessionId: bigint): void {
    if (this.cnxns.has(cnxn)) this.sessions.set(sessionId, cnxn);
  }

  bySession(sessionId: bigint): NettyServerCnxn | undefined {
    return this.sessions.get(sessionId);
  }

  list(): NettyServerCnxn[] {
    return [...this.cnxns];
  }
}
