/**
 * ZkServer: a standalone ZooKeeper server behind any ServerCnxnFactory (`factory.startup(server)`), enough of one
 * for real ZooKeeper clients: the handshake, sessions that expire, an in-memory znode tree with watches, and
 * four-letter words.
 *
 *     factory --processConnectRequest--> handshake.ts --> SessionTracker (+ its expiry thread)
 *     factory --processPacket--> RequestHeader --> ping / closeSession / auth / op-table --> DataTree
 *                                                     tree events --> WatchManager --> notifications
 *     factory --fourLetterWord--> four-letter-words.ts            factory --connectionClosed--> drop watches
 *
 * Each request is decoded, applied and answered without awaiting anything in between, and every frame a request
 * causes (notifications first, then the reply) is queued before any of them is awaited. So requests are atomic
 * against each other whatever thread the factory calls from, and a client sees a watch fire before it sees the
 * reply of the change that fired it, as ZooKeeper guarantees.
 *
 * Bad input, as ZooKeeper treats it: a ConnectRequest or RequestHeader that cannot be decoded closes that
 * connection (io_exception) with a warning naming the reason; a request body that cannot be decoded is answered
 * MARSHALLINGERROR (-5) and the connection stays; an unknown op code is answered UNIMPLEMENTED (-6), then the
 * connection closes once the reply is written. A request of a session that is gone gets no reply.
 *
 * Implements: zk.session-lifecycle, zk.session-expiry, zk.data-tree, zk.watches, zk.four-letter-words,
 * zk.whitelist, zk.bad-request, wire.handshake, wire.ping, wire.order.
 */
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import type { HostRuntime } from '../../spec/runtime.ts';
import type { RequestHandler, ServerCnxnFactory, ServerConnection } from '../../spec/server-cnxn-factory.ts';
import { ClientConnection } from './client-connection.ts';
import { ContainerManager, isCandidate } from './container-manager.ts';
import { DataTree, type Tx } from './data-tree.ts';
import { Err, errName, KeeperError } from './error-codes.ts';
import { FourLetterWhitelist, notInWhitelistReply } from './four-letter-whitelist.ts';
import { renderFourLetterWord, ZK_VERSION, type ServerSnapshot } from './four-letter-words.ts';
import { lastFrameReadAt } from './frame-clock.ts';
import { handshake } from './handshake.ts';
import { ReplyHeaderCodec, RequestHeaderCodec, type RequestHeader } from './header-records.ts';
import { JuteError } from './jute-error.ts';
import { JuteReader } from './jute-reader.ts';
import { JuteWriter } from './jute-writer.ts';
import { lastOpName, OpCode, Xid } from './op-codes.ts';
import { opTable } from './op-table.ts';
import type { OpHandler, OpOutcome } from './request-ops.ts';
import { AuthPacketCodec, type AuthPacket } from './request-records.ts';
import { AUTH_PROVIDERS } from './auth-providers.ts';
import { AccessControl } from './access-control.ts';
import { Perms } from './acl.ts';
import { buildAdminSnapshot, buildSnapshot } from './server-snapshot.ts';
import { renderAdminWord } from './admin-words.ts';
import { ServerStats } from './server-stats.ts';
import { firstSessionId, SessionTracker, type Session } from './session-tracker.ts';
import { encodeUtf8 } from './utf8.ts';
import type { TreeEvent } from './watch-events.ts';
import { WatchManager } from './watch-manager.ts';
import { resolveZkServerSettings, type ZkServerOptions, type ZkServerSettings } from './zk-server-options.ts';

/** What processPacket returns for a request it drops. */
const NO_REPLY: Promise<void> = Promise.resolve();

const hex = (n: bigint): string => `0x${BigInt.asUintN(64, n).toString(16)}`;

export class ZkServer implements RequestHandler {
  readonly settings: ZkServerSettings;
  readonly tree = new DataTree();
  readonly watches = new WatchManager<ClientConnection>();
  readonly sessions: SessionTracker;
  readonly stats = new ServerStats();
  readonly containers: ContainerManager;
  private readonly whitelist: FourLetterWhitelist;
  private readonly access: AccessControl;
  private readonly ops: ReadonlyMap<number, OpHandler>;
  /** Every connection the server has heard from, by connection id. */
  private readonly clients = new Map<string, ClientConnection>();
  /** The current connection of each session that has one. */
  private readonly bySession = new Map<bigint, ClientConnection>();
  private readonly factories: ServerCnxnFactory[] = [];
  private readonly startedAt: number;
  private serving = true;

  constructor(
    private readonly runtime: HostRuntime,
    options: ZkServerOptions = {},
  ) {
    this.settings = resolveZkServerSettings(options);
    this.whitelist = new FourLetterWhitelist(this.settings.whitelist);
    this.access = new AccessControl(this.settings);
    this.tree.quotas.enforceHardLimits = this.settings.enforceQuota;
    this.tree.quotas.warn = (message) => runtime.log.log('warn', message);
    this.ops = opTable(runtime.log);
    this.startedAt = runtime.clock.now();
    this.containers = new ContainerManager(runtime, this.settings, this.tree, () => this.wallNow(), (path) => this.deleteCandidate(path));
    this.sessions = new SessionTracker(
      runtime,
      this.settings.tickTime,
      firstSessionId(this.wallNow()),
      (s) => this.expireSession(s),
      (s) => {
        const client = this.bySession.get(s.id);
        return client === undefined ? undefined : lastFrameReadAt(client.cnxn);
      },
    );
  }

  /** Lets stat, cons and mntr list the connections of `factory` (the plain and the secure one). */
  attachFactory(factory: ServerCnxnFactory): void {
    if (!this.factories.includes(factory)) this.factories.push(factory);
  }

  /** Starts the session tracker's thread; the first ConnectRequest does it too. */
  start(): void {
    if (!this.serving) return;
    this.sessions.start();
    this.containers.start();
  }

  /** Stops expiring sessions and refusing new ones; the factories are shut down by their owner. */
  async shutdown(): Promise<void> {
    this.serving = false;
    await this.sessions.shutdown();
    await this.containers.shutdown();
  }

  isServing(): boolean {
    return this.serving;
  }

  // --- RequestHandler -------------------------------------------------------------------------------------

  async processConnectRequest(cnxn: ServerConnection, payload: Uint8Array): Promise<void> {
    const client = this.received(cnxn);
    if (!this.serving) {
      this.runtime.log.log('warn', `Closing connection from ${client.remote()} (${cnxn.id}): ZooKeeper server not running`);
      await cnxn.close('io_exception');
      return;
    }
    this.start();
    client.stats.lastOp = 'SESS';
    await handshake(
      { settings: this.settings, tree: this.tree, sessions: this.sessions, log: this.runtime.log, bind: (c, id, t) => this.bind(c, id, t) },
      client,
      payload,
    );
  }

  processPacket(cnxn: ServerConnection, payload: Uint8Array): Promise<void> {
    // Not an async method: a ping is answered with the send's own promise, two promises fewer per request on the
    // busiest path (bench/report/where-the-time-goes.md). A throw still reaches the factory as a rejection.
    try {
      return this.packet(cnxn, payload);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private packet(cnxn: ServerConnection, payload: Uint8Array): Promise<void> {
    const started = this.runtime.clock.now();
    const client = this.received(cnxn);
    // 1. A frame before a successful handshake (a factory that skipped processConnectRequest).
    if (client.sessionId === 0n) return this.refuse(client, 'a request before the connect handshake');
    // 2. The header must decode; its body is the op's business.
    const r = new JuteReader(payload, this.settings.limits);
    let header: RequestHeader;
    try {
      header = RequestHeaderCodec.read(r);
    } catch (err) {
      if (!(err instanceof JuteError)) throw err;
      return this.refuse(client, `bad RequestHeader: ${err.message}`);
    }
    // 3. A request of a session that expired or closed meanwhile is dropped without a reply.
    if (!this.sessions.touch(client.sessionId, undefined, started)) {
      this.runtime.log.log('debug', `dropping request xid ${header.xid} (op ${header.type}) of dead session ${hex(client.sessionId)}`);
      return NO_REPLY;
    }
    client.stats.lastCxid = header.xid;
    client.stats.lastOp = lastOpName(header.type);
    switch (header.type) {
      case OpCode.ping:
        // Whatever xid the ping carried, ZooKeeper answers it as the ping xid.
        return this.reply(client, Xid.ping, this.tree.lastZxid(), Err.OK, started);
      case OpCode.closeSession:
        return this.closeSession(client, header.xid, started);
      case OpCode.auth:
        return this.auth(client, header, r, started);
      default:
        return this.dispatch(client, header, r, started);
    }
  }

  connectionClosed(cnxn: ServerConnection, _reason: DisconnectReason): void {
    const client = this.clients.get(cnxn.id);
    if (client?.cnxn !== cnxn) return;
    this.clients.delete(cnxn.id);
    this.watches.removeWatcher(client);
    if (this.bySession.get(client.sessionId) === client) this.bySession.delete(client.sessionId);
  }

  async fourLetterWord(cnxn: ServerConnection, word: string): Promise<boolean> {
    const client = this.received(cnxn);
    let text: string | undefined;
    if (!this.whitelist.isEnabled(word)) text = notInWhitelistReply(word);
    else text = renderFourLetterWord(word, this.snapshot()) ?? this.adminWord(word);
    if (text === undefined) {
      this.runtime.log.log('info', `four-letter word ${word} from ${client.remote()} is not implemented by the reference server`);
      return false;
    }
    await client.send(encodeUtf8(text));
    await client.closeAfterFlush('close_connection_command');
    return true;
  }

  /** conf, envi, wchs, wchc, wchp, dump, dirs (admin-words.ts), and the resets crst and srst. */
  private adminWord(word: string): string | undefined {
    if (word === 'crst') {
      for (const client of this.clients.values()) client.stats.reset();
      return 'Connection stats reset.\n';
    }
    if (word === 'srst') {
      this.stats.reset();
      return 'Server stats reset.\n';
    }
    const source = { settings: this.settings, factories: this.factories, watches: this.watches, sessions: this.sessions, tree: this.tree, epochMs: this.settings.epochMs };
    return renderAdminWord(word, buildAdminSnapshot(source), ZK_VERSION);
  }

  // --- sessions -------------------------------------------------------------------------------------------

  private async bind(client: ClientConnection, sessionId: bigint, timeout: number): Promise<void> {
    const previous = this.bySession.get(sessionId);
    client.sessionId = sessionId;
    client.stats.lastZxid = this.tree.lastZxid();
    client.stats.lastResponseTime = this.runtime.clock.now();
    this.bySession.set(sessionId, client);
    client.cnxn.setSession(sessionId, timeout);
    if (previous !== undefined && previous !== client) {
      this.runtime.log.log('info', `session ${hex(sessionId)} moved from ${previous.id} to ${client.id}; closing the old connection`);
      await previous.cnxn.close('client_reconnect');
    }
  }

  /** The client asked to end its session: ephemerals go, then the reply, then the connection closes. */
  private async closeSession(client: ClientConnection, xid: number, started: number): Promise<void> {
    const sessionId = client.sessionId;
    this.sessions.remove(sessionId);
    const events = this.endSession(sessionId);
    this.runtime.log.log('info', `Closed session ${hex(sessionId)} at the client's request (${client.id})`);
    const zxid = this.tree.lastZxid();
    await inTurn([...this.fire(events), () => this.reply(client, xid, zxid, Err.OK, started), () => client.closeAfterFlush('client_closed_session')]);
  }

  /** Called by the tracker's thread when a session's deadline has passed. */
  private async expireSession(session: Session): Promise<void> {
    const client = this.bySession.get(session.id);
    const events = this.endSession(session.id);
    await inTurn(this.fire(events));
    if (client !== undefined) await client.cnxn.close('client_closed_session');
  }

  /** The closeSession transaction: one zxid; the session's ephemeral nodes are deleted. */
  private endSession(sessionId: bigint): TreeEvent[] {
    this.bySession.delete(sessionId);
    return this.tree.killSession(sessionId, this.newTx());
  }

  /** The container manager's deleteContainer transaction: the node goes if it is still empty and still due. */
  private async deleteCandidate(path: string): Promise<void> {
    const tx = this.newTx();
    const node = this.tree.extendedNodes().find((n) => n.path === path);
    if (node === undefined || !isCandidate(node.stat, this.wallNow(), this.settings)) return;
    await inTurn(this.fire(this.tree.delete(path, -1, tx)));
  }

  // --- requests -------------------------------------------------------------------------------------------

  private async dispatch(client: ClientConnection, header: RequestHeader, r: JuteReader, started: number): Promise<void> {
    const handler = this.ops.get(header.type);
    if (handler === undefined) {
      this.runtime.log.log('warn', `Closing ${client.remote()} (${client.id}, session ${hex(client.sessionId)}): unknown op code ${header.type} (xid ${header.xid}); replied UNIMPLEMENTED`);
      await this.reply(client, header.xid, -1n, Err.UNIMPLEMENTED, started);
      await client.closeAfterFlush('client_closed_connection');
      return;
    }
    const tx = handler.write ? this.newTx() : undefined;
    let outcome: OpOutcome = {};
    let err: number = Err.OK;
    try {
      outcome = handler.run({ tree: this.tree, watches: this.watches, client, tx, access: this.access, extendedTypesEnabled: this.settings.extendedTypesEnabled }, r);
    } catch (e) {
      if (e instanceof KeeperError) {
        err = e.code;
      } else {
        // ZooKeeper's answer to a body it cannot read (or any other failure while processing): MARSHALLINGERROR.
        err = Err.MARSHALLINGERROR;
        const why = e instanceof JuteError ? `${e.kind}: ${e.message}` : e instanceof Error ? (e.stack ?? e.message) : String(e);
        this.runtime.log.log(e instanceof JuteError ? 'warn' : 'error', `Failed to process op ${header.type} (xid ${header.xid}) of session ${hex(client.sessionId)} from ${client.remote()}: ${why}; replied ${errName(err)}`);
      }
    }
    if (outcome.refuse !== undefined) return this.refuse(client, outcome.refuse);
    const sends = this.fire(outcome.events ?? []);
    for (const event of outcome.direct ?? []) sends.push(() => client.notify(event));
    const zxid = this.tree.lastZxid();
    if (outcome.noReply !== true) sends.push(() => this.reply(client, header.xid, zxid, err === Err.OK ? (outcome.err ?? err) : err, started, err === Err.OK ? outcome.body : undefined));
    await inTurn(sends);
  }

  private async auth(client: ClientConnection, header: RequestHeader, r: JuteReader, started: number): Promise<void> {
    let packet: AuthPacket;
    try {
      packet = AuthPacketCodec.read(r);
    } catch (err) {
      if (!(err instanceof JuteError)) throw err;
      return this.refuse(client, `bad AuthPacket: ${err.message}`);
    }
    const id = AUTH_PROVIDERS.get(packet.scheme)?.authenticate(packet.auth, client.cnxn.remoteAddress.host);
    if (id !== undefined) {
      for (const earned of this.access.earned(id)) client.addAuthId(earned);
      await this.reply(client, header.xid, 0n, Err.OK, started);
      return;
    }
    this.runtime.log.log('warn', `Authentication with scheme "${packet.scheme}" failed for session ${hex(client.sessionId)} (unknown scheme, or no credentials); closing ${client.id}`);
    await client.cnxn.disableRecv();
    await this.reply(client, header.xid, 0n, Err.AUTHFAILED, started);
    await client.closeAfterFlush('client_closed_connection');
  }

  /**
   * Triggers the watches `events` fire (now: one-shot watches are gone at once); returns their notifications to
   * send. A watcher that may not READ the node gets nothing, its one-shot watch used up all the same, as in
   * ZooKeeper 3.8 (measured by the op-sequence fuzz, conformance/zookeeper/op-sequence-diff.ts).
   */
  private fire(events: readonly TreeEvent[]): Send[] {
    const sends: Send[] = [];
    for (const event of events) {
      for (const watcher of this.watches.trigger(event)) {
        if (event.acl === undefined || this.access.permits(watcher.authIds, event.acl, Perms.READ)) sends.push(() => watcher.notify(event));
      }
    }
    return sends;
  }

  private reply(client: ClientConnection, xid: number, zxid: bigint, err: number, started: number, body?: (w: JuteWriter) => void): Promise<void> {
    const w = JuteWriter.frame();
    ReplyHeaderCodec.write(w, { xid, zxid, err });
    body?.(w);
    const now = this.runtime.clock.now();
    const latency = now - started;
    this.stats.latency.add(latency);
    client.stats.latency.add(latency);
    client.stats.lastZxid = zxid;
    client.stats.lastResponseTime = now;
    return client.send(w.toFrame());
  }

  /** Closes a connection whose input cannot be understood; the server goes on serving the others. */
  private async refuse(client: ClientConnection, why: string): Promise<void> {
    this.runtime.log.log('warn', `Closing ${client.remote()} (${client.id}, session ${hex(client.sessionId)}): ${why}`);
    await client.cnxn.close('io_exception');
  }

  // --- bookkeeping ----------------------------------------------------------------------------------------

  /** The connection's record, created on its first frame, with the frame counted. */
  private received(cnxn: ServerConnection): ClientConnection {
    let client = this.clients.get(cnxn.id);
    if (client?.cnxn !== cnxn) {
      client = new ClientConnection(cnxn, this.wallNow(), this.stats);
      this.clients.set(cnxn.id, client);
    }
    client.stats.recved += 1;
    this.stats.packetsReceived += 1;
    return client;
  }

  private newTx(): Tx {
    return { zxid: this.tree.nextZxid(), time: BigInt(Math.floor(this.wallNow())) };
  }

  private wallNow(): number {
    return this.settings.epochMs + this.runtime.clock.now();
  }

  /** What the four-letter words report. */
  snapshot(): ServerSnapshot {
    return buildSnapshot({
      serving: this.serving,
      stats: this.stats,
      tree: this.tree,
      watches: this.watches,
      sessionCount: this.sessions.count(),
      uptimeMs: this.runtime.clock.now() - this.startedAt,
      factoryConnections: this.factories.length > 0 ? this.factories.flatMap((f) => f.connections()) : undefined,
      clients: this.clients,
    });
  }
}

type Send = () => Promise<void>;

/**
 * Sends one after another, each awaited before the next: the host runtime contract lets a logical thread make one
 * runtime call at a time, and a factory may write to the socket from inside send (the Netty-style factory does),
 * so two sends in flight at once from one thread could write the same queued bytes twice.
 */
async function inTurn(sends: readonly Send[]): Promise<void> {
  for (const send of sends) await send();
}
