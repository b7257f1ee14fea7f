/**
 * cnxn.throttle's bookkeeping, the same in both factories: the requests a connection has handed to the server and
 * not yet had answered, and whether it is throttled for them. ZooKeeper's rule: a connection with requests out is
 * throttled while the whole server has more than globalOutstandingLimit in flight, and released when a reply
 * brings the server back under it. Only frames with xid > 0 count (pings, auth and notifications do not); what a
 * factory does to throttle (interest ops, auto-read) stays its own.
 */
import { frameXid } from './frame-xid.ts';

/** The server-wide count, kept by the factory's registry. */
export interface InFlightCount {
  inFlight: number;
}

export class OutstandingRequests {
  private count = 0;
  /** Throttled for the server's requests in flight; the factory stops reading while this holds. */
  throttled = false;

  constructor(
    private readonly server: InFlightCount,
    private readonly globalOutstandingLimit: number,
  ) {}

  /** A request payload is handed to the server. True when this starts the throttle. */
  requested(payload: Uint8Array): boolean {
    if (frameXid(payload, 0) <= 0) return false;
    this.count++;
    this.server.inFlight++;
    if (this.throttled || !this.overLimit()) return false;
    this.throttled = true;
    return true;
  }

  /** A reply frame is queued for the client. True when this ends the throttle. */
  replied(frame: Uint8Array): boolean {
    if (this.count === 0 || frameXid(frame, 4) <= 0) return false;
    this.count--;
    this.server.inFlight--;
    if (!this.throttled || this.overLimit()) return false;
    this.throttled = false;
    return true;
  }

  /** The connection closed: its requests no longer count. */
  drop(): void {
    this.server.inFlight -= this.count;
    this.count = 0;
  }

  private overLimit(): boolean {
    return this.server.inFlight > this.globalOutstandingLimit && this.count > 0;
  }
}
