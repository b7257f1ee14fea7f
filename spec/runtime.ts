/**
 * The host runtime contract: a small asynchronous port of the Java NIO vocabulary.
 *
 * A factory does everything that Java does with threads, selectors, queues, sockets or time through the
 * runtime it is handed, and awaits every call. Each awaited call is a point where the simulated runtime may
 * switch logical threads; nothing else is. Code between two awaited runtime calls runs atomically, so a
 * factory's races are exactly the ones the simulation can reach.
 *
 * Two runtimes implement this: reference/runtime/node (real sockets) and conformance/sim (deterministic).
 * Both emit the same trace (spec/trace), and the runtime, not the factory, emits it.
 */

import type { FactoryFact } from './trace/events.ts';

/** Interest and ready operation bits, with Java NIO's values. */
export const OP_READ = 1;
export const OP_WRITE = 4;
export const OP_CONNECT = 8;
export const OP_ACCEPT = 16;

export interface SocketAddress {
  readonly host: string;
  readonly port: number;
}

/** Life of a logical thread, as Java's Thread.State distinguishes what start() may do. */
export type ThreadState = 'NEW' | 'RUNNABLE' | 'TERMINATED';

export interface LogicalThread {
  /** The name traces show: `AcceptThread`, `SelectorThread-0`, `NIOWorker-3`, `ConnnectionExpirer`. */
  readonly name: string;
  readonly state: ThreadState;
  /** Starts the body. Starting a thread that is not NEW is an error (CNXNSPEC_ERR_THREAD_STATE). */
  start(): void;
  /** Resolves when the body has ended (at once if it never started). */
  join(): Promise<void>;
  /**
   * Makes the thread's current or next blocking call (sleep, take, select) throw InterruptedError. An
   * interrupt before start is kept for the first blocking call; after the thread ended it does nothing.
   */
  interrupt(): void;
}

export interface SelectionKey {
  /** Stable trace name, `k<n>`. */
  readonly id: string;
  readonly channel: SelectableChannel;
  readonly selector: Selector;
  interestOps(): number;
  /** Changes the interest set. Traced with the calling thread, which is what the invariants judge. */
  setInterestOps(ops: number): Promise<void>;
  /** Ready ops captured by the select that returned this key. */
  readyOps(): number;
  isValid(): boolean;
  cancel(): Promise<void>;
  attachment(): unknown;
  attach(value: unknown): void;
}

export interface Selector {
  /** Stable trace name, `sel<n>`. */
  readonly id: string;
  /**
   * Blocks until at least one registered key is ready for an op in its interest set, a wakeup is pending or
   * arrives, the timeout (ms) passes, or the selector is closed. Returns the ready keys (possibly none).
   * Level-triggered: a key whose channel is still ready is returned again by the next select.
   * An absent or 0 timeout means no timeout, as in Java. Interest changes and registrations made while a
   * select is blocked need not end it (Java applies them at the next select): a factory that needs the
   * select to see them must call wakeup(). The simulation never lets them end a blocked select; a select may
   * still return early with no keys, so callers loop.
   * Only one thread may select on a selector at a time (CNXNSPEC_ERR_THREAD_STATE otherwise).
   */
  select(timeoutMs?: number): Promise<SelectionKey[]>;
  /** Like select but never blocks. */
  selectNow(): Promise<SelectionKey[]>;
  /** Sticky: with no select in progress, the next select returns at once. Wakeups do not accumulate. */
  wakeup(): Promise<void>;
  keys(): readonly SelectionKey[];
  isOpen(): boolean;
  close(): Promise<void>;
}

export interface SelectableChannel {
  /** Stable trace name: `ch<n>` for sockets, `ss<n>` for listening sockets. */
  readonly id: string;
  isOpen(): boolean;
  /** Registers with `selector` for `ops`; a channel has at most one key per selector. */
  register(selector: Selector, ops: number, attachment?: unknown): Promise<SelectionKey>;
  keyFor(selector: Selector): SelectionKey | undefined;
}

export interface ServerSocketChannel extends SelectableChannel {
  setReuseAddress(on: boolean): void;
  /** Binds and listens. Port 0 asks for an ephemeral port; backlog -1 uses the platform default. */
  bind(address: SocketAddress, backlog: number): Promise<void>;
  /** The bound address with the real port; undefined before bind. */
  localAddress(): SocketAddress | undefined;
  /** Non-blocking: the next pending connection or null. Fails with a RuntimeIOError (e.g. EMFILE). */
  accept(): Promise<SocketChannel | null>;
  close(): Promise<void>;
}

/**
 * TLS on a listening socket: the key material and policy, already loaded from files and checked by whoever
 * configured the factory (reference/boot does it from ZooKeeper's `ssl.*` properties). PEM text only.
 */
export interface TlsServerOptions {
  /** PEM private key (unencrypted, or encrypted with `passphrase`). */
  readonly key: string;
  readonly passphrase?: string;
  /** PEM certificate chain, the server's own certificate first. */
  readonly cert: string;
  /** PEM certificates trusted for client certificates; absent means the platform's trust store. */
  readonly ca?: string;
  /** Client certificates: not asked for, asked for but optional, or required (ZooKeeper's ssl.clientAuth). */
  readonly clientAuth: 'none' | 'want' | 'need';
  /** Lowest and highest protocol version allowed, e.g. `TLSv1.2`, `TLSv1.3`. */
  readonly minVersion?: string;
  readonly maxVersion?: string;
  /** Cipher suites, colon-separated, in OpenSSL's names (TLS 1.2) or IANA names (TLS 1.3). */
  readonly ciphers?: string;
}

export interface ServerSocketOptions {
  /** When present, every accepted channel runs a server-side TLS handshake before any byte reaches read(). */
  readonly tls?: TlsServerOptions;
}

/**
 * Where a channel is in its TLS handshake: `none` for a plaintext channel; `handshaking` until the handshake
 * completes (read returns 0, OP_READ is ready only while handshake records wait to be processed); `done` from then
 * on (read returns application bytes); `failed` when the peer did not complete a valid handshake (OP_READ is ready
 * and read throws RuntimeIOError, so a factory learns of it on its usual read path and closes the channel).
 */
export type TlsState = 'none' | 'handshaking' | 'done' | 'failed';

export interface CloseOptions {
  /** Abort with a TCP RST instead of an orderly FIN (ZooKeeper's fastCloseSock). */
  readonly reset?: boolean;
}

export interface SocketChannel extends SelectableChannel {
  readonly remoteAddress: SocketAddress;
  /**
   * Non-blocking read into `into`: the number of bytes copied (0 when none are available), or -1 at end
   * of stream. Never reads more than `into.length`, so unread bytes stay with the socket. After the peer
   * reset the connection, bytes that arrived before the reset are read first, then every read throws
   * RuntimeIOError ECONNRESET (traced as a read of -1).
   */
  read(into: Uint8Array): Promise<number>;
  /** Non-blocking write: how many leading bytes of `data` the socket took (possibly 0). */
  write(data: Uint8Array): Promise<number>;
  /** Closes the socket; `reason` is recorded in the trace. Idempotent. */
  close(reason: string, options?: CloseOptions): Promise<void>;
  /** The TLS handshake state; `none` on a plaintext listening socket's channels. Not a scheduling point. */
  tlsState(): TlsState;
}

/** LinkedBlockingQueue semantics. Items that have an `id` are traced by it. */
export interface BlockingQueue<T> {
  /** Trace name, e.g. `acceptedQueue@SelectorThread-1`. */
  readonly name: string;
  /** False when the queue refuses the item (full, or a refusal injected by the simulation). */
  offer(item: T): Promise<boolean>;
  /** Non-blocking: the head or undefined. */
  poll(): Promise<T | undefined>;
  /** Blocks until an item is there; interruptible. */
  take(): Promise<T>;
  size(): number;
  clear(): void;
}

export interface Clock {
  /** Monotonic whole milliseconds since the runtime was created. */
  now(): number;
  /** Interruptible sleep. */
  sleep(ms: number): Promise<void>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string): void;
}

export interface HostRuntime {
  /** `node` or `sim`, for messages only: factories must not branch on it. */
  readonly kind: string;
  /** Creates a logical thread in state NEW. */
  thread(name: string, body: () => Promise<void>): LogicalThread;
  /** The logical thread making the current call (`main` outside any spawned thread). */
  currentThread(): string;
  openSelector(): Promise<Selector>;
  /** A listening socket; with `options.tls` its channels speak TLS (see TlsState). */
  openServerSocket(options?: ServerSocketOptions): Promise<ServerSocketChannel>;
  newQueue<T>(name: string, capacity?: number): BlockingQueue<T>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Records a factory-level fact that no runtime call reveals (connection created, touched, expired...). */
  fact(fact: FactoryFact): void;
  /**
   * True when events are being recorded. A factory checks it before computing what only a fact needs (such as
   * the running digest of its outgoing bytes), so that tracing off costs nothing.
   */
  readonly tracing: boolean;
  /** Shuffles in place with the runtime's randomness (seeded in the simulation). */
  shuffle<T>(items: T[]): T[];
}
