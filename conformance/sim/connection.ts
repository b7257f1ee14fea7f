/**
 * One simulated TCP connection: two byte pipes and the state of each end. Pure state; the channel and peer
 * code around it emits the trace.
 *
 *   peer --toServer--> server socket (ch<n>)     what the server's read() takes, at most into.length at a time
 *   peer <--toPeer---- server socket             bytes in flight, not yet read by the peer; the server's write()
 *                                                takes min(len, receiveWindow - toPeer.length)
 *
 * Ends, as the node runtime reports them:
 * - peer halfClose (FIN): the server reads what was sent, then -1 (EOF); it may still write.
 * - peer close: as halfClose for reading; the peer reads no more, so server writes fail with EPIPE
 *   (traced write n = 0). Real TCP would accept a write or two first; the simulation fails at once.
 * - peer reset (RST): the server reads what was already sent, then read throws RuntimeIOError ECONNRESET
 *   (traced read n = -1), and again on every later read; writes throw ECONNRESET (traced write n = 0).
 * - server close: FIN (the peer reads what is in flight, then sees the close) or, with reset, RST
 *   (what was in flight is dropped). Either way unread inbound bytes are dropped.
 *
 * Implements runtime.partial-write (the window decides how much a write takes) and the readiness that
 * runtime.level-triggered reports.
 */

import { RuntimeIOError } from '../../spec/errors.ts';
import type { SocketAddress } from '../../spec/runtime.ts';
import { ByteQueue } from './byte-queue.ts';
import { DIGEST_START, digestHex, digestUpdate } from '../../spec/trace/digest.ts';

export type PeerShutdown = 'none' | 'halfClose' | 'close' | 'reset';

export class Connection {
  private receivedState = DIGEST_START;
  readonly toServer = new ByteQueue();
  readonly toPeer = new ByteQueue();
  /** Everything the peer has read, in order, for tests to assert on. */
  readonly received: Uint8Array[] = [];
  peerShutdown: PeerShutdown = 'none';
  /** A read has returned -1 (or thrown the reset): OP_READ is no longer ready for the end of stream. */
  endReported = false;
  serverClosed: 'fin' | 'reset' | undefined;
  /** Accepted by the server (so unread bytes are the factory's to read). */
  accepted = false;
  /** Bytes a peer (or a test body) is blocked waiting for: pending work for deadlock reports. */
  awaiting = 0;

  constructor(
    /** The server socket's trace id, given at connect so peer events can name it before accept. */
    readonly ch: string,
    /** `peer <ip>#<n>`. */
    readonly peer: string,
    readonly remote: SocketAddress,
    public receiveWindow: number,
  ) {}

  // Server side.

  readReady(): boolean {
    return this.toServer.length > 0 || (this.peerShutdown !== 'none' && !this.endReported);
  }

  writeReady(): boolean {
    return this.peerGone() || this.toPeer.length < this.receiveWindow;
  }

  /** Bytes copied, 0, or -1 at EOF; throws ECONNRESET after a reset once the bytes before it are read. */
  serverRead(into: Uint8Array): number {
    if (this.toServer.length > 0) return this.toServer.takeInto(into);
    if (this.peerShutdown === 'none') return 0;
    this.endReported = true;
    if (this.peerShutdown === 'reset') throw new RuntimeIOError('ECONNRESET', `${this.ch}: connection reset by ${this.peer}`);
    return -1;
  }

  /** How many leading bytes the pipe takes; throws (after the caller traced n = 0) when the peer is gone. */
  writeFailure(): RuntimeIOError | undefined {
    if (this.peerShutdown === 'reset') return new RuntimeIOError('ECONNRESET', `${this.ch}: connection reset by ${this.peer}`);
    if (this.peerShutdown === 'close') return new RuntimeIOError('EPIPE', `${this.ch}: ${this.peer} closed the connection`);
    return undefined;
  }

  serverWrite(data: Uint8Array): number {
    const n = Math.max(0, Math.min(data.length, this.receiveWindow - this.toPeer.length));
    this.toPeer.push(data.subarray(0, n));
    return n;
  }

  serverClose(reset: boolean): void {
    if (this.serverClosed) return;
    this.serverClosed = reset ? 'reset' : 'fin';
    if (reset) this.toPeer.clear();
    this.toServer.clear();
  }

  // Peer side.

  /** False when the bytes go nowhere (either side already closed). */
  peerSend(bytes: Uint8Array): boolean {
    if (this.serverClosed || this.peerShutdown !== 'none') return false;
    this.toServer.push(bytes);
    return true;
  }

  peerTake(max: number): Uint8Array {
    const bytes = this.toPeer.take(max);
    if (bytes.length > 0) {
      this.received.push(bytes);
      this.receivedState = digestUpdate(this.receivedState, bytes);
    }
    return bytes;
  }

  /** Running digest of every byte the peer has taken, as `peerRecv` events carry it. */
  receivedDigest(): string {
    return digestHex(this.receivedState);
  }

  /** The peer can expect no more bytes: the server closed and everything in flight was read, or the peer left. */
  peerAtEnd(): boolean {
    return (this.serverClosed !== undefined && this.toPeer.length === 0) || this.peerGone();
  }

  shutdown(how: Exclude<PeerShutdown, 'none'>): void {
    if (this.peerShutdown === 'close' || this.peerShutdown === 'reset') return;
    this.peerShutdown = how;
    if (how !== 'halfClose') this.toPeer.clear();
  }

  peerGone(): boolean {
    return this.peerShutdown === 'close' || this.peerShutdown === 'reset';
  }
}
