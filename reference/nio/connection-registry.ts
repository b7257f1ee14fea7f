/**
 * ConnectionRegistry: what the factory knows about its connections, in one place: the connection set, the
 * per-address counts, the session map, the expiry queue and the count of requests in flight.
 *
 * Per-address counts are reserved by the accept thread when it hands a channel off, not when the selector thread
 * registers it, so the per-IP limit is exact. (ZooKeeper counts only registered connections, so a burst from one
 * address can overshoot the limit by the number of channels still queued.) Every reservation is released exactly
 * once: when the registered connection closes, or when the queued channel is closed without being registered.
 *
 * Implements: accept.per-ip-limit (counting), cnxn.close (removal from every structure), expiry.touch,
 * expiry.buckets (through ExpiryQueue).
 */
import type { HostRuntime } from '../../spec/runtime.ts';
import { ExpiryQueue } from './expiry-queue.ts';

/** What the registry needs of a connection. */
export interface RegisteredCnxn {
  readonly id: string;
  readonly ip: string;
  sessionId(): bigint;
  sessionTimeout(): number;
}

/** Connection set, per-address counts, sessions and expiry. Implements: accept.per-ip-limit, cnxn.close, expiry.touch. */
export class ConnectionRegistry<C extends RegisteredCnxn> {
  private readonly cnxns = new Set<C>();
  private readonly ipCounts = new Map<string, number>();
  private reservedTotal = 0;
  private readonly sessions = new Map<bigint, C>();
  private readonly expiry: ExpiryQueue<C>;
  /** Requests read and not yet answered, over all connections (ZooKeeper's server-wide in-flight count). */
  inFlight = 0;

  /** `makeQueue` builds the expiry queue (the reference ExpiryQueue unless a variant of the factory says otherwise). */
  constructor(
    protected readonly runtime: HostRuntime,
    readonly expiryInterval: number,
    makeQueue: (interval: number, now: number) => ExpiryQueue<C> = (interval, now) => new ExpiryQueue<C>(interval, now),
  ) {
    this.expiry = makeQueue(expiryInterval, runtime.clock.now());
  }

  /** Connections from `ip`, registered or handed off and not yet registered. */
  ipCount(ip: string): number {
    return this.ipCounts.get(ip) ?? 0;
  }

  /** All connections, registered or handed off and not yet registered. */
  totalCount(): number {
    return this.reservedTotal;
  }

  reserve(ip: string): void {
    this.ipCounts.set(ip, this.ipCount(ip) + 1);
    this.reservedTotal++;
  }

  release(ip: string): void {
    const n = this.ipCount(ip);
    if (n <= 0) throw new Error(`per-IP count for ${ip} would go below 0: a reservation was released twice`);
    if (n === 1) this.ipCounts.delete(ip);
    else this.ipCounts.set(ip, n - 1);
    this.reservedTotal--;
  }

  /** Adds a registered connection (its address was reserved at handoff) and touches it. */
  add(cnxn: C): void {
    this.cnxns.add(cnxn);
    this.touch(cnxn);
  }

  /** Removes a connection from every structure. False if it was not there (so close is idempotent). */
  remove(cnxn: C): boolean {
    if (!this.cnxns.delete(cnxn)) return false;
    this.expiry.remove(cnxn);
    const sessionId = cnxn.sessionId();
    if (sessionId !== 0n && this.sessions.get(sessionId) === cnxn) this.sessions.delete(sessionId);
    this.release(cnxn.ip);
    return true;
  }

  has(cnxn: C): boolean {
    return this.cnxns.has(cnxn);
  }

  list(): C[] {
    return [...this.cnxns];
  }

  setSession(cnxn: C, sessionId: bigint): void {
    if (this.cnxns.has(cnxn)) this.sessions.set(sessionId, cnxn);
  }

  bySession(sessionId: bigint): C | undefined {
    return this.sessions.get(sessionId);
  }

  /**
   * Recomputes the connection's expiry from now and its current timeout, and reports the bucket it is in.
   * A connection that is no longer registered (closed meanwhile by another thread) is left alone, so that a late
   * touch cannot bring a closed connection back into the queue.
   */
  touch(cnxn: C): void {
    if (!this.cnxns.has(cnxn)) return;
    this.expiry.update(cnxn, cnxn.sessionTimeout(), this.runtime.clock.now());
    const deadline = this.expiry.expiryOf(cnxn) as number;
    this.runtime.fact({ ev: 'touch', ch: cnxn.id, deadline });
  }

  /** The bucket time of a connection, if queued. */
  deadlineOf(cnxn: C): number | undefined {
    return this.expiry.expiryOf(cnxn);
  }

  expiryWaitTime(now: number): number {
    return this.expiry.waitTime(now);
  }

  /** The next due bucket's connections (empty if none is due). */
  pollExpired(now: number): C[] {
    return this.expiry.poll(now);
  }
}
