/**
 * NettyServerCnxn: a connection of the Netty-style factory as the server behind it sees it. It owns no socket
 * operation: sending queues on its channel (written by the channel's loop), throttling toggles the channel's
 * auto-read, closing asks the loop to close.
 *
 * Reading is held (auto-read off) while any of these holds, and resumes when none does:
 *   - the server disabled it (disableRecv);
 *   - a ConnectRequest was handed on and its ConnectResponse has not been queued yet (as ZooKeeper does);
 *   - a four-letter word is being answered (nothing more is read from that connection);
 *   - the server has more requests in flight than globalOutstandingLimit and this connection has some of them
 *     (ZooKeeper's rule, the same as the NIO connection's), until a reply or a close brings the count down.
 *
 * Implements: netty.event-loop-affinity (throttling through auto-read), cnxn.throttle (globalOutstandingLimit),
 * expiry.session-timeout (setSession).
 */
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import type { SocketAddress } from '../../spec/runtime.ts';
import type { ServerConnection } from '../../spec/server-cnxn-factory.ts';
import { DIGEST_START, digestHex, digestUpdate } from '../../spec/trace/digest.ts';
import type { NettyChannel } from './netty-channel.ts';
import type { NettyContext } from './netty-context.ts';
import { OutstandingRequests } from '../outstanding-requests.ts';

/** What requestArrived returns when the request leaves reading as it was. */
const NOT_THROTTLED: Promise<void> = Promise.resolve();

export class NettyServerCnxn implements ServerConnection {
  readonly id: string;
  readonly remoteAddress: SocketAddress;
  readonly ip: string;
  private sessionIdValue = 0n;
  private timeout: number;
  private outgoingDigest = DIGEST_START;
  private recvDisabled = false;
  private awaitingConnectResponse = false;
  private answeringWord = false;
  /** Requests out and the throttle for them (cnxn.throttle). */
  private readonly outstanding: OutstandingRequests;
  /** The ConnectRequest has been handed on. */
  initialized = false;

  constructor(
    protected readonly ctx: NettyContext,
    readonly channel: NettyChannel,
  ) {
    this.id = channel.id;
    this.remoteAddress = channel.socket.remoteAddress;
    this.ip = this.remoteAddress.host;
    this.timeout = ctx.settings.idleTimeout;
    this.outstanding = new OutstandingRequests(ctx.registry, ctx.settings.globalOutstandingLimit);
  }

  sessionId(): bigint {
    return this.sessionIdValue;
  }

  sessionTimeout(): number {
    return this.timeout;
  }

  setSession(sessionId: bigint, timeoutMs: number): void {
    this.sessionIdValue = sessionId;
    this.timeout = timeoutMs;
    this.ctx.registry.setSession(this, sessionId);
    this.ctx.runtime.fact({ ev: 'session', ch: this.id, sessionId: `0x${sessionId.toString(16)}`, timeout: timeoutMs });
  }

  isClosed(): boolean {
    return this.channel.isClosed();
  }

  /** Whether the connection takes frames now (see the file comment). */
  throttled(): boolean {
    return this.recvDisabled || this.awaitingConnectResponse || this.answeringWord || this.outstanding.throttled;
  }

  async send(frame: Uint8Array): Promise<void> {
    if (this.channel.isClosed()) {
      this.ctx.runtime.log.log('debug', `dropping a ${frame.length}-byte reply for closed connection ${this.id}`);
      return;
    }
    if (this.ctx.runtime.tracing) {
      this.outgoingDigest = digestUpdate(this.outgoingDigest, frame);
      this.ctx.runtime.fact({ ev: 'outgoing', ch: this.id, n: frame.length, digest: digestHex(this.outgoingDigest) });
    }
    await this.channel.write(frame);
    if (this.awaitingConnectResponse) {
      this.awaitingConnectResponse = false;
      await this.refreshAutoRead();
    } else if (this.outstanding.replied(frame)) {
      await this.refreshAutoRead();
    }
  }

  /** Loop only: a request is being handed to the server; one with xid > 0 counts until its reply is sent. */
  requestArrived(payload: Uint8Array): Promise<void> {
    return this.outstanding.requested(payload) ? this.refreshAutoRead() : NOT_THROTTLED;
  }

  /** Loop only, at close: this connection's requests no longer count. */
  dropOutstanding(): void {
    this.outstanding.drop();
  }

  async sendCloseAfterFlush(reason: DisconnectReason = 'client_closed_connection'): Promise<void> {
    await this.channel.writeAndClose(reason);
  }

  async close(reason: DisconnectReason): Promise<void> {
    await this.channel.close(reason);
  }

  async disableRecv(): Promise<void> {
    this.recvDisabled = true;
    await this.refreshAutoRead();
  }

  async enableRecv(): Promise<void> {
    this.recvDisabled = false;
    await this.refreshAutoRead();
  }

  /** Loop only: the ConnectRequest is being handed on; hold reading until its response is queued. */
  async holdForConnectResponse(): Promise<void> {
    this.initialized = true;
    this.awaitingConnectResponse = true;
    await this.refreshAutoRead();
  }

  /** Loop only: a four-letter word was taken; nothing more is read. */
  async holdForWordAnswer(): Promise<void> {
    this.answeringWord = true;
    await this.refreshAutoRead();
  }

  async releaseWordHold(): Promise<void> {
    this.answeringWord = false;
    await this.refreshAutoRead();
  }

  /** Auto-read follows the hold conditions; the channel applies the change on its loop. */
  protected async refreshAutoRead(): Promise<void> {
    await this.channel.setAutoRead(!this.throttled());
  }
}
