/**
 * ClientConnection: what the server keeps about one factory connection: its session (0 until the handshake
 * succeeds), its counters, and how to reach it. It is also the watcher object: watches a connection sets are
 * registered under its ClientConnection and dropped when the connection closes.
 *
 * Every frame to the client goes through `send`, which counts it; notifications are ReplyHeader(xid -1, the
 * event's zxid, err 0) + WatcherEvent{type, SyncConnected, path}, as ZooKeeper 3.9 sends them.
 */
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import type { ServerConnection } from '../../spec/server-cnxn-factory.ts';
import type { Id } from './acl.ts';
import { ReplyHeaderCodec } from './header-records.ts';
import { JuteWriter } from './jute-writer.ts';
import { Xid } from './op-codes.ts';
import { WatcherEventCodec } from './response-records.ts';
import { ConnectionStats, type ServerStats } from './server-stats.ts';
import { KeeperState, type TreeEvent } from './watch-events.ts';

export class ClientConnection {
  sessionId = 0n;
  readonly stats = new ConnectionStats();
  /** Who the client is: `ip:<address>` from the start, then what auth packets add (no duplicates). */
  readonly authIds: Id[];

  constructor(
    readonly cnxn: ServerConnection,
    /** Wall-clock ms when the connection reached the server (`est` in cons). */
    readonly establishedMs: number,
    private readonly serverStats: ServerStats,
  ) {
    this.authIds = [{ scheme: 'ip', id: cnxn.remoteAddress.host }];
  }

  addAuthId(id: Id): void {
    if (!this.authIds.some((a) => a.scheme === id.scheme && a.id === id.id)) this.authIds.push(id);
  }

  get id(): string {
    return this.cnxn.id;
  }

  /** Queues one frame (or raw 4lw text) and counts it as a packet sent. */
  send(bytes: Uint8Array): Promise<void> {
    this.stats.sent += 1;
    this.serverStats.packetsSent += 1;
    return this.cnxn.send(bytes);
  }

  notify(event: TreeEvent): Promise<void> {
    const w = JuteWriter.frame(32 + event.path.length);
    ReplyHeaderCodec.write(w, { xid: Xid.notification, zxid: event.zxid, err: 0 });
    WatcherEventCodec.write(w, { type: event.type, state: KeeperState.SyncConnected, path: event.path });
    return this.send(w.toFrame());
  }

  /** Closes with `reason` once everything queued is written. */
  closeAfterFlush(reason: DisconnectReason): Promise<void> {
    return this.cnxn.sendCloseAfterFlush(reason);
  }

  /** `/ip:port`, as ZooKeeper prints remote addresses. */
  remote(): string {
    return `/${this.cnxn.remoteAddress.host}:${this.cnxn.remoteAddress.port}`;
  }
}
