/**
 * Helpers for the ZooKeeper server's socket tests: a ZkServer behind the reference NIO factory on the node
 * runtime (127.0.0.1, port 0, cleaned up in t.after), node-zookeeper-client calls as promises, a raw socket peer
 * that speaks frames, and bounded waits. Test-only; nothing in the server imports it.
 */
import net from 'node:net';
import { createClient, type Client, type ClientOptions, type Event, type Stat } from 'node-zookeeper-client';
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import type { SocketAddress } from '../../spec/runtime.ts';
import { NIOServerCnxnFactory } from '../nio/nio-server-cnxn-factory.ts';
import type { NioFactoryOptions } from '../nio/nio-settings.ts';
import { createNodeRuntime, type NodeHostRuntime } from '../runtime/node/index.ts';
import { ConnectRequestCodec, ConnectResponseCodec, type ConnectResponse } from './connect-records.ts';
import { ReplyHeaderCodec, RequestHeaderCodec, type ReplyHeader } from './header-records.ts';
import { JuteReader } from './jute-reader.ts';
import { JuteWriter } from './jute-writer.ts';
import { ZkServer } from './zk-server.ts';
import type { ZkServerOptions } from './zk-server-options.ts';

export interface Cleanup {
  after(fn: () => Promise<void> | void): void;
}

export interface ZkFixture {
  readonly runtime: NodeHostRuntime;
  readonly factory: NIOServerCnxnFactory;
  readonly server: ZkServer;
  readonly address: SocketAddress;
  readonly connectString: string;
  /** Every log line as `<level> <message>`. */
  readonly logs: string[];
  /** A node-zookeeper-client connected to the server, closed (before the server stops) after the test. */
  connect(options?: ClientOptions): Promise<Client>;
}

export interface StartOptions {
  readonly server?: ZkServerOptions;
  readonly factory?: NioFactoryOptions;
  readonly maxClientCnxns?: number;
}

/** A started ZkServer behind a NIO factory; shut down (factory, server, runtime) after the test. */
export async function startZk(t: Cleanup, options: StartOptions = {}): Promise<ZkFixture> {
  const logs: string[] = [];
  const runtime = createNodeRuntime({ logger: { log: (level, message) => void logs.push(`${level} ${message}`) } });
  const factory = new NIOServerCnxnFactory(runtime, { cores: 2, numWorkerThreads: 2, ...options.factory });
  const server = new ZkServer(runtime, { secret: new Uint8Array(32).fill(7), ...options.server });
  const clients: Client[] = [];
  t.after(async () => {
    await Promise.all(clients.map(closeClient));
    await factory.shutdown();
    await server.shutdown();
    await runtime.dispose();
  });
  await factory.configure({ host: '127.0.0.1', port: 0 }, options.maxClientCnxns ?? 0, -1, false);
  server.attachFactory(factory);
  await factory.startup(server);
  const address = factory.localAddress();
  if (address === undefined) throw new Error('the factory reports no address after configure');
  const connectString = `${address.host}:${address.port}`;
  const connect = async (clientOptions: ClientOptions = {}): Promise<Client> => {
    const client = createClient(connectString, { retries: 0, spinDelay: 20, ...clientOptions });
    clients.push(client);
    await new Promise<void>((resolve) => {
      client.once('connected', () => resolve());
      client.connect();
    });
    return client;
  };
  return { runtime, factory, server, address, connectString, logs, connect };
}

/**
 * Closes a client and waits (bounded) for its socket to end. The client must be closing before its socket goes,
 * or it would reconnect; so close() first, and destroy only a socket that lingers afterwards.
 */
export async function closeClient(client: Client): Promise<void> {
  const socket = client.connectionManager.socket as net.Socket | undefined;
  client.close();
  if (socket === undefined || socket.destroyed) return;
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const limit = new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref());
  await Promise.race([ended, limit]);
  socket.destroy();
}

/** Records the reason of every connection close the factory reports to the server, from now on. */
export function closeReasons(f: ZkFixture): DisconnectReason[] {
  const reasons: DisconnectReason[] = [];
  const original = f.server.connectionClosed.bind(f.server);
  f.server.connectionClosed = (cnxn, reason) => {
    reasons.push(reason);
    original(cnxn, reason);
  };
  return reasons;
}

/** Polls `check` every few ms until it holds; fails after `limitMs`. For state the test cannot await. */
export async function eventually(what: string, check: () => boolean, limitMs = 5_000): Promise<void> {
  const step = 5;
  for (let waited = 0; waited < limitMs; waited += step) {
    if (check()) return;
    await new Promise<void>((resolve) => setTimeout(resolve, step));
  }
  if (!check()) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
}

// --- node-zookeeper-client ------------------------------------------------------------------------------------

type Cb<T> = (error: Error | null, value: T) => void;

function call<T>(fn: (cb: Cb<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));
}

export const zk = {
  create: (c: Client, path: string, data: Buffer | null, mode = 0) => call<string>((cb) => c.create(path, data, mode, cb)),
  remove: (c: Client, path: string, version = -1) => call<void>((cb) => c.remove(path, version, (e) => cb(e, undefined))),
  exists: (c: Client, path: string, watcher?: (e: Event) => void) => call<Stat | null>((cb) => c.exists(path, watcher, cb)),
  getData: (c: Client, path: string, watcher?: (e: Event) => void) =>
    call<{ data: Buffer; stat: Stat }>((cb) => c.getData(path, watcher, (e, data, stat) => cb(e, { data, stat }))),
  setData: (c: Client, path: string, data: Buffer | null, version = -1) => call<Stat>((cb) => c.setData(path, data, version, cb)),
  getChildren: (c: Client, path: string, watcher?: (e: Event) => void) =>
    call<{ children: string[]; stat: Stat }>((cb) => c.getChildren(path, watcher, (e, children, stat) => cb(e, { children, stat }))),
};

/** The error code a rejected client call carried. */
export async function errorCode(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
  throw new Error('the call succeeded; an error was expected');
}

// --- raw sockets ------------------------------------------------------------------------------------------

/** A plain TCP client that reads frames or raw bytes; destroyed after the test. */
export class RawPeer {
  private buffered = Buffer.alloc(0);
  private ended = false;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    let markClosed!: () => void;
    this.closed = new Promise((resolve) => (markClosed = resolve));
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake();
    });
    const end = (): void => {
      this.ended = true;
      markClosed();
      this.wake();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  static async connect(t: Cleanup, address: SocketAddress): Promise<RawPeer> {
    const socket = net.connect({ host: address.host, port: address.port });
    t.after(() => void socket.destroy());
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawPeer(socket);
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Reads `n` bytes, or fewer if the server closes first. */
  async read(n: number): Promise<Buffer> {
    while (this.buffered.length < n && !this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
    const out = this.buffered.subarray(0, Math.min(n, this.buffered.length));
    this.buffered = this.buffered.subarray(out.length);
    return out;
  }

  /** One frame's payload, or null if the server closed first. */
  async readFrame(): Promise<Uint8Array | null> {
    const head = await this.read(4);
    if (head.length < 4) return null;
    const len = head.readInt32BE(0);
    const payload = await this.read(len);
    return payload.length < len ? null : new Uint8Array(payload);
  }

  /** Everything until the server closes. */
  async readToEnd(): Promise<string> {
    await this.closed;
    const text = this.buffered.toString('utf8');
    this.buffered = Buffer.alloc(0);
    return text;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export function connectFrame(options: { timeOut?: number; sessionId?: bigint; passwd?: Uint8Array; lastZxidSeen?: bigint; readOnly?: boolean | null } = {}): Uint8Array {
  const w = JuteWriter.frame();
  ConnectRequestCodec.write(w, {
    protocolVersion: 0,
    lastZxidSeen: options.lastZxidSeen ?? 0n,
    timeOut: options.timeOut ?? 30_000,
    sessionId: options.sessionId ?? 0n,
    passwd: options.passwd ?? new Uint8Array(16),
    ...(options.readOnly === null ? {} : { readOnly: options.readOnly ?? false }),
  });
  return w.toFrame();
}

/** A request frame: RequestHeader then the body `write` produces. */
export function requestFrame(xid: number, type: number, write?: (w: JuteWriter) => void): Uint8Array {
  const w = JuteWriter.frame();
  RequestHeaderCodec.write(w, { xid, type });
  write?.(w);
  return w.toFrame();
}

export async function rawHandshake(peer: RawPeer, options: Parameters<typeof connectFrame>[0] = {}): Promise<ConnectResponse> {
  peer.write(connectFrame(options));
  const payload = await peer.readFrame();
  if (payload === null) throw new Error('the server closed before its ConnectResponse');
  return ConnectResponseCodec.read(new JuteReader(payload));
}

export async function readReply(peer: RawPeer): Promise<{ header: ReplyHeader; body: JuteReader } | null> {
  const payload = await peer.readFrame();
  if (payload === null) return null;
  const body = new JuteReader(payload);
  return { header: ReplyHeaderCodec.read(body), body };
}
