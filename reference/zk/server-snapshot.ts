/**
 * What the four-letter words report, gathered from the server's parts: counters, the tree, watches, sessions
 * and one line per connection. Connections come from the attached factories when there are any (they know every
 * connection, handshaken or not, and its interest ops), else from the connections the server has heard from.
 *
 * Implements: zk.four-letter-words (the numbers behind the text).
 */
import type { ConnectionInfo } from '../../spec/server-cnxn-factory.ts';
import type { ClientConnection } from './client-connection.ts';
import type { DataTree } from './data-tree.ts';
import type { ConnectionLine, ServerSnapshot } from './four-letter-words.ts';
import type { ServerStats } from './server-stats.ts';
import type { WatchManager } from './watch-manager.ts';

export interface SnapshotSources {
  readonly serving: boolean;
  readonly stats: ServerStats;
  readonly tree: DataTree;
  readonly watches: WatchManager<ClientConnection>;
  readonly sessionCount: number;
  readonly uptimeMs: number;
  /** The factories' connections, or undefined when no factory is attached. */
  readonly factoryConnections: readonly ConnectionInfo[] | undefined;
  readonly clients: ReadonlyMap<string, ClientConnection>;
}

function line(info: ConnectionInfo, client: ClientConnection | undefined): ConnectionLine {
  const s = client?.stats;
  const base: ConnectionLine = { remote: info.remote, interestOps: info.interestOps, queued: 0, recved: s?.recved ?? 0, sent: s?.sent ?? 0 };
  if (client === undefined || s === undefined || client.sessionId === 0n) return base;
  return {
    ...base,
    session: {
      sessionId: client.sessionId,
      lastOp: s.lastOp,
      establishedMs: client.establishedMs,
      timeout: client.cnxn.sessionTimeout(),
      lastCxid: s.lastCxid,
      lastZxid: s.lastZxid,
      lastResponseTime: s.lastResponseTime,
      lastLatency: s.latency.last(),
      minLatency: s.latency.minimum(),
      avgLatency: s.latency.averageWhole(),
      maxLatency: s.latency.maximum(),
    },
  };
}

export function buildSnapshot(src: SnapshotSources): ServerSnapshot {
  const infos =
    src.factoryConnections ??
    [...src.clients.values()].map((c) => ({ id: c.id, remote: c.cnxn.remoteAddress, sessionId: c.sessionId, interestOps: 0 }));
  return {
    serving: src.serving,
    latency: { min: src.stats.latency.minimum(), avg: src.stats.latency.average(), max: src.stats.latency.maximum() },
    received: src.stats.packetsReceived,
    sent: src.stats.packetsSent,
    // Requests are answered as they are read, so none is ever waiting.
    outstanding: 0,
    zxid: src.tree.lastZxid(),
    nodeCount: src.tree.nodeCount(),
    connections: infos.map((info) => line(info, src.clients.get(info.id))),
    uptimeMs: src.uptimeMs,
    watchCount: src.watches.count(),
    ephemeralsCount: src.tree.ephemeralCount(),
    approximateDataSize: src.tree.approximateDataSize(),
    sessionCount: src.sessionCount,
  };
}
