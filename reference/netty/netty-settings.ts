/**
 * The Netty-style factory's settings: FactoryOptions with defaults filled in and checked, read once in configure.
 *
 *     eventLoopThreads   worker event loops (Netty's io.netty.eventLoopThreads); default numSelectorThreads when
 *                        given (so the suite's generated thread counts apply to both designs), else 2 x cores
 *     idleTimeout        a channel that has not sent its ConnectRequest this long after it became active is closed
 *                        (connection_expired); default the NIO factory's sessionlessCnxnTimeout; 0 turns it off.
 *                        ZooKeeper's Netty factory never closes such a channel: a deliberate difference, so that
 *                        a peer that connects and stays silent (or never finishes its TLS handshake) cannot hold
 *                        a connection slot forever.
 *     globalOutstandingLimit  requests in flight over all connections above which a connection that has some
 *                        outstanding stops being read (ZooKeeper applies it to both of its factories)
 *     tls                key material for a secure factory (configure with secure = true refuses without it)
 */
import { availableParallelism } from 'node:os';
import { defaultWorkerThreads, GLOBAL_OUTSTANDING_LIMIT, JUTE_MAXBUFFER, SESSIONLESS_CNXN_TIMEOUT_MS } from '../../spec/knobs.ts';
import type { TlsServerOptions } from '../../spec/runtime.ts';
import type { FactoryOptions } from '../../spec/server-cnxn-factory.ts';
import { configError, integer } from '../option-values.ts';

export interface NettyFactoryOptions extends FactoryOptions {
  readonly eventLoopThreads?: number;
  readonly idleTimeout?: number;
}

export interface NettySettings {
  readonly eventLoopThreads: number;
  readonly idleTimeout: number;
  readonly maxCnxns: number;
  readonly juteMaxBuffer: number;
  readonly globalOutstandingLimit: number;
  readonly tls: TlsServerOptions | undefined;
}

export function resolveNettySettings(options: NettyFactoryOptions = {}): NettySettings {
  const cores = integer('cores', options.cores, availableParallelism());
  if (cores < 1) throw configError(`cores must be at least 1, got ${cores}`);
  // Netty's own default is 2 x cores, the same formula as the NIO worker pool's.
  const eventLoopThreads = integer('eventLoopThreads', options.eventLoopThreads ?? options.numSelectorThreads, defaultWorkerThreads(cores));
  if (eventLoopThreads < 1) throw configError(`eventLoopThreads must be at least 1 (got ${eventLoopThreads}); set it to 1 or more, or leave it unset`);
  const idleTimeout = integer('idleTimeout', options.idleTimeout ?? options.sessionlessCnxnTimeout, SESSIONLESS_CNXN_TIMEOUT_MS);
  if (idleTimeout < 0) throw configError(`idleTimeout must be 0 (off) or a positive number of ms, got ${idleTimeout}`);
  const maxCnxns = Math.max(0, integer('maxCnxns', options.maxCnxns, 0));
  const juteMaxBuffer = integer('juteMaxBuffer', options.juteMaxBuffer, JUTE_MAXBUFFER);
  if (juteMaxBuffer < 0) throw configError(`juteMaxBuffer must not be negative, got ${juteMaxBuffer}`);
  const globalOutstandingLimit = integer('globalOutstandingLimit', options.globalOutstandingLimit, GLOBAL_OUTSTANDING_LIMIT);
  return { eventLoopThreads, idleTimeout, maxCnxns, juteMaxBuffer, globalOutstandingLimit, tls: options.tls };
}
