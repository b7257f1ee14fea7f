/**
 * What the four-letter words report, gathered from the server's parts: counters, the tree, watches, sessions
 * and one line per connection. Connections come from the attached factories when there are any (they know every
 * connection, handshaken or not, and its interest ops), else from the connections the server has heard from.
 *
 * Implements: zk.four-letter-words (the numbers behind the text).
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { ConnectionInfo, ServerCnxnFactory } from '../../spec/server-cnxn-factory.ts';
import type { AdminSnapshot } from './admin-words.ts';
import type { SessionTracker } from './session-tracker.ts';
import type { ZkServerSettings } from './zk-server-options.ts';
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
    ...fileDescriptors(),
  };
}

/** From /proc on Linux; -1 elsewhere. */
function fileDescriptors(): { openFileDescriptors: number; maxFileDescriptors: number } {
  try {
    const open = readdirSync('/proc/self/fd').length;
    const max = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    return { openFileDescriptors: open, maxFileDescriptors: max === undefined ? -1 : Number(max) };
  } catch {
    return { openFileDescriptors: -1, maxFileDescriptors: -1 };
  }
}

export interface AdminSources {
  readonly settings: ZkServerSettings;
  readonly factories: readonly ServerCnxnFactory[];
  readonly watches: WatchManager<ClientConnection>;
  readonly sessions: SessionTracker;
  readonly tree: DataTree;
  /** Wall-clock ms at the runtime clock's zero. */
  readonly epochMs: number;
}

/** Node's side of envi: the keys ZooKeeper prints that have a meaning here, and Node's own for Java's. */
function environment(): [string, string][] {
  const memory = process.memoryUsage();
  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)}MB`;
  return [
    ['host.name', os.hostname()],
    ['node.version', process.version],
    ['node.execPath', process.execPath],
    ['os.name', os.type()],
    ['os.arch', os.arch()],
    ['os.version', os.release()],
    ['user.name', os.userInfo().username],
    ['user.home', os.homedir()],
    ['user.dir', process.cwd()],
    ['os.memory.free', mb(memory.heapTotal - memory.heapUsed)],
    ['os.memory.max', mb(os.totalmem())],
    ['os.memory.total', mb(memory.rss)],
  ];
}

/**
 * What conf, envi, wchs, wchc, wchp and dump report. Sessions are grouped in expiry sets as ZooKeeper's tracker
 * keeps them: by deadline rounded up to the next multiple of tickTime. The first attached factory is the plain
 * client port, the second the secure one (the order serve attaches them).
 */
export function buildAdminSnapshot(src: AdminSources): AdminSnapshot {
  const tick = src.settings.tickTime;
  const port = (f: ServerCnxnFactory | undefined) => f?.localAddress()?.port ?? -1;
  const sessions = src.sessions.ids().flatMap((id) => {
    const session = src.sessions.get(id);
    return session === undefined ? [] : [{ id, expiresAtMs: (Math.floor((src.epochMs + session.deadline) / tick) + 1) * tick }];
  });
  return {
    conf: {
      clientPort: port(src.factories[0]),
      secureClientPort: port(src.factories[1]),
      tickTime: tick,
      maxClientCnxns: src.settings.maxClientCnxns,
      minSessionTimeout: src.settings.minSessionTimeout,
      maxSessionTimeout: src.settings.maxSessionTimeout,
      clientPortListenBacklog: src.settings.clientPortListenBacklog,
    },
    environment: environment(),
    watches: src.watches.entries().map((w) => ({ kind: w.kind, path: w.path, sessionId: w.watcher.sessionId })),
    sessions,
    ephemerals: src.sessions
      .ids()
      .map((sessionId) => ({ sessionId, paths: src.tree.ephemeralsOf(sessionId) }))
      .filter((e) => e.paths.length > 0),
  };
}
