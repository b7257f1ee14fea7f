/**
 * The ServerCnxnFactory surface every factory offers, the module shape a third-party factory exports, and the
 * small interface through which a factory hands complete frames to the server behind it.
 */

import type { DisconnectReason } from './disconnect-reasons.ts';
import type { HostRuntime, SocketAddress, TlsServerOptions } from './runtime.ts';

/** Per-factory settings that ZooKeeper reads from properties; absent fields take spec/knobs defaults. */
export interface FactoryOptions {
  readonly numSelectorThreads?: number;
  readonly numWorkerThreads?: number;
  readonly sessionlessCnxnTimeout?: number;
  readonly maxCnxns?: number;
  readonly juteMaxBuffer?: number;
  readonly globalOutstandingLimit?: number;
  readonly shutdownTimeout?: number;
  /** Cores the default thread counts are computed from (the machine's when absent). */
  readonly cores?: number;
  /** Key material for a factory configured with secure = true (boot loads it from the `ssl.*` properties). */
  readonly tls?: TlsServerOptions;
}

/** A connection as the server behind the factory sees it. */
export interface ServerConnection {
  /** The channel's trace id. */
  readonly id: string;
  readonly remoteAddress: SocketAddress;
  sessionId(): bigint;
  sessionTimeout(): number;
  /** Sets the session (after a ConnectRequest); also postpones expiry. */
  setSession(sessionId: bigint, timeoutMs: number): void;
  /** Queues bytes for the client, in order: one complete frame (length prefix included), or a 4lw answer. */
  send(frame: Uint8Array): Promise<void>;
  /** Closes (with `reason`, client_closed_connection when absent) once everything queued before it has been written. */
  sendCloseAfterFlush(reason?: DisconnectReason): Promise<void>;
  close(reason: DisconnectReason): Promise<void>;
  /** Throttling: stop and resume reading from this connection. */
  disableRecv(): Promise<void>;
  enableRecv(): Promise<void>;
}

/** The server a factory serves: it receives each complete frame payload (without the length prefix). */
export interface RequestHandler {
  /** The first frame of a connection. */
  processConnectRequest(cnxn: ServerConnection, payload: Uint8Array): Promise<void>;
  processPacket(cnxn: ServerConnection, payload: Uint8Array): Promise<void>;
  /** Called once when a connection closes, for any reason. */
  connectionClosed(cnxn: ServerConnection, reason: DisconnectReason): void;
  /**
   * Four-letter words (`ruok`, `srvr`, ...): when the first 4 bytes of a connection spell one of
   * FOUR_LETTER_WORDS, the factory offers them here before reading them as a frame length. A handler that takes
   * the word answers with `send` (raw text, no length prefix), then `sendCloseAfterFlush`, and returns true; the
   * factory then reads nothing more from that connection. False (or no method) lets the factory treat the 4 bytes
   * as a length, which fails the length check and closes the connection.
   */
  fourLetterWord?(cnxn: ServerConnection, word: string): Promise<boolean>;
}

/** The four-letter words ZooKeeper knows; others are ordinary frame lengths. */
export const FOUR_LETTER_WORDS = [
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk', 'srvr', 'srst', 'stat', 'wchc', 'wchp', 'wchs', 'mntr', 'isro', 'hash',
] as const;

export interface ConnectionInfo {
  readonly id: string;
  readonly remote: SocketAddress;
  readonly sessionId: bigint;
  readonly interestOps: number;
}

export interface ServerCnxnFactory {
  /** The implementation's name as the boot log shows it. */
  readonly name: string;
  /** Opens and binds (NIO) or records (Netty-style) the listening address; prepares, does not start, threads. */
  configure(address: SocketAddress, maxClientCnxns: number, backlog: number, secure: boolean): Promise<void>;
  /** Starts every thread exactly once; a second call does nothing. */
  start(): Promise<void>;
  /** start, then hand frames to `handler`. */
  startup(handler: RequestHandler): Promise<void>;
  /** No new accepts; wakes every thread so that it ends. */
  stop(): Promise<void>;
  /** Resolves when every thread has ended. */
  join(): Promise<void>;
  /** stop, join, close every connection with server_shutdown. */
  shutdown(): Promise<void>;
  /** The bound address with the real port (port 0 resolved). */
  localAddress(): SocketAddress | undefined;
  connections(): readonly ConnectionInfo[];
  closeSession(sessionId: bigint, reason: DisconnectReason): Promise<boolean>;
}

/** What a factory module exports; `cnxnspec test --factory <module>` loads it. */
export interface FactoryModule {
  createFactory(runtime: HostRuntime, options: FactoryOptions): ServerCnxnFactory;
}
