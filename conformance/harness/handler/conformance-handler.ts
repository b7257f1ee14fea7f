/**
 * The request handler the conformance suite drives every factory with. It has ZooKeeper's shapes, chosen per
 * scenario (handler-shape.ts): answers from inside the IO pass or from request-processing threads
 * (request-pipeline.ts); real session ids from the handshake and sessions moved by a reconnect, the old
 * connection closed with client_reconnect (sessions.ts); closeSession; four-letter words
 * (four-letter-words.ts); throttling by disableRecv/enableRecv (receive-throttle.ts); requests that throw, take
 * virtual time, or end with a close (requests.ts), made by the connection itself or by the factory's closeSession
 * (as ZooKeeper closes an expired or ended session's connection), which also meets ids that hold no connection.
 *
 * It keeps what it decided where the peers cannot know it (the ConnectResponse bytes of each connection), so the
 * answer model (expected-replies.ts) can hold the factory to exactly what the handler sent, and it reports what
 * it saw the factory do wrong (a frame it cannot parse, a request read while receive was disabled, anything handed
 * over after a four-letter word).
 */
import type { DisconnectReason } from '../../../spec/disconnect-reasons.ts';
import { clampSessionTimeout, GLOBAL_OUTSTANDING_LIMIT, TICK_TIME_MS } from '../../../spec/knobs.ts';
import type { HostRuntime } from '../../../spec/runtime.ts';
import type { RequestHandler, ServerConnection } from '../../../spec/server-cnxn-factory.ts';
import { passwordFor } from '../../../reference/server/echo-handler.ts';
import { decodeConnectRequest, decodeRequest, encodeConnectResponse, frame, OP_CLOSE_SESSION, OP_PING, PASSWORD_BYTES } from '../../../reference/server/frames.ts';
import { fourLetterAnswer } from './four-letter-words.ts';
import type { HandlerShape } from './handler-shape.ts';
import { OutstandingLimit } from './outstanding-limit.ts';
import { ReceiveThrottle } from './receive-throttle.ts';
import { RequestPipeline, type Work } from './request-pipeline.ts';
import { closeSessionReplyFrame, kindOf, pingReplyFrame, replyFrame, requestBody, slowMs } from './requests.ts';
import { SessionTable } from './sessions.ts';

/** Something the handler saw the factory do wrong. */
export interface HandlerFinding {
  readonly requirement: string;
  readonly ch: string;
  readonly message: string;
}

/** Virtual ms the handler's thread spends on a request it throttled the connection for. */
const THROTTLED_WORK_MS = 1;
/** A session id the handler never hands out (its ids count up from 2^56 + 1; 0 means no session). */
const UNKNOWN_SESSION = 0x7fff_ffff_ffff_fff1n;

/** The factory's closeSession; `holder` is the connection the handler saw take the session and still hold it. */
export type SessionCloser = (sessionId: bigint, holder: string | undefined, reason: DisconnectReason) => Promise<boolean>;

export class ConformanceHandler implements RequestHandler {
  private readonly pipeline: RequestPipeline | undefined;
  private readonly sessions = new SessionTable();
  private readonly throttle: ReceiveThrottle;
  /** Whether disableRecv is called on the IO thread as a request arrives, rather than on the handler's thread. */
  private readonly throttleInline: boolean;
  /** Work after the reply that lifts a throttle, before enableRecv (HandlerShape.liftAfterMs). */
  private readonly liftAfterMs: number;
  /** Work between setSession and the ConnectResponse (HandlerShape.sessionWorkMs). */
  private readonly sessionWorkMs: number;
  private readonly outstanding: OutstandingLimit;
  /** Connections that opened with a four-letter word the handler took: nothing more may be read from them. */
  private readonly answeredWord = new Set<string>();
  /** The ConnectResponse frame sent on each connection. */
  private readonly handshakes = new Map<string, Uint8Array>();
  readonly findings: HandlerFinding[] = [];

  constructor(
    private readonly runtime: HostRuntime,
    shape: HandlerShape,
    /** The globalOutstandingLimit the factory was given (its default when the scenario gave none). */
    globalOutstandingLimit = GLOBAL_OUTSTANDING_LIMIT,
    /** The factory's closeSession; without it a kick always closes the connection itself. */
    private readonly closeSession?: SessionCloser,
  ) {
    this.pipeline = shape.threads > 0 ? new RequestPipeline(runtime, shape.threads) : undefined;
    this.throttleInline = shape.throttleFrom === 'io';
    this.liftAfterMs = shape.liftAfterMs ?? 0;
    this.sessionWorkMs = shape.sessionWorkMs ?? 0;
    this.throttle = new ReceiveThrottle(shape.threads > 0 ? shape.throttleAt : undefined, (cnxn, message) => this.report('cnxn.throttle', cnxn, message));
    this.outstanding = new OutstandingLimit(globalOutstandingLimit, (cnxn, message) => this.report('cnxn.throttle', cnxn, message));
  }

  /** Starts the request-processing threads (call from a logical thread, before startup). */
  start(): void {
    this.pipeline?.start();
  }

  /** Ends the request-processing threads; the harness calls it once the factory has shut down. */
  async stop(): Promise<void> {
    await this.pipeline?.stop();
  }

  /** The ConnectResponse frame this handler sent on connection `ch`, if it sent one. */
  handshakeReply(ch: string): Uint8Array | undefined {
    return this.handshakes.get(ch);
  }

  async processConnectRequest(cnxn: ServerConnection, payload: Uint8Array): Promise<void> {
    this.afterWord(cnxn, 'a ConnectRequest');
    const req = this.parse(cnxn, 'ConnectRequest', () => decodeConnectRequest(payload));
    await this.dispatch(cnxn, async () => {
      const timeOut = clampSessionTimeout(req.timeOut, TICK_TIME_MS);
      let sessionId = req.sessionId;
      if (sessionId === 0n) sessionId = this.sessions.create(cnxn);
      else {
        const reopened = this.sessions.reopen(sessionId, req.passwd, cnxn);
        if (!reopened.ok) {
          // Unknown or ended session: timeout 0 and session 0 tell the client, then the connection ends.
          await this.sendHandshake(cnxn, 0, 0n, new Uint8Array(PASSWORD_BYTES));
          await cnxn.sendCloseAfterFlush('client_closed_session');
          return;
        }
        if (reopened.previous) this.outstanding.closed(reopened.previous.id);
        await reopened.previous?.close('client_reconnect');
      }
      cnxn.setSession(sessionId, timeOut);
      if (this.sessionWorkMs > 0 && this.pipeline) await this.runtime.clock.sleep(this.sessionWorkMs);
      await this.sendHandshake(cnxn, timeOut, sessionId, passwordFor(sessionId));
    });
  }

  async processPacket(cnxn: ServerConnection, payload: Uint8Array): Promise<void> {
    this.afterWord(cnxn, 'a request');
    const { header, body } = this.parse(cnxn, 'request', () => decodeRequest(payload));
    this.outstanding.arrived(cnxn, header.xid);
    if (header.type === OP_PING) return this.dispatch(cnxn, () => cnxn.send(pingReplyFrame()));
    if (header.type === OP_CLOSE_SESSION) {
      return this.dispatch(cnxn, async () => {
        this.sessions.end(cnxn.sessionId());
        this.outstanding.answered(cnxn);
        await cnxn.send(closeSessionReplyFrame(header.xid));
        await cnxn.sendCloseAfterFlush('client_closed_session');
      });
    }
    const kind = kindOf(header.type);
    if (kind === undefined) throw this.report('cnxn.framing', cnxn, `request xid ${header.xid} has op ${header.type}, which no peer sends: the frame was altered`);
    const sent = requestBody(header.xid, body.length);
    const altered = body.findIndex((byte, i) => byte !== sent[i]);
    if (altered >= 0) throw this.report('cnxn.framing', cnxn, `request xid ${header.xid} reached the handler with byte ${altered} of its body altered (${body[altered]} where the peer sent ${sent[altered]})`);
    if (kind === 'fail') throw new Error(`the conformance handler fails request xid ${header.xid} on purpose (the factory must survive it)`);
    const consider = this.throttle.arrived(cnxn);
    const throttled = consider && this.throttleInline && (await this.throttle.maybeDisable(cnxn));
    await this.dispatch(cnxn, async () => {
      // A throttled server is a busy one: its work takes a moment, while the client's requests keep coming.
      if (throttled || (consider && !this.throttleInline && (await this.throttle.maybeDisable(cnxn)))) await this.runtime.clock.sleep(THROTTLED_WORK_MS);
      if (kind === 'slow' && this.pipeline) await this.runtime.clock.sleep(slowMs(body));
      const reply = replyFrame(kind, header.xid, body);
      if (reply) {
        this.outstanding.answered(cnxn);
        await cnxn.send(reply);
      }
      if (kind === 'kick') {
        this.outstanding.closed(cnxn.id);
        await this.kick(cnxn, header.xid);
      }
      if (kind === 'bye') await cnxn.sendCloseAfterFlush('close_connection_command');
      if (this.liftAfterMs > 0 && this.throttle.lifts(cnxn)) await this.runtime.clock.sleep(this.liftAfterMs);
      await this.throttle.answered(cnxn);
    });
  }

  async fourLetterWord(cnxn: ServerConnection, word: string): Promise<boolean> {
    this.afterWord(cnxn, `the word ${word}`);
    const answer = fourLetterAnswer(word);
    if (answer === undefined) return false;
    this.answeredWord.add(cnxn.id);
    await this.dispatch(cnxn, async () => {
      await cnxn.send(new TextEncoder().encode(answer));
      await cnxn.sendCloseAfterFlush('info_probe');
    });
    return true;
  }

  connectionClosed(cnxn: ServerConnection, _reason: DisconnectReason): void {
    this.outstanding.closed(cnxn.id);
    this.sessions.release(cnxn);
  }

  /**
   * A kick closes its connection: by the connection's close, or (by its xid) by the factory's closeSession of its
   * session, or by the close followed by a closeSession of the session it held; an unknown id comes first. The
   * session is ended before either closeSession, so no reconnect can move it to a connection the call would then
   * close, and closeSession is used only while this connection holds it, so the handler knows what it must close.
   */
  private async kick(cnxn: ServerConnection, xid: number): Promise<void> {
    const id = cnxn.sessionId();
    const how = this.closeSession && id !== 0n && this.sessions.holder(id) === cnxn ? xid % 3 : 0;
    if (how === 0 || !this.closeSession) return cnxn.close('close_connection_command');
    this.sessions.end(id);
    await this.closeSession(UNKNOWN_SESSION, undefined, 'client_closed_session');
    if (how === 1) {
      await this.closeSession(id, cnxn.id, 'client_closed_session');
      return;
    }
    await cnxn.close('close_connection_command');
    await this.closeSession(id, undefined, 'client_closed_session');
  }

  private async sendHandshake(cnxn: ServerConnection, timeOut: number, sessionId: bigint, passwd: Uint8Array): Promise<void> {
    const reply = frame(encodeConnectResponse({ protocolVersion: 0, timeOut, sessionId, passwd }));
    this.handshakes.set(cnxn.id, reply);
    await cnxn.send(reply);
  }

  /** Inline: now, inside the IO pass. Threaded: on the connection's request-processing thread. */
  private async dispatch(cnxn: ServerConnection, work: Work): Promise<void> {
    if (this.pipeline) await this.pipeline.submit(cnxn.id, work);
    else await work();
  }

  /** A factory reads nothing after a four-letter word it handed over (ZooKeeper answers one word per connection). */
  private afterWord(cnxn: ServerConnection, what: string): void {
    if (this.answeredWord.has(cnxn.id)) this.report('cnxn.four-letter-word', cnxn, `${what} was handed over on ${cnxn.id} after a four-letter word was answered there`);
  }

  private parse<T>(cnxn: ServerConnection, what: string, decode: () => T): T {
    try {
      return decode();
    } catch (err) {
      throw this.report('cnxn.framing', cnxn, `the ${what} payload does not parse (${err instanceof Error ? err.message : String(err)}): the frame was altered`);
    }
  }

  private report(requirement: string, cnxn: ServerConnection, message: string): Error {
    this.findings.push({ requirement, ch: cnxn.id, message });
    return new Error(message);
  }
}
