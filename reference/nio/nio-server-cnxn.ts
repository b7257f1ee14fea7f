/**
 * NIOServerCnxn: one client connection of the NIO factory. Its IO runs on whichever thread holds its IO work
 * request (a worker, or its selector thread with 0 workers), one pass at a time; other threads only queue
 * frames in outgoingBuffers and ask the owning selector thread, through its updateQueue, to recompute the
 * interest ops.
 *
 *     handler (any thread) --send()--> [outgoingBuffers] --handleWrite()--> socket   (IO thread only)
 *     socket --FrameReader (one frame per pass)--> handler.processConnectRequest / processPacket
 *                        \--while output is over the mark--> [parked] --once it drains--> processPacket
 *     throttle / send --requestInterestOpsUpdate()--> [updateQueue@SelectorThread-i]
 *
 * A slow reader (wire.slow-reader): while more than outgoingHighWaterBytes wait to be written, frames are still
 * read but parked, unprocessed and in order, up to parkedInputBytes; past that reading stops. So the memory held
 * stays bounded (the mark, the parked frames, one frame being read), nothing is answered out of order, and the
 * client's pings still arrive: `lastFrameReadAt()` tells the server behind the factory that the client is alive
 * although its requests wait, which is what ZooKeeper (reading everything, bounding nothing) achieves by default.
 *
 * Implements: cnxn.framing, cnxn.outgoing-buffers, cnxn.interest-ops, cnxn.throttle, cnxn.close,
 * expiry.session-timeout (setSession), wire.slow-reader (frames parked while too much output is pending).
 */
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import { CnxnspecError } from '../../spec/errors.ts';
import { OP_READ, OP_WRITE, type SelectionKey, type SocketAddress, type SocketChannel } from '../../spec/runtime.ts';
import type { ServerConnection } from '../../spec/server-cnxn-factory.ts';
import { DIGEST_START, digestHex, digestUpdate } from '../../spec/trace/digest.ts';
import { FOUR_LETTER_WORDS } from '../../spec/server-cnxn-factory.ts';
import { FrameLengthError, FrameReader } from './frame-reader.ts';
import type { NioContext } from './nio-context.ts';
import { OutgoingBuffers } from './outgoing-buffers.ts';
import type { SelectorThread } from './selector-thread.ts';
import { describeError as describe } from './describe-error.ts';
import { OutstandingRequests } from '../outstanding-requests.ts';

const FOUR_LETTER_WORD_SET: ReadonlySet<string> = new Set(FOUR_LETTER_WORDS);
/** What send returns when it has nothing to wait for. */
const QUEUED: Promise<void> = Promise.resolve();

/**
 * A connection of the NIO factory. Implements: cnxn.framing, cnxn.outgoing-buffers, cnxn.interest-ops, cnxn.throttle,
 * cnxn.close, expiry.session-timeout, wire.slow-reader.
 */
export class NIOServerCnxn implements ServerConnection {
  readonly id: string;
  readonly remoteAddress: SocketAddress;
  readonly ip: string;
  private readonly reader: FrameReader;
  /** Running digest of every byte queued for the client, kept only while the runtime traces. */
  private outgoingDigest = DIGEST_START;
  private sessionIdValue = 0n;
  private timeout: number;
  /** False while an IO pass is out for this connection (and forever once closed). */
  private selectable = true;
  private closed = false;
  private closeReason: DisconnectReason | undefined;
  /** The first frame has been read (it was the ConnectRequest). */
  private initialized = false;
  /** Reading is held from the ConnectRequest until its ConnectResponse is queued. */
  private awaitingConnectResponse = false;
  /** disableRecv() by the server. */
  private recvDisabled = false;
  /** A four-letter word was taken: the answer is on its way and nothing more is read. */
  private answeringWord = false;
  /** Requests out and the throttle for them: held while the server has too many in flight (cnxn.throttle). */
  private readonly outstanding: OutstandingRequests;
  /** Frames read while output was over the mark, waiting (in order) to be processed. */
  private readonly parked: Uint8Array[] = [];
  private parkedBytes = 0;
  /** Runtime-clock ms when the last complete frame was read (processed or parked); -1 before any. */
  private frameReadAt = -1;

  /** `outgoing` holds the frames waiting to be written (a fresh OutgoingBuffers unless a variant passes its own). */
  constructor(
    protected readonly ctx: NioContext,
    readonly channel: SocketChannel,
    readonly key: SelectionKey,
    readonly owner: SelectorThread,
    protected readonly outgoing: OutgoingBuffers = new OutgoingBuffers(),
  ) {
    this.id = channel.id;
    this.remoteAddress = channel.remoteAddress;
    this.ip = channel.remoteAddress.host;
    this.outstanding = new OutstandingRequests(ctx.registry, ctx.settings.globalOutstandingLimit);
    this.reader = new FrameReader(ctx.settings.juteMaxBuffer, undefined, FOUR_LETTER_WORD_SET);
    this.timeout = ctx.settings.sessionlessCnxnTimeout;
  }

  sessionId(): bigint {
    return this.sessionIdValue;
  }

  sessionTimeout(): number {
    return this.timeout;
  }

  /** Sets the session and its negotiated timeout, which from now on is the idle timeout; touches. */
  setSession(sessionId: bigint, timeoutMs: number): void {
    this.sessionIdValue = sessionId;
    this.timeout = timeoutMs;
    this.ctx.registry.setSession(this, sessionId);
    this.ctx.runtime.fact({ ev: 'session', ch: this.id, sessionId: `0x${sessionId.toString(16)}`, timeout: timeoutMs });
    this.ctx.registry.touch(this);
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** The reason of the first close, if closed. */
  disconnectReason(): DisconnectReason | undefined {
    return this.closeReason;
  }

  /** Selectable = key valid and no IO pass out. */
  isSelectable(): boolean {
    return this.selectable && this.key.isValid();
  }

  disableSelectable(): void {
    this.selectable = false;
  }

  enableSelectable(): void {
    if (!this.closed) this.selectable = true;
  }

  /** Why reads are off, if they are: a throttle, or output over the mark with the parking space used up. */
  readThrottled(): boolean {
    return this.processingHeld() || (this.outputOverMark() && this.parkedBytes >= this.ctx.settings.parkedInputBytes);
  }

  /** More reply bytes wait than the high-water mark allows: frames read now are parked, not processed. */
  private outputOverMark(): boolean {
    return this.outgoing.pendingBytes() > this.ctx.settings.outgoingHighWaterBytes;
  }

  /** A throttle that stops both reading and processing. */
  private processingHeld(): boolean {
    return this.recvDisabled || this.answeringWord || this.awaitingConnectResponse || this.outstanding.throttled;
  }

  /**
   * Runtime-clock ms when the last complete frame was read from the client, processed or parked (-1 before any).
   * A server may count a session alive by it while the client's requests are parked behind its own output.
   */
  lastFrameReadAt(): number {
    return this.frameReadAt;
  }

  /**
   * 0 when not selectable; else OP_READ unless throttled, plus OP_WRITE while output is pending or parked frames
   * could be processed now (a pass is needed for them even if the client sends nothing more).
   */
  interestOps(): number {
    if (!this.isSelectable()) return 0;
    let ops = this.readThrottled() ? 0 : OP_READ;
    if (!this.outgoing.isEmpty() || this.parkedReady()) ops |= OP_WRITE;
    return ops;
  }

  private parkedReady(): boolean {
    return this.parked.length > 0 && !this.processingHeld() && !this.outputOverMark();
  }

  /** Bytes queued for the client and not yet written. */
  pendingOutgoingBytes(): number {
    return this.outgoing.pendingBytes();
  }

  /** Bytes held for input: a partly read incoming frame plus the parked frames. */
  reservedIncomingBytes(): number {
    return this.reader.reservedBytes() + this.parkedBytes;
  }

  /**
   * Queues one whole frame; the first one after the ConnectRequest is its ConnectResponse. Not async: a reply
   * queued during the connection's own IO pass (the usual case) makes no promise of its own.
   */
  send(frame: Uint8Array): Promise<void> {
    if (this.closed) {
      this.ctx.runtime.log.log('debug', `dropping a ${frame.length}-byte reply for closed connection ${this.id}`);
      return QUEUED;
    }
    this.outgoing.push(frame);
    if (this.ctx.runtime.tracing) {
      this.outgoingDigest = digestUpdate(this.outgoingDigest, frame);
      this.ctx.runtime.fact({ ev: 'outgoing', ch: this.id, n: frame.length, digest: digestHex(this.outgoingDigest) });
    }
    if (this.awaitingConnectResponse) {
      this.awaitingConnectResponse = false;
    } else {
      this.outstanding.replied(frame);
    }
    // During this connection's own IO pass (the usual case) there is nothing to ask: skip the call, not just its body.
    return this.isSelectable() ? this.requestInterestOpsUpdate() : QUEUED;
  }

  /** Closes (with `reason`) once everything queued before this call has been written. */
  async sendCloseAfterFlush(reason: DisconnectReason = 'client_closed_connection'): Promise<void> {
    if (this.closed) return;
    this.outgoing.pushClose(reason);
    await this.requestInterestOpsUpdate();
  }

  async disableRecv(): Promise<void> {
    if (this.recvDisabled) return;
    this.recvDisabled = true;
    await this.requestInterestOpsUpdate();
  }

  async enableRecv(): Promise<void> {
    if (!this.recvDisabled) return;
    this.recvDisabled = false;
    await this.requestInterestOpsUpdate();
  }

  /**
   * Asks the owning selector thread to recompute the interest ops. Only while selectable: during an IO pass the
   * pass's own update request at its end picks up the change. If the owner refuses (its updateQueue is full, or
   * it is stopping), nobody would ever add OP_WRITE for what was just queued: the connection closes, as an IO
   * pass whose restore is refused does.
   */
  async requestInterestOpsUpdate(): Promise<void> {
    if (!this.isSelectable()) return;
    if (!(await this.owner.addInterestOpsUpdateRequest(this.key))) await this.close('connection_mode_changed');
  }

  /**
   * One IO pass, on the IO thread, with the ready ops captured by select:
   * 1. a closed socket means nothing to do;
   * 2. readable: read towards the current frame and process it if complete (at most one frame);
   * 3. writable: write what the socket takes, gathering queued replies;
   * 4. failures close the connection with the matching reason.
   */
  async doIO(): Promise<void> {
    // 1.
    if (!this.channel.isOpen()) {
      this.ctx.runtime.log.log('warn', `IO on a closed socket for session 0x${this.sessionIdValue.toString(16)} (${this.id})`);
      return;
    }
    const ready = this.key.readyOps();
    try {
      // 2.
      if ((ready & OP_READ) !== 0) await this.doRead();
      // 3. Only on write readiness, as ZooKeeper does: a reply produced by this pass waits for the next one, where
      // it is gathered with the replies produced meanwhile into one socket write (far fewer, larger writes).
      if (!this.closed && (ready & OP_WRITE) !== 0) await this.handleWrite();
      if (!this.closed && this.parked.length > 0) await this.processParked();
    } catch (err) {
      // 4.
      await this.closeOnError(err);
    }
  }

  /** Closes once, with `reason`: key cancelled, socket closed, out of every factory structure, handler told. */
  async close(reason: DisconnectReason): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.selectable = false;
    this.outstanding.drop();
    this.parked.length = 0;
    this.parkedBytes = 0;
    const log = this.ctx.runtime.log;
    try {
      if (this.key.isValid()) await this.key.cancel();
    } catch (err) {
      log.log('warn', `cancelling the key of ${this.id} failed: ${describe(err)}`);
    }
    try {
      await this.channel.close(reason);
    } catch (err) {
      log.log('warn', `closing socket ${this.id} failed: ${describe(err)}`);
    }
    // Out of the registry only once the socket is closed (in the same step): until then the connection still
    // counts towards its address's maxClientCnxns, so a reconnect racing this close is judged against it.
    this.ctx.registry.remove(this);
    try {
      this.ctx.handler()?.connectionClosed(this, reason);
    } catch (err) {
      log.log('warn', `the request handler failed on close of ${this.id}: ${describe(err)}`);
    }
  }

  private async doRead(): Promise<void> {
    const step = await this.reader.step((into) => this.channel.read(into));
    if (step.kind === 'eof') {
      this.ctx.runtime.log.log(
        'info',
        `Unable to read additional data from client ${this.ip}:${this.remoteAddress.port} (session 0x${this.sessionIdValue.toString(16)}): it probably closed the socket`,
      );
      await this.close('unable_to_read_from_client');
      return;
    }
    if (step.kind === 'word') await this.offerFourLetterWord(step.word, step.length);
    else if (step.kind === 'frame') {
      this.frameReadAt = this.ctx.runtime.clock.now();
      if (this.initialized && (this.outputOverMark() || this.parked.length > 0)) {
        this.parked.push(step.payload);
        this.parkedBytes += step.payload.length;
      } else await this.processFrame(step.payload);
    }
  }

  /** Processes parked frames, in order, while nothing holds processing and output stays under the mark. */
  private async processParked(): Promise<void> {
    while (this.parkedReady() && !this.closed) {
      const payload = this.parked.shift() as Uint8Array;
      this.parkedBytes -= payload.length;
      await this.processFrame(payload);
    }
  }

  /**
   * The first 4 bytes spell a four-letter word: the handler may answer it. Reading stops at once, so a client
   * that half-closes after sending the word (as nc does) is not closed for end of stream before its answer is
   * written; the connection stays in the connection set until the answer is flushed. A word the handler does not
   * take is a length like any other, and fails the length check.
   */
  private async offerFourLetterWord(word: string, length: number): Promise<void> {
    const handler = this.ctx.handler();
    this.answeringWord = true;
    if (handler?.fourLetterWord && (await handler.fourLetterWord(this, word))) return;
    this.answeringWord = false;
    throw new FrameLengthError(length, this.ctx.settings.juteMaxBuffer);
  }

  /** Not async: the handler's own promise is awaited by the caller (one promise less per request). */
  private processFrame(payload: Uint8Array): Promise<void> {
    const handler = this.ctx.handler();
    if (handler === undefined) {
      throw new CnxnspecError('CNXNSPEC_ERR_IO', 'no request handler is attached (call startup(handler) before clients connect)');
    }
    if (!this.initialized) {
      this.initialized = true;
      // Nothing after the ConnectRequest is read until its response has been queued (send() clears this).
      this.awaitingConnectResponse = true;
      return handler.processConnectRequest(this, payload);
    }
    // Counted before the server sees it; a throttle it starts is read by isSelectable at the pass's end.
    this.outstanding.requested(payload);
    return handler.processPacket(this, payload);
  }

  /** Writes queued frames until the socket stops taking bytes, the queue empties or a close marker is reached. */
  protected async handleWrite(): Promise<void> {
    for (;;) {
      const next = this.outgoing.next();
      if (next === null) return;
      if ('close' in next) {
        this.outgoing.takeClose();
        await this.close(next.reason);
        return;
      }
      const n = await this.channel.write(next.bytes);
      this.outgoing.consume(n);
      if (n < next.bytes.length) return;
    }
  }

  private async closeOnError(err: unknown): Promise<void> {
    const log = this.ctx.runtime.log;
    if (err instanceof FrameLengthError) {
      log.log(
        'warn',
        `Len error: ${this.ip}:${this.remoteAddress.port} announced a frame of ${err.length} bytes, which is negative or above jute.maxbuffer=${err.max}; closing the connection`,
      );
      await this.close('io_exception');
      return;
    }
    if (err instanceof CnxnspecError) {
      if (err.code === 'CNXNSPEC_ERR_CANCELLED_KEY') {
        await this.close('cancelled_key_exception');
        return;
      }
      log.log('warn', `Closing session 0x${this.sessionIdValue.toString(16)} (${this.id}): ${describe(err)}`);
      await this.close('io_exception');
      return;
    }
    // Anything else is a bug, not an IO condition: let the worker wrapper log it and clean up.
    throw err;
  }
}
