/**
 * The global limit on outstanding requests (FactoryOptions.globalOutstandingLimit, cnxn.throttle), watched from
 * the handler's side of the contract: it counts the requests with xid > 0 handed to it and not yet answered, over
 * every connection. When a counted request arrives on a connection while more than `limit` are in flight and that
 * connection has some outstanding, the factory must stop reading from it until a reply brings the count back to
 * the limit or the connection has none outstanding; a connection that keeps delivering frames is reported.
 * Nothing the factory reports is used: the limit is the one the harness gave, the counts are what the handler saw.
 *
 * The count here may run ahead of the factory's for a moment (a factory drops a closing connection's requests
 * before the handler hears connectionClosed), so, as for disableRecv, one more frame is allowed.
 */
import type { ServerConnection } from '../../../spec/server-cnxn-factory.ts';
import { FRAMES_AFTER_DISABLE } from './receive-throttle.ts';

export class OutstandingLimit {
  private inFlight = 0;
  private readonly outstanding = new Map<string, number>();
  /** Connections the factory must not read from now: channel id -> frames delivered since. */
  private readonly held = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly report: (cnxn: ServerConnection, message: string) => void,
  ) {}

  /** A request with this xid was handed to the handler (on the IO thread, before anything is answered). */
  arrived(cnxn: ServerConnection, xid: number): void {
    const since = this.held.get(cnxn.id);
    if (since !== undefined) {
      this.held.set(cnxn.id, since + 1);
      if (since + 1 > FRAMES_AFTER_DISABLE) {
        this.report(
          cnxn,
          `${cnxn.id} delivered request xid ${xid} although ${this.inFlight} requests were outstanding (globalOutstandingLimit ${this.limit}) ` +
            `and it had ${this.outstanding.get(cnxn.id) ?? 0} of them: it had to stop reading until a reply brought the count down`,
        );
      }
    }
    if (xid <= 0) return;
    this.inFlight++;
    const mine = (this.outstanding.get(cnxn.id) ?? 0) + 1;
    this.outstanding.set(cnxn.id, mine);
    if (this.inFlight > this.limit && !this.held.has(cnxn.id)) this.held.set(cnxn.id, 0);
  }

  /** The handler is about to send the reply to one counted request of this connection. */
  answered(cnxn: ServerConnection): void {
    const mine = this.outstanding.get(cnxn.id) ?? 0;
    if (mine === 0) return;
    this.outstanding.set(cnxn.id, mine - 1);
    this.inFlight--;
    this.release();
  }

  /** The connection is closing or closed: its requests no longer count. */
  closed(ch: string): void {
    this.inFlight -= this.outstanding.get(ch) ?? 0;
    this.outstanding.delete(ch);
    this.held.delete(ch);
    this.release();
  }

  private release(): void {
    for (const ch of [...this.held.keys()]) {
      if (this.inFlight <= this.limit || (this.outstanding.get(ch) ?? 0) === 0) this.held.delete(ch);
    }
  }
}
