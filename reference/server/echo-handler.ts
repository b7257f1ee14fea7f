/**
 * EchoHandler: the smallest server that real-looking clients can talk to, for tests and benchmarks.
 * - The first frame is a ConnectRequest; it is answered with a ConnectResponse (timeout clamped to
 *   [minSessionTimeout, maxSessionTimeout]) and the session is set on the connection. A reconnect to an unknown
 *   session, or with the wrong password, is answered with timeout 0, session 0 and a zero password, then the
 *   connection closes once that reply is flushed.
 * - Later frames start with a RequestHeader: a ping gets ReplyHeader(-2, zxid, 0); closeSession gets its reply and
 *   then a close after flush; anything else gets ReplyHeader(xid, 0, 0) followed by the request body echoed back.
 * It answers synchronously, so replies leave in request order. A fuller ZooKeeper server lives in reference/zk.
 *
 * Implements: wire.handshake, wire.ping, wire.order (together with the factory that carries the frames).
 */
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import { clampSessionTimeout, TICK_TIME_MS } from '../../spec/knobs.ts';
import type { RequestHandler, ServerConnection } from '../../spec/server-cnxn-factory.ts';
import {
  decodeConnectRequest,
  decodeRequest,
  encodeConnectResponse,
  encodeReply,
  frame,
  OP_CLOSE_SESSION,
  OP_PING,
  PASSWORD_BYTES,
  XID_PING,
} from './frames.ts';

export interface EchoHandlerOptions {
  readonly tickTime?: number;
  /** -1 (default) means 2 x tickTime. */
  readonly minSessionTimeout?: number;
  /** -1 (default) means 20 x tickTime. */
  readonly maxSessionTimeout?: number;
  /** The first session id handed out; later ones count up from it. */
  readonly firstSessionId?: bigint;
}

export interface ClosedConnection {
  readonly id: string;
  readonly sessionId: bigint;
  readonly reason: DisconnectReason;
}

/** Standalone ZooKeeper ids carry server id 1 in the top byte; ours do too, so they look familiar. */
const DEFAULT_FIRST_SESSION_ID = (1n << 56n) + 1n;

/** The session password: the id and its complement, big-endian. Not a secret, only a check value. */
export function passwordFor(sessionId: bigint): Uint8Array {
  const out = new Uint8Array(PASSWORD_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt.asUintN(64, sessionId), false);
  view.setBigUint64(8, BigInt.asUintN(64, ~sessionId), false);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The echo server. Implements: wire.handshake, wire.ping, wire.order (with the factory carrying the frames). */
export class EchoHandler implements RequestHandler {
  private readonly tickTime: number;
  private readonly minSessionTimeout: number;
  private readonly maxSessionTimeout: number;
  private nextSessionId: bigint;
  private readonly sessions = new Set<bigint>();
  /** Every connection close the factory reported, in order. */
  readonly closed: ClosedConnection[] = [];

  constructor(options: EchoHandlerOptions = {}) {
    this.tickTime = options.tickTime ?? TICK_TIME_MS;
    this.minSessionTimeout = options.minSessionTimeout ?? -1;
    this.maxSessionTimeout = options.maxSessionTimeout ?? -1;
    this.nextSessionId = options.firstSessionId ?? DEFAULT_FIRST_SESSION_ID;
  }

  async processConnectRequest(cnxn: ServerConnection, payload: Uint8Array): Promise<void> {
    const req = decodeConnectRequest(payload);
    const timeOut = clampSessionTimeout(req.timeOut, this.tickTime, this.minSessionTimeout, this.maxSessionTimeout);
    let sessionId = req.sessionId;
    if (sessionId === 0n) {
      sessionId = this.nextSessionId++;
      this.sessions.add(sessionId);
    } else if (!this.sessions.has(sessionId) || !sameBytes(req.passwd, passwordFor(sessionId))) {
      // Unknown or expired session: the client learns so from timeout 0, then the connection ends.
      const refusal = { protocolVersion: 0, timeOut: 0, sessionId: 0n, passwd: new Uint8Array(PASSWORD_BYTES) };
      await cnxn.send(frame(encodeConnectResponse(withReadOnly(refusal, req.readOnly))));
      await cnxn.sendCloseAfterFlush();
      return;
    }
    cnxn.setSession(sessionId, timeOut);
    const response = { protocolVersion: 0, timeOut, sessionId, passwd: passwordFor(sessionId) };
    await cnxn.send(frame(encodeConnectResponse(withReadOnly(response, req.readOnly))));
  }

  async processPacket(cnxn: ServerConnection, payload: Uint8Array): Promise<void> {
    const { header, body } = decodeRequest(payload);
    if (header.type === OP_PING) {
      await cnxn.send(frame(encodeReply({ xid: XID_PING, zxid: 0n, err: 0 })));
      return;
    }
    if (header.type === OP_CLOSE_SESSION) {
      this.sessions.delete(cnxn.sessionId());
      await cnxn.send(frame(encodeReply({ xid: header.xid, zxid: 0n, err: 0 })));
      await closeAfterFlush(cnxn, 'client_closed_session');
      return;
    }
    await cnxn.send(frame(encodeReply({ xid: header.xid, zxid: 0n, err: 0 }, body)));
  }

  connectionClosed(cnxn: ServerConnection, reason: DisconnectReason): void {
    this.closed.push({ id: cnxn.id, sessionId: cnxn.sessionId(), reason });
  }

  /** Whether a session is known (created and not closed by closeSession). */
  hasSession(sessionId: bigint): boolean {
    return this.sessions.has(sessionId);
  }
}

function withReadOnly<T extends object>(record: T, readOnly: boolean | undefined): T & { readOnly?: boolean } {
  // The readOnly byte goes back only if the client sent one (ZooKeeper 3.9.3 and later).
  return readOnly === undefined ? record : { ...record, readOnly: false };
}

async function closeAfterFlush(cnxn: ServerConnection, reason: DisconnectReason): Promise<void> {
  await cnxn.sendCloseAfterFlush(reason);
}
