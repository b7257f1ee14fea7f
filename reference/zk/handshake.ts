/**
 * The connect handshake: the first frame of a connection is a ConnectRequest (no RequestHeader), answered by a
 * ConnectResponse (no ReplyHeader).
 *
 * 1. decode; a truncated request or an out-of-range length closes the connection (io_exception), with a log line;
 * 2. a client that has seen a later zxid than ours is refused: closed with client_zxid_ahead, no reply;
 * 3. the requested timeout is clamped to [minSessionTimeout, maxSessionTimeout];
 * 4. session id 0: a new session (one zxid, as ZooKeeper's createSession transaction) with a fresh password;
 * 5. otherwise a reconnect: the session must be live and the password must match, else the reply says timeout 0,
 *    session 0, zero password; reading stops and the connection closes once that reply is written. A valid
 *    reconnect closes any other connection still holding the session (client_reconnect) and restarts its clock;
 * 6. the response carries the readOnly byte (false: this server is read-write) only if the request had one.
 *
 * Deviation: ZooKeeper closes the other connection of a session before it checks the password; the reference
 * checks first, so a wrong password cannot disconnect the session's owner.
 *
 * Implements: wire.handshake, zk.session-lifecycle.
 */
import type { Logger } from '../../spec/runtime.ts';
import type { ClientConnection } from './client-connection.ts';
import { ConnectRequestCodec, ConnectResponseCodec, PASSWORD_BYTES, type ConnectRequest, type ConnectResponse } from './connect-records.ts';
import type { DataTree } from './data-tree.ts';
import { JuteError } from './jute-error.ts';
import { JuteReader } from './jute-reader.ts';
import { JuteWriter } from './jute-writer.ts';
import { passwordFor, passwordMatches } from './session-password.ts';
import type { SessionTracker } from './session-tracker.ts';
import { negotiateTimeout, type ZkServerSettings } from './zk-server-options.ts';

export interface HandshakeContext {
  readonly settings: ZkServerSettings;
  readonly tree: DataTree;
  readonly sessions: SessionTracker;
  readonly log: Logger;
  /** Makes `client` the connection of `sessionId`, closing any other one that held it. */
  bind(client: ClientConnection, sessionId: bigint, timeout: number): Promise<void>;
}

const hex = (n: bigint): string => `0x${BigInt.asUintN(64, n).toString(16)}`;

function responseFrame(res: ConnectResponse): Uint8Array {
  const w = JuteWriter.frame(48);
  ConnectResponseCodec.write(w, res);
  return w.toFrame();
}

function withReadOnly(res: ConnectResponse, req: ConnectRequest): ConnectResponse {
  return req.readOnly === undefined ? res : { ...res, readOnly: false };
}

export async function handshake(ctx: HandshakeContext, client: ClientConnection, payload: Uint8Array): Promise<void> {
  const who = `${client.remote()} (${client.id})`;
  // 1.
  let req: ConnectRequest;
  try {
    req = ConnectRequestCodec.read(new JuteReader(payload, ctx.settings.limits));
  } catch (err) {
    if (!(err instanceof JuteError)) throw err;
    ctx.log.log('warn', `Closing connection from ${who}: bad ConnectRequest (${err.kind}): ${err.message}`);
    await client.cnxn.close('io_exception');
    return;
  }
  // 2.
  const ours = ctx.tree.lastZxid();
  if (req.lastZxidSeen > ours) {
    ctx.log.log(
      'warn',
      `Refusing session(${hex(req.sessionId)}) request for client ${who}: it has seen zxid ${hex(req.lastZxidSeen)}, our last zxid is ${hex(ours)}; the client must try another server`,
    );
    await client.cnxn.close('client_zxid_ahead');
    return;
  }
  // 3.
  const timeout = negotiateTimeout(req.timeOut, ctx.settings);
  // 4.
  if (req.sessionId === 0n) {
    const session = ctx.sessions.create(timeout);
    ctx.tree.nextZxid();
    await ctx.bind(client, session.id, timeout);
    await client.send(responseFrame(withReadOnly({ protocolVersion: 0, timeOut: timeout, sessionId: session.id, passwd: passwordFor(ctx.settings.secret, session.id) }, req)));
    return;
  }
  // 5.
  const live = ctx.sessions.get(req.sessionId) !== undefined;
  if (!live || !passwordMatches(ctx.settings.secret, req.sessionId, req.passwd)) {
    ctx.log.log('info', `Invalid session ${hex(req.sessionId)} for client ${who}: ${live ? 'wrong password' : 'probably expired'}`);
    // Nothing the client pipelined behind this request is read: the connection only has the refusal left to say.
    await client.cnxn.disableRecv();
    await client.send(responseFrame(withReadOnly({ protocolVersion: 0, timeOut: 0, sessionId: 0n, passwd: new Uint8Array(PASSWORD_BYTES) }, req)));
    await client.closeAfterFlush('client_closed_connection');
    return;
  }
  ctx.sessions.touch(req.sessionId, timeout);
  await ctx.bind(client, req.sessionId, timeout);
  // 6.
  await client.send(responseFrame(withReadOnly({ protocolVersion: 0, timeOut: timeout, sessionId: req.sessionId, passwd: passwordFor(ctx.settings.secret, req.sessionId) }, req)));
}
